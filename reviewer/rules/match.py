"""``kind: match``: rules written in YAML alone.

A match rule picks resources by type (wildcards allowed: ``AWS::Serverless::*``), may narrow
them with a ``when`` condition, and reports every resource for which its ``require``
condition does not hold::

    with:
      resources: ["AWS::SQS::Queue"]
      require:
        any:
          - exists: KmsMasterKeyId
          - equals: {path: SqsManagedSseEnabled, value: true}
      message: "queue {resource} is not encrypted at rest"

Conditions: ``all`` / ``any`` (lists), ``not``, ``type`` (resource type pattern),
``exists`` / ``absent`` (a path), ``equals``, ``one_of``, ``matches`` (regex), ``contains``,
``gt`` / ``ge`` / ``lt`` / ``le`` (numbers). Paths are dotted property paths from the
resource's ``Properties``; ``*`` stands for any list item or key (``Tags.*.Key``). A value
given by an intrinsic function (``!Ref``, ``!If`` ...) is only known at deploy time, so a
comparison on it counts as satisfied: a match rule never guesses.
"""

from __future__ import annotations

import fnmatch
from typing import Any, Iterable

from reviewer.engine.document import TEMPLATE, Document, Resource
from reviewer.engine.finding import Hit, Path
from reviewer.engine.values import intrinsic
from reviewer.rules.base import Context, RuleKind
from reviewer.rules.message_template import render, template_error
from reviewer.rules.patterns import pattern_error, search

LEAF_OPERATORS = ("exists", "absent", "equals", "one_of", "matches", "contains",
                  "gt", "ge", "lt", "le", "type")
COMBINATORS = ("all", "any", "not")
_NUMERIC = {"gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
            "lt": lambda a, b: a < b, "le": lambda a, b: a <= b}


def resolve(properties: Any, path: str) -> list[tuple[Any, Path]]:
    """Values at a dotted path (``*`` = any item or key), each with its path."""
    found: list[tuple[Any, Path]] = [(properties, ())]
    for part in path.split(".") if path else []:
        step: list[tuple[Any, Path]] = []
        for node, where in found:
            if isinstance(node, dict) and part == "*":
                step.extend((v, where + (k,)) for k, v in node.items())
            elif isinstance(node, list) and part == "*":
                step.extend((v, where + (i,)) for i, v in enumerate(node))
            elif isinstance(node, dict) and part in node:
                step.append((node[part], where + (part,)))
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                step.append((node[int(part)], where + (int(part),)))
        found = step
    return found


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, bool):
        # CloudFormation takes "true"/"false" strings for booleans.
        return str(actual).lower() == str(expected).lower()
    if isinstance(expected, (int, float)) and not isinstance(actual, bool):
        try:
            return float(actual) == float(expected)
        except (TypeError, ValueError):
            return False
    return actual == expected


def holds(condition: dict[str, Any], resource: Resource) -> bool:
    """Evaluate a condition on one resource."""
    (operator, arg), = condition.items()
    if operator == "all":
        return all(holds(c, resource) for c in arg)
    if operator == "any":
        return any(holds(c, resource) for c in arg)
    if operator == "not":
        return not holds(arg, resource)
    if operator == "type":
        patterns = arg if isinstance(arg, list) else [arg]
        return any(fnmatch.fnmatchcase(resource.type, p) for p in patterns)
    if operator in ("exists", "absent"):
        present = any(v is not None for v, _ in resolve(resource.properties, arg))
        return present if operator == "exists" else not present
    values = [v for v, _ in resolve(resource.properties, arg["path"])]
    if not values:
        return False
    if any(intrinsic(v) for v in values):
        return True  # decided at deploy time
    if operator == "equals":
        return any(_same(v, arg["value"]) for v in values)
    if operator == "one_of":
        return any(_same(v, option) for v in values for option in arg["values"])
    if operator == "matches":
        return any(isinstance(v, str) and search(arg["pattern"], v) for v in values)
    if operator == "contains":
        return any(arg["value"] in v if isinstance(v, (str, list)) else False for v in values)
    compare = _NUMERIC[operator]
    out = False
    for v in values:
        try:
            out = out or compare(float(v), float(arg["value"]))
        except (TypeError, ValueError):
            continue
    return out


