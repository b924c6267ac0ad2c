"""Terraform as real modules write it (issue 17): each test is code of the shape that made a
rule wrong on public Terraform, and asserts the finding a person would call right."""

from __future__ import annotations

from tests.test_terraform import scan, where

# A root module: it configures its provider, so its variables' defaults are what deploys.
ROOT = 'provider "aws" {\n  region = "eu-west-1"\n}\n'


def test_templatefile_directives_are_rendered_and_every_branch_judged() -> None:
    files = {
        "svc/main.tf": ROOT + """\
            variable "admin" {
              type = bool
            }
            resource "aws_iam_policy" "p" {
              policy = templatefile("${path.module}/policy.json.tftpl", {
                bucket = "reports"
                admin  = var.admin
                arns   = ["arn:aws:sqs:eu-west-1:111111111111:a"]
              })
            }
            """,
        "svc/policy.json.tftpl": """\
            {
              "Version": "2012-10-17",
              "Statement": [
                %{~ if admin ~}
                {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}
                %{~ else ~}
                {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::${bucket}/*"}
                %{~ endif ~},
                {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": [
                  %{ for arn in arns }"${arn}",%{ endfor }
                ]}
              ]
            }
            """,
    }
    found = scan(files, rule="no-wildcard-actions")
    # Both branches, each on its own line of the template, named by the resource using it.
    assert where(found) == [("svc/policy.json.tftpl", 5, "aws_iam_policy.p"),
                            ("svc/policy.json.tftpl", 7, "aws_iam_policy.p")]
    assert '"iam:*"' in found[0].message and '"s3:*"' in found[1].message
    # The template is not also judged as a JSON file of its own.
    assert [f for f in scan(files) if f.rule_id == "template-parse"] == []


def test_a_json_template_with_directives_is_not_a_syntax_error() -> None:
    files = {
        "svc/main.tf": ROOT + """\
            resource "aws_iam_role_policy" "p" {
              role   = "r"
              policy = templatefile("${path.module}/policy.json", { extra = [] })
            }
            """,
        "svc/policy.json": """\
            {"Statement": [
              {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}
              %{ for s in extra },${jsonencode(s)}%{ endfor }
            ]}
            """,
    }
    found = scan(files)
    assert [f.rule_id for f in found if f.rule_id == "template-parse"] == []
    assert [(f.path, f.start_line) for f in found if f.rule_id == "no-wildcard-actions"] == [
        ("svc/policy.json", 2)]


def test_a_template_whose_directives_do_not_nest_is_said_not_reviewed() -> None:
    files = {
        "svc/main.tf": ROOT + """\
            resource "aws_iam_policy" "p" {
              policy = templatefile("${path.module}/policy.tftpl", {})
            }
            """,
        "svc/policy.tftpl": """\
            {"Statement": [
              %{ if true }
              {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}
            ]}
            """,
    }
    [problem] = [f for f in scan(files) if f.rule_id == "template-parse"]
    assert problem.severity == "error" and problem.path == "svc/main.tf"
    assert "policy.tftpl is not reviewed" in problem.message and "never closed" in problem.message


