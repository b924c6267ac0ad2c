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


def inert(text: str) -> str:
    """Text from a template or a rule file, unable to open an HTML comment.

    A message holding ``<!-- policy-reviewer:... -->`` would plant a marker in the app's
    own comment and silence another finding for good.
    """
    return text.replace("<!--", "&lt;!--")


def body(finding: Finding, rules: Mapping[str, RuleSpec]) -> str:
    """Rule, message, rationale and, where mechanical, a suggestion block."""
    spec = rules.get(finding.rule_id)
    parts = [f"**{finding.severity}** `{finding.rule_id}`: {inert(finding.message)}"]
    if spec:
        parts.append(f"_Why:_ {inert(spec.rationale)}")
    if finding.suggestion is not None:
        # A fence longer than any run of backticks in the line, so the line cannot close it.
        fence = "`" * max(3, _longest_backtick_run(finding.suggestion) + 1)
        parts.append(f"{fence}suggestion\n{finding.suggestion}\n{fence}")
    elif spec and spec.fix:
        parts.append(f"_Fix:_ {inert(spec.fix)}")
    parts.append(MARKER.format(fingerprint=finding.fingerprint))
    return "\n\n".join(parts)


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return longest


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
