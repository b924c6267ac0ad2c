variable "deployed_app_names" {
}

variable "frontend_docker_images" {
}

variable "built_app_names" {
}
