"""The HCL model: blocks, attributes and expressions, each keeping the lines it is written
on, and the questions about tree-sitter nodes that the parser and the reader share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Deeper nesting than this is no real configuration; the tree walk stops there.
MAX_DEPTH = 200


class HclError(Exception):
    """The text is not HCL that tree-sitter-hcl reads; carries the line of the problem."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Expr:
    """One expression: ``kind`` says which, ``value`` holds its parts, ``text`` its source."""

    kind: str  # literal, template, tuple, object, ref, call, cond, for, heredoc, other
    value: Any
    line: int
    end_line: int
    text: str = ""


@dataclass
class Attribute:
    name: str
    expr: Expr
    line: int


@dataclass
class Block:
    """A block (``resource "aws_iam_role" "x" { ... }``) with its labels and contents."""

    type: str
    labels: list[str]
    attributes: dict[str, Attribute]
    blocks: list["Block"]
    line: int
    end_line: int
    file: str = ""
    children: dict[str, list["Block"]] = field(default_factory=dict)
    # A block a ``dynamic`` block makes: what it iterates over, and its iterator's name.
    for_each: Any = None
    iterator: str = ""


def line_of(node: Any) -> int:
    return node.start_point.row + 1


def end_line_of(node: Any) -> int:
    return node.end_point.row + 1


WRAPPERS = frozenset(("literal_value", "template_expr", "collection_value", "for_expr"))


def children_of(node: Any) -> list[Any]:
    """A node's children without comments (which may stand between any two tokens)."""
    return [c for c in node.children if c.type != "comment"]