def test_aws_managed_policies_looked_up_by_name_may_be_shared() -> None:
    files = {"main.tf": ROOT + """\
        data "aws_iam_policy" "read_only" {
          name = "AmazonEC2ContainerServiceforEC2Role"
        }
        data "aws_iam_policy" "logs" {
          arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        }
        data "aws_iam_policy" "team" {
          name = "team-boundary"
        }
        data "aws_iam_policy" "given" {
          name = var.policy_name
        }
        resource "aws_iam_role" "a" {
          name               = "a-${var.stage}"
          assume_role_policy = "{}"
        }
        resource "aws_iam_role" "b" {
          name               = "b-${var.stage}"
          assume_role_policy = "{}"
        }
        resource "aws_iam_role_policy_attachment" "a_read" {
          role       = aws_iam_role.a.name
          policy_arn = data.aws_iam_policy.read_only.arn
        }
        resource "aws_iam_role_policy_attachment" "b_read" {
          role       = aws_iam_role.b.name
          policy_arn = data.aws_iam_policy.read_only.arn
        }
        resource "aws_iam_role_policy_attachment" "a_logs" {
          role       = aws_iam_role.a.name
          policy_arn = data.aws_iam_policy.logs.arn
        }
        resource "aws_iam_role_policy_attachment" "b_logs" {
          role       = aws_iam_role.b.name
          policy_arn = data.aws_iam_policy.logs.arn
        }
        resource "aws_iam_role_policy_attachment" "a_given" {
          role       = aws_iam_role.a.name
          policy_arn = data.aws_iam_policy.given.arn
        }
        resource "aws_iam_role_policy_attachment" "b_given" {
          role       = aws_iam_role.b.name
          policy_arn = data.aws_iam_policy.given.arn
        }
        resource "aws_iam_role_policy_attachment" "a_team" {
          role       = aws_iam_role.a.name
          policy_arn = data.aws_iam_policy.team.arn
        }
        resource "aws_iam_role_policy_attachment" "b_team" {
          role       = aws_iam_role.b.name
          policy_arn = data.aws_iam_policy.team.arn
        }
        """}
    found = scan(files, rule="no-shared-policies")
    # Only the account's own policy looked up by its name is a shared customer policy:
    # AWS managed ones may be shared, and one whose name is given from outside is unknown.
    assert [(f.resource, "data.aws_iam_policy.team" in f.message) for f in found] == [
        ("aws_iam_role_policy_attachment.b_team", True)]


def test_a_role_attached_by_its_name_is_the_role_never_a_policy_of_that_name() -> None:
    files = {"main.tf": ROOT + """\
        resource "aws_iam_policy" "worker" {
          name   = "worker"
          policy = jsonencode({Statement = [{Effect   = "Allow",
                                             Action   = ["iam:AttachRolePolicy", "sts:AssumeRole"],
                                             Resource = "*"}]})
        }
        resource "aws_iam_role" "worker" {
          name               = "worker"
          assume_role_policy = "{}"
        }
        resource "aws_iam_role_policy_attachment" "worker" {
          role       = "worker"
          policy_arn = aws_iam_policy.worker.arn
        }
        """}
    [found] = scan(files, rule="privilege-escalation")
    assert "aws_iam_role.worker" in found.message and "aws_iam_policy.worker can" not in found.message
    # The attachment's own finding names the attachment.
    files["main.tf"] += """\
        resource "aws_iam_role" "other" {
          name               = "other"
          assume_role_policy = "{}"
        }
        resource "aws_iam_role_policy_attachment" "other" {
          role       = "other"
          policy_arn = aws_iam_policy.worker.arn
        }
        """
    [shared] = scan(files, rule="no-shared-policies")
    assert shared.resource == "aws_iam_role_policy_attachment.other"
    assert "aws_iam_role.worker" in shared.message and "aws_iam_role.other" in shared.message


def test_aws_managed_policies_that_grant_all_of_a_service_are_wildcards() -> None:
    files = {"main.tf": ROOT + """\
        data "aws_iam_policy" "admin" {
          name = "AdministratorAccess"
        }
        resource "aws_iam_role" "fn" {
          name               = "fn-${var.stage}"
          assume_role_policy = "{}"
        }
        resource "aws_iam_role_policy_attachment" "admin" {
          role       = aws_iam_role.fn.name
          policy_arn = data.aws_iam_policy.admin.arn
        }
        resource "aws_iam_role_policy_attachment" "s3" {
          role       = aws_iam_role.fn.name
          policy_arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
        }
        resource "aws_iam_role_policy_attachment" "logs" {
          role       = aws_iam_role.fn.name
          policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        }
        """}
    found = scan(files, rule="no-wildcard-actions")
    # Each on its policy_arn line, named by the attachment, saying what the policy grants.
    assert where(found) == [("main.tf", 13, "aws_iam_role_policy_attachment.admin"),
                            ("main.tf", 17, "aws_iam_role_policy_attachment.s3")]
    assert "AdministratorAccess gives aws_iam_role.fn \"*\"" in found[0].message
    assert '"s3:*" and "s3-object-lambda:*"' in found[1].message
    allowed = {"rules": {"no-wildcard-actions": {"with": {"allow": ["s3:*", "s3-object-lambda:*"]}}}}
    assert [f.resource for f in scan(files, rule="no-wildcard-actions", config=allowed)] == [
        "aws_iam_role_policy_attachment.admin"]


