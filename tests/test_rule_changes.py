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
