"""Message templates of rules written in YAML: ``"queue {resource} keeps {value}"``.

A rule's message comes from a YAML file anyone with write access to a repository may add.
``str.format`` would let ``{value.__init__.__globals__[os].environ[...]}`` walk from a value
to the process environment and post the App's private key as a review comment. So messages
are never given to ``format``: this module substitutes the documented placeholders by name,
with no attribute or index access, and validation refuses everything else.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

# What a message may say, and what each stands for (shown by validation errors).
PLACEHOLDERS: dict[str, str] = {
    "resource": "the resource's name (CloudFormation logical id)",
    "type": "the resource type, e.g. AWS::SQS::Queue",
    "short_type": "the last part of the type, e.g. Queue",
    "value": "the value the rule looked at, or (not set)",
}
# A value from a template is shown, not dumped: a 1 MB string has no place in a comment.
MAX_VALUE_CHARS = 200
MAX_MESSAGE_CHARS = 2000


class TemplateError(ValueError):
    """A message template that uses something other than the documented placeholders."""


def _tokens(template: str) -> list[tuple[str, str]]:
    """Split into ("text", ...) and ("field", name) tokens; ``{{`` and ``}}`` are braces."""
    out: list[tuple[str, str]] = []
    text: list[str] = []
    i, n = 0, len(template)
    while i < n:
        ch = template[i]
        if ch in "{}" and template[i:i + 2] in ("{{", "}}"):
            text.append(ch)
            i += 2
            continue
        if ch == "}":
            raise TemplateError("a lone } in the message: write }} for a brace")
        if ch == "{":
            end = template.find("}", i + 1)
            if end < 0:
                raise TemplateError("a { in the message is never closed: write {{ for a brace")
            name = template[i + 1:end]
            if name not in PLACEHOLDERS:
                raise TemplateError(
                    f"unknown placeholder {{{name[:40]}}}; a message may use only "
                    + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                    + " (no attribute, index or format spec)")
            if text:
                out.append(("text", "".join(text)))
                text = []
            out.append(("field", name))
            i = end + 1
            continue
        text.append(ch)
        i += 1
    if text:
        out.append(("text", "".join(text)))
    return out


def template_error(template: str) -> str | None:
    """Why a message template is refused, or None when it is fine."""
    if len(template) > MAX_MESSAGE_CHARS:
        return f"the message is longer than {MAX_MESSAGE_CHARS} characters"
    try:
        _tokens(template)
    except TemplateError as exc:
        return str(exc)
    return None


def show(value: Any) -> str:
    """A template value as text for a person, cut to a readable length."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)) or value is None:
        text = str(value)
    else:
        text = json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS - 1] + "…"


def render(template: str, values: Mapping[str, Any]) -> str:
    """The message with each placeholder replaced by its value as plain text.

    Values are strings by the time they are substituted, so nothing in a template can reach
    an object's attributes. A template that slipped past validation (a shipped file is not
    re-checked at start-up) is shown as written rather than failing the review.
    """
    try:
        tokens = _tokens(template[:MAX_MESSAGE_CHARS])
    except TemplateError:
        return template[:MAX_MESSAGE_CHARS]
    return "".join(show(values.get(part, "")) if kind == "field" else part
                   for kind, part in tokens)
