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
from reviewer.engine.evaluate import evaluate

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
