"""Shared helpers: the shipped rules, and running the engine on one document."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from reviewer.config.rulebook import DEFAULT_POLICIES, RuleSpec, load_rule_dir
from reviewer.config.settings import Settings, effective_rules, parse_settings
from reviewer.pipeline import evaluate
from reviewer.engine.finding import Finding

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = Path(__file__).parent / "fixtures"

ORG = {"organisation": {"accounts": {"dev": "111111111111", "staging": "222222222222",
                                     "prod": "333333333333"},
                        "trusted_accounts": ["999999999999"]}}


def shipped_rules() -> dict[str, RuleSpec]:
    return load_rule_dir(DEFAULT_POLICIES)


def settings_from(config: dict[str, Any] | None) -> Settings:
    return parse_settings("test-config.yml", json.dumps(config)) if config else Settings()


def run(content: str, *, rule: str | None = None, path: str = "template.yaml",
        config: dict[str, Any] | None = None) -> list[Finding]:
    """Evaluate one document with the shipped rules (or one of them)."""
    settings = settings_from(config)
    rules = effective_rules(shipped_rules(), settings)
    if rule:
        rules = {rule: dataclasses.replace(rules[rule], enabled=True)}
    findings = evaluate({path: textwrap.dedent(content).encode()}, rules, settings).findings
    return [f for f in findings if rule is None or f.rule_id == rule]


@pytest.fixture
def org_config() -> dict[str, Any]:
    return json.loads(json.dumps(ORG))