def test_a_heredoc_policy_whose_interpolations_hold_quoted_strings_is_read() -> None:
    # govwifi-terraform's shape: a function call with string arguments inside "${...}".
    files = {"main.tf": ROOT + '''\
        resource "aws_iam_role_policy" "p" {
          name   = "p"
          role   = aws_iam_role.r.id
          policy = <<DOC
        {
          "Statement": [
            {"Effect": "Allow", "Action": "ecs:*",
             "Resource": "${replace(aws_ecs_task_definition.t.arn, "/:\\\\d+$/", ":*")}"},
            {"Effect": "Allow", "Action": "logs:PutLogEvents",
             "Resource": "arn:aws:logs:*:*:*", "Condition": {"DateLessThan": {"aws:CurrentTime": "${timeadd(timestamp(), "10m")}"}}},
            {"Effect": "Allow", "Action": "iam:PassRole",
             "Resource": "${replace(
                aws_iam_role.task.arn,
                "/-x$/", "")}"},
            {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}
          ]
        }
        DOC
        }
        '''}
    found = scan(files)
    assert [f for f in found if f.rule_id == "template-parse"] == []
    # An interpolation over several lines keeps every later line where it is.
    assert [(f.rule_id, f.start_line) for f in found if f.rule_id == "no-wildcard-actions"] == [
        ("no-wildcard-actions", 10), ("no-wildcard-actions", 18)]


def test_staged_names_as_real_modules_write_them() -> None:
    files = {
        # A root module passes its own variable, set by nothing here, into a module whose
        # variable of that name has a default: the name is known when applied, never the default.
        "live/main.tf": ROOT + """\
            variable "table_name" {
              type = string
            }
            variable "stage_name" {
              default = "production"
            }
            module "store" {
              source     = "../store"
              table_name = var.table_name
            }
            resource "aws_sqs_queue" "staged" {
              name = "jobs-${var.stage_name}"
            }
            resource "aws_sqs_queue" "prod_only" {
              name = "jobs-prod"
            }
            """,
        "store/main.tf": """\
            variable "table_name" {
              default = "orders"
            }
            resource "aws_dynamodb_table" "t" {
              name     = var.table_name
              hash_key = "id"
            }
            """,
    }
    found = scan(files, rule="staged-names")
    # var.stage_name carries the stage (a stage variable in more words); one literal stage
    # alone is still the mistake (a prod name that every stage would deploy).
    assert where(found) == [("live/main.tf", 18, "aws_sqs_queue.prod_only")]
    assert found[0].suggestion is not None and "${var.stage_name}" in found[0].suggestion


def test_statements_passed_into_a_local_module_are_judged_where_the_caller_writes_them() -> None:
    files = {
        "main.tf": ROOT + """\
            module "worker" {
              source = "./modules/policy"
              policy_statements = [
                {
                  actions   = ["s3:Get*"]
                  resources = ["arn:aws:s3:::reports/*"]
                },
                {
                  actions   = ["sqs:SendMessage"]
                  resources = ["arn:aws:sqs:eu-west-1:111111111111:jobs"]
                },
              ]
            }
            resource "aws_kms_key" "k" {
              policy = jsonencode({
                Statement = concat([
                  {Effect = "Allow", Principal = {AWS = "arn:aws:iam::111111111111:role/a"},
                   Action = "kms:Decrypt", Resource = "*"}
                ], [
                  {Effect = "Allow", Principal = {AWS = "arn:aws:iam::111111111111:role/b"},
                   Action = "kms:*", Resource = "*"}
                ])
              })
            }
            """,
        "modules/policy/main.tf": """\
            variable "policy_statements" {
              type    = any
              default = []
            }
            data "aws_iam_policy_document" "this" {
              dynamic "statement" {
                for_each = var.policy_statements
                iterator = s
                content {
                  actions   = s.value.actions
                  resources = s.value.resources
                }
              }
            }
            """,
    }
    found = scan(files, rule="no-wildcard-actions")
    assert [(f.path, f.start_line, f.resource) for f in found] == [
        ("main.tf", 8, "module.worker.data.aws_iam_policy_document.this"),
        ("main.tf", 24, "aws_kms_key.k")]
    # A module that nothing in the review calls reads its dynamic block once, unknown.
    alone = {"modules/policy/main.tf": files["modules/policy/main.tf"]}
    assert scan(alone, rule="no-wildcard-actions") == []


