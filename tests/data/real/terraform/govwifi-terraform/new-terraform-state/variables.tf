variable "env_name" {
}

variable "accesslogs_glacier_transition_days" {
  default = 7
}

variable "accesslogs_expiration_days" {
  default = 30
}
