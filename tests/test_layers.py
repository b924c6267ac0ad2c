"""Configuration layers: shipped rules → the organisation's folder (--org) → the repository."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

WILDCARD = '{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b"}]}\n'
QUEUE = textwrap.dedent("""\
    Resources:
      Queue:
        Type: AWS::SQS::Queue
        Metadata:
          policy-reviewer:
            suppress:
              - {rule: encryption-at-rest, reason: "public data only"}
    """)


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    org = tmp_path / "org"
    org.mkdir()
    (org / "config.yml").write_text(textwrap.dedent("""\
        rules:
          no-wildcard-actions: {locked: true}
          encryption-at-rest: {suppressible: false, severity: error}
        """))
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "policy.json").write_text(WILDCARD)
    (repo / "queue.yaml").write_text(QUEUE)
    return {"org": org, "repo": repo}


def scan(layout: dict[str, Path], repo_config: str | None) -> tuple[int, list[dict[str, Any]]]:
    if repo_config is not None:
        (layout["repo"] / ".github").mkdir(exist_ok=True)
        (layout["repo"] / ".github" / "policy-reviewer.yml").write_text(repo_config)
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "scan", str(layout["repo"]),
                           "--org", str(layout["org"]), "--format", "json",
                           "--disable", "template-valid"], capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)["findings"]


def by_rule(findings: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["rule"] == rule]


def test_repository_cannot_disable_a_locked_rule(layout: dict[str, Path]) -> None:
    code, findings = scan(layout, "rules:\n  no-wildcard-actions: {enabled: false}\n")
    assert code == 1
    [locked] = by_rule(findings, "config-locked")
    assert locked["start_line"] == 2 and "disable it" in locked["message"]
    assert locked["path"].endswith(".github/policy-reviewer.yml")
    [still] = by_rule(findings, "no-wildcard-actions")  # still enforced
    assert still["severity"] == "error" and still["waived"] is None


def test_repository_cannot_lower_severity_change_parameters_or_waive(layout: dict[str, Path]) -> None:
    code, findings = scan(layout, textwrap.dedent("""\
        rules:
          no-wildcard-actions: {severity: note, with: {allow: ["s3:*"]}}
        waivers:
          - rule: no-wildcard-actions
            path: "**"
            reason: we like it
            expires: 2999-01-01
        """))
    messages = sorted(f["message"].split(": this repository may not ")[1].split(";")[0]
                      for f in by_rule(findings, "config-locked"))
    assert messages == ["change its parameters", "lower its severity", "waive it"]
    [still] = by_rule(findings, "no-wildcard-actions")
    assert still["severity"] == "error" and still["waived"] is None


def test_unlocked_rules_may_still_be_tuned(layout: dict[str, Path]) -> None:
    code, findings = scan(layout, "rules:\n  no-wildcard-resources: {enabled: false}\n")
    assert by_rule(findings, "config-locked") == []


def test_only_the_organisation_may_lock(layout: dict[str, Path]) -> None:
    _, findings = scan(layout, "rules:\n  encryption-at-rest: {suppressible: true}\n")
    [problem] = by_rule(findings, "config-locked")
    assert "only the organisation may set suppressible" in problem["message"]


def test_not_suppressible_rule_ignores_inline_suppression(layout: dict[str, Path]) -> None:
    _, findings = scan(layout, None)
    [encryption] = by_rule(findings, "encryption-at-rest")
    assert encryption["waived"] is None and encryption["severity"] == "error"
    [refused] = by_rule(findings, "suppression-invalid")
    assert "may not be suppressed inline" in refused["message"]


def test_organisation_rule_files_add_rules(layout: dict[str, Path]) -> None:
    (layout["org"] / "queue-retention.yml").write_text(textwrap.dedent("""\
        id: queue-retention
        kind: match
        severity: warning
        title: Queues keep messages for a week
        rationale: A failing consumer must be fixable before messages expire.
        with:
          resources: ["AWS::SQS::Queue"]
          require: {ge: {path: MessageRetentionPeriod, value: 604800}}
          message: "queue {resource} keeps messages for less than a week"
        examples:
          fail: [{name: default retention, content: "Resources: {Q: {Type: AWS::SQS::Queue}}"}]
          pass:
            - name: a week
              content: "Resources: {Q: {Type: AWS::SQS::Queue, Properties: {MessageRetentionPeriod: 604800}}}"
        """))
    _, findings = scan(layout, None)
    [retention] = by_rule(findings, "queue-retention")
    assert retention["resource"] == "Queue"
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "policies", "test", str(layout["org"])],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "ok   queue-retention" in proc.stdout


REPO_RULE = textwrap.dedent("""\
    id: {id}
    kind: match
    severity: error
    title: Queues are FIFO here
    rationale: This service relies on ordering.
    with:
      resources: ["AWS::SQS::Queue"]
      require: {{equals: {{path: FifoQueue, value: true}}}}
      message: "queue {{resource}} is not FIFO"
    examples:
      fail: [{{name: standard, content: "Resources: {{Q: {{Type: AWS::SQS::Queue}}}}"}}]
      pass:
        - name: fifo
          content: "Resources: {{Q: {{Type: AWS::SQS::Queue, Properties: {{FifoQueue: true}}}}}}"
    """)


def test_repository_may_add_rules_unless_the_organisation_forbids(layout: dict[str, Path]) -> None:
    rules = layout["repo"] / ".github" / "policy-reviewer"
    rules.mkdir(parents=True)
    (rules / "fifo.yml").write_text(REPO_RULE.format(id="fifo-queues"))
    _, findings = scan(layout, None)
    [fifo] = by_rule(findings, "fifo-queues")
    assert fifo["resource"] == "Queue" and by_rule(findings, "config-locked") == []
    # A repository cannot replace an existing rule with its own version.
    (rules / "fifo.yml").write_text(REPO_RULE.format(id="no-wildcard-actions"))
    _, findings = scan(layout, None)
    [refused] = by_rule(findings, "config-locked")
    assert "may only add new rules" in refused["message"]
    # And the organisation may forbid repository rules altogether.
    (rules / "fifo.yml").write_text(REPO_RULE.format(id="fifo-queues"))
    config = layout["org"] / "config.yml"
    config.write_text(config.read_text() + "allow_repository_rules: false\n")
    _, findings = scan(layout, None)
    assert by_rule(findings, "fifo-queues") == []
    assert "does not allow repositories to add rules" in by_rule(findings, "config-locked")[0]["message"]


def test_only_the_organisation_names_approvers() -> None:
    from reviewer.config.rulebook import DEFAULT_POLICIES, load_rule_dir
    from reviewer.config.settings import layer, parse_settings

    org = parse_settings("org/config.yml", "approvers:\n  teams: [security, platform]\n")
    repo = parse_settings(".github/policy-reviewer.yml", "rules: {}\napprovers:\n  teams: [me]\n")
    _, merged = layer(load_rule_dir(DEFAULT_POLICIES), org, repo)
    assert merged.approvers == ["security", "platform"]
    [problem] = merged.problems
    assert problem.rule_id == "config-locked" and problem.start_line == 2
    assert "only the organisation may name approvers" in problem.message
    from reviewer.config.errors import ConfigError

    with pytest.raises(ConfigError, match="approvers"):
        parse_settings("org/config.yml", "approvers:\n  teams: ['../admins']\n")
