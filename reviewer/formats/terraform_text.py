"""Policies written as text inside Terraform: a heredoc or a JSON file holding ``${...}``
interpolations, and a ``templatefile()`` rendered with the values passed to it. Every walk is
bounded by the module's budget of values."""

from __future__ import annotations

from typing import Any

from reviewer.engine.decode import dict_node, list_node, str_node
from reviewer.engine.values import UNKNOWN
from reviewer.formats.terraform_model import INTERPOLATION, MAX_VALUES, Unknown, mark

PLACEHOLDER = "__policy-reviewer:terraform-expression__"


def mask_interpolations(text: str) -> tuple[str, int]:
    """Each ``${...}`` outside a JSON string (braces inside it counted) replaced by a JSON
    string placeholder. Linear, and gives up on an unclosed one."""
    out: list[str] = []
    count = 0
    i, n = 0, len(text)
    in_string = False
    held_lines = 0  # newlines of an interpolation taken out of a string, put back after it
    while i < n:
        char = text[i]
        if in_string:
            if text.startswith("${", i):
                end = _interpolation_end(text, i)
                inside = text[i:end] if end > 0 else ""
                if '"' in inside or "\n" in inside:
                    # "${replace(x.arn, "/:\\d+$/", ":*")}", maybe over several lines: its own
                    # quotes would end the JSON string; the value is made when applied, so it
                    # stays a ${...} of its own, and its newlines follow the string.
                    out.append("${...}")
                    held_lines += inside.count("\n")
                    count += 1
                    i = end
                    continue
            out.append(char)
            if char == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if char == '"':
                in_string = False
                out.append("\n" * held_lines)
                held_lines = 0
            i += 1
            continue
        if char == '"':
            in_string = True
            out.append(char)
            i += 1
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            depth, j = 0, i + 1
            while j < n:
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                return text, 0
            before = _last_mark(out)
            after = _next_mark(text, j + 1)
            if before in ("{", ",") and after in ('"', "}"):
                # "Condition": { ${local.maybe_ip_restriction} "Bool": {...} }: a fragment of
                # members, made when applied: one member whose value is unknown.
                out.append(f'"{PLACEHOLDER}": "{PLACEHOLDER}"' + ("," if after == '"' else ""))
            else:
                out.append('"' + PLACEHOLDER + '"')
            count += 1
            i = j + 1
            continue
        out.append(char)
        i += 1
    return "".join(out), count


MAX_INTERPOLATION = 4096


def _next_mark(text: str, start: int) -> str:
    """The first character from ``start`` that is not white space (a bounded look ahead:
    a text of many interpolations must not copy a window of it for each)."""
    for i in range(start, min(len(text), start + MAX_INTERPOLATION)):
        if not text[i].isspace():
            return text[i]
    return ""


def _last_mark(out: list[str]) -> str:
    """The last character written that is not white space (looking back a bounded way)."""
    for index in range(len(out) - 1, max(-1, len(out) - 1 - MAX_INTERPOLATION), -1):
        stripped = out[index].rstrip()
        if stripped:
            return stripped[-1]
    return ""


def _interpolation_end(text: str, start: int) -> int:
    """The offset just past the ``}`` closing the ``${`` at ``start``, with the HCL strings
    inside it skipped; -1 when it is not closed within MAX_INTERPOLATION characters (so a
    line of a million ``${`` costs no more than a bounded scan each)."""
    depth, i, quoted = 0, start + 1, False
    n = min(len(text), start + MAX_INTERPOLATION)
    while i < n:
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def unmask(node: Any) -> Any:
    """Placeholders back to unknown values."""
    return map_strings(node, lambda text: mark(
        dict_node({UNKNOWN: Unknown("${...}")}), getattr(text, "start_line", 0),
        getattr(text, "end_line", 0), "") if text == PLACEHOLDER else None, MAX_VALUES)


def fill_template(node: Any, variables: dict[str, Any], budget: int) -> Any:
    """``templatefile("policy.json.tpl", {bucket = ...})``: each string holding ``${name}``
    becomes a ``Fn::Sub`` whose variables are the values passed (unknown when not passed).
    Bounded by the module's remaining budget of values."""
    def substitute(text: str) -> Any:
        names = INTERPOLATION.findall(text)[:32]
        given = dict_node({name: variables[name] if name in variables else
                           dict_node({UNKNOWN: "${%s}" % name}) for name in names})
        return sub(text, given, getattr(text, "source", "")) if names else None

    return map_strings(node, substitute, budget)


def map_strings(node: Any, replace: Any, budget: int) -> Any:
    """Replace, in place, each string inside a decoded JSON value for which ``replace``
    gives a value (None keeps it). An iterative walk of at most ``budget`` containers."""
    stack: list[Any] = [node]
    while stack and budget > 0:
        item = stack.pop()
        budget -= 1
        children = list(item.items()) if isinstance(item, dict) else list(enumerate(item)) \
            if isinstance(item, list) else []
        for key, child in children:
            if isinstance(child, str):
                if "${" in child or child == PLACEHOLDER:
                    found = replace(child)
                    if found is not None:
                        item[key] = found
            elif isinstance(child, (dict, list)):
                stack.append(child)
    return node


def sub(text: str, variables: dict_node, source: str) -> dict_node:
    """``Fn::Sub`` of a text and its variables, with the text's lines."""
    node = dict_node({"Fn::Sub": list_node([str_node(str(text)), variables])})
    return mark(node, getattr(text, "start_line", 0), getattr(text, "end_line", 0), source)


def read_template_json(text: str) -> Any:
    """A ``templatefile()`` file's JSON, its ``%{ }`` directives rendered every way they may
    go (``formats.terraform_directives``) and the statements of every rendering kept, each at
    its own line. ``${...}`` where a JSON value goes is unknown. None when no rendering is
    JSON; raises DirectiveError when the directives do not nest."""
    from reviewer.formats.terraform_directives import renderings

    parsed = [data for data in (_json_or_none(t) for t in renderings(text)) if data is not None]
    if not parsed:
        return None
    first = parsed[0]
    statements = first.get("Statement") if isinstance(first, dict) else None
    if isinstance(statements, list) and len(parsed) > 1:
        seen = {_plain(s) for s in statements}
        for other in parsed[1:]:
            more = other.get("Statement") if isinstance(other, dict) else None
            for statement in more if isinstance(more, list) else []:
                if _plain(statement) not in seen and len(statements) < MAX_VALUES:
                    seen.add(_plain(statement))
                    statements.append(statement)
    return unmask(first)


def _json_or_none(text: str) -> Any:
    from reviewer.engine.decode import DecodeError, load_json

    for candidate in (text, mask_interpolations(text)[0]):
        try:
            return load_json(candidate)
        except DecodeError:
            continue
    return None


def _plain(node: Any) -> str:
    import json

    return json.dumps(node, sort_keys=True, default=str)
