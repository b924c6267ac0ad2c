variable "aws_region" {
}

variable "env" {
}

variable "aws_account_id" {
}

variable "region_name" {
}

