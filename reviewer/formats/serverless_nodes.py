"""What the Serverless reader's parts share: the names the framework gives, the bounds on
the work a service may take, and model nodes marked with the lines they come from."""

from __future__ import annotations

from typing import Any

from reviewer.engine.decode import MAX_EXPANDED_NODES, dict_node, list_node, str_node
from reviewer.engine.values import UNKNOWN

STAGE = "sls:stage"
GENERATED_ROLE = "IamRoleLambdaExecution"

# Variables inside variables (``${self:custom.${sls:stage}}``): deeper nesting is unknown.
MAX_NESTING = 10
# A chain of values built from values (custom.a -> custom.b -> ...), with the nesting of the
# YAML itself: past it, a value is unknown. Also keeps Python's own stack small.
MAX_LEVEL = 64
# Variables one service may resolve; past it, values are unknown.
MAX_RESOLUTIONS = 10_000
# Text a resolved string may hold, and all resolved strings together.
MAX_TEXT = 64 * 1024
MAX_TOTAL_TEXT = 8 * 1024 * 1024
# Nodes the model may expand to through values shared by reference (the decoder's bound).
MAX_EXPANDED = MAX_EXPANDED_NODES
# An address (custom.a.b.c) or the name of an unknown variable longer than this is unknown.
MAX_ADDRESS = 512
MAX_NAME = 200


class TooMuch(Exception):
    """A bound on the work was passed: the service is not reviewed, loudly."""

    def __init__(self, what: str, line: int) -> None:
        super().__init__(what)
        self.what = what
        self.line = line


def mark(node: Any, start: int, end: int | None = None) -> Any:
    node.start_line = start or 0
    node.end_line = max(end or start or 0, node.start_line)
    return node


def marked_like(value: dict[str, Any] | list[Any] | str, like: Any) -> Any:
    """A new mapping, list or string marked with the lines (and the file: an included one's)
    of ``like``."""
    made: Any = dict_node(value) if isinstance(value, dict) else \
        list_node(value) if isinstance(value, list) else str_node(value)
    made.source = getattr(like, "source", "")
    return mark(made, getattr(like, "start_line", 0), getattr(like, "end_line", 0))


def node_at(value: dict[str, Any] | list[Any] | str, line: int) -> Any:
    """A new node on one line (something the framework makes, reported where it is asked for)."""
    made: Any = dict_node(value) if isinstance(value, dict) else \
        list_node(value) if isinstance(value, list) else str_node(value)
    return mark(made, line, line)


def unknown_node(text: str, like: Any) -> Any:
    return marked_like({UNKNOWN: marked_like(text[:MAX_NAME], like)}, like)


def is_unknown(value: Any) -> bool:
    return isinstance(value, dict) and UNKNOWN in value


def line_of(node: Any) -> int:
    return getattr(node, "start_line", 0) or 1
