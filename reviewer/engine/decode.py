"""Decode YAML and JSON into plain Python values that remember their lines.

Every mapping, sequence and string keeps the 1-based start and end line of the node it
came from, the way cfn-lint's decoder does, so a rule can report a *path* into the
document and the line is looked up afterwards (see ``locate``). CloudFormation's short
intrinsic tags (``!Sub``, ``!Ref``, ``!GetAtt`` ...) become their long ``Fn::`` form.

PyYAML's C parser is used when present: parsing a template then costs about a
millisecond, against tens with the pure-Python one.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import Any

import yaml

try:  # The C parser is an optional build of PyYAML.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

# A YAML alias bomb ("billion laughs") builds a tiny graph that expands to billions of
# nodes when walked. No real template comes near this many nodes once expanded.
MAX_EXPANDED_NODES = 2_000_000


class DecodeError(Exception):
    """The text is not valid YAML/JSON, or is hostile; carries the line of the problem."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class Marked:
    """Mixin giving a decoded value its source lines (1-based, inclusive)."""

    start_line: int = 0
    end_line: int = 0
    # The file the value was written in, when a document is read from several files (a
    # Terraform module); empty means the document's own file.
    source: str = ""


class dict_node(dict, Marked):  # noqa: N801 - named like cfn-lint's node classes
    """A mapping that also records the line of each key."""

    key_lines: dict[str, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}


class list_node(list, Marked):  # noqa: N801
    """A sequence with source lines."""


class str_node(str, Marked):  # noqa: N801
    """A string with source lines."""


class planned_str(str_node):  # noqa: N801
    """A text a Terraform plan worked out: its value for the one stage and account the plan
    was made for. How it was made (from the stage? the account?) is not known here, so a rule
    that asks how a value is written must not judge it."""


def _mark(value: Marked, start: int, end: int) -> Any:
    value.start_line = start
    value.end_line = max(start, end)
    return value


# --------------------------------------------------------------------------- YAML


