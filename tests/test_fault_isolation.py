"""The engine never stops for one file (issue 17, point 17): whatever fails while one file is
read or judged becomes that file's loud error, and every other file is still reviewed."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable

import pytest

from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings
from reviewer.engine.finding import Hit
from reviewer.pipeline import evaluate, review_change
from tests.conftest import shipped_rules
from tests.test_diff import Repo, review

CFN_LINT = Path(__file__).parent / "data" / "cfn-lint" / "templates"

WILDCARD = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::b/*"}
"""


def _all_rules() -> dict[str, RuleSpec]:
    return shipped_rules()


def test_a_cfn_lint_path_holding_a_mapping_does_not_stop_the_scan() -> None:
    """cfn-lint reports matches on CloudFormation modules with a mapping inside the path; the
    scan used to end there with a TypeError."""
    module = (CFN_LINT / "bad" / "modules" / "bad_uses_module_metadata.yaml").read_bytes()
    findings = evaluate({"modules.yaml": module, "other.yaml": WILDCARD.encode()},
                        _all_rules(), Settings()).findings
    assert not [f for f in findings if "not reviewed" in f.message]
    assert any(f.path == "modules.yaml" and f.rule_id == "template-valid" for f in findings)
    assert any(f.path == "other.yaml" and f.rule_id == "no-wildcard-actions" for f in findings)


def test_cfn_lints_own_crash_is_said_at_the_rules_severity() -> None:
    """A SAM template whose Resources is empty makes cfn-lint's transform raise: that is the
    validator's bug, said as such at template-valid's own severity."""
    text = 'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\nResources:\n'
    [finding] = evaluate({"placeholder.yaml": text.encode()}, {"template-valid": _all_rules()["template-valid"]},
                         Settings()).findings
    assert finding.severity == _all_rules()["template-valid"].severity == "warning"
    assert finding.message.startswith("cfn-lint could not validate this template: it stopped with ")
    assert "AttributeError" in finding.message


def _anchor_chain(depth: int) -> str:
    """A few kB of YAML whose last statement's Action is !If nested ``depth`` deep through
    anchors (each level refers to the one before)."""
    lines = ["Conditions:", "  C: !Equals [a, b]", "Resources:", "  Role:",
             "    Type: AWS::IAM::Role", "    Properties:",
             "      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: "
             "{Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}",
             "      Policies:", "        - PolicyName: p", "          PolicyDocument:",
             "            Statement:", "              - {Effect: Allow, Resource: '*', Sid: &a0 s3:GetObject}"]
    for level in range(1, depth):
        lines.append(f"              - {{Effect: Allow, Resource: '*', Sid: &a{level} "
                     f"!If [C, *a{level - 1}, s3:PutObject]}}")
    lines.append(f"              - {{Effect: Allow, Resource: 'arn:aws:s3:::b/*', Action: *a{depth - 1}}}")
    return "\n".join(lines) + "\n"


def test_if_nested_hundreds_deep_through_anchors_is_bounded_everywhere() -> None:
    """It raised RecursionError in the permission delta, outside every guard: the CLI printed
    no report and the app's job died five times."""
    text = _anchor_chain(700)
    assert len(text) < 100_000
    review = review_change({}, {"deep.yaml": text.encode()}, {}, _all_rules(), Settings())
    findings = review.comparison.findings
    assert not [f for f in findings if "not reviewed" in f.message], [f.message for f in findings]
    # Not worked out in full is not known to be safe: said, once, at the statement.
    sampled = [f for f in findings if f.value == "too-many-combinations"]
    assert len(sampled) == 1 and sampled[0].severity == "error"
    [role] = review.delta
    assert "s3:PutObject" in role.added
    assert any("not worked out in full" in a for a in role.added)


