"""The rules in force for a job: shipped, then the organisation's, then the repository's
(read at the base commit, so a pull request cannot loosen its own review)."""

from __future__ import annotations

from typing import Any

from reviewer.config.effective import in_force
from reviewer.config.rulebook import RuleSpec, parse_rule_text, shipped_rules
from reviewer.config.settings import REPOSITORY_CONFIG, Settings, layer, parse_settings
from reviewer.github.org import OrgPolicies


def rules_in_force(payload: dict[str, Any], org: OrgPolicies, config_text: str | None,
                   rule_texts: dict[str, str]) -> tuple[dict[str, RuleSpec], Settings]:
    """Shipped rules, then the organisation's, then the repository's (read at the base)."""
    repo_config = None
    if config_text is not None:
        repo_config = parse_settings(f"{REPOSITORY_CONFIG}@{payload['base_sha'][:12]}", config_text)
    repo_rules = {}
    for path, text in sorted(rule_texts.items()):
        spec = parse_rule_text(f"{path}@{payload['base_sha'][:12]}", text)
        repo_rules[spec.id] = spec
    return layer({**shipped_rules(), **org.rules}, org.settings, repo_config, repo_rules)


def rule_layers(org: OrgPolicies, config_text: str | None, rule_texts: dict[str, str]) -> dict[str, str]:
    """Which layer set each rule, in words for the review page."""
    repo_config = parse_settings(REPOSITORY_CONFIG, config_text) if config_text is not None else None
    repo_rules = {}
    for path, text in sorted(rule_texts.items()):
        spec = parse_rule_text(path, text)
        repo_rules[spec.id] = spec
    base = {**shipped_rules(), **org.rules}
    return in_force(base, set(org.rules), org.settings, repo_config, repo_rules).layers