class _TemplateLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader producing marked nodes and long-form intrinsics."""

    may_have_aliases = True

    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:  # type: ignore[override]
        data = _mark(dict_node(), node.start_mark.line + 1, _end_line(node))
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise DecodeError(
                    "mapping key must be a scalar", key_node.start_mark.line + 1
                )
            key = str(key) if not isinstance(key, str) else key
            if key in data:
                raise DecodeError(
                    f'duplicate key "{key}"', key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
            data[str_node(key) if not isinstance(key, str_node) else key] = (
                self.construct_object(value_node, deep=True)
            )
            data.key_lines[key] = key_node.start_mark.line + 1
        return data

    def construct_yaml_seq(self, node: yaml.SequenceNode) -> Any:  # type: ignore[override]
        data = _mark(list_node(), node.start_mark.line + 1, _end_line(node))
        data.extend(self.construct_object(child, deep=True) for child in node.value)
        return data

    def construct_yaml_str(self, node: yaml.ScalarNode) -> Any:  # type: ignore[override]
        return _mark(str_node(node.value), node.start_mark.line + 1, _end_line(node))

    def construct_intrinsic(self, tag_suffix: str, node: yaml.Node) -> Any:
        name = tag_suffix
        if isinstance(node, yaml.ScalarNode):
            value: Any = self.construct_yaml_str(node)
            if name == "GetAtt" and "." in value:
                # !GetAtt Resource.Attribute is short for ["Resource", "Attribute"].
                resource, attribute = value.split(".", 1)
                value = _mark(list_node([str_node(resource), str_node(attribute)]),
                              node.start_mark.line + 1, _end_line(node))
        elif isinstance(node, yaml.SequenceNode):
            value = self.construct_yaml_seq(node)
        else:
            value = self.construct_yaml_map(node)
        key = name if name in ("Ref", "Condition") else f"Fn::{name}"
        result = _mark(dict_node(), node.start_mark.line + 1, _end_line(node))
        result[str_node(key)] = value
        result.key_lines[key] = node.start_mark.line + 1
        return result

    def get_single_data(self) -> Any:  # type: ignore[override]
        # Composing (C or Python) builds the alias graph cheaply; refuse before it is
        # constructed and walked by the rules.
        node = self.get_single_node()
        if node is None:
            return None
        if self.may_have_aliases:
            _refuse_alias_bomb(node)
        return self.construct_document(node)


def _end_line(node: yaml.Node) -> int:
    end = node.end_mark
    # A block node ends at column 0 of the line after its last content.
    line = end.line if end.column == 0 and end.line > node.start_mark.line else end.line + 1
    return line


def _refuse_alias_bomb(root: yaml.Node | None) -> None:
    """Count the nodes the document expands to, sharing work between aliases."""
    if root is None:
        return
    sizes: dict[int, int] = {}
    open_: set[int] = set()  # nodes whose children are still being counted
    # Iterative post-order walk: a recursive one would overflow on deep nesting.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        if not done and id(node) in open_:
            raise DecodeError("a YAML alias refers to a node that contains it (recursive alias)",
                              node.start_mark.line + 1)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        if done:
            total = 1 + sum(sizes.get(id(child), 1) for child in children)
            if total > MAX_EXPANDED_NODES:
                raise DecodeError(
                    "document expands to more than "
                    f"{MAX_EXPANDED_NODES:,} nodes through YAML aliases (alias bomb); refused",
                    node.start_mark.line + 1,
                )
            sizes[id(node)] = total
            open_.discard(id(node))
            continue
        open_.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


_TemplateLoader.add_constructor("tag:yaml.org,2002:map", _TemplateLoader.construct_yaml_map)
_TemplateLoader.add_constructor("tag:yaml.org,2002:seq", _TemplateLoader.construct_yaml_seq)
_TemplateLoader.add_constructor("tag:yaml.org,2002:str", _TemplateLoader.construct_yaml_str)
# CloudFormation reads `Version: 2012-10-17` as a string, not a date.
_TemplateLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _TemplateLoader.construct_yaml_str
)
_TemplateLoader.add_multi_constructor("!", _TemplateLoader.construct_intrinsic)


def load_yaml(text: str) -> Any:
    """Parse one YAML document into marked nodes, raising DecodeError on any problem."""
    try:
        loader = _TemplateLoader(text)
        # No anchor, no alias: the walk that guards against alias bombs can be skipped.
        loader.may_have_aliases = "&" in text
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except DecodeError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise DecodeError(f"YAML syntax error: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise DecodeError(f"YAML error: {exc}") from None
    except RecursionError:
        raise DecodeError("document is nested too deeply") from None


# --------------------------------------------------------------------------- JSON


class _LineIndex:
    def __init__(self, text: str) -> None:
        self._starts = [0]
        self._starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")

    def line(self, offset: int) -> int:
        return bisect_right(self._starts, offset)


def load_json(text: str) -> Any:
    """Parse JSON into marked nodes; errors carry the line JSON reports."""
    lines = _LineIndex(text)
    decoder = json.JSONDecoder()
    plain_object = decoder.parse_object
    plain_array = decoder.parse_array
    plain_string = decoder.parse_string

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        _, start = s_and_end
        pairs, end = plain_object(s_and_end, *args)
        node = _mark(dict_node(), lines.line(start - 1), lines.line(end - 1))
        for key, value in pairs:
            if key in node:
                raise DecodeError(f'duplicate key "{key}"',
                                  _second_key_line(text, start, end, key, lines))
            node[str_node(key)] = value
            node.key_lines[key] = _marked_line(value, node)
        return node, end

    def parse_array(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        _, start = s_and_end
        values, end = plain_array(s_and_end, *args)
        return _mark(list_node(values), lines.line(start - 1), lines.line(end - 1)), end

    def parse_string(s: str, end: int, *args: Any) -> tuple[Any, int]:
        value, new_end = plain_string(s, end, *args)
        return _mark(str_node(value), lines.line(end - 1), lines.line(new_end - 1)), new_end

    decoder.object_pairs_hook = list  # type: ignore[assignment]
    decoder.parse_object = parse_object  # type: ignore[assignment]
    decoder.parse_array = parse_array  # type: ignore[assignment]
    decoder.parse_string = parse_string  # type: ignore[assignment]
    decoder.memo = {}  # type: ignore[attr-defined]
    # The C scanner ignores these hooks; the pure-Python one honours them.
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise DecodeError(f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise DecodeError("document is nested too deeply") from None


def _second_key_line(text: str, start: int, end: int, key: str, lines: _LineIndex) -> int:
    # The scanner does not report where keys are; look for the repeated one in the object.
    pattern = re.compile(re.escape(json.dumps(key)) + r"\s*:")
    found = [m.start() for m in pattern.finditer(text, start, end)]
    return lines.line(found[1]) if len(found) > 1 else lines.line(start)


def _marked_line(value: Any, parent: Marked) -> int:
    return value.start_line if isinstance(value, Marked) else parent.start_line


def looks_like_json(text: str) -> bool:
    """JSON documents start with an object or array; YAML rarely does."""
    stripped = text.lstrip("\ufeff \t\r\n")
    return stripped[:1] in ("{", "[")


def load(text: str, filename: str = "") -> Any:
    """Parse a YAML or JSON document, choosing by content (a ``.json`` name means JSON)."""
    if filename.lower().endswith(".json"):
        return load_json(text)
    if looks_like_json(text):
        try:
            return load_json(text)
        except DecodeError as json_error:
            # YAML flow style can also begin with "{"; keep the JSON error if both fail.
            try:
                return load_yaml(text)
            except DecodeError:
                raise json_error from None
    return load_yaml(text)
