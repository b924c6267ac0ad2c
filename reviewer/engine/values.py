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
# Intrinsics inside intrinsics deeper than this are not worked out (real templates nest a
# handful; YAML anchors can chain hundreds in a few kB): the value is TOO_MANY.
MAX_NESTING = 48
# Bounded and "$"-free inside, so "${${${..." cannot make it quadratic.
_SUB_VAR = re.compile(r"\$\{(?!!)([^}$]{1,512})\}")

Possible = list[tuple[str, Path]]


# A value a format's reader could not work out because only deployment knows it (a Terraform
# function, a Serverless ${env:...}): ``{UNKNOWN: text}``. No rule reads anything into it.
UNKNOWN = "Fn::Unknown"


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


def possible_strings(value: Any, path: Path, parameters: dict[str, Any] | None = None,
                     mappings: dict[str, Any] | None = None) -> Possible:
    """Literal strings ``value`` may evaluate to, each with the path it comes from.

    A ``!Ref`` to a parameter with a ``Default`` yields the default, as CloudFormation
    would deploy it; other unresolved references inside text stay as ``${Name}``. ``!If``
    yields both branches, ``!Select``, ``!FindInMap`` (with the template's ``Mappings``),
    ``!Split``, ``!Join`` and ``!Sub`` are worked out where their inputs are known. When the
    choices multiply past MAX_COMBINATIONS, every choice still appears in some result and
    TOO_MANY is added: the value was not worked out in full, so it is not known to be safe.
    """
    return _Evaluator(parameters or {}, mappings or {}).strings(value, path)


# Marks a value whose combinations were not all worked out (never a real string).
TOO_MANY = "\x00too-many-combinations"


def combine(choices: list[list[str]]) -> tuple[list[tuple[str, ...]], bool]:
    """The combinations of one choice per position, or, past MAX_COMBINATIONS, a covering
    sample in which every choice appears at least once; the flag says it is a sample."""
    total = 1
    for options in choices:
        total *= max(len(options), 1)
        if total > MAX_COMBINATIONS:
            break
    if total <= MAX_COMBINATIONS:
        return list(itertools.product(*choices)), False
    width = max(len(options) for options in choices)
    return [tuple(options[min(k, len(options) - 1)] for options in choices)
            for k in range(width)], True


