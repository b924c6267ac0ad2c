"""Review a change like a pull request: evaluate base and head, compare, and delta."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings
from reviewer.engine.compare import Comparison, compare
from reviewer.engine.delta import PrincipalDelta, grants, permission_delta
from reviewer.config.config_change import (ConfigJudge, is_in_force_problem, review_configuration,
                                           touches_configuration)
from reviewer.config.rulediff import is_rule_path, review_rule_files
from reviewer.engine.evaluate import evaluate
from reviewer.engine.finding import disambiguate


@dataclass
class ChangeReview:
    """The comparison of two commits, what principals gain, and what the rules' change does."""

    comparison: Comparison
    delta: list[PrincipalDelta]
    rule_changes: list[str] = field(default_factory=list)


def review_change(base_files: Mapping[str, bytes], head_files: Mapping[str, bytes],
                  renames: Mapping[str, str], rules: Mapping[str, RuleSpec],
                  settings: Settings, today: dt.date | None = None,
                  judge: ConfigJudge | None = None) -> ChangeReview:
    """Evaluate both sides with the same rules and settings, then classify findings.

    ``renames`` maps base paths to head paths. The settings are the caller's to choose; the
    app reads them from the base commit so that a change cannot loosen its own review.
    With a ``judge``, a change to the repository's configuration is itself reviewed: what
    it would break or weaken once merged is a new finding now.
    """
    base = evaluate(base_files, rules, settings, today)
    head = evaluate(head_files, rules, settings, today)
    base_findings, head_findings = base.findings, head.findings
    rule_changes: list[str] = []
    base_rules = {p: c for p, c in base_files.items() if is_rule_path(p)}
    head_rules = {p: c for p, c in head_files.items() if is_rule_path(p)}
    if base_rules or head_rules:
        # A change to the rules themselves: validate, test and describe it.
        extra_base, extra_head, rule_changes = review_rule_files(base_rules, head_rules)
        base_findings, head_findings = base_findings + extra_base, head_findings + extra_head
        disambiguate(head_findings)
        disambiguate(base_findings)
    if judge is not None and touches_configuration(set(base_files) | set(head_files)):
        extra_base, extra_head, lines = review_configuration(base_files, head_files, judge)
        # Both sides judged under the same name replace the base's in-force account.
        base_findings = [f for f in base_findings if not is_in_force_problem(f)] + extra_base
        head_findings = [f for f in head_findings if not is_in_force_problem(f)] + extra_head
        rule_changes = rule_changes + lines
        disambiguate(head_findings)
        disambiguate(base_findings)
    comparison = compare(base_findings, head_findings, dict(renames))
    delta = permission_delta(grants(base.documents), grants(head.documents), dict(renames))
    return ChangeReview(comparison, delta, rule_changes)
