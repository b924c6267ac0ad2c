variable "stage" {
  type = string
}

variable "export_actions" {
  default = ["s3:PutObject", "s3:PutObjectTagging"]
}
