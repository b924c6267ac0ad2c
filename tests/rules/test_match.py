"""kind: match — rules written in YAML alone."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from reviewer.config.rulebook import DEFAULT_POLICIES, RuleSpec
from reviewer.config.settings import Settings
from reviewer.pipeline import evaluate

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "iac"

TEMPLATE = """\
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.8
      MemorySize: 128
      Tags: {team: billing}
      Layers: [arn:aws:lambda:eu-west-1:111111111111:layer:a:1]
      Environment:
        Variables: {STAGE: !Ref Stage}
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: prod}
"""


def run(params: dict[str, Any], template: str = TEMPLATE) -> list[Any]:
    spec = RuleSpec(id="custom", kind="match", severity="warning", title="t", rationale="r",
                    params=params)
    return evaluate({"t.yaml": template.encode()}, {"custom": spec}, Settings()).findings


@pytest.mark.parametrize("require,flagged", [
    ({"exists": "Runtime"}, False),
    ({"absent": "Runtime"}, True),
    ({"equals": {"path": "MemorySize", "value": 256}}, True),
    ({"one_of": {"path": "Runtime", "values": ["python3.12", "python3.13"]}}, True),
    ({"matches": {"path": "Runtime", "pattern": "^python3\\.(1[2-9])$"}}, True),
    ({"contains": {"path": "Layers.0", "value": ":layer:"}}, False),
    ({"gt": {"path": "MemorySize", "value": 127}}, False),
    ({"le": {"path": "MemorySize", "value": 64}}, True),
    ({"exists": "Tags.*"}, False),
    ({"equals": {"path": "Environment.Variables.STAGE", "value": "prod"}}, False),  # !Ref: deploy time
    ({"not": {"exists": "Tags.team"}}, True),
    ({"all": [{"exists": "Runtime"}, {"exists": "Timeout"}]}, True),
    ({"any": [{"exists": "Timeout"}, {"exists": "MemorySize"}]}, False),
])
def test_conditions(require: dict[str, Any], flagged: bool) -> None:
    findings = run({"resources": ["AWS::Serverless::*"], "when": {"type": "*::Function"},
                    "require": require, "message": "{resource} ({type}): {value}"})
    assert [f.resource for f in findings] == (["Fn"] if flagged else [])


def test_message_and_location() -> None:
    [finding] = run({"resources": ["AWS::Serverless::Function"],
                     "require": {"one_of": {"path": "Runtime", "values": ["python3.12"]}},
                     "message": "{short_type} {resource} runs {value}"})
    assert finding.message == "Function Fn runs python3.8"
    assert finding.start_line == 5  # the Runtime line, not the resource


def test_semantic_errors_are_reported_with_lines(tmp_path: Path) -> None:
    rule = textwrap.dedent("""\
        id: custom
        kind: match
        severity: warning
        title: t
        rationale: r
        with:
          resources: ["AWS::S3::Bucket"]
          require:
            all:
              - exists: BucketName
              - matchez: {path: BucketName, pattern: x}
              - matches: {path: BucketName, pattern: "(unclosed"}
          message: m
        examples:
          fail: [{name: f, content: "Resources: {B: {Type: AWS::S3::Bucket}}"}]
          pass: [{name: p, content: "Resources: {B: {Type: AWS::S3::Bucket, Properties: {BucketName: x}}}"}]
        """)
    (tmp_path / "custom.yml").write_text(rule)
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "policies", "validate", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert f"{tmp_path / 'custom.yml'}:11 (with.require.all.1.matchez)" in proc.stderr
    assert f"{tmp_path / 'custom.yml'}:12 (with.require.all.2.matches.pattern)" in proc.stderr
    assert "bad regular expression" in proc.stderr


def test_example_that_does_not_parse_is_a_validation_error(tmp_path: Path) -> None:
    text = (DEFAULT_POLICIES / "concurrency-limit.yml").read_text()
    broken = text.replace("Properties: {Handler: app.handler, Runtime: python3.12}\n",
                          "Properties: {Handler: [\n", 1)
    assert broken != text
    (tmp_path / "concurrency-limit.yml").write_text(broken)
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "policies", "validate", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "example does not parse" in proc.stderr


def test_a_new_yaml_only_rule_catches_a_real_template(tmp_path: Path) -> None:
    """An admin adds a rule in YAML alone; it runs on a template from cfn_nag's test suite."""
    template = CORPUS / "cfn_nag/spec/test_templates/json/iam_role/iam_role_with_wildcard_action.json"
    if not template.exists():
        pytest.skip("shared corpus not present")
    policies = tmp_path / "policies"
    shutil.copytree(DEFAULT_POLICIES, policies)
    (policies / "role-permissions-boundary.yml").write_text(textwrap.dedent("""\
        id: role-permissions-boundary
        kind: match
        severity: error
        title: Roles carry the organisation's permissions boundary
        rationale: A boundary caps what any policy attached later can grant.
        with:
          resources: ["AWS::IAM::Role"]
          require:
            matches: {path: PermissionsBoundary, pattern: ":policy/org-boundary$"}
          message: "role {resource} has no org-boundary permissions boundary"
        examples:
          fail:
            - name: no boundary
              content: |
                Resources:
                  R: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {}}}
          pass:
            - name: the boundary
              content: |
                Resources:
                  R:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument: {}
                      PermissionsBoundary: !Sub "arn:aws:iam::${AWS::AccountId}:policy/org-boundary"
        """))
    test = subprocess.run([sys.executable, "-m", "reviewer.cli", "policies", "test", str(policies)],
                          capture_output=True, text=True)
    assert test.returncode == 0, test.stdout
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "scan", str(template), "--policies",
                           str(policies), "--format", "json", "--disable", "template-valid"],
                          capture_output=True, text=True)
    findings = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "role-permissions-boundary"]
    assert [(f["resource"], f["severity"]) for f in findings] == [("WildcardActionRole", "error")]
    assert "WildcardActionRole has no org-boundary" in findings[0]["message"]