def test_functions_invoked_asynchronously_keep_their_failed_events() -> None:
    files = {"main.tf": ROOT + """\
        resource "aws_lambda_function" "on_upload" {
          function_name = "on-upload-${var.stage}"
        }
        resource "aws_s3_bucket_notification" "uploads" {
          bucket = "uploads"
          lambda_function {
            lambda_function_arn = aws_lambda_function.on_upload.arn
            events              = ["s3:ObjectCreated:*"]
          }
        }
        resource "aws_lambda_function" "on_event" {
          function_name = "on-event-${var.stage}"
        }
        resource "aws_cloudwatch_event_target" "t" {
          rule = "r"
          arn  = aws_lambda_function.on_event.arn
        }
        resource "aws_lambda_function_event_invoke_config" "on_event" {
          function_name = aws_lambda_function.on_event.function_name
          destination_config {
            on_failure {
              destination = "arn:aws:sqs:eu-west-1:111111111111:failed"
            }
          }
        }
        resource "aws_lambda_function" "on_message" {
          function_name = "on-message-${var.stage}"
        }
        resource "aws_sns_topic_subscription" "s" {
          topic_arn = "arn:aws:sns:eu-west-1:111111111111:t"
          protocol  = "lambda"
          endpoint  = aws_lambda_function.on_message.arn
        }
        resource "aws_lambda_function" "kept" {
          function_name = "kept-${var.stage}"
          dead_letter_config {
            target_arn = "arn:aws:sqs:eu-west-1:111111111111:dlq"
          }
        }
        resource "aws_sns_topic_subscription" "kept" {
          topic_arn = "arn:aws:sns:eu-west-1:111111111111:t"
          protocol  = "lambda"
          endpoint  = aws_lambda_function.kept.arn
        }
        resource "aws_lambda_function" "queued" {
          function_name = "queued-${var.stage}"
        }
        resource "aws_sns_topic_subscription" "queue" {
          topic_arn = "arn:aws:sns:eu-west-1:111111111111:t"
          protocol  = "sqs"
          endpoint  = aws_lambda_function.queued.arn
        }
        variable "stage" {}
        """}
    found = scan(files, rule="async-failure-destination")
    assert [(f.resource, f.start_line) for f in found] == [
        ("aws_lambda_function.on_upload", 4), ("aws_lambda_function.on_message", 29)]
    assert "S3 notifications" in found[0].message and "SNS subscriptions" in found[1].message


