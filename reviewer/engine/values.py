"""Follow CloudFormation intrinsics far enough to know what a value may be.

Rules ask "which literal strings can this expression produce?" (an ``!If`` yields both
branches, a ``!Join`` of literals its joined text, a ``!Sub`` its text with unresolved
``${...}`` kept) and "does it refer to the stage parameter?". Anything not knowable
before deployment (``!GetAtt``, ``!ImportValue``) yields nothing, so it is never mistaken
for a wildcard.
"""

from __future__ import annotations

import itertools
import re
from typing import Any, Iterator

from reviewer.engine.finding import Path

MAX_COMBINATIONS = 64
_SUB_VAR = re.compile(r"\$\{(?!!)([^}]+)\}")

Possible = list[tuple[str, Path]]


def intrinsic(value: Any) -> tuple[str, Any] | None:
    """Return (function name, argument) when ``value`` is a one-key intrinsic mapping."""
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref" or key == "Condition" or str(key).startswith("Fn::"):
            return str(key), arg
    return None


def is_no_value(value: Any) -> bool:
    """``!Ref AWS::NoValue`` removes a property or list item."""
    return intrinsic(value) == ("Ref", "AWS::NoValue")


def possible_strings(value: Any, path: Path, parameters: dict[str, Any] | None = None) -> Possible:
    """Literal strings ``value`` may evaluate to, each with the path it comes from.

    A ``!Ref`` to a parameter with a ``Default`` yields the default, as CloudFormation
    would deploy it; other unresolved references inside text stay as ``${Name}``.
    """
    if isinstance(value, str):
        return [(value, path)]
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return [(str(value), path)]
    found = intrinsic(value)
    if found is None:
        return []
    name, arg = found
    arg_path = path + (name,)
    if name == "Ref":
        if arg == "AWS::NoValue" or not isinstance(arg, str):
            return []
        param = (parameters or {}).get(arg)
        if isinstance(param, dict) and isinstance(param.get("Default"), (str, int)):
            return [(str(param["Default"]), arg_path)]
        return [("${%s}" % arg, arg_path)]
    if name == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
        return (possible_strings(arg[1], arg_path + (1,), parameters)
                + possible_strings(arg[2], arg_path + (2,), parameters))
    if name == "Fn::Sub":
        if isinstance(arg, str):
            return [(arg, arg_path)]
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            text = arg[0]
            variables = arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}
            for var, var_value in variables.items():
                options = possible_strings(var_value, arg_path + (1, var), parameters)
                if len(options) == 1:
                    text = text.replace("${%s}" % var, options[0][0])
            return [(text, arg_path + (0,))]
        return []
    if name == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        delimiter, parts = arg
        if not isinstance(delimiter, str) or not isinstance(parts, list):
            return []
        choices = []
        for index, part in enumerate(parts):
            if is_no_value(part):
                continue
            options = [s for s, _ in possible_strings(part, arg_path + (1, index), parameters)]
            choices.append(options or ["${?}"])
        combos = itertools.islice(itertools.product(*choices), MAX_COMBINATIONS)
        return [(delimiter.join(combo), arg_path) for combo in combos]
    return []


def references(value: Any, name: str) -> bool:
    """True when the expression refers to parameter ``name`` (``!Ref``, ``${name}``)."""
    for node in walk_values(value):
        found = intrinsic(node)
        if found == ("Ref", name):
            return True
        if found and found[0] == "Fn::Sub":
            text = found[1][0] if isinstance(found[1], list) and found[1] else found[1]
            if isinstance(text, str) and name in _SUB_VAR.findall(text):
                return True
    return False


def walk_values(value: Any) -> Iterator[Any]:
    """Every node of a value, depth first."""
    stack = [value]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def walk_strings(value: Any, path: Path = ()) -> Iterator[tuple[str, Path]]:
    """Every string in a value with its path (keys are not included)."""
    stack: list[tuple[Any, Path]] = [(value, path)]
    while stack:
        node, node_path = stack.pop()
        if isinstance(node, str):
            yield node, node_path
        elif isinstance(node, dict):
            stack.extend((child, node_path + (key,)) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, node_path + (i,)) for i, child in enumerate(node))


def as_list(value: Any) -> list[Any]:
    """IAM lets most fields be one item or a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def get_path(data: Any, path: Path) -> Any:
    """The node at ``path``, or None."""
    node = data
    for key in path:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return None
    return node
