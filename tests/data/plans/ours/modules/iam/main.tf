# A module as a registry would publish it: the role it makes and what the role may do.
variable "name" { type = string }
variable "actions" { type = list(string) }
variable "buckets" { type = list(string) }

resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name = "${var.name}-access"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = var.actions
      Resource = var.buckets
    }]
  })
}

output "role_arn" { value = aws_iam_role.this.arn }
output "bucket_arns" { value = var.buckets }
