"""Which lines of a file a pull request's diff shows (GitHub's per-file ``patch``).

GitHub accepts review comments only on lines of the diff: on the RIGHT side, the added and
context lines of some hunk. Anything else answers 422, so findings elsewhere go to the
check summary instead (reviewdog's rule: never dropped, never commented off the diff).
"""

from __future__ import annotations

import re

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def right_side_lines(patch: str | None) -> list[tuple[int, int]]:
    """Hunks of the head side as (first line, last line) ranges, in order."""
    if not patch:
        return []
    hunks: list[tuple[int, int]] = []
    line = 0
    start = None
    for text in patch.splitlines():
        match = _HUNK.match(text)
        if match:
            if start is not None and line > start:
                hunks.append((start, line - 1))
            start = line = int(match.group(1))
            continue
        if start is None or text.startswith("-") or text.startswith("\\"):
            continue  # removed lines and "\ No newline at end of file" are not on the right
        line += 1
    if start is not None and line > start:
        hunks.append((start, line - 1))
    return hunks


def commentable(hunks: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when lines start..end all lie in one hunk (a comment range cannot span hunks)."""
    return any(first <= start and end <= last for first, last in hunks)
