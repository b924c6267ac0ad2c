"""Terraform: every rule on every IAM shape, with the line of the offending element."""

from __future__ import annotations

import dataclasses
import textwrap
from typing import Any

from reviewer.config.settings import Settings, effective_rules
from reviewer.engine.compare import compare
from reviewer.pipeline import evaluate
from reviewer.engine.finding import Finding
from tests.conftest import settings_from, shipped_rules

ORG = {"organisation": {"accounts": {"dev": "111111111111", "prod": "222222222222"}}}


def scan(files: dict[str, str], rule: str | None = None,
         config: dict[str, Any] | None = None) -> list[Finding]:
    settings: Settings = settings_from(config)
    rules = effective_rules(shipped_rules(), settings)
    if rule:
        rules = {rule: dataclasses.replace(rules[rule], enabled=True)}
    encoded = {path: textwrap.dedent(text).encode() for path, text in files.items()}
    found = evaluate(encoded, rules, settings).findings
    return [f for f in found if rule is None or f.rule_id == rule]


def where(findings: list[Finding]) -> list[tuple[str, int, str | None]]:
    return sorted((f.path, f.start_line, f.resource) for f in findings)


POLICIES = """\
data "aws_iam_policy_document" "orders" {
  statement {
    sid = "Read"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:Query*",
    ]
    resources = [aws_dynamodb_table.orders.arn]
  }
  statement {
    effect      = "Deny"
    actions     = ["s3:*"]
    resources   = ["*"]
  }
  statement {
    not_actions = ["iam:*"]
    resources   = ["*"]
  }
}

resource "aws_iam_policy" "encoded" {
  name   = "encoded-${var.stage}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sqs:*"
      Resource = aws_sqs_queue.jobs.arn
    }]
  })
}

resource "aws_iam_role_policy" "heredoc" {
  role   = aws_iam_role.app.id
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["sns:Publish", "kms:*"],
      "Resource": "*"
    }
  ]
}
EOF
}

resource "aws_iam_role" "app" {
  name               = "app-${var.stage}"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  inline_policy {
    name   = "inline"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = ["logs:*"], Resource = "*" }]
    })
  }
}
"""


def test_no_wildcard_actions_points_at_each_element() -> None:
    found = scan({"infra/iam.tf": POLICIES}, rule="no-wildcard-actions")
    assert where(found) == [
        ("infra/iam.tf", 6, "data.aws_iam_policy_document.orders"),  # "dynamodb:Query*"
        ("infra/iam.tf", 16, "data.aws_iam_policy_document.orders"),  # not_actions with Allow
        ("infra/iam.tf", 27, "aws_iam_policy.encoded"),  # Action = "sqs:*" in jsonencode
        ("infra/iam.tf", 41, "aws_iam_role_policy.heredoc"),  # inside the heredoc's JSON
        ("infra/iam.tf", 55, "aws_iam_role.app"),  # inline_policy
    ]
    assert all(f.severity == "error" for f in found)
    assert any('"kms:*" grants' in f.message for f in found)
    # The Deny's "s3:*" (line 12) is allowed: no finding there.


def test_a_policy_in_a_json_file_read_with_file_is_reviewed_once_in_its_own_file() -> None:
    files = {
        "svc/main.tf": """\
            resource "aws_iam_policy" "p" {
              name   = "p-${var.stage}"
              policy = file("${path.module}/policies/p.json")
            }
            """,
        "svc/policies/p.json": """\
            {"Version": "2012-10-17",
             "Statement": [
               {"Effect": "Allow",
                "Action": "ec2:Describe*",
                "Resource": "*"}]}
            """,
    }
    found = scan(files, rule="no-wildcard-actions")
    assert where(found) == [("svc/policies/p.json", 4, "aws_iam_policy.p")]


