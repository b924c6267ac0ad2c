variable "env_name" {
  description = "E.g. staging"
}

