"""What every part of the Terraform reader shares: the marks on model nodes, the unknown
value, the bounds on the work a module may take, and small questions about HCL attributes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reviewer.engine.decode import Marked, dict_node, list_node
from reviewer.engine.values import UNKNOWN
from reviewer.formats.hcl_model import Attribute, Block, Expr
from reviewer.formats.paths import TFVARS_SUFFIXES

__all__ = ["TFVARS_SUFFIXES"]  # re-exported: the Terraform reader's modules import it here
# How deep locals may refer to locals, and how many values one module may work out: a
# module is hostile text, and locals can refer to each other in a cycle.
MAX_DEPTH = 32
MAX_VALUES = 200_000
# A for expression is worked out over a list of at most this many items.
MAX_FOR_ITEMS = 64
# A whole-string interpolation (``${var.x}``) inside a heredoc or a .tf.json string.
INTERPOLATION = re.compile(r"\$\{([^{}$]{1,256})\}")
REFERENCE = re.compile(r"^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d{1,6}\])*$")
SAFE_NAME = re.compile(r"^[\w.\[\]\"-]{1,200}$")

# Blocks of a .tf.json resource that are blocks, not object-valued attributes.
JSON_BLOCKS = {"statement", "principals", "not_principals", "condition", "inline_policy",
                "lifecycle", "server_side_encryption_configuration", "rule",
                "apply_server_side_encryption_by_default", "dead_letter_config",
                "destination_config", "on_failure", "point_in_time_recovery",
                "server_side_encryption", "encryption_configuration", "replica"}


class Unknown:
    """A value Terraform works out when it applies the plan; its source text, for people."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text[:200]

    def __repr__(self) -> str:
        return f"Unknown({self.text!r})"

    def __str__(self) -> str:
        return self.text


@dataclass
class Problem:
    """A file of the module that could not be read."""

    path: str
    line: int
    message: str


def mark(node: Any, line: int, end: int, source: str) -> Any:
    if isinstance(node, Marked):
        node.start_line, node.end_line = line, max(line, end)
        node.source = source
    return node


def unknown(expr: Expr, source: str) -> dict_node:
    return mark(dict_node({UNKNOWN: Unknown(expr.text or expr.kind)}), expr.line,
                 expr.end_line, source)


def reference_parts(name: str) -> list[Any]:
    """``aws_iam_role.app[0].arn`` -> ["aws_iam_role", "app", 0, "arn"]."""
    return [int(p[1:-1]) if p.startswith("[") else p for p in re.findall(r"[^.\[\]]+|\[\d+\]", name)]


def is_null(attribute: Attribute) -> bool:
    return attribute.expr.kind == "literal" and attribute.expr.value is None


def is_unknown(value: Any) -> bool:
    return isinstance(value, dict) and UNKNOWN in value


def unknown_principals(block: Block) -> bool:
    """A principals block written from an iterator (``dynamic "principals"``): its type is
    known only when applied, so it names no principal here."""
    kind = block.attributes.get("type")
    return kind is None or kind.expr.kind != "literal"


def literal(attribute: Attribute | None) -> Any:
    if attribute is None or attribute.expr.kind != "literal":
        return None
    return attribute.expr.value


def relocate(node: Any, offset: int, source: str) -> None:
    """Shift a decoded JSON value's lines by ``offset`` and name its file (bounded walk)."""
    stack = [node]
    seen = 0
    while stack and seen < MAX_VALUES:
        item = stack.pop()
        seen += 1
        if isinstance(item, Marked):
            item.start_line += offset
            item.end_line += offset
            item.source = source
        if isinstance(item, dict):
            if hasattr(item, "key_lines"):
                item.key_lines = {k: v + offset for k, v in item.key_lines.items()}
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def count_condition(block: Block) -> dict_node | None:
    """``count = cond ? 1 : 0`` (or ``? 0 : 1``) as a condition on the resource: the same
    ``cond`` text is the same fact, so resources on its two sides never exist together.
    None for any other count (a number, a length, a value known only when applied)."""
    attribute = block.attributes.get("count")
    if attribute is None or attribute.expr.kind != "cond":
        return None
    cond, yes, no = attribute.expr.value
    counts = [e.value if e.kind == "literal" and isinstance(e.value, int) and
              not isinstance(e.value, bool) else None for e in (yes, no)]
    if None in counts or (counts[0] == 0) == (counts[1] == 0) or not cond.text:
        return None
    compared = _COMPARISON.fullmatch(cond.text[:300]) or _REVERSED.fullmatch(cond.text[:300])
    if compared:
        # var.stage == "prod": a choice of the variable's value, as CloudFormation's
        # Fn::Equals of a parameter (and, where it is the stage, one stage's resource).
        fact = dict_node({"Fn::Equals": list_node([dict_node({"Ref": compared["name"]}),
                                                   compared["value"]])})
        if compared["op"] == "!=":
            fact = dict_node({"Fn::Not": list_node([fact])})
    else:
        fact = dict_node({"Fn::Equals": list_node([dict_node({UNKNOWN: cond.text[:200]}), "true"])})
    return fact if counts[0] else dict_node({"Fn::Not": list_node([fact])})


# var.x == "literal" (either way round), as a count condition writes it.
_NAME = r'(?P<name>var\.[A-Za-z_][\w-]{0,63}|terraform\.workspace)'
_VALUE = r'"(?P<value>[^"$]{0,100})"'
_COMPARISON = re.compile(rf'\s*{_NAME}\s*(?P<op>==|!=)\s*{_VALUE}\s*')
_REVERSED = re.compile(rf'\s*{_VALUE}\s*(?P<op>==|!=)\s*{_NAME}\s*')