def test_variables_locals_and_tfvars_are_resolved_and_unknowns_never_guessed() -> None:
    files = {
        "app/variables.tf": """\
            variable "actions" {
              default = ["s3:GetObject"]
            }
            variable "extra" {}
            """,
        "app/terraform.tfvars": """\
            actions = ["s3:GetObject", "s3:Put*"]
            """,
        "app/main.tf": """\
            locals {
              wildcard = "dynamodb:*"
            }
            data "aws_iam_policy_document" "p" {
              statement {
                actions   = var.actions
                resources = ["*"]
              }
              statement {
                actions   = [local.wildcard, var.extra, each.value]
                resources = ["*"]
              }
            }
            """,
    }
    found = scan(files, rule="no-wildcard-actions")
    # "s3:Put*" comes from terraform.tfvars (line 1), "dynamodb:*" from the local (line 2);
    # var.extra has no value and each.value is known only when applied: neither is flagged.
    assert where(found) == [("app/main.tf", 2, "data.aws_iam_policy_document.p"),
                            ("app/terraform.tfvars", 1, "data.aws_iam_policy_document.p")]


def test_no_shared_policies_attachments_and_functions() -> None:
    files = {"main.tf": """\
        resource "aws_iam_policy" "shared" {
          policy = data.aws_iam_policy_document.p.json
        }
        resource "aws_iam_role_policy_attachment" "a" {
          role       = aws_iam_role.a.name
          policy_arn = aws_iam_policy.shared.arn
        }
        resource "aws_iam_role_policy_attachment" "b" {
          role       = aws_iam_role.b.name
          policy_arn = aws_iam_policy.shared.arn
        }
        resource "aws_iam_policy_attachment" "everyone" {
          name       = "everyone"
          roles      = [aws_iam_role.a.name, aws_iam_role.c.name]
          policy_arn = aws_iam_policy.other.arn
        }
        resource "aws_iam_role_policy_attachment" "managed" {
          role       = aws_iam_role.c.name
          policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        }
        resource "aws_iam_role_policy_attachment" "managed2" {
          role       = aws_iam_role.b.name
          policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        }
        resource "aws_iam_policy" "other" {
          policy = data.aws_iam_policy_document.p.json
        }
        resource "aws_lambda_function" "one" {
          function_name = "one-${var.stage}"
          role          = aws_iam_role.a.arn
        }
        resource "aws_lambda_function" "two" {
          function_name = "two-${var.stage}"
          role          = aws_iam_role.a.arn
        }
        resource "aws_lambda_function" "three" {
          function_name = "three-${var.stage}"
          role          = aws_iam_role.b.arn
        }
        """}
    found = scan(files, rule="no-shared-policies")
    assert where(found) == [
        ("main.tf", 9, "aws_iam_role_policy_attachment.b"),  # the second attachment's role =
        ("main.tf", 14, "aws_iam_policy_attachment.everyone"),  # two roles in one aws_iam_policy_attachment
        ("main.tf", 34, "aws_lambda_function.two"),  # role = of the second function
    ]
    assert "aws_iam_role.a" in found[-1].message


def test_staged_names_with_hcl_suggestions() -> None:
    files = {"main.tf": """\
        resource "aws_lambda_function" "fixed" {
          function_name = "orders" # the name
          role          = aws_iam_role.fn.arn
        }
        resource "aws_lambda_function" "staged" {
          function_name = "orders-${var.stage}"
        }
        resource "aws_s3_bucket" "workspace" {
          bucket = "reports-${terraform.workspace}"
        }
        resource "aws_sqs_queue" "prefixed" {
          name_prefix = "jobs-"
        }
        resource "aws_sqs_queue" "generated" {}
        resource "aws_cloudwatch_log_group" "logs" {
          name = "/aws/lambda/${aws_lambda_function.staged.function_name}"
        }
        variable "stage" {}
        """}
    found = scan(files, rule="staged-names")
    # A name_prefix gets Terraform's unique suffix: two stages cannot collide.
    assert where(found) == [("main.tf", 2, "aws_lambda_function.fixed")]
    assert found[0].suggestion == '  function_name = "orders-${var.stage}" # the name'
    assert "${var.stage}" in found[0].message
    # A fix uses the stage variable the module declares, and none the module lacks.
    files["main.tf"] = files["main.tf"].replace('variable "stage" {}', 'variable "env_name" {}') \
        .replace("var.stage", "var.env_name")
    [found] = scan(files, rule="staged-names")
    assert found.suggestion == '  function_name = "orders-${var.env_name}" # the name'
    # Declaring none, it uses what its text already takes for the stage (the workspace, or
    # a variable a Terragrunt-generated file declares); using none, no fix is written.
    files["main.tf"] = files["main.tf"].replace('variable "env_name" {}', "") \
        .replace("${var.env_name}", "${terraform.workspace}")
    [found] = scan(files, rule="staged-names")
    assert found.suggestion == '  function_name = "orders-${terraform.workspace}" # the name'
    files["main.tf"] = files["main.tf"].replace("${terraform.workspace}", "prod")
    found = [f for f in scan(files, rule="staged-names") if f.resource == "aws_lambda_function.fixed"]
    assert found[0].suggestion is None and "declares no stage variable" in found[0].message


