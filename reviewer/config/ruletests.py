"""Run the examples every rule file carries: rules have tests too."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Mapping

from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings, effective_rules, parse_settings


@dataclass
class ExampleResult:
    rule: str
    outcome: str  # "fail" or "pass" example
    name: str
    expected: int
    found: int

    @property
    def ok(self) -> bool:
        return self.found == self.expected


def run_examples(rules: Mapping[str, RuleSpec], base: Settings) -> list[ExampleResult]:
    """Evaluate each example with its own rule only; compare counts with expectations."""
    from reviewer.engine.evaluate import evaluate

    results = []
    for spec in rules.values():
        for outcome, examples in spec.examples.items():
            for example in examples:
                settings = base
                if "config" in example:
                    # JSON is YAML: the example's config goes through the same parser.
                    settings = parse_settings(f"{spec.source} example {example['name']!r}",
                                              json.dumps(example["config"]))
                only = effective_rules({spec.id: dataclasses.replace(spec, enabled=True)}, settings)
                path = example.get("path", "template.yaml")
                evaluation = evaluate({path: example["content"].encode()}, only, settings)
                found = sum(1 for f in evaluation.findings if f.rule_id == spec.id)
                expected = example.get("findings", 1) if outcome == "fail" else 0
                results.append(ExampleResult(spec.id, outcome, example["name"], expected, found))
    return results
