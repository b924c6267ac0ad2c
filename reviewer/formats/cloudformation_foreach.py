"""``Fn::ForEach`` (the AWS::LanguageExtensions transform): resources made from a loop.

::

    Resources:
      Fn::ForEach::Queues:
        - Name
        - [Orders, Invoices]
        - Queue${Name}:
            Type: AWS::SQS::Queue
            Properties: {QueueName: !Sub "${Name}-${Stage}"}

declares ``QueueOrders`` and ``QueueInvoices``. Each generated resource is a copy of the
body with ``${Name}`` / ``&{Name}`` in strings and ``!Ref Name`` replaced by the value; the
copy keeps the body's line marks, and the resource's path points into the loop, so findings
land on the lines written. A collection known only at deploy time (a parameter without a
default) gives one resource with ``${Name}`` left in it: its policies are still reviewed.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from reviewer.engine.decode import Marked, dict_node, list_node, str_node

PREFIX = "Fn::ForEach::"
# CloudFormation allows 5 nested loops; collections are bounded so a hostile template
# cannot multiply resources without end.
MAX_DEPTH = 5
MAX_ITEMS = 100
MAX_RESOURCES = 2000

Path = tuple[Any, ...]


def is_loop(key: Any) -> bool:
    """Is this key of ``Resources`` a loop?"""
    return isinstance(key, str) and key.startswith(PREFIX)


def expand(key: str, node: Any, parameters: dict[str, Any]) -> Iterator[tuple[str, Any, Path]]:
    """(logical id, resource node, path of the node in the template) for one loop."""
    budget = [MAX_RESOURCES]
    yield from _expand(node, ("Resources", key), {}, parameters, 1, budget)


def _collection(value: Any, parameters: dict[str, Any]) -> list[str] | None:
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int, float))][:MAX_ITEMS]
    if isinstance(value, dict) and set(value) == {"Ref"} and isinstance(value["Ref"], str):
        param = parameters.get(value["Ref"])
        default = param.get("Default") if isinstance(param, dict) else None
        if isinstance(default, list):
            return [str(v) for v in default][:MAX_ITEMS]
        if isinstance(default, str):
            return [v.strip() for v in default.split(",")][:MAX_ITEMS]
    return None


def _expand(node: Any, path: Path, bound: dict[str, str], parameters: dict[str, Any],
            depth: int, budget: list[int]) -> Iterator[tuple[str, Any, Path]]:
    if depth > MAX_DEPTH or not (isinstance(node, list) and len(node) == 3):
        return
    identifier, collection, body = node
    if not isinstance(identifier, str) or not isinstance(body, dict):
        return
    values = _collection(substitute(collection, bound), parameters)
    for value in values if values is not None else ["${%s}" % identifier]:
        if budget[0] <= 0:
            return
        names = {**bound, identifier: value}
        for out_key, template in body.items():
            here = path + (2, out_key)
            if is_loop(out_key):
                yield from _expand(template, here, names, parameters, depth + 1, budget)
                continue
            if budget[0] <= 0:
                return
            budget[0] -= 1
            yield str(substitute(out_key, names)), substitute(template, names), here


_REF = re.compile(r"([$&])\{([A-Za-z0-9_]{1,255})\}")


def _text(text: str, names: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        value = names.get(match.group(2))
        if value is None:
            return match.group(0)
        # &{Name} is the value with everything but letters and digits taken out.
        return value if match.group(1) == "$" else "".join(c for c in value if c.isalnum())
    return _REF.sub(one, text) if "{" in text else text


def substitute(value: Any, names: dict[str, str]) -> Any:
    """A copy of ``value`` with the loop variables replaced, keeping line marks."""
    if not names:
        return value
    if isinstance(value, str):
        return _marked(str_node(_text(value, names)), value)
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in names:
            return _marked(str_node(names[value["Ref"]]), value)
        out = dict_node()
        for key, item in value.items():
            new_key = _text(key, names) if isinstance(key, str) else key
            out[new_key] = substitute(item, names)
            if key in getattr(value, "key_lines", {}):
                out.key_lines[new_key] = value.key_lines[key]
        return _marked(out, value)
    if isinstance(value, list):
        return _marked(list_node(substitute(item, names) for item in value), value)
    return value


def _marked(copy: Any, original: Any) -> Any:
    if isinstance(original, Marked):
        copy.start_line, copy.end_line = original.start_line, original.end_line
    return copy