def test_the_stage_variable_follows_the_organisation_stage_parameter() -> None:
    # A root module (it configures its provider): its variables' defaults are what deploys.
    files = {"main.tf": """\
        provider "aws" {}
        variable "env" {
          default = "dev"
        }
        resource "aws_sqs_queue" "q" {
          name = "q-${var.env}"
        }
        """}
    # var.env is one of the stage's usual names, so it carries the stage by default...
    assert scan(files, rule="staged-names") == []
    # ...unless the organisation names its stage variables otherwise,
    only_stage = {"organisation": {"stage_variables": ["stage"]}}
    assert [f.resource for f in scan(files, rule="staged-names", config=only_stage)] == \
        ["aws_sqs_queue.q"]
    # ...and the stage parameter itself always carries it.
    config = {"organisation": {"stage_parameter": "Env", "stage_variables": ["stage"]}}
    assert scan(files, rule="staged-names", config=config) == []


def test_a_name_a_module_takes_from_its_caller_is_neither_flagged_nor_cleared() -> None:
    files = {"modules/queue/main.tf": """\
        variable "name" {
          default = null
        }
        variable "use_prefix" {}
        resource "aws_sqs_queue" "q" {
          name = var.use_prefix ? null : var.name
        }
        resource "aws_sqs_queue" "r" {
          name = "${var.name}-dlq"
        }
        resource "aws_sqs_queue" "s" {
          name = "static-${upper(var.name)}"
        }
        resource "aws_sqs_queue" "literal" {
          name = "jobs"
        }
        """}
    found = scan(files, rule="staged-names")
    assert where(found) == [("modules/queue/main.tf", 15, "aws_sqs_queue.literal")]


def test_account_separation_on_tfvars_and_trust() -> None:
    files = {
        "envs/dev/dev.tfvars": """\
            deploy_account = "222222222222"
            """,
        "envs/dev/main.tf": """\
            data "aws_iam_policy_document" "trust" {
              statement {
                actions = ["sts:AssumeRole"]
                principals {
                  type        = "AWS"
                  identifiers = ["arn:aws:iam::333333333333:root"]
                }
              }
            }
            resource "aws_iam_role" "deployer" {
              name               = "deployer-${var.stage}"
              assume_role_policy = data.aws_iam_policy_document.trust.json
            }
            resource "aws_s3_bucket_policy" "open" {
              bucket = aws_s3_bucket.b.id
              policy = jsonencode({
                Statement = [{
                  Effect    = "Allow"
                  Principal = "*"
                  Action    = "s3:GetObject"
                  Resource  = "${aws_s3_bucket.b.arn}/*"
                }]
              })
            }
            """,
    }
    found = scan(files, rule="account-separation", config=ORG)
    messages = {(f.path, f.start_line): f.message for f in found}
    assert "belongs to prod" in messages[("envs/dev/dev.tfvars", 1)]
    assert "333333333333" in messages[("envs/dev/main.tf", 6)]
    assert "trusts \"*\"" in messages[("envs/dev/main.tf", 19)]


def test_no_wildcard_resources_on_a_data_document() -> None:
    files = {"main.tf": """\
        data "aws_iam_policy_document" "p" {
          statement {
            actions   = ["s3:PutObject"]
            resources = ["*"]
          }
        }
        """}
    found = scan(files, rule="no-wildcard-resources")
    assert where(found) == [("main.tf", 4, "data.aws_iam_policy_document.p")]


def test_match_rules_select_terraform_types_and_attributes() -> None:
    files = {"main.tf": """\
        resource "aws_sqs_queue" "plain" {
          name = "plain-${var.stage}"
        }
        resource "aws_sqs_queue" "kms" {
          kms_master_key_id = aws_kms_key.k.arn
        }
        data "aws_sqs_queue" "lookup" {
          name = "someone-elses"
        }
        """}
    found = scan(files, rule="encryption-at-rest")
    assert where(found) == [("main.tf", 1, "aws_sqs_queue.plain")]


