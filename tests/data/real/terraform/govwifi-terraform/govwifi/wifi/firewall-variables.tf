variable "administrator_cidrs" {
}

variable "bastion_server_ip" {
}
