"""Review a change like a pull request: compare base and head, and work out the delta."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from reviewer.config.config_change import (ConfigJudge, is_in_force_problem, review_configuration,
                                           touches_configuration)
from reviewer.config.rulediff import is_rule_path, review_rule_files
from reviewer.engine.compare import Comparison, compare
from reviewer.engine.access_delta import access_changes, granted_on, holders
from reviewer.engine.boundaries import boundaries, boundary_changes
from reviewer.engine import risk
from reviewer.engine.guardrails import denied_by
from reviewer.engine.delta import PrincipalDelta, grants, permission_delta
from reviewer.engine.evaluate import Evaluation
from reviewer.engine.finding import Finding, disambiguate
from reviewer.engine.who import Reach, reach_views


MAX_PLACED = 300  # gained actions whose resources are looked up, per principal


@dataclass
class ChangeReview:
    """The comparison of two commits, what principals gain, and what the rules' change does."""

    comparison: Comparison
    delta: list[PrincipalDelta]
    rule_changes: list[str] = field(default_factory=list)
    reach: list[Reach] = field(default_factory=list)  # who can assume or reach what it touches


def review_evaluations(base: Evaluation, head: Evaluation, base_files: Mapping[str, bytes],
                       head_files: Mapping[str, bytes], renames: Mapping[str, str],
                       judge: ConfigJudge | None = None,
                       guardrails: Mapping[str, Any] | None = None) -> ChangeReview:
    """Classify the two sides' findings and work out what principals gain.

    ``renames`` maps base paths to head paths. With a ``judge``, a change to the repository's
    configuration is itself reviewed: what it would break or weaken once merged is a new
    finding now. A file whose permission delta cannot be worked out is a new error of its
    own, and every other file's delta is still shown.
    """
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
    failed: list[Finding] = []
    base_grants = grants(base.documents, [])  # a base that cannot be read grants nothing known
    head_grants = grants(head.documents, failed)
    if failed:
        head_findings = head_findings + failed
        disambiguate(head_findings)
    comparison = compare(base_findings, head_findings, dict(renames))
    base_holders, head_holders = holders(base.documents), holders(head.documents)
    changes = access_changes(base_holders, head_holders, dict(renames))
    rcps = (guardrails or {}).get("resource_control_policies") or {}
    for (_, holder), found in changes.items() if rcps else ():
        for change in found:
            # Resource control policies bound what a resource policy can let in.
            names = {denied_by(a, rcps) for a in change.actions} if change.actions else {None}
            if holder.endswith("(resource policy)") and None not in names:
                change.detail += f" (denied by the organisation's RCP {', '.join(sorted(names))})"
    for key, found in boundary_changes(boundaries(base.documents), boundaries(head.documents),
                                       dict(renames)).items():
        changes.setdefault(key, []).extend(found)
    delta = permission_delta(base_grants, head_grants, dict(renames), changes)
    for item in delta:
        holder = head_holders.get((item.path, item.principal))
        item.on = {a: granted_on(holder, a) for a in item.added[:MAX_PLACED] if ":" in a}
        scps = (guardrails or {}).get("service_control_policies") or {}
        for action in item.added[:MAX_PLACED] if scps else ():
            name = denied_by(action, scps)
            if name is not None:
                item.denied[action] = name
                item.risks[action] = []  # denied: nothing at stake
        if item.denied:
            # A path one of whose steps is denied cannot be completed.
            gone = {a.lower() for a in item.denied}
            paths = {p.name: p for p in risk.escalation_paths()}
            item.escalation = [n for n in item.escalation
                               if n not in paths or not any(a.lower() in gone for a in paths[n].actions)]
    reach = reach_views(base_holders, head_holders, dict(renames))
    return ChangeReview(comparison, delta, rule_changes, reach)
