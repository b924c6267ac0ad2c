terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "plan-only"
  secret_key                  = "plan-only"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variable "stage" { type = string }
variable "readers" { type = map(list(string)) }
variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_iam_policy" "reader" {
  for_each = var.readers
  name     = "billing-${each.key}-${var.stage}"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = each.value, Resource = "*" }]
  })
}

module "iam" {
  source  = "git::file:///tmp/policy-reviewer-plans/modules.git//iam?ref=v1"
  name    = "billing-${var.stage}"
  actions = ["s3:*"]
  buckets = ["arn:aws:s3:::billing-${var.stage}/*"]
}

resource "aws_ssm_parameter" "db" {
  name  = "/billing/${var.stage}/db"
  type  = "SecureString"
  value = var.db_password
}

resource "aws_lambda_function" "forward" {
  function_name = "forward-billing-${var.stage}"
  role          = module.iam.role_arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  environment {
    variables = { DB_PASSWORD = var.db_password, STAGE = var.stage }
  }
}

# The module's output, known when planned: where the forwarder may write.
resource "aws_iam_role_policy" "forward_writes" {
  name = "forward-writes-${var.stage}"
  role = "forward-billing-${var.stage}"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:PutObject", Resource = module.iam.bucket_arns }]
  })
}

variable "with_dlq" { type = bool }

resource "aws_sqs_queue" "dlq" {
  count = var.with_dlq ? 1 : 0
  name  = "forward-billing-dlq-${var.stage}"
}

variable "grants" { type = map(string) }

# One statement per grant, as many as the plan's grants.
data "aws_iam_policy_document" "grants" {
  dynamic "statement" {
    for_each = var.grants
    content {
      sid       = statement.key
      actions   = [statement.value]
      resources = ["*"]
    }
  }
}

resource "aws_iam_policy" "grants" {
  name   = "billing-grants-${var.stage}"
  policy = data.aws_iam_policy_document.grants.json
}
