"""Regular expressions written by rule authors, matched in linear time.

A pattern such as ``^(a|aa)+$`` takes Python's backtracking engine exponential time on a
string of a few dozen characters; in a repository's rule file it would freeze a worker, and
every worker after a restart. User-written patterns therefore run on RE2 (google-re2), whose
matching time is linear in the input and whose memory is capped. RE2 has no backreferences
or lookaround; a pattern that needs them is refused when the rule is validated.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


MAX_PATTERN_CHARS = 1000
# RE2's memory budget for one compiled pattern (its default is 8 MB).
_MAX_MEM = 8 << 20


class PatternError(ValueError):
    """A pattern RE2 cannot take, with the reason."""


def _options() -> Any:
    import re2  # only for rules that match patterns: 7 ms of every CLI start otherwise

    options = re2.Options()
    options.log_errors = False  # the error is raised and reported; RE2 must not print it too
    options.max_mem = _MAX_MEM
    return options


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Any:
    """The compiled pattern, or PatternError saying why it cannot be used."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(f"the pattern is longer than {MAX_PATTERN_CHARS} characters")
    import re2

    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(f"{reason} (patterns are matched with RE2, in linear time: "
                           "no backreferences or lookaround)") from None


def pattern_error(pattern: str) -> str | None:
    """Why a pattern is refused, or None."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        return str(exc)
    return None


def search(pattern: str, text: str) -> bool:
    """Does the pattern occur in the text? Linear time whatever both say."""
    return compile_pattern(pattern).search(text) is not None
