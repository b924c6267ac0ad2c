"""no-wildcard-actions over every place a policy lives and every intrinsic form."""

from __future__ import annotations

import pytest

from tests.conftest import run

RULE = "no-wildcard-actions"


def role_policy(action_yaml: str, effect: str = "Allow") -> str:
    return f"""\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{}}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: {effect}
                Action: {action_yaml}
                Resource: "*"
"""


@pytest.mark.parametrize("action,values", [
    ('"*"', ["*"]),
    ('"s3:*"', ["s3:*"]),
    ('"S3:get*"', ["s3:get*"]),
    ('"iam:*Policy"', ["iam:*policy"]),
    ('["s3:GetObject", "sqs:Send*"]', ["sqs:send*"]),
    ('!If [Prod, "s3:GetObject", "s3:*"]', ["s3:*"]),
    ('[!If [Prod, "s3:GetObject", "dynamodb:*"], "sqs:SendMessage"]', ["dynamodb:*"]),
    ('!Join ["", ["s3:", "*"]]', ["s3:*"]),
    ('!Sub "s3:Get${Suffix}*"', ["s3:get${suffix}*"]),
    ('{"Fn::If": [Prod, ["s3:GetObject"], ["kms:*"]]}', ["kms:*"]),
])
def test_wildcards_are_found_through_intrinsics(action: str, values: list[str]) -> None:
    findings = run(role_policy(action), rule=RULE)
    assert sorted(f.value for f in findings) == sorted(values)
    assert all(f.resource == "Role" and f.start_line == 11 for f in findings)


@pytest.mark.parametrize("action", [
    '"s3:GetObject"', '!Ref ActionParam', '!GetAtt Thing.Action', '!ImportValue shared-action',
    '!If [Prod, "s3:GetObject", !Ref AWS::NoValue]', '!Ref AWS::NoValue',
    '!Sub "s3:${Verb}Object"',
])
def test_unresolvable_or_literal_actions_are_not_wildcards(action: str) -> None:
    assert run(role_policy(action), rule=RULE) == []


def test_deny_may_use_wildcards() -> None:
    assert run(role_policy('"s3:*"', effect="Deny"), rule=RULE) == []


def test_message_names_the_count_and_some_actions() -> None:
    [finding] = run(role_policy('"s3:Get*"'), rule=RULE)
    assert '"s3:Get*" grants' in finding.message
    count = int(finding.message.split("grants ")[1].split(" ")[0])
    assert count > 20
    assert "s3:GetObject" in finding.message or "more" in finding.message


def test_parameter_default_is_followed() -> None:
    template = "Parameters:\n  Act: {Type: String, Default: 'ec2:*'}\n" + role_policy("!Ref Act")
    [finding] = run(template, rule=RULE)
    assert finding.value == "ec2:*"


def test_not_action_with_allow() -> None:
    doc = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}}'
    [finding] = run(doc, rule=RULE, path="policy.json")
    assert "NotAction" in finding.message and finding.start_line == 1


def test_statement_as_if_and_single_object() -> None:
    template = """\
Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: !If
          - Prod
          - {Effect: Allow, Action: "s3:GetObject", Resource: "*"}
          - {Effect: Allow, Action: "s3:*", Resource: "*"}
"""
    [finding] = run(template, rule=RULE)
    assert finding.start_line == 9 and finding.resource == "Policy"


@pytest.mark.parametrize("rtype,prop", [
    ("AWS::S3::BucketPolicy", "PolicyDocument"),
    ("AWS::SQS::QueuePolicy", "PolicyDocument"),
    ("AWS::SNS::TopicPolicy", "PolicyDocument"),
    ("AWS::KMS::Key", "KeyPolicy"),
])
def test_resource_policies(rtype: str, prop: str) -> None:
    template = f"""\
Resources:
  Thing:
    Type: {rtype}
    Properties:
      {prop}:
        Statement:
          - Effect: Allow
            Principal: {{AWS: !Sub "arn:aws:iam::${{AWS::AccountId}}:root"}}
            Action: "sqs:*"
            Resource: "*"
"""
    [finding] = run(template, rule=RULE)
    assert finding.start_line == 9


def test_user_group_and_sam_policies() -> None:
    template = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
Resources:
  User:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: u
          PolicyDocument: {Statement: [{Effect: Allow, Action: "ec2:*", Resource: "*"}]}
  Group:
    Type: AWS::IAM::Group
    Properties:
      Policies:
        - PolicyName: g
          PolicyDocument: {Statement: [{Effect: Allow, Action: "rds:*", Resource: "*"}]}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.h
      Policies:
        - AWSLambdaBasicExecutionRole
        - SQSSendMessagePolicy: {QueueName: q}
        - Statement:
            - Effect: Allow
              Action: "dynamodb:*"
              Resource: "*"
"""
    findings = run(template, rule=RULE)
    by_resource = {(f.resource, f.value) for f in findings}
    assert ("User", "ec2:*") in by_resource
    assert ("Group", "rds:*") in by_resource
    assert ("Fn", "dynamodb:*") in by_resource
    # The SAM policy template grants sqs:ChangeMessageVisibility* ...: reported on its line.
    sam = [f for f in findings if f.resource == "Fn" and f.start_line == 24]
    assert sam, findings


def test_allow_list_parameter() -> None:
    config = {"rules": {RULE: {"with": {"allow": ["logs:*"]}}}}
    assert run(role_policy('"logs:*"'), rule=RULE, config=config) == []
    assert run(role_policy('"s3:*"'), rule=RULE, config=config) != []


SAM_TEMPLATE_WILDCARD = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: a.h
      Policies:
        - TextractPolicy: {}
        - SQSPollerPolicy: {QueueName: q}
"""


def test_a_wildcard_in_a_sam_policy_template_says_it_is_the_templates() -> None:
    """The author cannot edit SAM's templates: the message says so, admins may accept them,
    and the batch API names in SQSPollerPolicy are not reported as the author's typos."""
    [finding] = run(SAM_TEMPLATE_WILDCARD, rule="no-wildcard-actions")
    assert finding.message.startswith('In the SAM policy template TextractPolicy, "textract:*" grants')
    assert "allow_sam_templates" in finding.message
    config = {"rules": {"no-wildcard-actions": {"with": {"allow_sam_templates": ["TextractPolicy"]}}}}
    assert run(SAM_TEMPLATE_WILDCARD, rule="no-wildcard-actions", config=config) == []
    assert run(SAM_TEMPLATE_WILDCARD, rule="valid-actions") == []


KMS_KEY = """\
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Sid: Enable IAM policies
            Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: "kms:*"
            Resource: "*"
          - Effect: Allow
            Principal: {AWS: "arn:aws:iam::444455556666:root"}
            Action: "kms:*"
            Resource: "*"
"""


def test_the_kms_default_statement_is_said_to_be_a_matter_of_policy() -> None:
    found = run(KMS_KEY, rule="no-wildcard-actions")
    assert [(f.start_line, f.severity) for f in found] == [(10, "warning"), (14, "error")]
    assert "AWS recommends it" in found[0].message and "allow_kms_default_statement" in found[0].message
    config = {"rules": {"no-wildcard-actions": {"with": {"allow_kms_default_statement": True}}}}
    assert [f.start_line for f in run(KMS_KEY, rule="no-wildcard-actions", config=config)] == [14]
