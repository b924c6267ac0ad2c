variable "bastion_server_ip" {
}

variable "administrator_cidrs" {
}
