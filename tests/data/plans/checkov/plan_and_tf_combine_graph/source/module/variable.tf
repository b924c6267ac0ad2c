variable "bucket" {
  type = string
}