def test_resource_wildcards_that_cannot_be_narrowed_or_that_a_condition_narrows() -> None:
    files = {"main.tf": ROOT + """\
        variable "clusters" {
          type = list(string)
        }
        data "aws_iam_policy_document" "p" {
          statement {
            actions   = ["cloudwatch:PutMetricData"]
            resources = ["*"]
          }
          statement {
            actions   = ["ecs:UpdateContainerInstancesState"]
            resources = ["*"]
            condition {
              test     = "StringEquals"
              variable = "ecs:cluster"
              values   = ["arn:aws:ecs:eu-west-1:111111111111:cluster/app"]
            }
          }
          dynamic "statement" {
            for_each = toset(var.clusters)
            content {
              actions   = ["autoscaling:SetDesiredCapacity"]
              resources = ["*"]
              condition {
                test     = "StringEquals"
                variable = "autoscaling:ResourceTag/kubernetes.io/cluster/${statement.value}"
                values   = ["owned"]
              }
            }
          }
          dynamic "statement" {
            for_each = var.clusters
            content {
              actions   = ["sqs:DeleteMessage"]
              resources = ["*"]
              condition {
                test     = statement.value
                variable = "aws:SourceVpce"
                values   = ["vpce-1"]
              }
            }
          }
          statement {
            actions   = ["sqs:DeleteMessage"]
            resources = ["*"]
          }
        }
        """}
    found = scan(files, rule="no-wildcard-resources")
    # Only the last: the others take "*" by nature, or a condition picks (or may pick) the
    # resources: a condition known only when applied is never dropped.
    assert [f.start_line for f in found] == [47]


def test_resources_on_the_two_sides_of_one_count_condition_never_share() -> None:
    # trussworks' lambda module: a function from S3 or from GitHub, never both.
    files = {"main.tf": ROOT + """\
        locals {
          from_github = var.github_release != ""
        }
        variable "github_release" {
          default = ""
        }
        variable "stage" {}
        resource "aws_iam_role" "main" {
          name               = "main-${var.stage}"
          assume_role_policy = "{}"
        }
        resource "aws_lambda_function" "main_from_s3" {
          count         = local.from_github ? 0 : 1
          function_name = "from-s3-${var.stage}"
          role          = aws_iam_role.main.arn
        }
        resource "aws_lambda_function" "main_from_gh" {
          count         = local.from_github ? 1 : 0
          function_name = "from-gh-${var.stage}"
          role          = aws_iam_role.main.arn
        }
        resource "aws_lambda_function" "helper" {
          count         = local.from_github ? 1 : 0
          function_name = "helper-${var.stage}"
          role          = aws_iam_role.main.arn
        }
        """}
    found = scan(files, rule="no-shared-policies")
    # Only the helper shares the role: it exists exactly when main_from_gh does.
    assert [f.resource for f in found] == ["aws_lambda_function.helper"]


def test_a_public_function_url_is_said_to_be_one() -> None:
    files = {"main.tf": ROOT + """\
        resource "aws_lambda_permission" "url" {
          function_name          = "api"
          action                 = "lambda:InvokeFunctionUrl"
          principal              = "*"
          function_url_auth_type = "NONE"
        }
        resource "aws_lambda_permission" "iam" {
          function_name          = "api"
          action                 = "lambda:InvokeFunctionUrl"
          principal              = "*"
          function_url_auth_type = "AWS_IAM"
        }
        """}
    url, signed = scan(files, rule="account-separation")
    assert url.resource == "aws_lambda_permission.url"
    assert "function URL" in url.message and "without a condition" not in url.message
    # AWS_IAM with "*": any AWS account's signed principals; the auth type narrows no one.
    assert signed.resource == "aws_lambda_permission.iam" and "without a condition" in signed.message


def test_escalation_through_an_instance_counts_only_where_it_gives_another_role() -> None:
    files = {"main.tf": ROOT + """\
        resource "aws_iam_role" "prometheus" {
          name               = "prometheus-${var.stage}"
          assume_role_policy = "{}"
        }
        resource "aws_iam_instance_profile" "prometheus" {
          name = "prometheus-${var.stage}"
          role = aws_iam_role.prometheus.name
        }
        resource "aws_instance" "prometheus" {
          ami                  = "ami-1"
          iam_instance_profile = aws_iam_instance_profile.prometheus.name
        }
        resource "aws_iam_role_policy" "own" {
          role   = aws_iam_role.prometheus.id
          policy = jsonencode({Statement = [{
            Effect   = "Allow", Action = "ssm:StartSession",
            Resource = ["arn:aws:ec2:eu-west-1:111111111111:instance/${aws_instance.prometheus.id}",
                        "arn:aws:ssm:*:*:document/AWS-StartSSHSession"]
          }]})
        }
        resource "aws_iam_role" "ops" {
          name               = "ops-${var.stage}"
          assume_role_policy = "{}"
        }
        resource "aws_iam_role_policy" "ops" {
          role   = aws_iam_role.ops.id
          policy = jsonencode({Statement = [{
            Effect   = "Allow", Action = "ssm:StartSession",
            Resource = ["arn:aws:ec2:eu-west-1:111111111111:instance/${aws_instance.prometheus.id}"]
          }]})
        }
        variable "stage" {}
        """}
    found = scan(files, rule="privilege-escalation")
    # A session on its own instance gives the role back to itself; ops gets prometheus's role.
    assert [f.resource for f in found] == ["aws_iam_role_policy.ops"]
    assert "StartSessionOnInstanceWithRole" in found[0].message


