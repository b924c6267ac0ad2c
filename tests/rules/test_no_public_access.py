"""no-public-access (issue 19, point 4): S3's meaning of "public", for every service and format."""

from __future__ import annotations

import pytest

from tests.conftest import run

BUCKET = """\
Resources:
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: data
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: arn:aws:s3:::data/*
%s
"""


@pytest.mark.parametrize("condition, public", [
    ("", True),
    ("            Condition: {StringEquals: {aws:PrincipalOrgID: o-abc123def4}}", False),
    ("            Condition: {StringEquals: {aws:SourceVpce: vpce-1}}", False),
    ("            Condition: {IpAddress: {aws:SourceIp: 203.0.113.0/24}}", False),
    # The whole internet, a wildcard, a negation, IfExists: nothing pinned.
    ("            Condition: {IpAddress: {aws:SourceIp: 0.0.0.0/0}}", True),
    ("            Condition: {StringLike: {aws:PrincipalOrgID: o-*}}", True),
    ("            Condition: {StringNotEquals: {aws:PrincipalOrgID: o-abc123def4}}", True),
    ("            Condition: {StringEqualsIfExists: {aws:SourceVpce: vpce-1}}", True),
    # S3: "aws:userid outside the pattern AROLEID:*" is non-public; the pattern is public.
    ("            Condition: {StringLike: {aws:userid: 'AROAEXAMPLE:*'}}", True),
    ("            Condition: {StringEquals: {aws:userid: AIDAEXAMPLE}}", False),
    # Not a pinning key: the caller can be anyone.
    ("            Condition: {Bool: {aws:SecureTransport: 'true'}}", True),
])
def test_what_pins_the_caller_follows_s3s_definition(condition: str, public: bool) -> None:
    found = run(BUCKET % condition, rule="no-public-access")
    assert bool(found) is public, found
    if found:
        assert found[0].start_line == 9 and found[0].resource == "Policy"


def test_lambda_permissions_and_keys() -> None:
    template = """\
Resources:
  Open:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: f, Action: lambda:InvokeFunction, Principal: "*"}
  FromBucket:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: f, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com}
  Pinned:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: f, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com,
                 SourceAccount: "111122223333"}
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: [kms:Decrypt]
            Resource: "*"
            Condition:
              StringEquals: {kms:CallerAccount: "111122223333", kms:ViaService: s3.eu-west-1.amazonaws.com}
"""
    found = {(f.resource, f.severity) for f in run(template, rule="no-public-access")}
    assert found == {("Open", "error"), ("FromBucket", "warning")}


def test_terraform_lambda_permission_and_a_domain_in_a_vpc() -> None:
    module = """\
resource "aws_lambda_permission" "open" {
  function_name = "f"
  action        = "lambda:InvokeFunction"
  principal     = "*"
}
resource "aws_lambda_permission" "sns" {
  function_name = "f"
  action        = "lambda:InvokeFunction"
  principal     = "sns.amazonaws.com"
  source_arn    = "arn:aws:sns:eu-west-1:111122223333:t"
}
resource "aws_opensearch_domain" "logs" {
  domain_name = "logs"
  vpc_options {
    subnet_ids = ["subnet-1"]
  }
  access_policies = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "es:*", Resource = "*" }]
  })
}
"""
    found = run(module, rule="no-public-access", path="main.tf")
    assert [(f.resource, f.start_line) for f in found] == [("aws_lambda_permission.open", 4)]


def test_a_value_known_only_after_apply_is_neither_flagged_nor_cleared() -> None:
    module = """\
resource "aws_sqs_queue_policy" "q" {
  queue_url = aws_sqs_queue.q.id
  policy = jsonencode({
    Statement = [{
      Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = aws_sqs_queue.q.arn,
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.t.arn } }
    }]
  })
}
"""
    assert run(module, rule="no-public-access", path="main.tf") == []


def test_allow_with_not_principal_lets_everyone_else_in() -> None:
    template = BUCKET.replace('Principal: "*"', "NotPrincipal: {AWS: arn:aws:iam::111122223333:root}") % ""
    [finding] = run(template, rule="no-public-access")
    assert "NotPrincipal lets everyone but" in finding.message


@pytest.mark.parametrize("sub, flagged", [
    ("repo:acme/app:ref:refs/heads/main", False),
    ("repo:acme/*", False),                # the organisation's repositories: a choice
    ("repo:*:*", True),                    # any owner
    ("repo:*/app:*", True),
    ("repo:ac?e/app:*", True),
    ("*", True),
])
def test_a_github_trust_names_its_owner(sub: str, flagged: bool) -> None:
    template = f"""\
Resources:
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com}}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringLike: {{token.actions.githubusercontent.com:sub: "{sub}"}}
"""
    assert bool(run(template, rule="no-public-access")) is flagged


def test_a_boundary_written_with_pseudo_parameters_is_the_organisations() -> None:
    template = """\
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      PermissionsBoundary: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/org-boundary"
"""
    config = {"rules": {"permission-boundary": {"enabled": True, "with": {
        "boundary": ["arn:aws:iam::*:policy/org-boundary"]}}}}
    assert run(template, rule="permission-boundary", config=config) == []
    other = template.replace("org-boundary", "team-boundary")
    [finding] = run(other, rule="permission-boundary", config=config)
    assert "team-boundary" in finding.message