def test_a_resource_moved_to_another_file_of_the_module_is_unchanged() -> None:
    policy = """\
        resource "aws_iam_policy" "p" {
          policy = jsonencode({Statement = [{Effect = "Allow", Action = "s3:*", Resource = "*"}]})
        }
        """
    base = scan({"mod/main.tf": policy, "mod/other.tf": "locals {}\n"}, rule="no-wildcard-actions")
    head = scan({"mod/main.tf": "locals {}\n", "mod/iam.tf": "\n\n" + policy},
                rule="no-wildcard-actions")
    result = compare(base, head, {})
    assert [f.state for f in result.findings] == ["unchanged"]
    assert result.fixed == []
    assert (head[0].path, head[0].start_line) == ("mod/iam.tf", 4)


def test_terraform_json_syntax() -> None:
    files = {"main.tf.json": """\
        {
          "resource": {
            "aws_iam_policy": {
              "p": {
                "policy": "${jsonencode({})}"
              }
            }
          },
          "data": {
            "aws_iam_policy_document": {
              "d": {
                "statement": [{
                  "actions": ["ec2:*"],
                  "resources": ["*"]
                }]
              }
            }
          }
        }
        """}
    found = scan(files, rule="no-wildcard-actions")
    assert where(found) == [("main.tf.json", 13, "data.aws_iam_policy_document.d")]


def test_broken_and_hostile_terraform_is_reported_not_fatal() -> None:
    files = {
        "bad/main.tf": 'resource "aws_iam_policy" "p" {\n  policy = \n}\n',
        "deep/main.tf": 'locals {\n  deep = ' + "[" * 5000 + '"s3:*"' + "]" * 5000 + "\n}\n",
        "loop/main.tf": """\
            locals {
              a = local.b
              b = local.a
            }
            data "aws_iam_policy_document" "p" {
              statement {
                actions   = [local.a, "s3:*"]
                resources = ["*"]
              }
            }
            """,
    }
    found = scan(files)
    parse = [f for f in found if f.rule_id == "template-parse"]
    assert [(f.path, f.start_line) for f in parse] == [("bad/main.tf", 2), ("deep/main.tf", 1)]
    assert "nested too deep" in parse[1].message
    assert not [f for f in found if f.message.startswith("rule could not finish")]
    # The cycle of locals is unknown; the rest of the module is still reviewed.
    assert [(f.path, f.start_line) for f in found if f.rule_id == "no-wildcard-actions"] == \
        [("loop/main.tf", 7)]


def test_the_hcl_parser_is_loaded_only_when_terraform_is_scanned(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    (tmp_path / "cfn").mkdir()
    (tmp_path / "cfn" / "t.yaml").write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: !Sub 'q-${Stage}'}\n")
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    code = ("import json, sys\nfrom reviewer.cli import main\n"
            "try:\n    main(['scan', '--format', 'json', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print('tree_sitter' in sys.modules, 'tree_sitter_hcl' in sys.modules)")
    env = dict(os.environ, POLICY_REVIEWER_CACHE=str(tmp_path / "cache"))

    def run(folder: str) -> tuple[str, str]:
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / folder)], env=env,
                             capture_output=True, text=True, check=True).stdout.strip()
        return out.splitlines()[-1], out

    assert run("cfn")[0] == "False False"
    first, report = run("tf")
    assert first == "True True" and '"start_line": 2' in report
    # The same text again: read from the cache, the parser is not even imported, and the
    # finding is the same.
    second, again = run("tf")
    assert second == "False False" and again == report.replace("True True", "False False")