def leaf_paths(condition: dict[str, Any]) -> list[str]:
    """Property paths a condition looks at, in order (for placing a finding)."""
    (operator, arg), = condition.items()
    if operator in ("all", "any"):
        return [p for c in arg for p in leaf_paths(c)]
    if operator == "not":
        return leaf_paths(arg)
    if operator in ("exists", "absent"):
        return [arg]
    if operator == "type":
        return []
    return [arg["path"]]


def condition_errors(condition: Any, where: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], str]]:
    """Problems of a condition tree: unknown operators, missing fields, bad regexes."""
    if not isinstance(condition, dict) or len(condition) != 1:
        return [(where, "a condition is a mapping with exactly one operator")]
    (operator, arg), = condition.items()
    here = where + (operator,)
    if operator in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            return [(here, f"{operator} takes a non-empty list of conditions")]
        return [e for i, c in enumerate(arg) for e in condition_errors(c, here + (i,))]
    if operator == "not":
        return condition_errors(arg, here)
    if operator not in LEAF_OPERATORS:
        return [(here, f'unknown operator "{operator}"; use one of '
                       + ", ".join(COMBINATORS + LEAF_OPERATORS))]
    if operator in ("exists", "absent"):
        return [] if isinstance(arg, str) and arg else [(here, f"{operator} takes a property path")]
    if operator == "type":
        return [] if isinstance(arg, (str, list)) else [(here, "type takes a pattern or a list")]
    required = {"equals": ("path", "value"), "one_of": ("path", "values"),
                "matches": ("path", "pattern"), "contains": ("path", "value")}.get(
        operator, ("path", "value"))
    if not isinstance(arg, dict) or any(k not in arg for k in required):
        return [(here, f"{operator} takes {{{', '.join(required)}}}")]
    if operator == "matches":
        problem = pattern_error(arg["pattern"]) if isinstance(arg["pattern"], str) else "a string"
        if problem:
            return [(here + ("pattern",), f"bad regular expression: {problem}")]
    if operator in _NUMERIC and not isinstance(arg["value"], (int, float)):
        return [(here + ("value",), f"{operator} compares with a number")]
    return []


class Match(RuleKind):
    kind = "match"
    parameters = {
        "resources": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "when": {"type": "object"},
        "require": {"type": "object"},
        "message": {"type": "string"},
        "at": {"type": "string"},
    }
    required_parameters = ("resources", "require", "message")

    @classmethod
    def semantic_errors(cls, params: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
        errors = [((), f'kind "match" needs "{p}"') for p in cls.required_parameters if p not in params]
        for key in ("when", "require"):
            if key in params:
                errors.extend(condition_errors(params[key], (key,)))
        if isinstance(params.get("message"), str):
            problem = template_error(params["message"])
            if problem:
                errors.append((("message",), problem))
        return errors

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        params = ctx.params
        patterns = params["resources"]
        for resource in doc.resources():
            if not any(fnmatch.fnmatchcase(resource.type, p) for p in patterns):
                continue
            if "when" in params and not holds(params["when"], resource):
                continue
            if holds(params["require"], resource):
                continue
            yield Hit(self._place(resource, params), self._message(resource, params),
                      f"match:{resource.type}", resource.logical_id)

    @staticmethod
    def _place(resource: Resource, params: dict[str, Any]) -> Path:
        candidates = [params["at"]] if params.get("at") else leaf_paths(params["require"])
        for path in candidates:
            found = resolve(resource.properties, path)
            if found and found[0][1] and found[0][1][0] in resource.node.get("Properties", {}):
                return resource.path + ("Properties",) + found[0][1]
        return resource.path + ("Type",)

    @staticmethod
    def _message(resource: Resource, params: dict[str, Any]) -> str:
        values: dict[str, Any] = {"resource": resource.logical_id, "type": resource.type,
                                  "short_type": resource.type.split("::")[-1]}
        for path in leaf_paths(params["require"]):
            found = resolve(resource.properties, path)
            values.setdefault("value", found[0][0] if found else "(not set)")
        values.setdefault("value", "(not set)")
        return render(params["message"], values)
