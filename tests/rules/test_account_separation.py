"""account-separation with the organisation's stage -> account map."""

from __future__ import annotations

from typing import Any

from tests.conftest import run

RULE = "account-separation"


def trust(principal: str, condition: str = "") -> str:
    return f"""\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {principal}
            Action: sts:AssumeRole
{condition}"""


def test_prod_trusted_by_dev_template(org_config: dict[str, Any]) -> None:
    findings = run(trust('{AWS: "arn:aws:iam::333333333333:role/ci"}'), rule=RULE,
                   path="stacks/dev/app.yaml", config=org_config)
    assert [(f.value, f.severity, f.start_line) for f in findings] == [
        ("cross-stage:333333333333", "error", 8)]


def test_whole_foreign_root_without_condition(org_config: dict[str, Any]) -> None:
    findings = run(trust('{AWS: "999999999999"}'), rule=RULE, path="prod.yaml", config=org_config)
    assert [f.value for f in findings] == ["trust-root:999999999999"]
    with_condition = trust('{AWS: "999999999999"}',
                           "            Condition: {StringEquals: {sts:ExternalId: x}}\n")
    assert run(with_condition, rule=RULE, path="prod.yaml", config=org_config) == []


def test_star_trust_is_found_without_any_configuration() -> None:
    [finding] = run(trust('"*"'), rule=RULE)
    assert finding.value == "trust:*"


def test_unknown_and_hardcoded_accounts(org_config: dict[str, Any]) -> None:
    template = """\
Resources:
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceAccount: "444444444444"
  Q:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy:
        deadLetterTargetArn: arn:aws:sqs:eu-west-1:111111111111:dlq
"""
    findings = run(template, rule=RULE, path="stacks/dev/app.yaml", config=org_config)
    assert [(f.value, f.severity, f.start_line) for f in findings] == [
        ("unknown:444444444444", "error", 8), ("hardcoded:111111111111", "warning", 13)]


def test_parameter_file_of_one_stage(org_config: dict[str, Any]) -> None:
    text = '{"Parameters": {"Stage": "staging", "Peer": "arn:aws:iam::222222222222:role/x",\n' \
           '  "Audit": "333333333333"}}'
    findings = run(text, rule=RULE, path="config/params.json", config=org_config)
    assert [(f.value, f.start_line) for f in findings] == [("cross-stage:333333333333", 2)]


def test_unquoted_account_ids_in_config_are_a_config_error() -> None:
    import pytest

    from reviewer.config.errors import ConfigError
    from reviewer.config.settings import parse_settings

    with pytest.raises(ConfigError) as info:
        parse_settings("org.yml", "organisation:\n  accounts:\n    dev: 011111111111\n")
    assert info.value.line == 3 and info.value.key == "organisation.accounts.dev"


def test_standalone_resource_policy_and_string_documents() -> None:
    bucket_policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n' \
                    ' "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}'
    [finding] = run(bucket_policy, rule=RULE, path="bucket-policy.json")
    assert finding.value == "trust:*" and finding.start_line == 2
    as_text = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: '{"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "x"}, "Action": "sts:AssumeRole"}]}'
"""
    [finding] = run(as_text, rule=RULE)
    assert finding.value == "trust:notprincipal" and finding.start_line == 5