def test_hcl_expressions_are_read_into_the_model_with_their_lines() -> None:
    from reviewer.formats.hcl import parse_tfvars

    text = textwrap.dedent("""\
        numbers = [1, -2, 1.5, 1e5, 007]
        words   = ["a-${var.x}-b", "$${literal} \\"q\\"", "${var.only}", true, null]
        ref     = module.m.out[1].x # a comment
        splat   = var.list[*].id
        cond    = var.a && var.b ? "x" : "y"
        sum     = var.a +
          var.b
        call    = jsonencode({ Action = ["s3:*"], "Resource" = "*" })
        each    = [for s in var.names : "arn:aws:s3:::${s}"]
        doc     = <<-EOT
          {"Statement": []}
            indented
          EOT
        after   = 1
        """)
    values = parse_tfvars(text, "t.tfvars")
    numbers = values["numbers"].expr.value
    assert [(n.value, n.text) for n in numbers] == [(1, "1"), (-2, "-2"), (1.5, "1.5"),
                                                    (100000.0, "1e5"), (7, "007")]
    template, escaped, only, true, null = values["words"].expr.value
    assert template.kind == "template" and template.value[0] == "a-" and \
        template.value[1].value == ["var", "x"] and template.value[2] == "-b"
    assert (escaped.kind, escaped.value) == ("literal", '${literal} "q"')
    assert (only.kind, [p.text for p in only.value]) == ("template", ["var.only"])
    assert (true.value, null.value) == (True, None)
    ref = values["ref"].expr
    assert (ref.kind, ref.value, ref.text) == \
        ("ref", ["module", "m", "out", 1, "x"], "module.m.out[1].x")
    assert (values["splat"].expr.kind, values["splat"].expr.text) == ("other", "var.list[*].id")
    cond = values["cond"].expr  # && binds tighter than ?:
    assert cond.kind == "cond" and cond.value[0].text == "var.a && var.b"
    assert (values["sum"].expr.text, values["sum"].expr.line, values["sum"].expr.end_line) == \
        ("var.a +\n  var.b", 6, 7)
    name, [argument] = values["call"].expr.value
    assert name == "jsonencode" and [(k, line) for k, line, _ in argument.value] == \
        [("Action", 8), ("Resource", 8)]
    names, collection, body = values["each"].expr.value
    assert names == ["s"] and collection.value == ["var", "names"] and body.kind == "template"
    doc = values["doc"].expr
    assert (doc.kind, doc.value, doc.line, doc.end_line) == \
        ("heredoc", '{"Statement": []}\n  indented\n', 11, 13)
    assert values["after"].line == 14


def test_hcl_syntax_errors_name_their_line_and_hostile_nesting_is_bounded() -> None:
    import pytest

    from reviewer.formats.hcl import parse_tfvars
    from reviewer.formats.hcl_model import HclError

    def error(text: str) -> tuple[int, str]:
        with pytest.raises(HclError) as caught:
            parse_tfvars(text, "t.tfvars")
        return caught.value.line, caught.value.message

    assert error('a = 1\nb = \n\n\n') == \
        (2, "not valid HCL: expected a value or a name after '=' at column 4")
    assert error('a = 1\nb = "open\nc = 2\n')[0] == 2
    assert error('a = <<EOF\nnever closed\n') == (1, "not valid HCL: a heredoc is never closed")
    assert error('a = [1, 2\n\n') == (1, "not valid HCL: expected ']' after '2' at column 10")
    assert error('a = 1\n}\n')[0] == 2
    assert error("a = " + "[" * 300 + "]" * 300)[1] == "expression nested too deep"
    assert error("a = " + "(" * 100_000 + "1" + ")" * 100_000)[1] == "expression nested too deep"


def test_a_source_policy_document_is_used_as_the_document_that_includes_it() -> None:
    files = {"main.tf": """\
        data "aws_iam_policy_document" "admin" {
          statement {
            actions   = ["iam:CreatePolicyVersion"]
            resources = ["*"]
          }
        }
        data "aws_iam_policy_document" "app" {
          source_policy_documents = [data.aws_iam_policy_document.admin.json]
        }
        resource "aws_iam_role_policy" "app" {
          role   = aws_iam_role.app.id
          policy = data.aws_iam_policy_document.app.json
        }
        """}
    [found] = scan(files, rule="privilege-escalation")
    assert (found.start_line, found.resource) == (3, "data.aws_iam_policy_document.admin")
    # The statements of "admin" end up in the role's policy: the role is who escalates.
    assert found.message.startswith("aws_iam_role.app can escalate")


