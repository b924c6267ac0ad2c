"""The check run's summary: counts, tables of findings, the permission delta."""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.engine.finding import Finding
from reviewer.report import Report

# GitHub refuses a check run output summary over 65,535 characters.
MAX_SUMMARY = 65_535
_TRUNCATED = "\n\n_The summary was cut to fit GitHub's limit; run `policy-reviewer diff` for all of it._\n"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(findings: list[Finding]) -> list[str]:
    rows = ["| file | line | rule | resource | message |", "|---|---|---|---|---|"]
    for f in sorted(findings, key=lambda f: (f.path, f.start_line)):
        waived = f" _({_escape(f.waived)})_" if f.waived else ""
        rows.append(f"| `{f.path}` | {f.start_line} | `{f.rule_id}` | {f.resource or ''} | "
                    f"{_escape(f.message)}{waived} |")
    return rows


@dataclass
class ThreadCounts:
    """The review's inline threads: resolved as fixed now, still open, newly posted."""

    fixed: int
    still_open: int
    new: int


def title(report: Report) -> str:
    """One line for the check run's title."""
    counts = report.summary()
    if report.incomplete:
        return "Review incomplete: part of this change was not reviewed"
    if report.failing():
        return f"{len(report.failing())} new error(s) block this change"
    return f"No new errors ({counts['new']} new warning(s), {counts['fixed']} fixed)"


def summary(report: Report, outside_diff: list[Finding] | None = None,
            threads: ThreadCounts | None = None) -> str:
    """Markdown summary, cut below GitHub's limit with a note (never an error)."""
    counts = report.summary()
    out = [f"> **Not reviewed:** {_escape(reason)}" for reason in report.incomplete]
    out += [""] if out else []
    out += [f"**{counts['new']} new**, {counts['fixed']} fixed, {counts['unchanged']} unchanged "
            f"({counts['waived']} waived).", ""]
    if threads is not None:
        out += [f"Review threads: {threads.fixed} resolved as fixed, {threads.still_open} still open, "
                f"{threads.new} new.", ""]
    new = [f for f in report.findings if f.state == "new"]
    sections = [("New findings", new), ("Fixed by this change", report.fixed),
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
                f"`{_escape(a.rule)}` on {_escape(a.resource) or 'the file'}"
            out.append(f"| @{_escape(a.by)} | {a.when} | {what} | {_escape(a.reason)} |")
        out.append("")
    if report.rule_changes:
        out += ["### Rule changes", ""] + [f"- {line}" for line in report.rule_changes] + [""]
    if report.expiring:
        out += ["### Waivers expiring soon", "", "| rule | where | expires | owner | set in |",
                "|---|---|---|---|---|"]
        for w in report.expiring:
            out.append(f"| `{_escape(w.rule)}` | {_escape(w.path or w.resource or '')} | "
                       f"{w.expires.isoformat()} | {_escape(w.owner or '')} | "
                       f"{_escape(w.source)}:{w.line} |")
        out.append("")
    out += ["### Permission delta", ""]
    if report.delta:
        out += ["| principal | file | gains |", "|---|---|---|"]
        for item in report.delta:
            shown = ", ".join(f"`{a}`" + (f" _({', '.join(item.risks[a][:2])})_" if item.risks.get(a) else "")
                              for a in item.added[:20])
            if item.escalation:
                shown = f"**can escalate privileges ({', '.join(item.escalation)})**; " + shown
            more = f" and {len(item.added) - 20} more" if len(item.added) > 20 else ""
            out.append(f"| {item.principal} | `{item.path}` | {len(item.added)}: {shown}{more} |")
    else:
        out.append("No principal gains permissions.")
    out.append("")
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
