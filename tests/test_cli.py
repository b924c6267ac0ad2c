"""`policy-reviewer scan`: outputs, exit statuses, bad input and configuration errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
WILDCARD_POLICY = '{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b"}]}\n'


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], capture_output=True,
                          text=True, cwd=cwd)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "iam").mkdir()
    (tmp_path / "iam" / "policy.json").write_text(WILDCARD_POLICY)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {}\n")
    (tmp_path / "k8s.yaml").write_text("apiVersion: v1\nkind: Pod\n---\nkind: Service\n")
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}')
    return tmp_path


def test_scan_reports_policies_and_ignores_other_files(tree: Path) -> None:
    proc = cli("scan", str(tree), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert {(f["path"], f["rule"], f["start_line"]) for f in report["findings"]} == {
        ("iam/policy.json", "no-wildcard-actions", 2)}


def test_text_output_groups_by_file(tree: Path) -> None:
    proc = cli("scan", str(tree))
    assert proc.stdout.splitlines()[0] == "iam/policy.json"
    assert "no-wildcard-actions" in proc.stdout and proc.stdout.rstrip().endswith("0 waived")


def test_exit_zero_when_clean(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(WILDCARD_POLICY.replace("s3:*", "s3:GetObject"))
    assert cli("scan", str(tmp_path)).returncode == 0


def test_bad_input_is_reported_and_never_hides_other_files(tree: Path) -> None:
    (tree / "broken.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n")
    (tree / "huge.json").write_bytes(b'{"Resources": {' + b" " * (50 * 1024 * 1024) + b"}}")
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]" for i in range(1, 10)]
    (tree / "bomb.yaml").write_text("Resources:\n  R: {Type: AWS::SQS::Queue}\n" + "\n".join(bomb))
    (tree / "blob.json").write_bytes(b"\x00\x01\x02binary")
    (tree / "latin1.yaml").write_bytes("Description: caf\xe9\n".encode("latin-1"))
    proc = cli("scan", str(tree), "--format", "json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    found = {(f["path"], f["rule"]): f for f in json.loads(proc.stdout)["findings"]}
    assert found[("broken.yaml", "template-parse")]["start_line"] == 4
    assert "1 MB" in found[("huge.json", "template-parse")]["message"]
    assert "alias bomb" in found[("bomb.yaml", "template-parse")]["message"]
    assert ("iam/policy.json", "no-wildcard-actions") in found
    assert not any(path in ("blob.json", "latin1.yaml") for path, _ in found)


def test_sarif_validates_against_the_official_schema(tree: Path) -> None:
    (tree / "t.yaml").write_text(
        "Parameters:\n  Stage: {Type: String, AllowedValues: [dev, prod]}\nResources:\n"
        "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: orders\n")
    proc = cli("scan", str(tree), "--format", "sarif")
    log = json.loads(proc.stdout)
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert "Least privilege" in rules["no-wildcard-actions"]["help"]["text"]
    result = next(r for r in run["results"] if r["ruleId"] == "no-wildcard-actions")
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "iam/policy.json"
    assert location["region"]["startLine"] == 2
    assert result["level"] == "error" and result["partialFingerprints"]
    staged = next(r for r in run["results"] if r["ruleId"] == "staged-names" and "fixes" in r)
    assert staged["locations"][0]["logicalLocations"][0]["name"] == "Q"
    replacement = staged["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"]["startLine"] == 7
    assert replacement["insertedContent"]["text"] == '      QueueName: !Sub "orders-${Stage}"\n'


@pytest.mark.parametrize("config,line,key", [
    ("rules:\n  no-wildcard-actions: {enabeld: false}\n", 2, "rules.no-wildcard-actions.enabeld"),
    ("organisation:\n  accounts:\n    dev: 12\n", 3, "organisation.accounts.dev"),
    ("rules:\n  no-such-rule: {enabled: false}\n", 2, "rules.no-such-rule"),
    ("waivers:\n  - rule: staged-names\n    path: a/**\n    expires: 2030-01-01\n", 2, "waivers.0"),
    ("rules:\n  no-wildcard-actions: {with: {allowed: []}}\n", 2, "rules.no-wildcard-actions.with.allowed"),
    ("rules: [\n", 2, ""),
])
def test_bad_configuration_exits_2_naming_file_line_and_key(tree: Path, config: str, line: int,
                                                             key: str) -> None:
    path = tree / "conf.yml"
    path.write_text(config)
    proc = cli("scan", str(tree / "iam"), "--config", str(path))
    assert proc.returncode == 2, proc.stdout
    assert f"{path}:{line}" in proc.stderr and key in proc.stderr
    assert "Traceback" not in proc.stderr


def test_waivers_mark_findings_and_expired_waivers_are_findings(tree: Path) -> None:
    conf = tree / "conf.yml"
    conf.write_text(
        "waivers:\n"
        "  - rule: no-wildcard-actions\n    path: iam/**\n    reason: migrating, OPS-142\n"
        "    expires: 2999-01-01\n"
        "  - rule: staged-names\n    resource: Old\n    reason: legacy\n    owner: '@platform'\n"
        "    expires: 2001-01-01\n")
    proc = cli("scan", str(tree), "--config", str(conf), "--format", "json")
    findings = json.loads(proc.stdout)["findings"]
    waived = [f for f in findings if f["rule"] == "no-wildcard-actions"]
    assert waived and all("OPS-142" in f["waived"] for f in waived)
    [expired] = [f for f in findings if f["rule"] == "waiver-expired"]
    assert expired["path"] == str(conf) and expired["start_line"] == 6 and "@platform" in expired["message"]
    assert proc.returncode == 1  # the expired waiver is an error; the waived one is not


def test_inline_suppression_needs_a_reason(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Resources:\n"
        "  A:\n    Type: AWS::SQS::Queue\n    Metadata:\n      policy-reviewer:\n"
        "        suppress:\n          - {rule: encryption-at-rest, reason: public data}\n"
        "  B:\n    Type: AWS::SQS::Queue\n    Metadata:\n      policy-reviewer:\n"
        "        suppress:\n          - {rule: encryption-at-rest}\n")
    findings = json.loads(cli("scan", str(tmp_path), "--format", "json").stdout)["findings"]
    by = {(f["rule"], f["resource"]): f for f in findings}
    assert "public data" in by[("encryption-at-rest", "A")]["waived"]
    assert by[("encryption-at-rest", "B")]["waived"] is None
    assert by[("suppression-invalid", "B")]["start_line"] == 13


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert cli("scan", str(tmp_path / "missing")).returncode == 2
    assert cli("scan").returncode == 2
    assert cli("scan", str(tmp_path), "--disable", "no-such-rule").returncode == 2


def test_repository_configuration_is_found_from_a_sub_folder(tree: Path) -> None:
    (tree / ".git").mkdir()
    (tree / ".github" / "policy-reviewer.yml").write_text(
        "rules:\n  no-wildcard-actions: {enabled: false}\n")
    proc = cli("scan", str(tree / "iam"), "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["findings"] == []


def test_a_scans_summary_speaks_of_a_scan_not_of_a_change(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text("Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {SqsManagedSseEnabled: true}}\n")
    summary = tmp_path / "summary.md"
    assert cli("scan", "--summary", str(summary), "--disable", "template-valid", str(tmp_path)).returncode == 0
    assert summary.read_text().splitlines()[0] == "## policy-reviewer: Nothing fails the scan, 1 warning(s)"
    (tmp_path / "p.json").write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}')
    summary.unlink()
    assert cli("scan", "--summary", str(summary), "--disable", "template-valid", str(tmp_path)).returncode == 1
    first = summary.read_text().splitlines()[0]
    assert first.startswith("## policy-reviewer: ") and "error(s) fail the scan" in first and "new" not in first