def test_a_reusable_module_passing_roles_its_caller_names_is_neither_flagged_nor_cleared() -> None:
    files = {"modules/runner/main.tf": """\
        variable "task_role_arns" {
          type = list(string)
        }
        resource "aws_iam_role" "runner" {
          name               = "runner"
          assume_role_policy = "{}"
        }
        resource "aws_iam_role_policy" "runner" {
          role   = aws_iam_role.runner.id
          policy = jsonencode({Statement = [
            {Effect = "Allow", Action = "iam:PassRole", Resource = var.task_role_arns},
            {Effect = "Allow", Action = ["ecs:RegisterTaskDefinition", "ecs:RunTask"], Resource = "*"}
          ]})
        }
        """}
    assert scan(files, rule="privilege-escalation") == []
    # The same with "*" is a path.
    files["modules/runner/main.tf"] = files["modules/runner/main.tf"].replace(
        "Resource = var.task_role_arns", 'Resource = "*"')
    assert len(scan(files, rule="privilege-escalation")) == 1


def test_a_resource_counted_in_one_stage_alone_has_that_stage_name() -> None:
    files = {"main.tf": ROOT + """\
        variable "stage" {}
        resource "aws_dynamodb_table" "e2e" {
          count    = var.stage == "e2e" ? 1 : 0
          name     = "connections"
          hash_key = "id"
        }
        resource "aws_dynamodb_table" "not_prod" {
          count    = var.stage != "prod" ? 1 : 0
          name     = "fixtures"
          hash_key = "id"
        }
        """}
    # Only in e2e: one per account whatever its name. Everywhere but prod: stages collide.
    assert [f.resource for f in scan(files, rule="staged-names")] == ["aws_dynamodb_table.not_prod"]


def test_the_default_key_policy_statement_in_terraform_is_the_organisations_choice() -> None:
    files = {"main.tf": ROOT + """\
        data "aws_caller_identity" "current" {}
        resource "aws_kms_key" "k" {
          policy = jsonencode({
            Statement = [{
              Effect    = "Allow",
              Principal = {AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"},
              Action    = "kms:*", Resource = "*"
            }]
          })
        }
        """}
    [found] = scan(files, rule="no-wildcard-actions")
    assert found.severity == "warning" and "default statement" in found.message
    allowed = {"rules": {"no-wildcard-actions": {"with": {"allow_kms_default_statement": True}}}}
    assert scan(files, rule="no-wildcard-actions", config=allowed) == []


