"""Machine-readable output for scripts (the SARIF output is for code-scanning tools)."""

from __future__ import annotations

import json

from reviewer.report import Report


def render(report: Report) -> str:
    """The report as one JSON document."""
    from reviewer.engine.actions import data_info

    data: dict[str, object] = {
        "mode": report.mode,
        "aws_data": data_info(),
        "summary": report.summary(),
        "findings": [f.to_dict() for f in report.findings],
    }
    if report.mode == "diff":
        data["base"], data["head"] = report.base, report.head
        data["fixed"] = [f.to_dict() for f in report.fixed]
        data["permission_delta"] = [d.to_dict() for d in report.delta or []]
        data["rule_changes"] = report.rule_changes
    return json.dumps(data, indent=2) + "\n"
