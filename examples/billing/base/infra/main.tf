resource "aws_s3_bucket" "exports" {
  bucket = "billing-exports-${var.stage}"
}