# --------------------------------------------------------------- three-valued conditions

QUEUES = """\
Resources:
  Named:
    Type: AWS::SQS::Queue
    Properties: {QueueName: orders}
  NamedDlq:
    Type: AWS::SQS::Queue
    Properties: {QueueName: orders-dlq}
  FromStack:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "${AWS::StackName}-orders"}
"""

NOT_A_DLQ = {"resources": ["AWS::SQS::Queue"],
             "when": {"not": {"matches": {"path": "QueueName", "pattern": "dlq"}}},
             "require": {"exists": "RedrivePolicy"},
             "message": "queue {resource} has no dead-letter queue"}


def test_not_of_a_deploy_time_value_is_unknown_and_passes_by_default() -> None:
    """Before: `not` of a !Sub-named queue counted as satisfied-then-negated, silently
    exempting every such queue. Now it is unknown, and by default a rule says nothing."""
    findings = run(NOT_A_DLQ, QUEUES)
    assert [f.resource for f in findings] == ["Named"]


def test_on_unknown_fail_reports_and_says_why() -> None:
    findings = run({**NOT_A_DLQ, "on_unknown": "fail"}, QUEUES)
    assert [f.resource for f in findings] == ["Named", "FromStack"]
    unknown = findings[1]
    assert "known only at deploy time" in unknown.message
    assert unknown.severity == "warning"  # the rule's own severity in run()
    assert "deploy time" not in findings[0].message


def test_on_unknown_warn_lowers_an_error_rule_to_a_warning() -> None:
    spec = RuleSpec(id="custom", kind="match", severity="error", title="t", rationale="r",
                    params={**NOT_A_DLQ, "on_unknown": "warn"})
    findings = evaluate({"t.yaml": QUEUES.encode()}, {"custom": spec}, Settings()).findings
    assert [(f.resource, f.severity) for f in findings] == [("Named", "error"), ("FromStack", "warning")]


@pytest.mark.parametrize("require,expected", [
    ({"not": {"exists": "Key"}}, None),            # not unknown = unknown
    ({"all": [{"exists": "Key"}, {"absent": "Other"}]}, None),
    ({"all": [{"exists": "Key"}, {"exists": "Other"}]}, False),  # false wins in all
    ({"any": [{"exists": "Key"}, {"absent": "Other"}]}, True),   # true wins in any
    ({"any": [{"exists": "Key"}, {"exists": "Other"}]}, None),
    ({"equals": {"path": "Deep.Inner", "value": 1}}, None),      # the path runs into !If
])
def test_kleene_logic(require: dict[str, Any], expected: Any) -> None:
    from reviewer.formats import read_files
    from reviewer.rules.match_conditions import holds

    template = """\
Resources:
  R:
    Type: AWS::SQS::Queue
    Properties:
      Key: !If [HasKey, alias/k, !Ref AWS::NoValue]
      Deep: !If [C, {Inner: 1}, {Inner: 2}]
"""
    [doc], _ = read_files({"t.yaml": template.encode()})
    [resource] = doc.resources()
    assert holds(require, resource, doc) is expected


TABLES = """\
Resources:
  AllReplicas:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      Replicas:
        - {Region: eu-west-1, PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}}
        - {Region: us-east-1, PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}}
  OneMissing:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      Replicas:
        - {Region: eu-west-1, PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}}
        - {Region: us-east-1}
  Decided:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      Replicas:
        - {Region: eu-west-1, PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: !Ref Pitr}}
"""


