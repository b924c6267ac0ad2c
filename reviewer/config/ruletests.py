"""Run the examples every rule file carries: rules have tests too.

A fail example says how many findings it expects (``findings``, default 1) and may say
which ones (``expect``: the resource, the line within the example's content and a part of
the message of each), so a rule that reports the wrong resource or line fails its test.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from reviewer.config.errors import ConfigError
from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings, effective_rules, parse_settings

MAX_SHOWN = 10  # findings listed when an example fails


@dataclass
class Got:
    """One finding an example produced, as a rule author reads it."""

    resource: str | None
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line} [{self.resource or '-'}]: {self.message}"


@dataclass
class ExampleResult:
    rule: str
    outcome: str  # "fail" or "pass" example
    name: str
    expected: int
    found: int
    error: str = ""  # the example could not be run (its config is invalid ...)
    line: int = 1  # where the example starts in the rule file
    source: str = ""  # the rule file
    got: list[Got] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)  # expectations not met

    @property
    def ok(self) -> bool:
        return not self.error and self.found == self.expected and not self.unmatched

    def describe(self) -> str:
        """What went wrong, for a person: where the example is, what it expected, what it got."""
        where = f"{self.source}:{self.line}: " if self.source else ""
        if self.error:
            return f"{where}{self.outcome} example {self.name!r} could not run: {self.error}"
        lines = [f"{where}{self.outcome} example {self.name!r}: expected {self.expected} "
                 f"finding(s), got {self.found}"]
        for expectation in self.unmatched:
            lines.append("  expected, not found: " + ", ".join(
                f"{k} {v!r}" for k, v in expectation.items()))
        for got in self.got[:MAX_SHOWN]:
            lines.append(f"  got: {got}")
        if len(self.got) > MAX_SHOWN:
            lines.append(f"  ... and {len(self.got) - MAX_SHOWN} more")
        return "\n".join(lines)


def run_examples(rules: Mapping[str, RuleSpec], base: Settings) -> list[ExampleResult]:
    """Evaluate each example with its own rule only; compare with its expectations."""
    results = []
    for spec in rules.values():
        for outcome, examples in spec.examples.items():
            for example in examples:
                results.append(_run_one(spec, outcome, example, base))
    return results


def _run_one(spec: RuleSpec, outcome: str, example: dict[str, Any], base: Settings) -> ExampleResult:
    from reviewer.pipeline import evaluate

    expect = [e for e in example.get("expect", []) if isinstance(e, dict)] if outcome == "fail" else []
    expected = example.get("findings", len(expect) or 1) if outcome == "fail" else 0
    result = ExampleResult(spec.id, outcome, str(example.get("name", "")), expected, 0,
                           line=getattr(example, "start_line", 1) or 1, source=spec.source)
    try:
        settings = base
        if "config" in example:
            # JSON is YAML: the example's config goes through the same parser.
            settings = parse_settings(f"{spec.source} example {result.name!r}",
                                      json.dumps(example["config"], default=str))
        only = effective_rules({spec.id: dataclasses.replace(spec, enabled=True)}, settings)
    except ConfigError as exc:
        # An example is text from a rule file, perhaps one a pull request adds: its mistakes
        # are the example's failure, never an error of the configuration in force.
        result.error = f"its config is invalid: {exc.message}" + (f" ({exc.key})" if exc.key else "")
        return result
    path = example.get("path", "template.yaml")
    evaluation = evaluate({str(path): str(example["content"]).encode()}, only, settings)
    mine = sorted((f for f in evaluation.findings if f.rule_id == spec.id),
                  key=lambda f: (f.start_line, f.resource or ""))
    result.found = len(mine)
    result.got = [Got(f.resource, f.start_line, f.message) for f in mine]
    result.unmatched = _unmatched(expect, result.got)
    return result


def _unmatched(expect: list[dict[str, Any]], got: list[Got]) -> list[dict[str, Any]]:
    """Expectations no finding meets, each finding meeting at most one expectation."""
    free = list(got)
    missing = []
    for expectation in expect:
        for candidate in free:
            if _meets(candidate, expectation):
                free.remove(candidate)
                break
        else:
            missing.append(expectation)
    return missing


def _meets(got: Got, expectation: dict[str, Any]) -> bool:
    if "resource" in expectation and got.resource != expectation["resource"]:
        return False
    if "line" in expectation and got.line != expectation["line"]:
        return False
    return "message" not in expectation or str(expectation["message"]) in got.message
