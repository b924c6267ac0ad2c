variable "aws_account_id" {
}
