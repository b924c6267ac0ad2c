"""Run the examples every rule file carries: rules have tests too."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, Mapping

from reviewer.config.errors import ConfigError
from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings, effective_rules, parse_settings


@dataclass
class ExampleResult:
    rule: str
    outcome: str  # "fail" or "pass" example
    name: str
    expected: int
    found: int
    error: str = ""  # the example could not be run (its config is invalid ...)
    line: int = 1  # where the example starts in the rule file

    @property
    def ok(self) -> bool:
        return not self.error and self.found == self.expected

    def describe(self) -> str:
        """What went wrong, for a person."""
        if self.error:
            return f"{self.outcome} example {self.name!r} could not run: {self.error}"
        return (f"{self.outcome} example {self.name!r}: expected {self.expected} finding(s), "
                f"got {self.found}")


def run_examples(rules: Mapping[str, RuleSpec], base: Settings) -> list[ExampleResult]:
    """Evaluate each example with its own rule only; compare counts with expectations."""
    results = []
    for spec in rules.values():
        for outcome, examples in spec.examples.items():
            for example in examples:
                results.append(_run_one(spec, outcome, example, base))
    return results


def _run_one(spec: RuleSpec, outcome: str, example: dict[str, Any], base: Settings) -> ExampleResult:
    from reviewer.engine.evaluate import evaluate

    expected = example.get("findings", 1) if outcome == "fail" else 0
    result = ExampleResult(spec.id, outcome, str(example.get("name", "")), expected, 0,
                           line=getattr(example, "start_line", 1) or 1)
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
    result.found = sum(1 for f in evaluation.findings if f.rule_id == spec.id)
    return result
