"""The conditions of ``kind: match`` rules, three-valued: what a path resolves to in a
resource's properties, how each operator holds (true, false, or unknown when only deployment
knows the value), and what is wrong with a condition as written. See ``match.py``."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from reviewer.engine.document import Document, Resource
from reviewer.engine.finding import Path
from reviewer.engine.values import UNKNOWN, intrinsic, is_no_value
from reviewer.rules.patterns import pattern_error, search

# True, False, or None: known only at deploy time.
Truth = Optional[bool]

LEAF_OPERATORS = ("exists", "absent", "equals", "one_of", "matches", "contains",
                  "gt", "ge", "lt", "le", "type", "every", "referenced_by")
COMBINATORS = ("all", "any", "not")
ON_UNKNOWN = ("pass", "fail", "warn")
_NUMERIC = {"gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
            "lt": lambda a, b: a < b, "le": lambda a, b: a <= b}
# Conditions nest (all, any, not, every) and values nest (Fn::If in Fn::Join ...): both come
# from files anyone may write, so every descent is bounded.
MAX_DEPTH = 50
NOT_SET = "not set"


def resolve(properties: Any, path: str) -> list[tuple[Any, Path]]:
    """Values at a dotted path (``*`` = any item or key), each with its path."""
    return _walk(properties, path)[0]


def resolve_or_blocked(properties: Any, path: str) -> tuple[list[tuple[Any, Path]], bool]:
    """Values at a dotted path, and whether a value only deploy time knows stood in the way."""
    return _walk(properties, path)


def _walk(properties: Any, path: str) -> tuple[list[tuple[Any, Path]], bool]:
    """Values at a path, and whether the walk ran into a value only deploy time knows (an
    ``!If`` or ``!Ref`` where the path goes on): then what lies beyond it is unknown."""
    found: list[tuple[Any, Path]] = [(properties, ())]
    blocked = False
    for part in path.split(".") if path else []:
        step: list[tuple[Any, Path]] = []
        for node, where in found:
            if _opaque(node):
                blocked = True
            elif isinstance(node, dict) and part == "*":
                step.extend((v, where + (k,)) for k, v in node.items())
            elif isinstance(node, list) and part == "*":
                step.extend((v, where + (i,)) for i, v in enumerate(node))
            elif isinstance(node, dict) and part in node:
                step.append((node[part], where + (part,)))
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                step.append((node[int(part)], where + (int(part),)))
        found = step
    return found, blocked


def _opaque(value: Any) -> bool:
    """A value whose content is decided at deploy time (not a plain mapping or list)."""
    return intrinsic(value) is not None


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


def t_not(value: Truth) -> Truth:
    """Kleene negation: unknown stays unknown."""
    return None if value is None else not value


def t_any(values: Iterable[Truth]) -> Truth:
    """Kleene disjunction: true if any is true, else unknown if any is unknown."""
    unknown = False
    for value in values:
        if value is True:
            return True
        unknown = unknown or value is None
    return None if unknown else False


def t_all(values: Iterable[Truth]) -> Truth:
    """Kleene conjunction: false if any is false, else unknown if any is unknown."""
    unknown = False
    for value in values:
        if value is False:
            return False
        unknown = unknown or value is None
    return None if unknown else True


@dataclass
class Scope:
    """What a condition is evaluated on: a resource, the part of it paths start from (its
    properties, or an item of ``every``), and its document (for ``referenced_by``)."""

    resource: Resource
    root: Any
    document: Document | None = None
    # referenced_by's answers for this document, computed once per condition.
    references: dict[int, tuple[set[str], bool]] = field(default_factory=dict)

    def at(self, root: Any) -> "Scope":
        return Scope(self.resource, root, self.document, self.references)


def holds(condition: dict[str, Any], resource: Resource, document: Document | None = None) -> Truth:
    """Evaluate a condition on one resource: True, False, or None (known at deploy time)."""
    return holds_in(condition, Scope(resource, resource.properties, document), 0)


def holds_in(condition: dict[str, Any], scope: Scope, depth: int) -> Truth:
    if depth > MAX_DEPTH:
        return None  # validation refuses such nesting; a shipped file is not re-checked
    (operator, arg), = condition.items()
    if operator == "all":
        return t_all(holds_in(c, scope, depth + 1) for c in arg)
    if operator == "any":
        return t_any(holds_in(c, scope, depth + 1) for c in arg)
    if operator == "not":
        return t_not(holds_in(arg, scope, depth + 1))
    if operator == "type":
        patterns = arg if isinstance(arg, list) else [arg]
        return any(fnmatch.fnmatchcase(scope.resource.type, p) for p in patterns)
    if operator == "every":
        return _every(arg, scope, depth)
    if operator == "referenced_by":
        return _referenced_by(arg, scope)
    if operator in ("exists", "absent"):
        found, blocked = _walk(scope.root, arg)
        present = t_any([_present(v, 0) for v, _ in found] + ([None] if blocked else []))
        return present if operator == "exists" else t_not(present)
    found, blocked = _walk(scope.root, arg["path"])
    return t_any([_compare(operator, arg, v) for v, _ in found] + ([None] if blocked else []))


def _present(value: Any, depth: int) -> Truth:
    """Is a property there? ``!If [c, x, !Ref AWS::NoValue]`` is there only sometimes."""
    if value is None or is_no_value(value):
        return False
    call = intrinsic(value)
    if call is None or depth > MAX_DEPTH:
        return True
    name, args = call
    if name == UNKNOWN:
        return None  # a Terraform expression may well be null
    if name == "Fn::If" and isinstance(args, list) and len(args) == 3:
        branches = [_present(args[1], depth + 1), _present(args[2], depth + 1)]
        return branches[0] if branches[0] == branches[1] else None
    return True


def _compare(operator: str, arg: dict[str, Any], value: Any) -> Truth:
    if intrinsic(value) is not None:
        return None  # decided at deploy time
    if operator == "equals":
        return _same(value, arg["value"])
    if operator == "one_of":
        return any(_same(value, option) for option in arg["values"])
    if operator == "matches":
        return isinstance(value, str) and search(arg["pattern"], value)
    if operator == "contains":
        if isinstance(value, list):
            if any(intrinsic(item) is not None for item in value) and arg["value"] not in value:
                return None
            return arg["value"] in value
        return isinstance(value, str) and str(arg["value"]) in value
    try:
        return bool(_NUMERIC[operator](float(value), float(arg["value"])))
    except (TypeError, ValueError):
        return False


def _every(arg: dict[str, Any], scope: Scope, depth: int) -> Truth:
    """Each item at the path satisfies the condition (true when there are none)."""
    found, blocked = _walk(scope.root, arg["path"])
    results: list[Truth] = [None] if blocked else []
    for value, _ in found:
        if is_no_value(value):
            continue
        items = value if isinstance(value, list) else [value]
        if intrinsic(value) is not None:
            results.append(None)  # the list itself is only known at deploy time
            continue
        for item in items:
            if is_no_value(item):
                continue
            results.append(holds_in(arg["require"], scope.at(item), depth + 1))
            if results[-1] is False:
                return False
    return t_all(results)


def _referenced_by(arg: dict[str, Any], scope: Scope) -> Truth:
    """Another resource of a given type points at this one at a path (``!Ref``,
    ``!GetAtt``, ``!Sub "${X.Arn}"``, a Terraform reference)."""
    if scope.document is None:
        return None
    key = id(arg)
    if key not in scope.references:
        patterns = arg["type"] if isinstance(arg["type"], list) else [arg["type"]]
        targets: set[str] = set()
        unknown = False
        for other in scope.document.resources():
            if not any(fnmatch.fnmatchcase(other.type, p) for p in patterns):
                continue
            found, blocked = _walk(other.properties, arg["path"])
            unknown = unknown or blocked
            for value, _ in found:
                names, opaque = _references(value, 0)
                targets.update(names)
                unknown = unknown or opaque
        scope.references[key] = (targets, unknown)
    targets, unknown = scope.references[key]
    if scope.resource.logical_id in targets:
        return True
    return None if unknown else False


def _references(value: Any, depth: int) -> tuple[set[str], bool]:
    """Resource names a value refers to, and whether it may refer to one we cannot tell."""
    if depth > MAX_DEPTH:
        return set(), True
    if isinstance(value, list):
        names: set[str] = set()
        opaque = False
        for item in value:
            more, unsure = _references(item, depth + 1)
            names |= more
            opaque = opaque or unsure
        return names, opaque
    call = intrinsic(value)
    if call is None:
        return set(), False  # a literal ARN names something outside the template's graph
    name, args = call
    if name == UNKNOWN:
        return set(), True
    if name == "Ref":
        return ({args} if isinstance(args, str) else set()), False
    if name == "Fn::GetAtt":
        if isinstance(args, list) and args and isinstance(args[0], str):
            return {args[0]}, False
        if isinstance(args, str):
            return {args.split(".", 1)[0]}, False
        return set(), True
    if name == "Fn::Sub":
        text = args[0] if isinstance(args, list) and args else args
        names = set()
        if isinstance(text, str):
            start = text.find("${")
            while start >= 0 and len(names) < 1000:
                end = text.find("}", start)
                if end < 0:
                    break
                names.add(text[start + 2:end].split(".", 1)[0])
                start = text.find("${", end)
        if isinstance(args, list) and len(args) > 1 and isinstance(args[1], dict):
            more, unsure = _references(list(args[1].values()), depth + 1)
            return names | more, unsure
        return names, False
    if name == "Fn::If" and isinstance(args, list) and len(args) == 3:
        # Either branch may be deployed: a name in only one of them is a maybe.
        first, second = _references(args[1], depth + 1), _references(args[2], depth + 1)
        return first[0] & second[0], first[1] or second[1] or first[0] != second[0]
    return _references(args if isinstance(args, list) else [args], depth + 1)


def leaf_paths(condition: dict[str, Any]) -> list[str]:
    """Property paths a condition looks at, in order (for placing a finding)."""
    (operator, arg), = condition.items()
    if operator in ("all", "any"):
        return [p for c in arg for p in leaf_paths(c)]
    if operator == "not":
        return leaf_paths(arg)
    if operator in ("exists", "absent"):
        return [arg]
    if operator in ("type", "referenced_by"):
        return []
    return [arg["path"]]


_REQUIRED = {"equals": ("path", "value"), "one_of": ("path", "values"),
             "matches": ("path", "pattern"), "contains": ("path", "value"),
             "every": ("path", "require"), "referenced_by": ("type", "path")}


def condition_errors(condition: Any, where: tuple[Any, ...],
                     depth: int = 0) -> list[tuple[tuple[Any, ...], str]]:
    """Problems of a condition tree: unknown operators, missing fields, bad regexes."""
    if depth > MAX_DEPTH:
        return [(where, f"conditions nest deeper than {MAX_DEPTH} levels")]
    if not isinstance(condition, dict) or len(condition) != 1:
        return [(where, "a condition is a mapping with exactly one operator")]
    (operator, arg), = condition.items()
    here = where + (operator,)
    if operator in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            return [(here, f"{operator} takes a non-empty list of conditions")]
        return [e for i, c in enumerate(arg) for e in condition_errors(c, here + (i,), depth + 1)]
    if operator == "not":
        return condition_errors(arg, here, depth + 1)
    if operator not in LEAF_OPERATORS:
        return [(here, f'unknown operator "{operator}"; use one of '
                       + ", ".join(COMBINATORS + LEAF_OPERATORS))]
    if operator in ("exists", "absent"):
        return [] if isinstance(arg, str) and arg else [(here, f"{operator} takes a property path")]
    if operator == "type":
        return [] if isinstance(arg, (str, list)) else [(here, "type takes a pattern or a list")]
    required = _REQUIRED.get(operator, ("path", "value"))
    if not isinstance(arg, dict) or any(k not in arg for k in required):
        return [(here, f"{operator} takes {{{', '.join(required)}}}")]
    unknown = [k for k in arg if k not in required]
    if unknown:
        return [(here + (unknown[0],), f'{operator} takes {{{", ".join(required)}}}, '
                                       f'not "{str(unknown[0])[:40]}"')]
    if not isinstance(arg["path"], str):
        return [(here + ("path",), "a path is a dotted string (Items.*.Name)")]
    if operator == "every":
        return condition_errors(arg["require"], here + ("require",), depth + 1)
    if operator == "referenced_by":
        kinds = arg["type"] if isinstance(arg["type"], list) else [arg["type"]]
        if not kinds or not all(isinstance(k, str) for k in kinds) or not arg["path"]:
            return [(here, "referenced_by takes {type: PATTERN or list, path: PATH}")]
        return []
    if operator == "matches":
        problem = pattern_error(arg["pattern"]) if isinstance(arg["pattern"], str) else "a string"
        if problem:
            return [(here + ("pattern",), f"bad regular expression: {problem}")]
    if operator in _NUMERIC and not isinstance(arg["value"], (int, float)):
        return [(here + ("value",), f"{operator} compares with a number")]
    return []
