variable "env" {
}

variable "aws_account_id" {
}

variable "aws_region" {
}

variable "region_name" {
}
