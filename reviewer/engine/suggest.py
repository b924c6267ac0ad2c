"""Write a rule's mechanical fix as replacement text for the offending line.

Only single-line values are rewritten: a suggestion that GitHub applies must replace exactly
the lines it covers, and multi-line rewrites of YAML are where such tools go wrong.
"""

from __future__ import annotations

import json
import re
from typing import Any

_YAML_KEY = re.compile(r"^(\s*(?:-\s+)?)([\"']?)([\w.-]+)\2(\s*:\s*)(.*?)(\s+#.*)?$")
_JSON_KEY = re.compile(r'^(\s*)"([^"]+)"(\s*:\s*)(.*?)(,?)\s*$')
# An HCL attribute: the value runs to the end of the line or to a comment after a closed string.
_HCL_KEY = re.compile(r'^(\s*)([\w-]+)(\s*=\s*)("(?:[^"\\]|\\.)*"|[^"#/]*?)(\s*(?:#|//).*)?$')


# The patterns above backtrack quadratically on long runs of blanks; a template line is
# hostile text. Nobody needs a suggested fix for a line this long.
MAX_LINE = 1000


def render_suggestion(line: str, key: str, value: Any, is_json: bool = False,
                      syntax: str | None = None) -> str | None:
    """The line with ``key``'s value replaced by ``value``, or None if it cannot be done.
    ``syntax`` is "yaml", "json", "hcl" or "serverless" (``is_json`` is the older way to say
    "json")."""
    if len(line) > MAX_LINE:
        return None
    syntax = syntax or ("json" if is_json else "yaml")
    if syntax == "hcl":
        return _hcl_line(line, key, value)
    if syntax == "serverless":
        return _serverless_line(line, value)
    if syntax == "json":
        match = _JSON_KEY.match(line)
        if not match or match.group(2) != key:
            return None
        return f'{match.group(1)}"{key}"{match.group(3)}{json.dumps(value)}{match.group(5)}'
    match = _YAML_KEY.match(line)
    if not match or match.group(3) != key:
        return None
    rendered = _yaml_value(value)
    if rendered is None:
        return None
    comment = match.group(6) or ""
    return f"{match.group(1)}{match.group(2)}{key}{match.group(2)}{match.group(4)}{rendered}{comment}"


def _yaml_value(value: Any) -> str | None:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict) and len(value) == 1:
        (name, arg), = value.items()
        if isinstance(arg, str):
            tag = name[4:] if name.startswith("Fn::") else name
            return f"!{tag} {json.dumps(arg)}"
    return None


def _hcl_line(line: str, key: str, value: Any) -> str | None:
    match = _HCL_KEY.match(line)
    if not match or match.group(2) != key:
        return None
    text = _plain_text(value)
    if text is None:
        return None
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{match.group(1)}{key}{match.group(3)}{quoted}{match.group(5) or ''}"


def _serverless_line(line: str, value: Any) -> str | None:
    """serverless.yml: the framework resolves ``${sls:stage}`` in any string, so the fix is a
    plain string; the key is the one on the line (``name:`` for a function's FunctionName)."""
    match = _YAML_KEY.match(line)
    if not match:
        return None
    text = _plain_text(value)
    if text is None:
        return None
    comment = match.group(6) or ""
    return f"{match.group(1)}{match.group(2)}{match.group(3)}{match.group(2)}{match.group(4)}{json.dumps(text)}{comment}"


def _plain_text(value: Any) -> str | None:
    """A literal, or a ``!Sub``'s text: Terraform's string templates and the Serverless
    Framework's variables are written as the text itself."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        value = sub[0] if isinstance(sub, list) and sub else sub
    return value if isinstance(value, str) else None