def test_every_item_must_hold_where_star_means_any() -> None:
    every = run({"resources": ["AWS::DynamoDB::GlobalTable"],
                 "require": {"every": {"path": "Replicas", "require": {
                     "equals": {"path": "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
                                "value": True}}}},
                 "message": "{resource}: a replica without point-in-time recovery"}, TABLES)
    assert [f.resource for f in every] == ["OneMissing"]
    assert every[0].start_line == 11  # placed at Replicas
    star = run({"resources": ["AWS::DynamoDB::GlobalTable"],
                "require": {"equals": {
                    "path": "Replicas.*.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
                    "value": True}},
                "message": "m"}, TABLES)
    assert star == []  # "any replica": OneMissing has one, so `*` cannot say this


DLQ_RULE = {"resources": ["AWS::SQS::Queue", "aws_sqs_queue"],
            "when": {"not": {"referenced_by": {"type": ["AWS::SQS::Queue", "aws_sqs_queue"],
                                               "path": "RedrivePolicy.deadLetterTargetArn"}}},
            "require": {"any": [{"exists": "RedrivePolicy"}, {"exists": "redrive_policy"}]},
            "message": "queue {resource} has no dead-letter queue"}


def test_referenced_by_knows_a_dead_letter_queue_from_another_resource() -> None:
    template = """\
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy: {deadLetterTargetArn: !GetAtt OrdersDlq.Arn, maxReceiveCount: 3}
  OrdersDlq: {Type: AWS::SQS::Queue}
  Billing:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy: {deadLetterTargetArn: !Sub "${BillingDlq.Arn}", maxReceiveCount: 3}
  BillingDlq: {Type: AWS::SQS::Queue}
  Lonely: {Type: AWS::SQS::Queue}
"""
    assert [f.resource for f in run(DLQ_RULE, template)] == ["Lonely"]


def test_referenced_by_in_terraform() -> None:
    spec = RuleSpec(id="custom", kind="match", severity="warning", title="t", rationale="r",
                    params={**DLQ_RULE, "when": {"not": {"referenced_by": {
                        "type": "aws_sqs_queue", "path": "redrive_policy.deadLetterTargetArn"}}}})
    tf = """\
resource "aws_sqs_queue" "orders" {
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
    maxReceiveCount     = 3
  })
}
resource "aws_sqs_queue" "orders_dlq" {}
resource "aws_sqs_queue" "lonely" {}
"""
    findings = evaluate({"main.tf": tf.encode()}, {"custom": spec}, Settings()).findings
    assert [f.resource for f in findings] == ["aws_sqs_queue.lonely"]


def test_referenced_by_an_unknown_value_is_unknown() -> None:
    """A redrive target only known when applied may be any queue: neither flag nor clear."""
    template = """\
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy: {deadLetterTargetArn: !If [UseA, !GetAtt A.Arn, !GetAtt B.Arn]}
  A: {Type: AWS::SQS::Queue}
  B: {Type: AWS::SQS::Queue}
"""
    assert run(DLQ_RULE, template) == []
    flagged = run({**DLQ_RULE, "on_unknown": "fail"}, template)
    assert sorted(f.resource for f in flagged) == ["A", "B"]


def test_absent_value_renders_without_doubled_parentheses() -> None:
    [finding] = run({"resources": ["AWS::Serverless::Function"],
                     "require": {"exists": "Timeout"}, "message": "{resource} times out at ({value})"})
    assert finding.message == "Fn times out at (not set)"


@pytest.mark.parametrize("params,problem", [
    ({"require": {"every": {"path": "Replicas"}}}, "every takes {path, require}"),
    ({"require": {"every": {"path": "R", "require": {"bogus": 1}}}}, 'unknown operator "bogus"'),
    ({"require": {"referenced_by": {"type": "AWS::SQS::Queue"}}}, "referenced_by takes {type, path}"),
    ({"require": {"equals": {"path": "A", "value": 1, "vlaue": 2}}}, 'not "vlaue"'),
])
def test_new_operators_are_validated(params: dict[str, Any], problem: str) -> None:
    from reviewer.rules.match import Match

    errors = Match.semantic_errors({"resources": ["*"], "message": "m", **params})
    assert any(problem in message for _, message in errors), errors


def test_deeply_nested_conditions_are_refused() -> None:
    from reviewer.rules.match import Match
    from reviewer.rules.match_conditions import MAX_DEPTH

    condition: dict[str, Any] = {"exists": "A"}
    for _ in range(MAX_DEPTH + 5):
        condition = {"not": condition}
    errors = Match.semantic_errors({"resources": ["*"], "message": "m", "require": condition})
    assert any("nest deeper" in message for _, message in errors)
