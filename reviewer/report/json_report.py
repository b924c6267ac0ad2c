"""Machine-readable output for scripts (the SARIF output is for code-scanning tools)."""

from __future__ import annotations

import json
from typing import Any

from reviewer.engine.finding import Finding
from reviewer.report import Report


def render(report: Report) -> str:
    """The report as one JSON document."""
    from reviewer.engine.actions import data_info

    data: dict[str, object] = {
        "mode": report.mode,
        "aws_data": data_info(),
        "summary": report.summary(),
        "findings": [_finding(f, report) for f in report.findings],
        "rules": _rules(report),
    }
    if report.expiring:
        data["waivers_expiring"] = [
            {"rule": w.rule, "path": w.path, "resource": w.resource, "expires": w.expires.isoformat(),
             "owner": w.owner, "reason": w.reason, "source": w.source, "line": w.line}
            for w in report.expiring]
    if report.mode == "diff":
        data["base"], data["head"] = report.base, report.head
        data["fixed"] = [_finding(f, report) for f in report.fixed]
        data["permission_delta"] = [d.to_dict() for d in report.delta or []]
        data["who_can_reach"] = [r.to_dict() for r in report.reach]
        data["rule_changes"] = report.rule_changes
    return json.dumps(data, indent=2) + "\n"


def _finding(finding: Finding, report: Report) -> dict[str, Any]:
    data = finding.to_dict()
    data["fix"] = report.rule_fix(finding.rule_id) or None
    return data


def _rules(report: Report) -> dict[str, dict[str, Any]]:
    """The rules the findings name: title, fix and the metadata their authors gave."""
    named = {f.rule_id for f in report.findings} | {f.rule_id for f in report.fixed}
    out = {}
    for rule_id in sorted(named):
        spec = report.rules.get(rule_id)
        if spec is None:
            out[rule_id] = {"title": report.rule_title(rule_id)}
            continue
        out[rule_id] = {"title": spec.title, "severity": spec.severity, "fix": spec.fix or None,
                        "tags": spec.tags, "category": spec.category or None,
                        "owner": spec.owner or None, "url": spec.url or None}
    return out
