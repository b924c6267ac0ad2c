"""no-wildcard-resources: what cannot be narrowed, and what a condition narrows (issue 8)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import run

RULE = "no-wildcard-resources"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=1)


def star(action: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": action, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return statement


def test_actions_without_resource_types_are_not_reported() -> None:
    from reviewer.engine import actions

    # AWS documents no resource type for these: "*" is the only Resource they accept.
    assert actions.details("xray:PutTraceSegments")["resourceTypes"] == []
    assert run(policy(star(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])),
               rule=RULE, path="p.json") == []
    [finding] = run(policy(star(["xray:PutTraceSegments", "dynamodb:PutItem"])), rule=RULE, path="p.json")
    assert "1 write or permissions-management action (dynamodb:PutItem)" in finding.message


@pytest.mark.parametrize("granted,condition", [
    (["ec2:TerminateInstances", "ec2:StopInstances"], {"StringEquals": {"aws:ResourceTag/team": "billing"}}),
    (["ec2:TerminateInstances"], {"StringLike": {"ec2:ResourceTag/Name": "billing-*"}}),
    (["ec2:TerminateInstances"], {"StringEquals": {"ec2:InstanceID": ["i-0123456789abcdef0"]}}),
    (["kms:Encrypt", "kms:GenerateDataKey"], {"ForAnyValue:StringLike": {"kms:ResourceAliases": "alias/billing-*"}}),
    (["dynamodb:PutItem"], {"StringEquals": {"aws:ResourceTag/team": "billing"}}),
])
def test_conditions_on_the_resource_narrow_it(granted: list[str], condition: dict[str, Any]) -> None:
    assert run(policy(star(granted, condition)), rule=RULE, path="p.json") == []


def test_request_keys_that_name_the_resource() -> None:
    doc = policy(star(["kms:Encrypt", "kms:Decrypt"], {"StringEquals": {"kms:RequestAlias": "alias/billing"}}),
                 star("cloudwatch:PutMetricData", {"StringEquals": {"cloudwatch:namespace": "Billing"}}),
                 star("secretsmanager:PutSecretValue", {"StringEquals": {"secretsmanager:SecretId": "billing"}}))
    assert run(doc, rule=RULE, path="p.json") == []
    # Only where AWS documents the key for the action: kms:RequestAlias says nothing of tables.
    [finding] = run(policy(star(["kms:Encrypt", "dynamodb:PutItem"],
                                {"StringEquals": {"kms:RequestAlias": "alias/billing"}})),
                    rule=RULE, path="p.json")
    assert "(dynamodb:PutItem)" in finding.message


@pytest.mark.parametrize("condition", [
    {"StringEqualsIfExists": {"aws:ResourceTag/team": "billing"}},
    {"StringNotEquals": {"aws:ResourceTag/team": "payments"}},
    {"Null": {"aws:ResourceTag/team": "false"}},
    {"ForAllValues:StringEquals": {"ec2:InstanceID": ["i-0123456789abcdef0"]}},
    {"StringEquals": {"ec2:InstanceType": "t3.micro"}},
    {"StringEquals": {"aws:RequestTag/team": "billing"}},
    {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
])
def test_conditions_that_do_not_narrow_the_resource(condition: dict[str, Any]) -> None:
    [finding] = run(policy(star("ec2:TerminateInstances", condition)), rule=RULE, path="p.json")
    assert finding.severity == "warning" and "every resource;" in finding.message


def test_account_perimeter_is_said_and_milder_whatever_the_rules_level() -> None:
    doc = policy(star("dynamodb:PutItem", {"StringEquals": {"aws:ResourceAccount": "111111111111"}}))
    [finding] = run(doc, rule=RULE, path="p.json")
    assert "aws:ResourceAccount" in finding.message and "keeps other accounts out" in finding.message
    assert finding.severity == "note"  # milder than the rule's warning
    [raised] = run(doc, rule=RULE, path="p.json", config={"rules": {RULE: {"severity": "error"}}})
    assert raised.severity == "note"


def test_sam_policy_template_is_the_templates_and_may_be_accepted() -> None:
    template = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Policies:
        - VPCAccessPolicy: {}
"""
    [finding] = run(template, rule=RULE)
    assert finding.message.startswith("In the SAM policy template VPCAccessPolicy,")
    assert "allow_sam_templates" in finding.message and finding.start_line == 9
    accepted = {"rules": {RULE: {"with": {"allow_sam_templates": ["VPCAccessPolicy"]}}}}
    assert run(template, rule=RULE, config=accepted) == []


def test_every_action_on_every_resource_stays_fast_and_reported() -> None:
    from reviewer.engine import actions

    actions._catalogue()  # a cold cache builds it from every service's file once, by design
    before = actions.loaded_services()
    doc = policy(star("*", {"StringEquals": {"ec2:InstanceID": "i-0123456789abcdef0"}}))
    [finding] = run(doc, rule=RULE, path="p.json")
    assert "every resource;" in finding.message
    assert actions.loaded_services() - before < 50  # not one file per service


def test_a_huge_condition_is_judged_quickly() -> None:
    import time

    keys: dict[str, Any] = {f"ec2:Attribute{i}": "x" for i in range(20_000)}
    keys.update({"AWS:ResourceAccount": "1", "aws:RESOURCEACCOUNT": "1"})  # one key, two spellings
    start = time.monotonic()
    [finding] = run(policy(star(["ec2:*", "s3:*", "iam:*"], {"StringEquals": keys})), rule=RULE, path="p.json")
    assert time.monotonic() - start < 5
    assert finding.message.count("ResourceAccount") + finding.message.count("RESOURCEACCOUNT") == 1
