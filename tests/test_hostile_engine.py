"""Ways a change used to slip past the review without a word (issue 7, points 5 and 6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

import pytest

from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings
from reviewer.pipeline import evaluate
from reviewer.engine.finding import Hit
from tests.conftest import run
from tests.test_diff import ROLE, Repo, review

POLICY = """\
Mappings:
  Grants:
    eu-west-1: {Actions: "*", List: [s3:GetObject, "iam:*"]}
    us-east-1: {Actions: s3:GetObject, List: [s3:GetObject]}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Parameters:
  Stage: {Type: String}
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: %s
            Resource: "arn:aws:s3:::bucket/*"
"""


def wildcard_findings(action: str) -> list[Any]:
    return run(POLICY % action, rule="no-wildcard-actions")


@pytest.mark.parametrize("action,expected", [
    ('!Select [0, ["*"]]', {"*"}),
    ('!Select [1, !Split [",", "s3:GetObject,s3:*"]]', {"s3:*"}),
    ("!FindInMap [Grants, eu-west-1, Actions]", {"*"}),
    ("!FindInMap [Grants, !Ref AWS::Region, Actions]", {"*"}),  # any region: eu-west-1's too
    ("!FindInMap [Grants, eu-west-1, List]", {"iam:*"}),
    ('!Sub ["${A}", {A: !If [IsProd, "*", s3:GetObject]}]', {"*"}),
    ('!Sub ["s3:${A}", {A: !If [IsProd, "Get*", GetObject]}]', {"s3:get*"}),
])
def test_actions_given_by_intrinsics_are_worked_out(action: str, expected: set[str]) -> None:
    assert {f.value for f in wildcard_findings(action)} == expected


def test_a_join_past_the_combination_limit_is_reported_not_passed() -> None:
    parts = ", ".join(f"!If [IsProd, a{i}, b{i}]" for i in range(12))
    findings = wildcard_findings(f'!Join ["", ["s3:", {parts}, !If [IsProd, "*", x]]]')
    values = {f.value for f in findings}
    assert "too-many-combinations" in values  # said so, not treated as safe
    assert any(v.endswith("*") for v in values)  # and the wildcard choice is still seen


def test_plain_actions_through_intrinsics_stay_clean() -> None:
    assert wildcard_findings("!FindInMap [Grants, us-east-1, Actions]") == []
    assert wildcard_findings('!Select [0, [s3:GetObject, "*"]]') == []


def test_a_template_with_a_latin1_byte_is_still_reviewed() -> None:
    text = ("# Rôle d'export\n" + ROLE.format(name="Exporter", action="*")).encode("latin-1")
    findings = evaluate({"t.yaml": text}, _rules("no-wildcard-actions"), Settings()).findings
    assert [(f.rule_id, f.start_line) for f in findings] == [("no-wildcard-actions", 12)]


def test_a_large_file_that_is_no_template_is_skipped_quietly() -> None:
    lock = json.dumps({"name": "web", "lockfileVersion": 3,
                       "packages": {f"node_modules/p{i}": {"version": "1.0.0"} for i in range(40000)}})
    assert len(lock) > 1024 * 1024
    findings = evaluate({"package-lock.json": lock.encode()}, _rules("no-wildcard-actions"),
                        Settings()).findings
    assert findings == []


def test_a_large_template_is_reported() -> None:
    template = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + "".join(
        f"  Q{i}: {{Type: AWS::SQS::Queue}}\n" for i in range(40000))
    findings = evaluate({"big.yaml": template.encode()}, _rules("no-wildcard-actions"),
                        Settings()).findings
    assert [(f.rule_id, f.message) for f in findings] == [
        ("template-parse", "this file is larger than 1 MB (CloudFormation's limit for a template); it was not reviewed")]


def test_diff_with_a_newline_in_a_file_name_reads_every_file_right(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("README.md", "x\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "change")
    repo.write("a\nb.yaml", ROLE.format(name="Quiet", action="s3:GetObject"))
    repo.write("c.yaml", ROLE.format(name="Loud", action="*"))
    repo.commit("two roles")
    code, report = review(repo, "--disable", "template-valid")
    found = {(f["path"], f["rule"]) for f in report["findings"] if f["rule"] == "no-wildcard-actions"}
    assert found == {("c.yaml", "no-wildcard-actions")}
    assert code == 1


def test_diff_reads_no_symlinked_file(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text(ROLE.format(name="Outside", action="*"))
    repo = Repo(tmp_path / "repo")
    repo.write("README.md", "x\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "change")
    (repo.root / "link.yaml").symlink_to(outside)
    repo.commit("a link")
    code, report = review(repo, "--disable", "template-valid")
    assert code == 0 and report["findings"] == []


class _Crashes:
    kind = "crashes"
    parameters: dict[str, Any] = {}

    def check(self, doc: Any, ctx: Any) -> Iterable[Hit]:
        raise RuntimeError("bug")

    def check_project(self, docs: Any, ctx: Any) -> Iterable[Any]:
        return ()


def test_a_rule_that_crashes_is_an_error_not_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer import rules

    monkeypatch.setitem(rules.KINDS, "crashes", _Crashes)
    spec = RuleSpec(id="crashy", kind="crashes", severity="warning", title="t", rationale="r")
    [finding] = evaluate({"t.yaml": ROLE.format(name="R", action="s3:GetObject").encode()},
                         {"crashy": spec}, Settings()).findings
    assert finding.severity == "error" and "could not finish" in finding.message


def _rules(rule_id: str) -> dict[str, RuleSpec]:
    from tests.conftest import shipped_rules

    return {rule_id: shipped_rules()[rule_id]}


def _scan(*args: str) -> Any:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "reviewer.cli", "scan", "--format", "json",
                           "--disable", "template-valid", *args],
                          capture_output=True, text=True, timeout=120)


def test_scan_does_not_follow_a_link_out_of_the_tree_nor_block_on_a_fifo(tmp_path: Path) -> None:
    import os

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(ROLE.format(name="Outside", action="*"))
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "inside.yaml").write_text(ROLE.format(name="Inside", action="iam:*"))
    (tree / "link.yaml").symlink_to(outside / "secret.yaml")
    os.mkfifo(tree / "pipe.yaml")
    proc = _scan(str(tree))  # a FIFO read would block until the timeout
    report = json.loads(proc.stdout)
    assert {f["path"] for f in report["findings"]} == {"inside.yaml"}
    assert "link.yaml: a link out of the scanned folder" in proc.stderr
    assert "pipe.yaml: not a regular file" in proc.stderr


def test_a_template_past_cloudformations_resource_limit_is_not_given_to_cfn_lint() -> None:
    from tests.conftest import shipped_rules

    template = "Resources:\n" + "".join(f"  Q{i}: {{Type: AWS::SQS::Queue}}\n" for i in range(20000))
    rules = {"template-valid": shipped_rules()["template-valid"]}
    [finding] = evaluate({"big.yaml": template.encode()}, rules, Settings()).findings
    assert finding.message == ("the template declares 20,000 resources; CloudFormation accepts "
                               "at most 500, so it was not validated")
    assert finding.start_line == 1


def test_no_suggestion_is_built_for_a_huge_line() -> None:
    """The key pattern backtracks quadratically on blanks: a 1 MB line took minutes."""
    from reviewer.engine.suggest import render_suggestion

    assert render_suggestion("FunctionName: x" + " \t" * 500_000, "FunctionName", "y", False) is None
    assert render_suggestion("FunctionName: x  # c", "FunctionName", "y", False) == 'FunctionName: "y"  # c'


def test_stage_references_in_a_hostile_sub_text_are_found_in_linear_time() -> None:
    """"${" repeated 40,000 times made the variable pattern quadratic (4 s)."""
    from reviewer.engine.values import references

    assert not references({"Fn::Sub": "${" * 40000}, "Stage")
    assert references({"Fn::Sub": "${" * 40000 + "x-${Stage}"}, "Stage")
