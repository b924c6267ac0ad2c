"""Inline review comments for new findings, each marked with its fingerprint.

The marker is an HTML comment GitHub does not render; a later push or a re-run reads the
markers already on the pull request and never posts the same problem twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from reviewer.config.rulebook import RuleSpec
from reviewer.engine.diffmap import commentable
from reviewer.engine.finding import Finding
from reviewer.report.inert import block, code, paragraphs, prose

MARKER = "<!-- policy-reviewer:{fingerprint} -->"
# The marker closes the body: one elsewhere (inside a suggestion copied from the template)
# is the template's text, not ours.
_MARKER_RE = re.compile(r"<!-- policy-reviewer:([0-9a-f]{8,64}) -->\s*\Z")
# A comment may span this many lines at most; longer ranges read badly on GitHub.
MAX_RANGE = 30


@dataclass
class Placement:
    """New findings split into inline comments and the ones left for the summary."""

    comments: list[dict[str, Any]]
    outside_diff: list[Finding]


def markers_in(text: str) -> set[str]:
    """The fingerprint a comment body of ours ends with (none or one)."""
    return set(_MARKER_RE.findall((text or "")[-200:]))


def body(finding: Finding, rules: Mapping[str, RuleSpec]) -> str:
    """Rule, message, rationale and, where mechanical, a suggestion block; then how to ask
    for ``explain`` and how an approver accepts. Text from the pull request and from rule
    files is inert (reviewer.report.inert): a message holding a link, a heading, a mention or
    ``<!-- policy-reviewer:... -->`` (which would plant a marker and silence another
    finding for good) renders as the literal text."""
    spec = rules.get(finding.rule_id)
    where = ""
    if (finding.resource or "").startswith("module.") and finding.resource not in finding.message:
        # A resource inside a module (from a plan, at the module call): the line alone does
        # not say which of the module's resources it is.
        where = f" on {code(finding.resource)}"
    parts = [f"**{finding.severity}** {code(finding.rule_id)}{where}: {prose(finding.message)}"]
    if spec:
        parts.append(f"_Why:_ {paragraphs(spec.rationale)}")
    if finding.suggestion is not None:
        parts.append(block(finding.suggestion, "suggestion"))
    elif spec and spec.fix:
        parts.append(f"_Fix:_ {paragraphs(spec.fix)}")
    parts.append(f"<sub>{COMMENT_HELP}</sub>")
    parts.append(MARKER.format(fingerprint=finding.fingerprint))
    return "\n\n".join(parts)


COMMENT_HELP = ("Reply `/policy-reviewer explain` for this rule's examples; an approver "
                "replies `/policy-reviewer accept <reason>` to accept it for this commit.")


def place(findings: list[Finding], hunks_by_path: Mapping[str, list[tuple[int, int]]],
          posted: set[str], rules: Mapping[str, RuleSpec]) -> Placement:
    """Comments for new findings on diff lines; the rest go to the summary.

    Findings already posted (by fingerprint) are neither commented nor listed again.
    """
    comments: list[dict[str, Any]] = []
    outside: list[Finding] = []
    for finding in findings:
        if finding.state != "new" or finding.waived:
            continue
        hunks = hunks_by_path.get(finding.path, [])
        start, end = finding.start_line, max(finding.end_line, finding.start_line)
        if end - start > MAX_RANGE and finding.suggestion is None:
            end = start  # point at the first line of a long block
        if not commentable(hunks, start, end):
            outside.append(finding)
            continue
        if finding.fingerprint in posted:
            continue
        comment: dict[str, Any] = {"path": finding.path, "line": end, "side": "RIGHT",
                                   "body": body(finding, rules)}
        if end > start:
            comment["start_line"] = start
            comment["start_side"] = "RIGHT"
        comments.append(comment)
    return Placement(comments, outside)
