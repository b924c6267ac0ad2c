"""Terraform's template directives (``%{ if }``, ``%{ else }``, ``%{ endif }``, ``%{ for }``,
``%{ endfor }``) in a file rendered by ``templatefile()``: rendered before the text is read as
JSON, so that the policy inside is judged.

The values the conditions and loops depend on are rarely known before ``terraform apply``,
so nothing is decided here: every branch is kept. An ``if`` without ``else`` keeps its body
(the superset of what it may grant); an ``if`` with an ``else`` gives one rendering per
branch, and the statements of every rendering are judged. A loop's body is kept once, its
iterator's ``${name}`` unknown. Directives and dropped branches become blanks of the same
shape, so every line of a rendering is the line of the file it came from.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

# A template with more directives than this is not rendered (it is said to be not reviewed).
MAX_DIRECTIVES = 400
# Renderings tried at most: every combination of up to three if/else, else all-then, all-else.
MAX_COMBINED = 3

_DIRECTIVE = re.compile(r"%\{(~?)\s*(if|else|endif|for|endfor)\b([^}\n]{0,500}?)\s*(~?)\}")
# A comma that JSON does not allow, left where a loop or an if kept its separator.
_TRAILING_COMMA = re.compile(r",(\s*[\]}])")
_LEADING_COMMA = re.compile(r"([\[{]\s*),")
_DOUBLE_COMMA = re.compile(r",(\s*),")


class DirectiveError(ValueError):
    """The directives do not nest (an ``endif`` without an ``if``, a loop never closed)."""


@dataclass
class _If:
    start: int  # the offset of the %{ if } directive
    then: tuple[int, int] = (0, 0)  # the then-branch's text span
    other: tuple[int, int] | None = None  # the else-branch's, if any
    directives: list[tuple[int, int]] = field(default_factory=list)


def has_directives(text: str) -> bool:
    """Does the text hold a template directive?"""
    return "%{" in text and _DIRECTIVE.search(text) is not None


def renderings(text: str) -> list[str]:
    """The texts the template may render to, each the file's length and lines, directives
    blanked. Raises DirectiveError when the directives do not nest."""
    matches = list(itertools.islice(_DIRECTIVE.finditer(text), MAX_DIRECTIVES + 1))
    if len(matches) > MAX_DIRECTIVES:
        raise DirectiveError(f"more than {MAX_DIRECTIVES} template directives")
    blanks: list[tuple[int, int]] = []
    choices: list[_If] = []
    stack: list[tuple[str, Any]] = []
    for match in matches:
        word = match.group(2)
        span = match.span()
        blanks.append(span)
        if word == "if":
            stack.append(("if", _If(span[0], then=(span[1], span[1]))))
        elif word == "for":
            stack.append(("for", span))
        elif word == "else":
            if not stack or stack[-1][0] != "if" or stack[-1][1].other is not None:
                raise DirectiveError(f"%{{ else }} without an %{{ if }} on line {_line(text, span[0])}")
            branch: _If = stack[-1][1]
            branch.then = (branch.then[0], span[0])
            branch.other = (span[1], span[1])
        elif word == "endif":
            if not stack or stack[-1][0] != "if":
                raise DirectiveError(f"%{{ endif }} without an %{{ if }} on line {_line(text, span[0])}")
            branch = stack.pop()[1]
            if branch.other is None:
                branch.then = (branch.then[0], span[0])
            else:
                branch.other = (branch.other[0], span[0])
                choices.append(branch)
        elif word == "endfor":
            if not stack or stack[-1][0] != "for":
                raise DirectiveError(f"%{{ endfor }} without a %{{ for }} on line {_line(text, span[0])}")
            stack.pop()
    if stack:
        kind, opened = stack[-1]
        start = opened.start if kind == "if" else opened[0]
        raise DirectiveError(f"the %{{ {kind} }} on line {_line(text, start)} is never closed")
    if len(choices) <= MAX_COMBINED:
        combinations = list(itertools.product((True, False), repeat=len(choices)))
    else:
        combinations = [(True,) * len(choices), (False,) * len(choices)]
    out = []
    for combination in combinations:
        dropped = list(blanks)
        for branch, keep_then in zip(choices, combination):
            dropped.append(branch.other if keep_then else branch.then)  # type: ignore[arg-type]
        out.append(_tidy(_blank(text, dropped)))
    return out


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span replaced by spaces, its newlines kept."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _tidy(text: str) -> str:
    """Commas JSON does not allow, left by a kept separator, made blanks (lines unchanged)."""
    for pattern, keep in ((_DOUBLE_COMMA, r" \1,"), (_TRAILING_COMMA, r" \1"),
                          (_LEADING_COMMA, r"\1 ")):
        text = pattern.sub(keep, text)
    return text


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
