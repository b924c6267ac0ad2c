"""The check run's summary: counts, tables of findings, the permission delta.

Everything from the repository (paths, resources, messages, reasons) goes through
``reviewer.report.inert``: GitHub renders this Markdown, and none of it may render a link, an
image, a heading or a mention of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.engine import risk
from reviewer.engine.finding import Finding
from reviewer.report import Report
from reviewer.report.inert import code, prose

# GitHub refuses a check run output summary over 65,535 characters.
MAX_SUMMARY = 65_535
_TRUNCATED = "\n\n_The summary was cut to fit GitHub's limit; run `policy-reviewer diff` for all of it._\n"
# How people talk to the app, said once in every summary and comment.
HELP = ("Reply `/policy-reviewer explain` to an inline comment for why its rule exists and how "
        "to fix it; an approver accepts a finding for this commit by replying "
        "`/policy-reviewer accept <reason>` (or all of them with the check's Accept button).")
DELTA_SHOWN = 20  # actions listed per principal; the rest are counted


def severity_cell(finding: Finding) -> str:
    """What a finding does to the check: blocks, or does not and why."""
    if finding.waived:
        how = "accepted" if finding.waived.startswith("accepted by") else "waived"
        return f"{finding.severity}, {how}"
    if finding.blocking and finding.state == "new":
        return "**error: blocks**"
    return finding.severity


def _table(findings: list[Finding]) -> list[str]:
    rows = ["| severity | file | line | rule | resource | message |", "|---|---|---|---|---|---|"]
    for f in sorted(findings, key=lambda f: (f.path, f.start_line)):
        waived = f" _({prose(f.waived, table=True)})_" if f.waived else ""
        resource = code(f.resource, table=True) if f.resource else ""
        rows.append(f"| {severity_cell(f)} | {code(f.path, table=True)} | {f.start_line} | "
                    f"{code(f.rule_id, table=True)} | {resource} | "
                    f"{prose(f.message, table=True)}{waived} |")
    return rows


@dataclass
class ThreadCounts:
    """The review's inline threads: resolved as fixed now, still open, newly posted."""

    fixed: int
    still_open: int
    new: int


def title(report: Report) -> str:
    """One line for the check run's title: what blocks, or why nothing does."""
    counts = report.summary()
    if report.incomplete:
        return "Review incomplete: part of this change was not reviewed"
    if report.mode == "scan":
        # A scan has no base: every finding is simply there, none is new.
        failing = len(report.failing())
        warnings = sum(1 for f in report.findings if f.severity == "warning" and not f.waived)
        return (f"{failing} error(s) fail the scan" if failing else "Nothing fails the scan") + \
            f", {warnings} warning(s)"
    if report.failing():
        return f"{len(report.failing())} new error(s) block this change"
    new = [f for f in report.findings if f.state == "new"]
    let_through = sum(1 for f in new if f.severity == "error" and f.waived)
    warnings = sum(1 for f in new if f.severity == "warning" and not f.waived)
    parts = []
    if let_through:
        accepted = sum(1 for f in new if f.severity == "error" and f.waived
                       and f.waived.startswith("accepted by"))
        parts.append(f"{let_through} new error(s) " + (
            "accepted" if accepted == let_through else
            "waived" if not accepted else "accepted or waived"))
    parts.append(f"{warnings} new warning(s)")
    parts.append(f"{counts.get('fixed', 0)} fixed")
    return "Nothing blocks: " + ", ".join(parts)


def summary(report: Report, outside_diff: list[Finding] | None = None,
            threads: ThreadCounts | None = None, help_line: bool = True) -> str:
    """Markdown summary, cut below GitHub's limit with a note (never an error)."""
    counts = report.summary()
    out = [f"> **Not reviewed:** {prose(reason)}" for reason in report.incomplete]
    out += [""] if out else []
    blocking = len(report.failing())
    if "new" in counts:
        out += [f"**{counts['new']} new** ({blocking} blocking), {counts['fixed']} fixed, "
                f"{counts['unchanged']} unchanged ({counts['waived']} waived or accepted).", ""]
    else:  # a scan (scan --summary): no base to compare with
        out += [f"**{len(report.findings)} finding(s)** ({blocking} blocking).", ""]
    if report.org_rules:
        # Our own words; the owner's name in them is GitHub's (checked characters).
        out += [f"Organisation rules: {report.org_rules}.", ""]
    if threads is not None:
        out += [f"Review threads: {threads.fixed} resolved as fixed, {threads.still_open} still open, "
                f"{threads.new} new.", ""]
    if help_line:
        out += [HELP, ""]
    new = [f for f in report.findings if f.state == "new" or "new" not in counts]
    sections = [("New findings" if "new" in counts else "Findings", new), ("Fixed by this change", report.fixed),
                ("Unchanged (already on the base branch)",
                 [f for f in report.findings if f.state == "unchanged"])]
    if outside_diff:
        sections.insert(1, ("New findings outside the diff (not commented inline)", outside_diff))
    if report.accepted:
        out += ["### Accepted for this commit", "",
                "A new push is judged afresh; accepting changes no configuration.", "",
                "| who | when | what | why |", "|---|---|---|---|"]
        for a in report.accepted:
            what = "every finding of this commit" if a.fingerprint == "*" else \
                f"{code(a.rule, table=True)} on {code(a.resource, table=True) if a.resource else 'the file'}"
            out.append(f"| {code('@' + a.by, table=True)} | {a.when} | {what} | "
                       f"{prose(a.reason, table=True)} |")
        out.append("")
    if report.rule_changes:
        out += ["### Rule changes", ""] + [f"- {prose(line)}" for line in report.rule_changes] + [""]
    if report.expiring:
        out += ["### Waivers expiring soon", "", "| rule | where | expires | owner | set in |",
                "|---|---|---|---|---|"]
        for w in report.expiring:
            out.append(f"| {code(w.rule, table=True)} | {code(w.path or w.resource or '', table=True)} | "
                       f"{w.expires.isoformat()} | {prose(w.owner or '', table=True)} | "
                       f"{code(f'{w.source}:{w.line}', table=True)} |")
        out.append("")
    if "new" in counts:  # a scan has nothing to compare permissions with
        out += ["### Permission delta", ""] + delta_lines(report) + [""] + reach_lines(report)
    for heading, findings in sections:
        if findings:
            out += [f"### {heading} ({len(findings)})", ""] + _table(findings) + [""]
    from reviewer.engine.actions import data_version

    footer = f"\n_AWS data: {data_version()}._\n"
    text = "\n".join(out)
    if len(text) + len(footer) > MAX_SUMMARY:
        cut = text[: MAX_SUMMARY - len(_TRUNCATED) - len(footer)]
        text = cut[: cut.rfind("\n")] + _TRUNCATED
    return text + footer