def test_a_terraform_description_naming_an_account_is_prose() -> None:
    files = {"main.tf": """\
        resource "aws_iam_role" "r" {
          description = "Deployed to 999999999999 by the pipeline"
          assume_role_policy = jsonencode({
            Statement = [{Effect = "Allow", Action = "sts:AssumeRole",
                          Principal = {AWS = "arn:aws:iam::111111111111:root"},
                          Condition = {StringEquals = {"sts:ExternalId" = "x"}}}]
          })
        }
        """}
    found = scan(files, rule="account-separation", config=ORG)
    assert [f for f in found if "999999999999" in f.message] == []
    assert [f.start_line for f in found if "111111111111" in f.message] == [5]


def test_a_module_called_once_is_reviewed_as_that_instance() -> None:
    files = {
        "live/main.tf": """\
            variable "stage" {}
            module "orders" {
              source  = "../modules/worker"
              name    = "orders-${var.stage}"
              actions = ["sqs:SendMessage", "sqs:*"]
            }
            """,
        "modules/worker/main.tf": """\
            variable "name" {}
            variable "actions" {
              default = []
            }
            resource "aws_iam_role" "this" {
              name = var.name
            }
            resource "aws_iam_role_policy" "this" {
              role   = aws_iam_role.this.id
              policy = jsonencode({Statement = [{Effect = "Allow", Action = var.actions, Resource = "*"}]})
            }
            resource "aws_lambda_function" "a" {
              function_name = "${var.name}-a"
              role          = aws_iam_role.this.arn
            }
            resource "aws_lambda_function" "b" {
              function_name = "static-b"
              role          = aws_iam_role.this.arn
            }
            """,
    }
    found = scan(files)
    by_rule = {(f.rule_id, f.path, f.start_line, f.resource) for f in found
               if f.rule_id in ("no-wildcard-actions", "staged-names", "no-shared-policies")}
    assert by_rule == {
        # The caller's argument is where the wildcard is written.
        ("no-wildcard-actions", "live/main.tf", 5, "module.orders.aws_iam_role_policy.this"),
        # The name the caller passes carries the stage; the literal one does not.
        ("staged-names", "modules/worker/main.tf", 17, "module.orders.aws_lambda_function.b"),
        ("no-shared-policies", "modules/worker/main.tf", 18, "module.orders.aws_lambda_function.b"),
    }


def test_a_dynamic_statement_block_is_reviewed_as_statements() -> None:
    files = {"main.tf": """\
        data "aws_iam_policy_document" "p" {
          dynamic "statement" {
            for_each = var.buckets
            content {
              actions   = ["s3:*"]
              resources = ["arn:aws:s3:::${statement.value}/*"]
            }
          }
          dynamic "statement" {
            for_each = var.statements
            content {
              actions   = statement.value.actions
              resources = statement.value.resources
            }
          }
        }
        """}
    found = scan(files, rule="no-wildcard-actions")
    assert where(found) == [("main.tf", 5, "data.aws_iam_policy_document.p")]


def test_a_for_expression_over_a_known_list() -> None:
    files = {"main.tf": """\
        locals {
          services = ["s3", "sqs"]
          own      = [for p in ["user/$${aws:username}"] : "arn:aws:iam::*:${p}"]
        }
        data "aws_iam_policy_document" "p" {
          statement {
            actions   = [for s in local.services : "${s}:*"]
            resources = ["*"]
          }
          statement {
            actions   = ["iam:CreateAccessKey", "iam:UpdateLoginProfile"]
            resources = local.own
          }
        }
        """}
    found = scan(files, rule="no-wildcard-actions")
    assert sorted(f.value for f in found) == ["s3:*", "sqs:*"]
    assert {f.start_line for f in found} == {7}
    # A user managing only its own access keys and password escalates nothing.
    assert scan(files, rule="privilege-escalation") == []


def test_a_module_whose_values_explode_is_not_passed_silently() -> None:
    lines = ["locals {"] + [f"  a{i} = [local.a{i + 1}, local.a{i + 1}, local.a{i + 1}]"
                            for i in range(40)] + ['  a40 = "s3:*"', "}"]
    lines += ['data "aws_iam_policy_document" "p" {', "  statement {", "    actions = local.a0",
              '    resources = ["*"]', "  }", "}"]
    found = scan({"m/main.tf": "\n".join(lines) + "\n"})
    [problem] = [f for f in found if f.rule_id == "template-parse"]
    assert (problem.path, problem.start_line, problem.severity) == ("m/main.tf", 1, "error")
    assert "not reviewed in full" in problem.message


