"""doctor's findings for people (text, grouped by installation and repository) and for
scripts (JSON)."""

from __future__ import annotations

import json
from typing import Any

from reviewer.doctor.findings import FAIL, OK, UNKNOWN, WARN, Finding, Section, exit_status

MARKS = {OK: "✓", FAIL: "✗", WARN: "!", UNKNOWN: "?"}
# For a terminal that cannot show the marks (an ASCII locale in a CI job).
ASCII_MARKS = {OK: "ok", FAIL: "X", WARN: "!", UNKNOWN: "?"}


def text(sections: list[Section], *, unicode: bool = True) -> str:
    """Lines like ``✗ what — fix``, indented under their installation and repository."""
    marks = MARKS if unicode else ASCII_MARKS
    dash = "—" if unicode else "--"
    lines: list[str] = []

    def walk(section: Section, depth: int) -> None:
        pad = "  " * depth
        lines.append(f"{pad}{section.title}")
        for finding in section.findings:
            line = f"{pad}  {marks[finding.level]} {finding.what}"
            if finding.fix and finding.level != OK:
                line += f" {dash} {finding.fix}"
            lines.append(line)
            lines.extend(f"{pad}      {detail}" for detail in finding.details)
        for child in section.sections:
            walk(child, depth + 1)

    for section in sections:
        walk(section, 0)
        lines.append("")
    lines.append(_summary(sections))
    text_out = "\n".join(lines) + "\n"
    return text_out if unicode else text_out.replace("→", "->")


def as_json(sections: list[Section]) -> str:
    """One JSON document: the counts, the exit status and the sections with their findings."""
    counts = _counts(sections)
    return json.dumps({"exit_status": exit_status(sections), "problems": counts[FAIL],
                       "warnings": counts[WARN], "not_checked": counts[UNKNOWN],
                       "sections": [_section(s) for s in sections]}, indent=2, ensure_ascii=False) + "\n"


def _section(section: Section) -> dict[str, Any]:
    return {"title": section.title, "findings": [_finding(f) for f in section.findings],
            "sections": [_section(s) for s in section.sections]}


def _finding(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {"level": finding.level, "what": finding.what}
    if finding.fix and finding.level != OK:
        out["fix"] = finding.fix
    if finding.details:
        out["details"] = list(finding.details)
    return out


def _counts(sections: list[Section]) -> dict[str, int]:
    counts = {OK: 0, WARN: 0, FAIL: 0, UNKNOWN: 0}
    for section in sections:
        for finding in section.all():
            counts[finding.level] += 1
    return counts


def _summary(sections: list[Section]) -> str:
    counts = _counts(sections)

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    verdict = ("the wiring would stall or weaken reviews" if counts[FAIL]
               else "nothing stalls or weakens reviews")
    return (f"{plural(counts[FAIL], 'problem')}, {plural(counts[WARN], 'warning')}, "
            f"{counts[UNKNOWN]} not checked: {verdict}.")