def delta_lines(report: Report) -> list[str]:
    """The permission delta's table: per principal, the actions gained, riskiest first;
    then the access gained beyond new actions (wider resources, looser conditions, ...)."""
    if not report.delta:
        return ["No principal gains permissions."]
    out = ["| principal | file | gains |", "|---|---|---|"]
    widened = [item for item in report.delta if item.changes]
    for item in report.delta:
        if not item.added:
            continue
        shown = "; ".join(_group(place, risks) for place, risks in item.grouped()[:GROUPS_SHOWN])
        if len(item.grouped()) > GROUPS_SHOWN:
            shown += f"; and on {len(item.grouped()) - GROUPS_SHOWN} more sets of resources"
        if item.escalation:
            shown = f"**can escalate privileges ({', '.join(item.escalation)})**; " + shown
        out.append(f"| {code(item.principal, table=True)} | {code(item.path, table=True)} | "
                   f"{len(item.added)}: {shown} |")
    if len(out) == 2:
        out = ["No principal gains new actions."]
    if widened:
        out += ["", "**Access widened** (no new action names, more access):", ""]
        for item in widened:
            out.append(f"- {code(item.principal)} in {code(item.path)}:")
            for change in item.changes[:MAX_CHANGES_SHOWN]:
                was = f" (was line {change.base_line})" if change.base_line else ""
                what = " ".join(p for p in (", ".join(code(a) for a in change.actions[:5]),
                                            prose(change.detail)) if p)
                out.append(f"  - line {change.line}{was}, {change.headline}: {what}")
            if len(item.changes) > MAX_CHANGES_SHOWN:
                out.append(f"  - and {len(item.changes) - MAX_CHANGES_SHOWN} more")
    return out


MAX_CHANGES_SHOWN = 10
GROUPS_SHOWN = 5  # sets of resources per principal
PER_RISK_SHOWN = 3  # actions named per risk


def _group(place: tuple[str, ...], risks: list[tuple[str, list[str]]]) -> str:
    """'on `arn:...`: data exfiltration 3 (`s3:GetObject`, ...), and 58 other (...)'."""
    where = ("on " + ", ".join(code(r, table=True) for r in place[:3])
             + (" and more" if len(place) > 3 else "") + ": ") if place else ""
    parts = []
    for label, gained in risks:
        named = ", ".join(code(a, table=True) for a in gained[:PER_RISK_SHOWN])
        more = ", ..." if len(gained) > PER_RISK_SHOWN else ""
        shown = f"**{label}**" if label in risk.LABELS else label
        parts.append(f"{shown} {len(gained)} ({named}{more})")
    return where + ", ".join(parts)


def reach_lines(report: Report) -> list[str]:
    """Who can assume the roles and reach the resources the change touches; new entries bold."""
    if not report.reach:
        return []
    out = ["### Who can assume or reach what this change touches", ""]
    for view in report.reach:
        verb = "can be assumed by" if view.kind == "assume" else "can be reached by"
        out.append(f"- {code(view.holder)} in {code(view.path)}{' (new)' if view.new_holder else ''} {verb}:")
        for entry in view.entries:
            when = f" when {prose('; '.join(entry.conditions))}" if entry.conditions else ""
            text = (f"{code(entry.principal)}: {', '.join(code(a) for a in entry.actions)}{when} "
                    f"(line {entry.line})")
            out.append(f"  - {'**new:** ' if entry.new else ''}{text}")
        if not view.entries:
            out.append("  - nobody any more")
    return out + [""]
