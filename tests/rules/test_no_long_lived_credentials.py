"""no-long-lived-credentials: access keys, login profiles and keys in functions'
environments, in every format, through scan and diff."""

from __future__ import annotations

import json

from tests.conftest import run
from tests.rules.test_no_plaintext_secrets import _cli
from tests.test_diff import Repo

RULE = "no-long-lived-credentials"

TEMPLATE = """\
Resources:
  DeployKey:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: !Ref Deployer}
  OldKey:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: !Ref Deployer, Status: Inactive}
  Deployer:
    Type: AWS::IAM::User
    Properties:
      LoginProfile: {Password: !Ref Password}
  Handler:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          KEY_ID: !Ref DeployKey
          AWS_SECRET_ACCESS_KEY: !Ref Secret
          UPSTREAM: AKIA2E0A8F3B244C7DQX
          R2_ACCESS_KEY_ID: cloudflare
          ROLE: !GetAtt Role.Arn
"""


def test_cloudformation() -> None:
    found = sorted((f.start_line, f.resource, f.message) for f in run(TEMPLATE, rule=RULE))
    assert [(line, resource) for line, resource, _ in found] == [
        (3, "DeployKey"), (11, "Deployer"), (17, "Handler"), (18, "Handler"), (19, "Handler")]
    assert found[0][2].startswith("AWS::IAM::AccessKey DeployKey creates a long-lived access key")
    assert "KEY_ID of function Handler refers to an IAM access key of this template" in found[2][2]
    assert "AWS_SECRET_ACCESS_KEY of function Handler is named for an AWS access key" in found[3][2]
    assert "UPSTREAM of function Handler holds an AWS access key id" in found[4][2]


TERRAFORM = """\
resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}
resource "aws_iam_access_key" "old" {
  user   = aws_iam_user.ci.name
  status = "Inactive"
}
resource "aws_iam_user_login_profile" "alice" {
  user = aws_iam_user.alice.name
}
resource "aws_lambda_function" "sync" {
  environment {
    variables = {
      PARTNER_SECRET = aws_iam_access_key.ci.secret
      ROLE_ARN       = aws_iam_role.partner.arn
    }
  }
}
"""


def test_terraform() -> None:
    found = sorted((f.start_line, f.resource, f.message) for f in run(TERRAFORM, rule=RULE, path="main.tf"))
    assert [(line, resource) for line, resource, _ in found] == [
        (1, "aws_iam_access_key.ci"), (8, "aws_iam_user_login_profile.alice"), (14, "aws_lambda_function.sync")]
    assert found[0][2].startswith("aws_iam_access_key.ci creates a long-lived access key")
    assert found[1][2].startswith("aws_iam_user_login_profile.alice gives a console password for IAM user aws_iam_user.alice")
    assert found[2][2].startswith("environment.variables PARTNER_SECRET of function aws_lambda_function.sync refers")


SERVICE = """\
service: sync
provider:
  name: aws
  environment:
    AWS_ACCESS_KEY_ID_PARTNER: ${ssm:/partner/key-id}
functions:
  a: {handler: a.handler}
  b: {handler: b.handler}
resources:
  Resources:
    Key: {Type: AWS::IAM::AccessKey, Properties: {UserName: partner}}
"""


def test_serverless_provider_environment_once_and_resources() -> None:
    found = sorted((f.start_line, f.resource, f.message) for f in run(SERVICE, rule=RULE, path="serverless.yml"))
    assert [(line, resource) for line, resource, _ in found] == [(5, "a"), (11, "Key")]
    assert found[0][2].startswith("environment AWS_ACCESS_KEY_ID_PARTNER of functions a and b "
                                  "is named for an AWS access key")


def test_diff_reports_a_new_access_key_once(tmp_path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("infra/main.tf", 'resource "aws_iam_user" "ci" {\n  name = "ci"\n}\n')
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("infra/main.tf", 'resource "aws_iam_user" "ci" {\n  name = "ci"\n}\n'
                                'resource "aws_iam_access_key" "ci" {\n  user = aws_iam_user.ci.name\n}\n')
    repo.commit("a key")
    report = json.loads(_cli("diff", "--base", "main", "--repo", str(repo.root), "--format", "json",
                             cwd=repo.root))
    assert [(f["path"], f["start_line"], f["state"]) for f in report["findings"] if f["rule"] == RULE] == [
        ("infra/main.tf", 4, "new")]


def test_an_access_key_in_the_environment_even_aws_documentation_key() -> None:
    """TerraGoat's function gets AWS's documentation key under a name without "AWS": the key
    is no secret, but passing one is the problem this rule is about."""
    module = """\
        resource "aws_lambda_function" "analysis" {
          environment {
            variables = {
              access_key = "AKIAIOSFODNN7EXAMPLE"
              secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            }
          }
        }
        """
    [finding] = run(module, rule=RULE, path="main.tf")
    assert finding.start_line == 4 and "access_key of function aws_lambda_function.analysis holds an AWS access key id" in finding.message
    assert run(module, rule="no-plaintext-secrets", path="main.tf") == []


def test_what_terraform_never_creates_is_no_key() -> None:
    hcl = """
locals {
  none = []
}
variable "keys" {
  default = 0
}
resource "aws_iam_access_key" "zero" {
  count = 0
  user  = "ci"
}
resource "aws_iam_access_key" "empty_map" {
  for_each = {}
  user     = "ci"
}
resource "aws_iam_access_key" "empty_set" {
  for_each = toset(local.none)
  user     = "ci"
}
resource "aws_iam_access_key" "callers_choice" {
  count = var.keys
  user  = "ci"
}
"""
    # A variable's default is what -var or a caller may change: still reported.
    assert [f.resource for f in run(hcl, rule=RULE, path="main.tf")] == ["aws_iam_access_key.callers_choice"]


def test_no_value_and_names_that_say_something_about_a_key() -> None:
    template = """
Resources:
  Plain:
    Type: AWS::IAM::User
    Properties:
      LoginProfile: !Ref AWS::NoValue
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          AWS_ACCESS_KEY_ROTATION_DAYS: "90"
          AWS_SECRET_KEY_ENABLED: "false"
          AWS_ACCESS_KEY_ID: !Ref AWS::NoValue
          PARTNER_AWS_ACCESS_KEY_ID: literal-value
"""
    assert [(f.resource, f.start_line) for f in run(template, rule=RULE)] == [("Fn", 15)]
