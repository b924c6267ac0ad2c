"""Rule files written by a hostile repository member (issue 7, points 1 and 3)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

from reviewer.config.rulebook import RuleSpec, rule_text_errors
from reviewer.config.settings import Settings
from reviewer.pipeline import evaluate
from reviewer.rules.message_template import render, template_error

# A route that str.format follows from a decoded mapping to the process environment.
LEAK = "{value.__init__.__globals__[json].codecs.sys.modules[os].environ[PR_TEST_SECRET]}"

TEMPLATE = """\
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab
      Tags: {team: billing}
"""


def rule_file(message: str, require: str = "absent: Tags") -> str:
    return textwrap.dedent(f"""\
        id: hostile
        kind: match
        severity: error
        title: t
        rationale: r
        with:
          resources: ["AWS::SQS::Queue"]
          require: {{{require}}}
          message: '{message}'
        examples:
          fail: [{{name: f, content: "Resources: {{Q: {{Type: AWS::SQS::Queue}}}}"}}]
          pass: [{{name: p, content: "Resources: {{B: {{Type: AWS::S3::Bucket}}}}"}}]
        """)


def run(params: dict[str, Any]) -> list[Any]:
    spec = RuleSpec(id="hostile", kind="match", severity="error", title="t", rationale="r",
                    params=params)
    return evaluate({"t.yaml": TEMPLATE.encode()}, {"hostile": spec}, Settings()).findings


def test_a_message_cannot_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even when a rule skipped validation, rendering substitutes text, never attributes."""
    monkeypatch.setenv("PR_TEST_SECRET", "-----BEGIN RSA PRIVATE KEY----- s3cr3t")
    [finding] = run({"resources": ["AWS::SQS::Queue"], "require": {"absent": "Tags"},
                     "message": "tags: " + LEAK})
    assert "s3cr3t" not in finding.message
    assert "environ" in finding.message  # shown as written, not evaluated


@pytest.mark.parametrize("message", [
    LEAK, "{value.__class__}", "{value[0]}", "{resource!r}", "{resource:>99999999}",
    "{0}", "{}", "{unknown}", "open { brace", "close } brace",
])
def test_validation_refuses_anything_but_the_placeholders(message: str) -> None:
    errors = rule_text_errors("hostile.yml", rule_file(message))
    assert [e.key for e in errors] == ["with.message"]
    assert errors[0].line == 9
    assert "{resource}" in errors[0].message or "brace" in errors[0].message


def test_documented_placeholders_and_braces_still_work() -> None:
    assert template_error("{short_type} {resource} ({type}) keeps {value} {{literal}}") is None
    [finding] = run({"resources": ["AWS::SQS::Queue"], "require": {"absent": "Tags"},
                     "message": "{short_type} {resource} ({type}) is tagged {value} {{ok}}"})
    assert finding.message == 'Queue Queue (AWS::SQS::Queue) is tagged {"team": "billing"} {ok}'


def test_a_long_value_is_cut() -> None:
    assert len(render("{value}", {"value": "x" * 100_000})) == 200


def test_a_catastrophic_pattern_is_matched_in_linear_time() -> None:
    """^(a|aa)+$ against 47 a's and a b backtracks for hours in Python's re; RE2 is linear.

    Run in a child process so that a regression fails the test instead of hanging the suite.
    """
    code = textwrap.dedent("""\
        from reviewer.config.rulebook import RuleSpec
        from reviewer.config.settings import Settings
        from reviewer.pipeline import evaluate
        import sys
        spec = RuleSpec(id="redos", kind="match", severity="error", title="t", rationale="r",
                        params={"resources": ["AWS::SQS::Queue"], "message": "m {value}",
                                "require": {"matches": {"path": "QueueName",
                                                        "pattern": "^(a|aa)+$"}}})
        findings = evaluate({"t.yaml": sys.stdin.buffer.read()}, {"redos": spec}, Settings()).findings
        print(len(findings))
        """)
    proc = subprocess.run([sys.executable, "-c", code], input=TEMPLATE.encode(),
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == "1"  # the name does not match: one finding


@pytest.mark.parametrize("pattern", ["(a)\\\\1", "(?=a)b", "(?<!a)b"])
def test_patterns_re2_cannot_run_are_refused_with_the_reason(pattern: str) -> None:
    errors = rule_text_errors("hostile.yml",
                              rule_file("m", "matches: {path: QueueName, pattern: \"" + pattern + "\"}"))
    assert [e.key for e in errors] == ["with.require.matches.pattern"]
    assert "RE2" in errors[0].message and "backreferences" in errors[0].message
