variable "deployed_app_names" {
}

variable "aws_account_id" {
}

variable "env_name" {
}