def test_templatefile_of_a_json_policy_with_the_values_passed() -> None:
    files = {
        "svc/main.tf": """\
            resource "aws_iam_policy" "p" {
              policy = templatefile("${path.module}/templates/policy.json.tpl", {
                action = "s3:*"
                bucket = aws_s3_bucket.b.arn
              })
            }
            """,
        "svc/templates/policy.json.tpl": """\
            {"Version": "2012-10-17",
             "Statement": [
               {"Effect": "Allow",
                "Action": "${action}",
                "Resource": "${bucket}/*"},
               {"Effect": "Allow",
                "Action": "${unknown}",
                "Resource": "*"}]}
            """,
    }
    found = scan(files, rule="no-wildcard-actions")
    assert where(found) == [("svc/templates/policy.json.tpl", 4, "aws_iam_policy.p")]
    assert '"s3:*" grants' in found[0].message


def test_module_siblings_include_policy_files_below_the_folder() -> None:
    from reviewer.formats.paths import module_siblings

    tree = ["svc/main.tf", "svc/vars.tf", "svc/templates/p.json.tpl", "svc/sub/main.tf",
            "other/x.json", "svc/README.md"]
    assert module_siblings(["svc/main.tf"], tree) == [
        "svc/main.tf", "svc/templates/p.json.tpl", "svc/vars.tf"]


def test_review_findings_of_the_reviewers_review() -> None:
    """What a review of the readers found: CRLF files, an interpolation where a JSON value
    goes, data documents inside a called module, the stage passed by a module's caller,
    and an iterator named like a resource."""
    crlf = 'resource "aws_iam_policy" "p" {\r\n  policy = jsonencode({Statement = [\r\n' \
           '    {Effect = "Allow", Action = "s3:*", Resource = "*"}]})\r\n}\r\n'
    heredoc = """\
        resource "aws_iam_policy" "h" {
          policy = <<EOT
        {
          "Statement": [
            {
              "Effect": "Allow",
              "Action": "*",
              "Resource": ${jsonencode(var.arns)}
            }
          ]
        }
        EOT
        }
        resource "aws_iam_policy" "broken" {
          policy = <<EOT
        {"Statement": [{"Effect": "Allow", "Action": ${var.a} ${var.b}}]}
        EOT
        }
        """
    found = scan({"crlf/main.tf": crlf, "heredoc/main.tf": heredoc})
    assert ("crlf/main.tf", 3) in {(f.path, f.start_line) for f in found if f.rule_id == "no-wildcard-actions"}
    assert ("heredoc/main.tf", 7) in {(f.path, f.start_line) for f in found if f.rule_id == "no-wildcard-actions"}
    assert [(f.path, f.start_line) for f in found if f.rule_id == "template-parse"] == [("heredoc/main.tf", 16)]

    module = {
        "live/main.tf": 'module "svc" {\n  source = "../mod"\n  stage  = "dev"\n}\n',
        "mod/main.tf": """\
            variable "stage" {}
            resource "aws_iam_role" "r" {
              name               = "r-${var.stage}"
              assume_role_policy = data.aws_iam_policy_document.trust.json
            }
            data "aws_iam_policy_document" "trust" {
              statement {
                actions = ["sts:AssumeRole"]
                principals {
                  type        = "AWS"
                  identifiers = ["*"]
                }
              }
            }
            resource "aws_iam_role_policy" "p" {
              role   = aws_iam_role.r.id
              policy = data.aws_iam_policy_document.perm.json
            }
            data "aws_iam_policy_document" "perm" {
              statement {
                actions   = ["iam:CreatePolicyVersion"]
                resources = ["*"]
              }
              dynamic "statement" {
                for_each = var.extra
                iterator = my_item
                content {
                  actions   = my_item.value.actions
                  resources = ["*"]
                }
              }
            }
            """,
    }
    found = scan(module)
    assert [f for f in found if f.rule_id == "staged-names"] == []
    [escalation] = [f for f in found if f.rule_id == "privilege-escalation"]
    assert escalation.message.startswith("module.svc.aws_iam_role.r can escalate")
    [trust] = [f for f in found if f.rule_id == "account-separation"]
    assert trust.resource == "module.svc.data.aws_iam_policy_document.trust"
