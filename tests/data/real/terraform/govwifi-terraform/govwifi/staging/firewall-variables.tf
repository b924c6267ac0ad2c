variable "administrator_cidrs" {
}
