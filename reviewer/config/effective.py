"""The rules in force for a repository, and which layer set each.

Shipped defaults, the organisation's rule files, the organisation's configuration, the
repository's rule files and configuration: each layer may change a rule, and a person
asking "why does this rule block me?" needs to know which one did.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings, Waiver, effective_rules, layer
from reviewer.engine.finding import Finding
from reviewer.engine.waivers import EXPIRING_DAYS, too_long

SHIPPED = "shipped default"
ORG_RULE_FILE = "organisation rule file"
ORG_CONFIG = "organisation configuration"
REPO_RULE_FILE = "repository rule file"
REPO_CONFIG = "repository configuration"


def _setting(spec: RuleSpec) -> tuple[Any, ...]:
    return (spec.severity, spec.enabled, sorted(spec.params.items(), key=str), spec.locked,
            spec.suppressible)


@dataclass
class InForce:
    """The rules in force, the merged configuration, and where each rule's setting comes from."""

    rules: dict[str, RuleSpec]
    settings: Settings
    layers: dict[str, str]
    problems: list[Finding] = field(default_factory=list)


def in_force(base: Mapping[str, RuleSpec], org_rule_ids: set[str], org: Settings | None,
             repo: Settings | None, repo_rules: Mapping[str, RuleSpec] | None = None) -> InForce:
    """Layer the configuration (see settings.layer) and name the layer that set each rule."""
    after_org = effective_rules(dict(base), org or Settings())
    rules, settings = layer(dict(base), org, repo, dict(repo_rules or {}))
    layers = {}
    for rule_id, spec in rules.items():
        if rule_id not in base:
            layers[rule_id] = REPO_RULE_FILE
        elif _setting(spec) != _setting(after_org[rule_id]):
            layers[rule_id] = REPO_CONFIG
        elif _setting(after_org[rule_id]) != _setting(base[rule_id]):
            layers[rule_id] = ORG_CONFIG
        elif rule_id in org_rule_ids:
            layers[rule_id] = ORG_RULE_FILE
        else:
            layers[rule_id] = SHIPPED
    return InForce(rules, settings, layers, list(settings.problems))


def waiver_state(waiver: Waiver, settings: Settings, today: dt.date) -> str:
    """A waiver in words: in force, expiring soon, expired, or longer than allowed."""
    if waiver.expires < today:
        return "expired"
    if too_long(waiver, settings, today):
        return f"longer than the organisation's {settings.max_waiver_days} days: ignored"
    left = (waiver.expires - today).days
    if left <= EXPIRING_DAYS:
        return f"expires in {left} day(s)"
    return "in force"
