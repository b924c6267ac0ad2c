"""key-rotation: symmetric KMS keys rotate, in every format; secrets have a rotation schedule
where the organisation asks for it."""

from __future__ import annotations

import json

from tests.conftest import run
from tests.rules.test_no_plaintext_secrets import _cli
from tests.test_diff import Repo

RULE = "key-rotation"


def test_cloudformation_keys() -> None:
    template = """\
        Resources:
          Plain: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {}}}
          Stopped:
            Type: AWS::KMS::Key
            Properties:
              EnableKeyRotation: false
              KeySpec: SYMMETRIC_DEFAULT
          Custom: {Type: AWS::KMS::Key, Properties: {CustomKeyStoreId: cks-1234567890abcdef0}}
          Spec: {Type: AWS::KMS::Key, Properties: {KeySpec: !Ref Spec}}
        """
    found = sorted((f.start_line, f.resource, f.message[:48]) for f in run(template, rule=RULE))
    assert found == [(2, "Plain", "KMS key Plain does not set EnableKeyRotation: it"),
                     (6, "Stopped", "KMS key Stopped sets EnableKeyRotation to false:")]


def test_terraform_keys() -> None:
    module = """\
        resource "aws_kms_key" "a" {}
        resource "aws_kms_key" "b" {
          enable_key_rotation = false
        }
        resource "aws_kms_key" "c" {
          customer_master_key_spec = "ECC_NIST_P256"
        }
        resource "aws_kms_key" "d" {
          enable_key_rotation = var.rotate
        }
        """
    found = sorted((f.start_line, f.resource, f.message[:59]) for f in run(module, rule=RULE, path="main.tf"))
    assert found == [(1, "aws_kms_key.a", "KMS key aws_kms_key.a does not set enable_key_rotation: its"),
                     (3, "aws_kms_key.b", "KMS key aws_kms_key.b sets enable_key_rotation to false: it")]


def test_serverless_resources_are_read_as_cloudformation() -> None:
    service = """\
        service: orders
        provider: {name: aws}
        resources:
          Resources:
            Key: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {}}}
        """
    [finding] = run(service, rule=RULE, path="serverless.yml")
    assert (finding.start_line, finding.resource) == (5, "Key")


def test_secrets_only_where_the_organisation_asks() -> None:
    module = """\
        resource "aws_secretsmanager_secret" "token" {}
        resource "aws_secretsmanager_secret" "db" {}
        resource "aws_secretsmanager_secret_rotation" "db" {
          secret_id           = aws_secretsmanager_secret.db.id
          rotation_lambda_arn = aws_lambda_function.rotate.arn
        }
        """
    assert run(module, rule=RULE, path="main.tf") == []
    config = {"rules": {RULE: {"with": {"secrets": True}}}}
    [finding] = run(module, rule=RULE, path="main.tf", config=config)
    assert finding.resource == "aws_secretsmanager_secret.token" and finding.start_line == 1
    # A schedule for a secret named by ARN may be for any of them: none is flagged.
    named = module.replace("aws_secretsmanager_secret.db.id", '"arn:aws:secretsmanager:eu-west-1:111111111111:secret:x"')
    assert run(named, rule=RULE, path="main.tf", config=config) == []


def test_diff_a_key_whose_rotation_is_switched_off_is_new(tmp_path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("stack.yaml", "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n"
                             "      EnableKeyRotation: true\n      KeyPolicy: {}\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("stack.yaml", "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n"
                             "      EnableKeyRotation: false\n      KeyPolicy: {}\n")
    repo.commit("off")
    report = json.loads(_cli("diff", "--base", "main", "--repo", str(repo.root), "--format", "json",
                             cwd=repo.root))
    assert [(f["start_line"], f["state"]) for f in report["findings"] if f["rule"] == RULE] == [(5, "new")]
