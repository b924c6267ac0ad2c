resource "aws_s3_bucket" "exports" {
  bucket = "billing-exports-${var.stage}"
}

data "aws_iam_policy_document" "export" {
  statement {
    actions   = var.export_actions
    resources = ["${aws_s3_bucket.exports.arn}/*"]
  }
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "export" {
  role   = aws_iam_role.export.id
  policy = data.aws_iam_policy_document.export.json
}

resource "aws_iam_role" "export" {
  name               = "billing-export"
  assume_role_policy = data.aws_iam_policy_document.lambda.json
}

data "aws_iam_policy_document" "lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}