class _Evaluator:
    """One evaluation of an expression, with the template's parameters and mappings."""

    def __init__(self, parameters: dict[str, Any], mappings: dict[str, Any]) -> None:
        self.parameters = parameters
        self.mappings = mappings
        self.depth = 0

    def strings(self, value: Any, path: Path) -> Possible:
        if self.depth >= MAX_NESTING:
            return [(TOO_MANY, path)]
        self.depth += 1
        try:
            return self._strings(value, path)
        finally:
            self.depth -= 1

    def _strings(self, value: Any, path: Path) -> Possible:
        if isinstance(value, str):
            return [(value, path)]
        if isinstance(value, bool) or isinstance(value, (int, float)):
            return [(str(value), path)]
        if isinstance(value, list):  # a list-valued intrinsic's items (FindInMap, Select)
            return [found for i, item in enumerate(value) for found in self.strings(item, path + (i,))]
        found = intrinsic(value)
        if found is None:
            return []
        name, arg = found
        handler = {"Ref": self._ref, "Fn::If": self._if, "Fn::Sub": self._sub,
                   "Fn::Join": self._join, "Fn::Select": self._select,
                   "Fn::FindInMap": self._find_in_map}.get(name)
        return handler(arg, path + (name,)) if handler else []

    def _texts(self, value: Any, path: Path) -> list[str]:
        return [s for s, _ in self.strings(value, path)]

    def _ref(self, arg: Any, path: Path) -> Possible:
        if arg == "AWS::NoValue" or not isinstance(arg, str):
            return []
        param = self.parameters.get(arg)
        if isinstance(param, dict) and isinstance(param.get("Default"), (str, int)):
            return [(str(param["Default"]), path)]
        return [("${%s}" % arg, path)]

    def _if(self, arg: Any, path: Path) -> Possible:
        if not (isinstance(arg, list) and len(arg) == 3):
            return []
        return self.strings(arg[1], path + (1,)) + self.strings(arg[2], path + (2,))

    def _sub(self, arg: Any, path: Path) -> Possible:
        if isinstance(arg, str):
            return [(arg, path)]
        if not (isinstance(arg, list) and arg and isinstance(arg[0], str)):
            return []
        variables = arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}
        names = [v for v in variables if "${%s}" % v in arg[0]]
        choices = [self._texts(variables[v], path + (1, v)) or ["${%s}" % v] for v in names]
        combos, sampled = combine(choices) if names else ([()], False)
        out = []
        for combo in combos:
            text = arg[0]
            for var, option in zip(names, combo):
                text = text.replace("${%s}" % var, option)
            out.append((text, path + (0,)))
        return out + ([(TOO_MANY, path)] if sampled else [])

    def _join(self, arg: Any, path: Path) -> Possible:
        if not (isinstance(arg, list) and len(arg) == 2):
            return []
        delimiter, parts = arg
        if not isinstance(delimiter, str):
            return []
        if not isinstance(parts, list):
            parts = [parts]  # a list-valued intrinsic: each item is one part
            items = self._texts(parts[0], path + (1,))
            return [(delimiter.join(items), path)] if items and TOO_MANY not in items else []
        choices = []
        for index, part in enumerate(parts):
            if is_no_value(part):
                continue
            options = [s for s in self._texts(part, path + (1, index)) if s != TOO_MANY]
            choices.append(options or ["${?}"])
        combos, sampled = combine(choices)
        return [(delimiter.join(c), path) for c in combos] + ([(TOO_MANY, path)] if sampled else [])

    def _list(self, value: Any, path: Path) -> list[Any] | None:
        """The items of a list argument, where known (a literal list, ``!Split``, a
        CommaDelimitedList parameter's default)."""
        if isinstance(value, list):
            return value
        found = intrinsic(value)
        if found and found[0] == "Fn::Split" and isinstance(found[1], list) and len(found[1]) == 2:
            delimiter, source = found[1]
            texts = self._texts(source, path + ("Fn::Split", 1))
            if isinstance(delimiter, str) and delimiter and len(texts) == 1:
                return texts[0].split(delimiter)
        if found and found[0] == "Ref" and isinstance(found[1], str):
            param = self.parameters.get(found[1])
            if isinstance(param, dict) and isinstance(param.get("Default"), str) and \
                    str(param.get("Type", "")).startswith("CommaDelimitedList"):
                return param["Default"].split(",")
        return None

    def _select(self, arg: Any, path: Path) -> Possible:
        if not (isinstance(arg, list) and len(arg) == 2):
            return []
        items = self._list(arg[1], path + (1,))
        if items is None:
            return []
        indexes = self._texts(arg[0], path + (0,))
        known = [int(i) for i in indexes if i.isdigit()]
        if len(known) != len(indexes) or not known:
            known = list(range(len(items)))  # which one is decided at deploy time: any
        out: Possible = []
        for i in known:
            if 0 <= i < len(items):
                where = path + (1, i) if isinstance(arg[1], list) else path + (1,)
                out.extend(self.strings(items[i], where))
        return out

    def _find_in_map(self, arg: Any, path: Path) -> Possible:
        if not (isinstance(arg, list) and len(arg) >= 3):
            return []
        level: list[Any] = [self.mappings]
        for depth in range(3):
            keys = self._texts(arg[depth], path + (depth,))
            step = []
            for node in level:
                if not isinstance(node, dict):
                    continue
                known = [k for k in keys if "${" not in k and k in node]
                if keys and len(known) == len(keys):
                    step.extend(node[k] for k in known)
                else:  # a key known only at deploy time (a Region, a parameter): any entry
                    step.extend(node.values())
            level = step
        out: Possible = []
        for leaf in level[:MAX_COMBINATIONS]:
            # The value sits in Mappings, not here: point at the !FindInMap.
            for item in leaf if isinstance(leaf, list) else [leaf]:
                out.extend((s, path) for s, _ in self.strings(item, path))
        if len(level) > MAX_COMBINATIONS:
            out.append((TOO_MANY, path))
        if len(arg) == 4 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
            out.extend(self.strings(arg[3]["DefaultValue"], path + (3, "DefaultValue")))
        return out


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


# ${Name} or ${Name.Attribute} in an Fn::Sub text: the name it refers to.
_SUB_NAME = re.compile(r"\$\{(?!!)([^${}.]+)(?:\.[^${}]*)?\}")


def referenced_names(value: Any) -> set[str]:
    """Parameters and resources a value refers to: ``!Ref``, ``!GetAtt``, and ``${Name}`` or
    ``${Name.Attribute}`` in a ``!Sub`` text (not its own variables, whose values are walked)."""
    found: set[str] = set()
    for node in walk_values(value):
        call = intrinsic(node)
        if not call:
            continue
        name, arg = call
        if name == "Ref" and isinstance(arg, str):
            found.add(arg)
        elif name == "Fn::GetAtt":
            if isinstance(arg, list) and arg and isinstance(arg[0], str):
                found.add(arg[0])  # [resource, attribute]: a Terraform address has dots
            elif isinstance(arg, str):
                found.add(arg.split(".", 1)[0])  # "Resource.Attribute"
        elif name == "Fn::Sub":
            text = arg[0] if isinstance(arg, list) and arg else arg
            local = arg[1] if isinstance(arg, list) and len(arg) > 1 and isinstance(arg[1], dict) else {}
            if isinstance(text, str):
                found.update(v for v in _SUB_NAME.findall(text) if v not in local)
    return found
