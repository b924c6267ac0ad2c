variable "env_name" {
}

variable "aws_account_id" {
}

variable "aws_region_name" {
}

variable "backup_region_name" {
}

variable "product_name" {
}

variable "accesslogs_glacier_transition_days" {
}

variable "accesslogs_expiration_days" {
}

