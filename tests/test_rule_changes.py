"""A pull request that changes the rules: validated, tested and described (CLI diff)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from reviewer.config.rulebook import DEFAULT_POLICIES
from tests.test_diff import Repo, review


def org_repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "org")
    folder = repo.root / "policy-reviewer"
    folder.mkdir()
    for name in ("no-wildcard-actions.yml", "concurrency-limit.yml"):
        shutil.copy(DEFAULT_POLICIES / name, folder / name)
    repo.write("policy-reviewer/config.yml", "rules:\n  no-wildcard-actions: {locked: true}\n")
    repo.commit("org rules")
    repo.git("checkout", "-q", "-b", "change")
    return repo


def test_typo_in_a_rule_file_is_a_new_finding_at_its_line(tmp_path: Path) -> None:
    repo = org_repo(tmp_path)
    path = repo.root / "policy-reviewer" / "no-wildcard-actions.yml"
    path.write_text(path.read_text().replace("severity: error", "severty: error"))
    repo.commit("typo")
    code, report = review(repo)
    assert code == 1
    found = {(f["path"], f["start_line"], f["state"], f["message"])
             for f in report["findings"] if f["rule"] == "rule-file-invalid"}
    assert found == {
        ("policy-reviewer/no-wildcard-actions.yml", 3, "new", 'unknown key "severty" (severty)'),
        ("policy-reviewer/no-wildcard-actions.yml", 1, "new", "'severity' is a required property"),
    }


def test_failing_example_and_change_summary(tmp_path: Path) -> None:
    repo = org_repo(tmp_path)
    path = repo.root / "policy-reviewer" / "concurrency-limit.yml"
    # Severity raised, and the passing example broken (Globals no longer set the limit).
    path.write_text(path.read_text().replace("severity: warning", "severity: error")
                    .replace("ReservedConcurrentExecutions: 10", "Timeout: 10"))
    repo.write("policy-reviewer/config.yml", textwrap.dedent("""\
        rules:
          no-wildcard-actions: {locked: true, with: {allow: ["logs:*"]}}
        waivers:
          - rule: concurrency-limit
            path: legacy/**
            reason: monolith, OPS-9
            expires: 2027-06-30
        """))
    repo.commit("tune")
    code, report = review(repo)
    assert code == 1
    [failed] = [f for f in report["findings"] if f["rule"] == "rule-test-failed"]
    assert "concurrency-limit" in failed["message"] and failed["state"] == "new"
    changes = report["rule_changes"]
    assert "rule `concurrency-limit`: severity warning → error" in changes
    assert any(c.startswith("configuration of `no-wildcard-actions`: with unset →") for c in changes)
    assert "waiver added: `concurrency-limit` on legacy/**, expires 2027-06-30 — monolith, OPS-9" in changes


def test_valid_rule_change_passes(tmp_path: Path) -> None:
    repo = org_repo(tmp_path)
    shutil.copy(DEFAULT_POLICIES / "staged-names.yml", repo.root / "policy-reviewer" / "staged-names.yml")
    repo.commit("add staged names")
    code, report = review(repo)
    assert code == 0, report
    assert report["rule_changes"] == ["rule `staged-names` added (error)"]


BAD_EXAMPLE_CONFIG = """\
id: bypass
kind: match
severity: error
title: t
rationale: r
with:
  resources: ["AWS::SQS::Queue"]
  require: {exists: KmsMasterKeyId}
  message: "queue {resource} has no key"
examples:
  fail:
    - name: invalid config
      config: {rules: {no-such-rule: {enabled: maybe}}}
      content: "Resources: {Q: {Type: AWS::SQS::Queue}}"
  pass:
    - name: keyed
      content: "Resources: {Q: {Type: AWS::SQS::Queue, Properties: {KmsMasterKeyId: k}}}"
"""


def test_an_example_with_an_invalid_config_is_a_finding_not_a_broken_review(tmp_path: Path) -> None:
    """Issue 7, point 2: this used to raise a ConfigError that the app reported as the base's
    configuration being invalid, and concluded the check neutral (which passes)."""
    repo = org_repo(tmp_path)
    repo.write("policy-reviewer/bypass.yml", BAD_EXAMPLE_CONFIG)
    repo.commit("a rule whose example config is wrong")
    code, report = review(repo)
    assert code == 1
    invalid = [(f["rule"], f["start_line"], f["state"], f["message"]) for f in report["findings"]
               if f["path"] == "policy-reviewer/bypass.yml"]
    assert invalid == [("rule-file-invalid", 13, "new",
                        "example config is invalid: 'maybe' is not of type 'boolean' "
                        "(examples.fail.0.config.rules.no-such-rule.enabled)")]


def test_running_an_example_with_an_invalid_config_fails_that_example() -> None:
    """Even unvalidated (an org folder read with check=False), the run reports, never raises."""
    from reviewer.config.rulebook import parse_rule_text
    from reviewer.config.ruletests import run_examples
    from reviewer.config.settings import Settings

    spec = parse_rule_text("bypass.yml", BAD_EXAMPLE_CONFIG, check=False)
    results = run_examples({spec.id: spec}, Settings())
    [bad] = [r for r in results if not r.ok]
    assert (bad.name, bad.line) == ("invalid config", 12)  # the example's "- name:" line
    assert "could not run: its config is invalid" in bad.describe()
