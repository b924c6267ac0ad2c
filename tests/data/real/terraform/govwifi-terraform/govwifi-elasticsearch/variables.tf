variable "env_name" {
}

variable "aws_region" {
}

variable "backend_subnet_id" {
}

variable "vpc_id" {
}

variable "vpc_cidr_block" {
}

variable "aws_account_id" {
}

variable "domain_name" {
}
