"""Rule files: the shipped ones are valid and pass their own examples; bad ones are caught."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.config.rulebook import DEFAULT_POLICIES, load_rule_dir
from reviewer.config.ruletests import run_examples
from reviewer.config.settings import Settings
from reviewer.report.docs import render_rules_markdown

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], capture_output=True, text=True)


def test_every_shipped_rule_passes_its_examples() -> None:
    results = run_examples(load_rule_dir(DEFAULT_POLICIES), Settings())
    failures = [r for r in results if not r.ok]
    assert not failures, failures
    # Every rule carries at least one failing and one passing example.
    assert {(r.rule, r.outcome) for r in results} == {
        (rule, outcome) for rule in load_rule_dir(DEFAULT_POLICIES) for outcome in ("fail", "pass")}


def test_policies_test_command_reports_a_broken_example(tmp_path: Path) -> None:
    shutil.copy(DEFAULT_POLICIES / "concurrency-limit.yml", tmp_path)
    path = tmp_path / "concurrency-limit.yml"
    path.write_text(path.read_text().replace("ReservedConcurrentExecutions: 10", "Timeout: 10"))
    proc = cli("policies", "test", str(tmp_path))
    assert proc.returncode == 1
    assert "FAIL concurrency-limit" in proc.stdout and "expected 0 finding(s), got 1" in proc.stdout


def test_validate_accepts_the_shipped_rules() -> None:
    proc = cli("policies", "validate")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("edit,line,key", [
    (("severity: error", "severty: error"), 3, "severty"),
    (("kind: no-wildcard-actions", "kind: no-wildcard-action"), 2, "kind"),
    (("  allow: []", "  allowed: []"), 31, "with.allowed"),
    (("severity: error", "severity: fatal"), 3, "severity"),
])
def test_validate_names_file_line_and_key(tmp_path: Path, edit: tuple[str, str], line: int, key: str) -> None:
    text = (DEFAULT_POLICIES / "no-wildcard-actions.yml").read_text()
    assert edit[0] in text
    path = tmp_path / "no-wildcard-actions.yml"
    path.write_text(text.replace(edit[0], edit[1], 1))
    proc = cli("policies", "validate", str(tmp_path))
    assert proc.returncode == 2
    assert f"{path}:{line} ({key})" in proc.stderr, proc.stderr


def test_duplicate_rule_ids_are_refused(tmp_path: Path) -> None:
    shutil.copy(DEFAULT_POLICIES / "concurrency-limit.yml", tmp_path / "a.yml")
    shutil.copy(DEFAULT_POLICIES / "concurrency-limit.yml", tmp_path / "b.yml")
    proc = cli("policies", "validate", str(tmp_path))
    assert proc.returncode == 2 and "duplicate rule id" in proc.stderr


def test_committed_rule_docs_are_up_to_date() -> None:
    expected = render_rules_markdown(load_rule_dir(DEFAULT_POLICIES))
    actual = (ROOT / "docs" / "rules.md").read_text()
    assert actual == expected, "docs/rules.md is stale: run `policy-reviewer policies docs`"


def test_every_shipped_rule_says_what_it_reads_in_each_format() -> None:
    rules = load_rule_dir(DEFAULT_POLICIES)
    missing = {rule.id: sorted({"cloudformation", "terraform", "serverless"} - set(rule.reads))
               for rule in rules.values()}
    assert {k: v for k, v in missing.items() if v} == {}
    text = (ROOT / "docs" / "rules.md").read_text()
    assert text.count("What it reads:") == len(rules)
    assert "| Terraform | aws_lambda_function must set reserved_concurrent_executions" in text