def test_the_cli_prints_its_report_for_a_deep_template(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("keep.yaml", "Resources: {}\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("deep.yaml", _anchor_chain(800))
    repo.write("other.yaml", WILDCARD)
    repo.commit("head")
    code, report = review(repo, "--disable", "template-valid")
    assert code == 1
    rules = {(f["path"], f["rule"]) for f in report["findings"]}
    assert ("other.yaml", "no-wildcard-actions") in rules and ("deep.yaml", "no-wildcard-actions") in rules


class _Breaks:
    """A rule kind that fails on one file only: fault injection for the engine's guards."""

    kind = "breaks"
    parameters: dict[str, Any] = {}

    def __init__(self, stage: str = "check") -> None:
        self.stage = stage

    def check(self, doc: Any, ctx: Any) -> Iterable[Hit]:
        if doc.path == "broken.yaml":
            if self.stage == "check":
                raise RecursionError("maximum recursion depth exceeded")
            # A validator's path through a mapping: located as far as the document goes.
            yield Hit(("Resources", {"a": 1}, "Type"), "m", "v")
            return
        yield Hit(("Resources", "Role"), "fine", "v")

    def check_project(self, docs: Any, ctx: Any) -> Iterable[Any]:
        return ()


@pytest.mark.parametrize("stage", ["check", "locate"])
def test_one_files_failure_is_that_files_error_and_the_others_are_judged(
        monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    from reviewer import rules

    monkeypatch.setitem(rules.KINDS, "breaks", lambda: _Breaks(stage))
    spec = RuleSpec(id="breaks", kind="breaks", severity="warning", title="t", rationale="r")
    files = {"broken.yaml": WILDCARD.encode(), "fine.yaml": WILDCARD.encode()}
    findings = evaluate(files, {"breaks": spec}, Settings()).findings
    by_file = {f.path: f for f in findings}
    assert by_file["fine.yaml"].message == "fine"
    if stage == "check":
        assert by_file["broken.yaml"].severity == "error"
        assert by_file["broken.yaml"].message.startswith("not reviewed: rule breaks could not finish")
    else:
        assert (by_file["broken.yaml"].start_line, by_file["broken.yaml"].message) == (1, "m")


def test_a_delta_that_cannot_be_worked_out_is_a_new_error_and_the_others_are_shown(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer.engine import delta

    real = delta._document_grants

    def fails_on_one(doc: Any) -> Any:
        if doc.path == "broken.yaml":
            raise MemoryError("no more")
        return real(doc)

    monkeypatch.setattr(delta, "_document_grants", fails_on_one)
    head = {"broken.yaml": WILDCARD.encode(), "fine.yaml": WILDCARD.encode()}
    review = review_change({}, head, {}, {"no-wildcard-actions": _all_rules()["no-wildcard-actions"]},
                           Settings())
    [failed] = [f for f in review.comparison.findings if f.rule_id == "review-incomplete"]
    assert failed.path == "broken.yaml" and failed.severity == "error" and failed.state == "new"
    assert "MemoryError" in failed.message
    assert [d.path for d in review.delta] == ["fine.yaml"]


@pytest.mark.parametrize("name, content, says", [
    ("template.yaml", codecs.BOM_UTF16_LE + WILDCARD.encode("utf-16-le"), "UTF-16"),
    ("template.json", json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}).encode("utf-16-be"), "UTF-16"),
    ("main.tf", 'resource "aws_iam_role" "r" {}\n'.encode("utf-16"), "UTF-16"),
    ("serverless.yml", b"service: x\x00\x01\x02provider: aws\n", "binary"),
    ("policy.json", b'{"Statement": [{"Effect": "Allow"\x00}]}', "binary"),
])
def test_a_file_that_looks_like_ours_but_cannot_be_read_is_said_to_be_not_reviewed(
        name: str, content: bytes, says: str) -> None:
    findings = evaluate({name: content, "other.yaml": WILDCARD.encode()},
                        {"no-wildcard-actions": _all_rules()["no-wildcard-actions"]}, Settings()).findings
    [unread] = [f for f in findings if f.path == name]
    assert unread.rule_id == "template-parse" and unread.severity == "error"
    assert says in unread.message and "review" in unread.message
    assert any(f.path == "other.yaml" for f in findings)


def test_binary_files_that_are_none_of_ours_stay_quiet() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    findings = evaluate({"logo.png.json": png, "data.yaml": "a: b\x00c".encode()},
                        _all_rules(), Settings()).findings
    assert findings == []


def test_the_cli_shows_one_line_not_a_traceback_when_a_validator_fails(tmp_path: Path) -> None:
    """What the validator said is in the report; nothing is dumped on the terminal."""
    (tmp_path / "placeholder.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\nResources:\n')
    result = subprocess.run([sys.executable, "-m", "reviewer.cli", "scan", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr
    assert "cfn-lint could not validate this template" in result.stdout


def test_the_cli_says_in_one_line_that_a_rule_failed(tmp_path: Path) -> None:
    """A rule's bug is the report's error finding; the terminal gets one line, not a
    traceback (LOG_LEVEL=DEBUG shows it)."""
    (tmp_path / "t.yaml").write_text(WILDCARD)
    program = ("import sys; from reviewer import rules, cli\n"
               "class Boom:\n"
               "    kind = 'no-wildcard-actions'; parameters = {}\n"
               "    def check(self, doc, ctx): raise KeyError('x')\n"
               "    def check_project(self, docs, ctx): return ()\n"
               "rules.KINDS['no-wildcard-actions'] = Boom\n"
               "sys.exit(cli.main(sys.argv[1:]))\n")
    result = subprocess.run([sys.executable, "-c", program, "scan", "--disable", "template-valid",
                             str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "rule no-wildcard-actions failed on t.yaml (KeyError: 'x')" in result.stderr
    assert "not reviewed: rule no-wildcard-actions could not finish on this file" in result.stdout
