"""no-shared-policies within a template and across the files of one scan."""

from __future__ import annotations

import textwrap

from reviewer.config.settings import Settings
from reviewer.engine.evaluate import evaluate
from tests.conftest import run, shipped_rules

RULE = "no-shared-policies"


def test_policy_attached_to_users_and_groups() -> None:
    template = """\
Resources:
  Shared:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: shared
      Users: [!Ref Alice]
      Groups: [!Ref Admins]
      PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
"""
    [finding] = run(template, rule=RULE)
    assert finding.start_line == 7 and "Admins" in finding.message


def test_sam_functions_sharing_a_role_and_a_customer_policy_arn() -> None:
    template = """\
Resources:
  A:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.h
      Policies: [!Sub "arn:aws:iam::${AWS::AccountId}:policy/shared"]
  B:
    Type: AWS::Serverless::Function
    Properties:
      Handler: b.h
      Policies:
        - !Sub "arn:aws:iam::${AWS::AccountId}:policy/shared"
        - arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess
  C:
    Type: AWS::Serverless::Function
    Properties:
      Handler: c.h
      Policies:
        - arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess
"""
    [finding] = run(template, rule=RULE)
    assert finding.start_line == 12 and "BRole" in finding.message


def test_same_customer_policy_arn_across_templates() -> None:
    def tpl(name: str) -> bytes:
        return textwrap.dedent(f"""\
        Resources:
          {name}:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {{}}
              ManagedPolicyArns:
                - arn:aws:iam::111111111111:policy/billing-shared
        """).encode()

    rules = {RULE: shipped_rules()[RULE]}
    findings = evaluate({"a/one.yaml": tpl("One"), "b/two.yaml": tpl("Two")}, rules, Settings()).findings
    assert [(f.path, f.resource, f.start_line) for f in findings] == [("b/two.yaml", "Two", 7)]
    assert "a/one.yaml" in findings[0].message