def test_escalation_paths_that_are_none_as_real_modules_write_them() -> None:
    files = {"main.tf": ROOT + """\
        variable "account_id" {}
        resource "aws_iam_role" "quicksight" {
          name               = "quicksight"
          assume_role_policy = "{}"
        }
        resource "aws_iam_role_policy" "quicksight" {
          role   = aws_iam_role.quicksight.id
          policy = jsonencode({Statement = [{
            Effect   = "Allow", Action = ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"],
            Resource = "arn:aws:iam::${var.account_id}:policy/service-role/AWSQuickSight*Policy"
          }]})
        }
        data "aws_iam_policy_document" "self_service" {
          statement {
            actions   = ["iam:CreateAccessKey", "iam:UpdateLoginProfile"]
            resources = ["arn:aws:iam::*:user/&{aws:username}"]
          }
        }
        resource "aws_iam_group_policy" "self_service" {
          group  = "everyone"
          policy = data.aws_iam_policy_document.self_service.json
        }
        """}
    # New versions of policies so named, none of them its own; and one's own user's keys.
    assert scan(files, rule="privilege-escalation") == []
    files["main.tf"] = files["main.tf"].replace("service-role/AWSQuickSight*Policy", "*")
    assert [f.resource for f in scan(files, rule="privilege-escalation")] == [
        "aws_iam_role_policy.quicksight"]


def test_the_default_key_statement_in_a_policy_document_the_key_uses() -> None:
    files = {"main.tf": ROOT + """\
        variable "account_id" {}
        data "aws_iam_policy_document" "kms_sse" {
          statement {
            sid     = "Enable IAM User Permissions"
            effect  = "Allow"
            principals {
              type        = "AWS"
              identifiers = ["arn:aws:iam::${var.account_id}:root"]
            }
            actions   = ["kms:*"]
            resources = ["*"]
          }
        }
        resource "aws_kms_key" "sse" {
          policy = data.aws_iam_policy_document.kms_sse.json
        }
        """}
    [found] = scan(files, rule="no-wildcard-actions")
    assert found.severity == "warning" and "default statement" in found.message


def test_an_open_access_policy_of_a_search_domain_inside_a_vpc_trusts_no_one_outside() -> None:
    files = {"main.tf": ROOT + """\
        resource "aws_elasticsearch_domain" "logs" {
          domain_name = "logs-${var.stage}"
          vpc_options {
            subnet_ids         = ["subnet-1"]
            security_group_ids = ["sg-1"]
          }
          access_policies = jsonencode({Statement = [{
            Effect = "Allow", Principal = {AWS = ["*"]}, Action = "es:*", Resource = "*"}]})
        }
        resource "aws_elasticsearch_domain" "public" {
          domain_name     = "public-${var.stage}"
          access_policies = jsonencode({Statement = [{
            Effect = "Allow", Principal = {AWS = ["*"]}, Action = "es:*", Resource = "*"}]})
        }
        variable "stage" {}
        """}
    assert [f.resource for f in scan(files, rule="account-separation")] == [
        "aws_elasticsearch_domain.public"]


def test_a_self_service_policy_may_be_shared_and_a_sender_address_narrows_sending() -> None:
    files = {"main.tf": ROOT + """\
        data "aws_iam_policy_document" "self" {
          statement {
            actions   = ["iam:ListVirtualMFADevices", "iam:GetAccountPasswordPolicy"]
            resources = ["*"]
          }
          statement {
            actions   = ["iam:CreateVirtualMFADevice"]
            resources = ["arn:aws:iam::*:mfa/&{aws:username}"]
          }
          statement {
            actions   = ["iam:CreateAccessKey", "iam:EnableMFADevice", "iam:ChangePassword"]
            resources = ["arn:aws:iam::*:user/&{aws:username}"]
          }
          statement {
            effect        = "Deny"
            not_actions   = ["iam:EnableMFADevice", "iam:ChangePassword"]
            resources     = ["*"]
            condition {
              test     = "BoolIfExists"
              variable = "aws:MultiFactorAuthPresent"
              values   = ["false"]
            }
          }
        }
        resource "aws_iam_policy" "self" {
          name   = "manage-own-credentials"
          policy = data.aws_iam_policy_document.self.json
        }
        resource "aws_iam_group_policy_attachment" "admins" {
          group      = "admins"
          policy_arn = aws_iam_policy.self.arn
        }
        resource "aws_iam_group_policy_attachment" "developers" {
          group      = "developers"
          policy_arn = aws_iam_policy.self.arn
        }
        data "aws_iam_policy_document" "mailer" {
          statement {
            actions   = ["ses:SendEmail"]
            resources = ["*"]
            condition {
              test     = "StringEquals"
              variable = "ses:FromAddress"
              values   = ["no-reply@example.org"]
            }
          }
        }
        resource "aws_iam_policy" "mailer" {
          name   = "mailer"
          policy = data.aws_iam_policy_document.mailer.json
        }
        """}
    found = scan(files)
    assert [f for f in found if f.rule_id in ("no-shared-policies", "no-wildcard-resources")] == []
    # A policy that writes anything beyond the caller's own user is shared like any other.
    files["main.tf"] = files["main.tf"].replace('"iam:GetAccountPasswordPolicy"', '"iam:CreateUser"')
    assert [f.rule_id for f in scan(files, rule="no-shared-policies")] == ["no-shared-policies"]


