"""no-shared-policies within a template and across the files of one scan."""

from __future__ import annotations

import textwrap

import pytest

from reviewer.config.settings import Settings
from reviewer.pipeline import evaluate
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


# --- Principals that never exist in the same stack share nothing (issue 8) -------------------

CONDITIONS = """\
Parameters:
  Stage: {Type: String, AllowedValues: [dev, staging, prod]}
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsNotProd: !Not [Condition: IsProd]
  IsDev: !Equals [!Ref Stage, dev]
  IsStaging: !Equals [staging, !Ref Stage]
  NotDev: !Not [!Equals [!Ref Stage, dev]]
  InEurope: !Equals [!Ref "AWS::Region", eu-west-1]
  ProdInEurope: !And [Condition: IsProd, Condition: InEurope]
  DevOrStaging: !Or [Condition: IsDev, Condition: IsStaging]
  EnvA: !Equals [!Ref Env, a]
  EnvB: !Equals [!Ref Env, b]
  Unreadable: !Equals [!Select [0, !Split [",", !Ref Env]], a]
Resources:
"""


def functions(*conditions: str) -> str:
    return CONDITIONS + "".join(f"""\
  Fn{i}:
    Type: AWS::Lambda::Function
    Condition: {condition}
    Properties: {{Role: !GetAtt Shared.Arn, Handler: h{i}.h, Runtime: python3.12}}
""" for i, condition in enumerate(conditions))


@pytest.mark.parametrize("conditions", [
    ("IsProd", "IsNotProd"),
    ("IsDev", "IsStaging"),
    ("IsDev", "NotDev"),
    ("EnvA", "EnvB"),
    ("ProdInEurope", "DevOrStaging"),
    ("IsProd", "IsDev", "IsStaging"),
])
def test_functions_whose_conditions_exclude_each_other(conditions: tuple[str, ...]) -> None:
    assert run(functions(*conditions), rule=RULE) == []


@pytest.mark.parametrize("conditions,reported", [
    (("IsProd", "InEurope"), ["Fn1"]),
    (("IsNotProd", "IsDev"), ["Fn1"]),
    (("IsProd", "ProdInEurope"), ["Fn1"]),
    (("EnvA", "Unreadable"), ["Fn1"]),
    (("IsProd", "IsDev", "NotDev"), ["Fn2"]),
    (("IsProd", "IsProd"), ["Fn1"]),
])
def test_functions_that_may_coexist_are_still_reported(conditions: tuple[str, ...], reported: list[str]) -> None:
    findings = run(functions(*conditions), rule=RULE)
    assert [f.resource for f in findings] == reported


def test_message_names_a_function_that_coexists() -> None:
    [finding] = run(functions("IsProd", "IsDev", "NotDev"), rule=RULE)
    assert "also used by function Fn0" in finding.message  # prod and "not dev": both in prod


def test_managed_policy_on_roles_that_never_coexist() -> None:
    template = CONDITIONS + """\
  Common:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "*"}]}
  ProdRole:
    Type: AWS::IAM::Role
    Condition: IsProd
    Properties: {AssumeRolePolicyDocument: {}, ManagedPolicyArns: [!Ref Common]}
  TestRole:
    Type: AWS::IAM::Role
    Condition: IsNotProd
    Properties: {AssumeRolePolicyDocument: {}, ManagedPolicyArns: [!Ref Common]}
  AuditRole:
    Type: AWS::IAM::Role
    Condition: InEurope
    Properties: {AssumeRolePolicyDocument: {}, ManagedPolicyArns: [!Ref Common]}
"""
    [finding] = run(template, rule=RULE)
    assert finding.resource == "Common" and "attached to ProdRole and also to AuditRole" in finding.message


def test_hostile_conditions_are_bounded() -> None:
    # Conditions that refer to each other in a cycle, and a chain that doubles at each step
    # (2**40 nodes unfolded): read within bounds and, not worked out, taken to coexist.
    doubling = "".join(f"  D{i}: !And [Condition: D{i + 1}, Condition: D{i + 1}]\n" for i in range(40))
    template = CONDITIONS.replace("Resources:\n", f"""\
  Loop1: !Not [Condition: Loop2]
  Loop2: !Not [Condition: Loop1]
{doubling}  D40: !Equals [!Ref Stage, prod]
Resources:
""") + """\
  A:
    Type: AWS::Lambda::Function
    Condition: Loop1
    Properties: {Role: !GetAtt Shared.Arn, Handler: a.h}
  B:
    Type: AWS::Lambda::Function
    Condition: D0
    Properties: {Role: !GetAtt Shared.Arn, Handler: b.h}
  C:
    Type: AWS::Lambda::Function
    Condition: IsDev
    Properties: {Role: !GetAtt Shared.Arn, Handler: c.h}
"""
    assert [f.resource for f in run(template, rule=RULE)] == ["B", "C"]


def test_many_conditions_sharing_a_large_fact_are_read_once() -> None:
    import time

    big = "x" * 50_000
    conditions = "".join(f"  C{i}: !And [Condition: Big, !Equals [!Ref Env, e{i}]]\n" for i in range(300))
    functions_ = "".join(f"""\
  F{i}:
    Type: AWS::Lambda::Function
    Condition: C{i}
    Properties: {{Role: !GetAtt Shared.Arn, Handler: h.h}}
""" for i in range(300))
    template = (f"Parameters:\n  Env: {{Type: String}}\nConditions:\n"
                f"  Big: !Equals [!Select [0, [{big}]], x]\n{conditions}Resources:\n{functions_}")
    start = time.monotonic()
    findings = run(template, rule=RULE)
    assert time.monotonic() - start < 5
    # Env takes one value: these functions never coexist, as far as the budget reaches.
    assert len(findings) < 300
