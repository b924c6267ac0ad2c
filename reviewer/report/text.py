"""Readable output, grouped by file: line, severity, rule, message, fix."""

from __future__ import annotations

from itertools import groupby

from reviewer.engine.finding import Finding
from reviewer.report import Report



def render(report: Report) -> str:
    """The whole report as text."""
    out: list[str] = []
    shown = report.findings if report.mode == "scan" else [
        f for f in report.findings if f.state == "new"]
    if report.mode == "diff":
        out.append(f"Review of {report.base}..{report.head}")
        out.append("")
        out.append("New findings:" if shown else "New findings: none")
    out.extend(_by_file(shown))
    if report.mode == "diff":
        if report.fixed:
            out.append("Fixed by this change:")
            out.extend(_by_file(report.fixed))
        unchanged = [f for f in report.findings if f.state == "unchanged"]
        if unchanged:
            out.append(f"Unchanged (already on the base, not blocking): {len(unchanged)}")
            for f in unchanged:
                out.append(f"  {f.path}:{f.start_line} {f.rule_id} {f.resource or ''}".rstrip())
            out.append("")
        if report.rule_changes:
            out.append("Rule changes:")
            out.extend(f"  - {line}" for line in report.rule_changes)
            out.append("")
        out.extend(_delta(report))
        out.extend(_reach(report))
    out.extend(_fixes(report, shown))
    out.extend(expiring_lines(report))
    counts = report.summary()
    line = (f"{counts['errors']} error(s), {counts['warnings']} warning(s), "
            f"{counts['waived']} waived")
    if report.mode == "diff":
        line += f"; {counts['new']} new, {counts['unchanged']} unchanged, {counts['fixed']} fixed"
    verdict = "FAIL" if report.fails() else "PASS"
    from reviewer.engine.actions import data_version

    out.append(f"AWS data: {data_version()}")
    out.append(f"{verdict}: {line}")
    return "\n".join(out) + "\n"


def _by_file(findings: list[Finding]) -> list[str]:
    out: list[str] = []
    ordered = sorted(findings, key=lambda f: (f.path, f.start_line, f.rule_id))
    for path, group in groupby(ordered, key=lambda f: f.path):
        out.append(path)
        for f in group:
            lines = f"{f.start_line}" if f.start_line == f.end_line else f"{f.start_line}-{f.end_line}"
            resource = f" [{f.resource}]" if f.resource else ""
            out.append(f"  {lines:>7}  {f.severity:<7}  {f.rule_id}{resource}: {f.message}")
            if f.suggestion:
                out.append(f"           fix: {f.suggestion.strip()}")
            if f.waived:
                out.append(f"           ({f.waived})")
        out.append("")
    return out


def _fixes(report: Report, shown: list[Finding]) -> list[str]:
    """How to fix each rule reported, once per rule rather than under every finding."""
    ids = sorted({f.rule_id for f in shown if not f.waived and report.rule_fix(f.rule_id)})
    if not ids:
        return []
    out = ["How to fix:"]
    for rule_id in ids:
        out.append(f"  {rule_id}: {report.rule_fix(rule_id)}")
    return out + [""]


def expiring_lines(report: Report) -> list[str]:
    """Waivers about to expire, so that their owners act before the findings block."""
    if not report.expiring:
        return []
    out = ["Waivers expiring soon:"]
    for w in report.expiring:
        owner = f", owner {w.owner}" if w.owner else ""
        out.append(f"  {w.rule} on {w.path or w.resource}: expires {w.expires.isoformat()}"
                   f"{owner} ({w.source}:{w.line})")
    return out + [""]


def _reach(report: Report) -> list[str]:
    """Who can assume the roles and reach the resources the change touches."""
    if not report.reach:
        return []
    out = ["Who can assume or reach what this change touches (+ new):"]
    for view in report.reach:
        verb = "can be assumed by" if view.kind == "assume" else "can be reached by"
        out.append(f"  {view.holder} ({view.path}){' [new]' if view.new_holder else ''} {verb}:")
        for entry in view.entries:
            when = f" when {'; '.join(entry.conditions)}" if entry.conditions else ""
            out.append(f"    {'+' if entry.new else ' '} {entry.principal}: {', '.join(entry.actions)}"
                       f"{when} (line {entry.line})")
        if not view.entries:
            out.append("      nobody any more")
    return out + [""]


def _delta(report: Report) -> list[str]:
    if not report.delta:
        return ["Permission delta: no principal gains permissions.", ""]
    out = ["Permission delta (granted by head, not by base):"]
    for item in report.delta:
        if item.added:
            out.append(f"  {item.principal} ({item.path}): +{len(item.added)}:")
            for place, risks in item.grouped()[:5]:
                where = f"on {', '.join(place[:3])}{' and more' if len(place) > 3 else ''}: " if place else ""
                out.append("    " + where + ", ".join(
                    f"{label} {len(gained)} ({', '.join(gained[:3])}{', ...' if len(gained) > 3 else ''})"
                    for label, gained in risks))
        else:
            out.append(f"  {item.principal} ({item.path}): no new actions, but:")
        if item.escalation:
            out.append(f"    can now escalate its privileges: {', '.join(item.escalation)}")
        for change in item.changes:
            was = f" (base line {change.base_line})" if change.base_line else ""
            what = " ".join(p for p in (", ".join(change.actions[:5]), change.detail) if p)
            out.append(f"    line {change.line}{was}: {change.headline}: {what}")
    out.append("")
    return out