def test_a_name_that_follows_a_name_decided_elsewhere_is_unknown_too() -> None:
    files = {"modules/fn/main.tf": """\
        variable "prefix" {}
        resource "aws_lambda_function" "function" {
          function_name = "${var.prefix}_handler"
        }
        resource "aws_cloudwatch_metric_alarm" "errors" {
          alarm_name = "${aws_lambda_function.function.function_name}_invocation_errors"
        }
        resource "aws_sqs_queue" "literal" {
          name = "jobs"
        }
        """}
    found = scan(files, rule="staged-names")
    # The alarm follows the function's name, which the module's caller decides.
    assert [f.resource for f in found] == ["aws_sqs_queue.literal"]
    assert found[0].message.endswith("two stages of this module would collide")


def test_a_heredoc_with_a_fragment_of_members_made_when_applied_is_read() -> None:
    # govuk-aws: a condition fragment that is "" or a whole operator block, by a variable.
    files = {"main.tf": ROOT + '''\
        variable "restrict" {}
        locals {
          maybe_ip = var.restrict ? "\\"IpAddress\\": {\\"aws:SourceIp\\": [\\"10.0.0.0/8\\"]}," : ""
        }
        resource "aws_iam_role" "user" {
          name               = "user-${var.stage}"
          assume_role_policy = <<-EOF
          {
            "Statement": [{
              "Effect": "Allow",
              "Principal": {"AWS": ["arn:aws:iam::111111111111:root"]},
              "Action": "sts:AssumeRole",
              "Condition": {
                ${local.maybe_ip}
                "Bool": {"aws:MultiFactorAuthPresent": "true"}
              }
            }]
          }
          EOF
        }
        variable "stage" {}
        '''}
    found = scan(files)
    assert [f for f in found if f.rule_id == "template-parse"] == []
    assert [f.rule_id for f in found if f.rule_id == "valid-condition-keys"] == []


def test_the_access_policy_of_a_vpc_domain_written_apart_trusts_no_one_outside() -> None:
    files = {"main.tf": ROOT + """\
        resource "aws_opensearch_domain" "logs" {
          domain_name = "logs-${var.stage}"
          vpc_options {
            subnet_ids = ["subnet-1"]
          }
        }
        resource "aws_opensearch_domain_policy" "logs" {
          domain_name     = aws_opensearch_domain.logs.domain_name
          access_policies = jsonencode({Statement = [{
            Effect = "Allow", Principal = {AWS = "*"}, Action = "es:*", Resource = "*"}]})
        }
        variable "stage" {}
        """}
    assert scan(files, rule="account-separation") == []


def test_a_vpc_domain_whose_access_policy_is_a_policy_document_trusts_no_one_outside() -> None:
    files = {"main.tf": ROOT + """\
        data "aws_iam_policy_document" "es" {
          statement {
            actions   = ["es:*"]
            resources = ["*"]
            principals {
              type        = "AWS"
              identifiers = ["*"]
            }
          }
        }
        resource "aws_elasticsearch_domain" "logs" {
          domain_name     = "logs-${var.stage}"
          access_policies = data.aws_iam_policy_document.es.json
          vpc_options {
            subnet_ids = ["subnet-1"]
          }
        }
        variable "stage" {}
        """}
    assert scan(files, rule="account-separation") == []
