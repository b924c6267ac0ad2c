"""Messages speak the format's own words (issue 17, point 16): Terraform's and the Serverless
Framework's property names, values as their authors wrote them, SQS for a queue and SNS for
a topic."""

from __future__ import annotations

from tests.test_terraform import scan

ROOT = 'provider "aws" {\n  region = "eu-west-1"\n}\n'


def test_terraform_messages_use_terraform_names_and_values_as_written() -> None:
    files = {"main.tf": ROOT + """\
        variable "stage" {
          default = "dev"
        }
        locals {
          app = "orders"
        }
        resource "aws_lambda_function" "fn" {
          function_name = "${local.app}-handler" # the handler
          role          = "arn:aws:iam::111111111111:role/x"
        }
        resource "aws_sqs_queue" "jobs" {
          name = "jobs-${var.stage}"
        }
        resource "aws_sns_topic" "events" {
          name = "events-${var.stage}"
        }
        """}
    found = {f.rule_id + ":" + (f.resource or ""): f.message for f in scan(files)}
    name = found["staged-names:aws_lambda_function.fn"]
    assert name.startswith('function_name "${local.app}-handler" (that is "orders-handler") '
                           "does not contain the stage (${var.stage})")
    assert "Fn::Sub" not in name and "(expression)" not in name and "# the handler" not in name
    assert found["concurrency-limit:aws_lambda_function.fn"] == \
        "function aws_lambda_function.fn sets no reserved_concurrent_executions"
    queue = found["encryption-at-rest:aws_sqs_queue.jobs"]
    topic = found["encryption-at-rest:aws_sns_topic.events"]
    assert queue.startswith("SQS queue aws_sqs_queue.jobs") and "SNS" not in queue
    assert "sqs_managed_sse_enabled" in queue and "SqsManagedSseEnabled" not in queue
    assert topic.startswith("SNS topic aws_sns_topic.events sets no kms_master_key_id") \
        and "SQS" not in topic


def test_serverless_messages_use_the_framework_names_and_variables_as_written() -> None:
    files = {"serverless.yml": """\
        service: orders
        custom:
          table: orders-table
        provider:
          name: aws
          stage: ${opt:stage, 'dev'}
        functions:
          create:
            handler: create.handler
            name: create-orders
        stepFunctions:
          stateMachines:
            flow:
              name: orders-flow
        resources:
          Resources:
            Table:
              Type: AWS::DynamoDB::Table
              Properties:
                TableName: ${self:custom.table}
        """}
    found = {f.rule_id + ":" + (f.resource or ""): f for f in scan(files)}
    assert found["staged-names:create"].message.startswith(
        'name "create-orders" does not contain the stage (${sls:stage})')
    assert found["staged-names:flow"].message.startswith('name "orders-flow" does not contain')
    # resources.Resources is CloudFormation, in CloudFormation's words; the variable as written.
    assert found["staged-names:Table"].message.startswith(
        'TableName ${self:custom.table} (that is "orders-table") does not contain')
    assert found["concurrency-limit:create"].message == "function create sets no reservedConcurrency"


def test_cloudformation_messages_are_unchanged() -> None:
    files = {"t.yaml": """\
        Resources:
          Q:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: jobs
          F:
            Type: AWS::Lambda::Function
            Properties:
              FunctionName: !Sub "handler-${AWS::Region}"
        """}
    found = {f.rule_id + ":" + (f.resource or ""): f.message for f in scan(files)}
    assert found["staged-names:Q"].startswith('QueueName "jobs" does not contain the stage (${Stage})')
    assert found["staged-names:F"].startswith('FunctionName !Sub "handler-${AWS::Region}" does not')
    assert found["concurrency-limit:F"] == "function F sets no ReservedConcurrentExecutions"
    assert found["encryption-at-rest:Q"].startswith("SQS queue Q does not say") and \
        "SqsManagedSseEnabled" in found["encryption-at-rest:Q"]


def test_a_name_a_caller_passes_into_a_module_is_shown_with_what_it_comes_to() -> None:
    files = {
        "main.tf": ROOT + """\
            module "worker" {
              source      = "./modules/worker"
              policy_name = "concourse-worker"
            }
            """,
        "modules/worker/main.tf": """\
            variable "policy_name" {}
            resource "aws_iam_policy" "p" {
              name   = var.policy_name
              policy = "{}"
            }
            """,
    }
    [found] = [f for f in scan(files) if f.rule_id == "staged-names"]
    assert found.message.startswith(
        'name var.policy_name (that is "concourse-worker") does not contain the stage')


def test_resources_in_a_message_are_shown_as_written() -> None:
    files = {"main.tf": ROOT + """\
        locals {
          region = var.region == "" ? "" : var.region
        }
        variable "region" {
          default = ""
        }
        data "aws_iam_policy_document" "p" {
          statement {
            actions   = ["athena:ListDatabases"]
            resources = [
              "arn:aws:athena:${local.region}:111111111111:catalog/AwsDataCatalog/database/logs",
            ]
          }
        }
        """, "one-line.json": """\
        {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                        "Resource": ["arn:aws:sns:eu-west-1:111111111111:a", "arn:aws:sns:eu-west-1:111111111111:b"]}]}
        """}
    found = {f.path: f.message for f in scan(files, rule="action-resource-match")}
    assert "cannot act on arn:aws:athena:${local.region}:111111111111:catalog/" in found["main.tf"]
    # Two values on one line: each shown on its own, never the line with its key.
    assert "cannot act on arn:aws:sns:eu-west-1:111111111111:a, arn:aws:sns:eu-west-1:111111111111:b:" \
        in found["one-line.json"]


def test_a_name_from_a_conditional_local_is_shown_as_terraform_writes_it() -> None:
    files = {"main.tf": ROOT + """\
        variable "long" {
          default = true
        }
        locals {
          group = var.long ? "/aws/ecs/orders/api" : "/aws/ecs/orders"
        }
        resource "aws_cloudwatch_log_group" "this" {
          name = local.group
        }
        """}
    [found] = scan(files, rule="staged-names")
    assert found.message.startswith(
        'name var.long ? "/aws/ecs/orders/api" : "/aws/ecs/orders" does not contain the stage')
