"""tree-sitter-hcl's syntax tree as the HCL model (``hcl_model``): every attribute, tuple item,
object key and string keeps the line it is written on. The walk is bounded (MAX_DEPTH)."""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from reviewer.formats.hcl_model import (
    MAX_DEPTH,
    WRAPPERS,
    Attribute,
    Block,
    Expr,
    HclError,
    children_of,
    end_line_of,
    line_of,
)


class Reader:
    """The model of one parsed text (``source``, the bytes tree-sitter read, with ".0" put in
    at the offsets ``inserted``)."""

    def __init__(self, source: bytes, file: str, inserted: list[int]) -> None:
        self.source = source
        self.file = file
        self.inserted = inserted

    def between(self, start: int | None, end: int) -> str:
        """The text from byte ``start`` to byte ``end``, as written."""
        start = start or 0
        if not self.inserted:
            return self.source[start:end].decode("utf-8", "surrogatepass")
        pieces, position = [], start
        for at in self.inserted[bisect_left(self.inserted, start):bisect_left(self.inserted, end)]:
            pieces.append(self.source[position:at])
            position = at + 2
        pieces.append(self.source[position:end])
        return b"".join(pieces).decode("utf-8", "surrogatepass")

    def text(self, node: Any) -> str:
        return self.between(node.start_byte, node.end_byte)

    def span(self, first: Any, last: Any) -> str:
        return self.between(first.start_byte, last.end_byte)

    # ------------------------------------------------------------------ blocks

    def body(self, body: Any, depth: int) -> tuple[dict[str, Attribute], list[Block]]:
        if depth > MAX_DEPTH:
            raise HclError("nesting too deep")
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for item in body.children:
            if item.type == "attribute":
                parts = children_of(item)  # identifier "=" expression
                name = self.text(parts[0])
                attributes[name] = Attribute(name, self.expr(parts[-1], depth + 1), line_of(item))
            elif item.type == "block":
                inner_attrs: dict[str, Attribute] = {}
                inner_blocks: list[Block] = []
                kind, labels = "", []
                for part in children_of(item):
                    if part.type == "identifier" and not kind:
                        kind = self.text(part)
                    elif part.type == "identifier":
                        labels.append(self.text(part))
                    elif part.type == "string_lit":
                        labels.append(self.label(part))
                    elif part.type == "body":
                        inner_attrs, inner_blocks = self.body(part, depth + 1)
                if depth + 1 > MAX_DEPTH:  # an empty block ({}) has no body to say so
                    raise HclError("nesting too deep")
                block = Block(kind, labels, inner_attrs, inner_blocks, line_of(item),
                              end_line_of(item), self.file)
                for child in inner_blocks:
                    block.children.setdefault(child.type, []).append(child)
                blocks.append(_dynamic_content(block))
        return attributes, blocks

    # ------------------------------------------------------------- expressions

    def expr(self, node: Any, depth: int) -> Expr:
        """The model of an ``expression`` node (or of one of the nodes it holds)."""
        if depth > MAX_DEPTH:
            raise HclError("expression nested too deep")
        if node.type == "expression":
            kids = children_of(node)
            if len(kids) != 1:
                return self.term(node, kids, depth + 1)
            # A conditional or an operation is an expression; anything else, a term in one.
            node = kids[0]
            if node.type not in ("conditional", "operation"):
                depth += 1
                if depth > MAX_DEPTH:
                    raise HclError("expression nested too deep")
        while node.type in WRAPPERS:
            node = children_of(node)[0]
        kind = node.type
        start, end = line_of(node), end_line_of(node)
        if kind in ("string_lit", "quoted_template"):
            return self.string(node, depth)
        if kind == "numeric_lit":
            source = self.text(node)
            return Expr("literal", _number(source), start, end, source)
        if kind == "bool_lit":
            source = self.text(node)
            return Expr("literal", source == "true", start, end, source)
        if kind == "null_lit":
            return Expr("literal", None, start, end, "null")
        if kind == "variable_expr":
            name = self.text(node)
            if name in ("true", "false"):
                return Expr("literal", name == "true", start, end, name)
            if name == "null":
                return Expr("literal", None, start, end, name)
            return Expr("ref", [name], start, end, name)
        if kind == "tuple":
            return Expr("tuple", [self.expr(k, depth + 1) for k in node.children
                                  if k.type == "expression"], start, end, "")
        if kind == "object":
            items = []
            for elem in node.children:
                if elem.type != "object_elem":
                    continue
                key = self.key(elem.child_by_field_name("key"))
                value = self.expr(elem.child_by_field_name("val"), depth + 1)
                items.append((key, line_of(elem), value))
            return Expr("object", items, start, end, "")
        if kind == "function_call":
            kids = children_of(node)
            name = self.text(kids[0])
            if "::" in name:
                # provider::aws::arn_parse(...): a provider's function, not known here.
                return Expr("other", None, start, end, self.text(node))
            args = [self.expr(a, depth + 1) for k in kids if k.type == "function_arguments"
                    for a in k.children if a.type == "expression"]
            return Expr("call", (name, args), start, end, self.text(node))
        if kind == "conditional":
            parts = [k for k in node.children if k.type == "expression"]
            if len(parts) == 3:
                return Expr("cond", [self.expr(p, depth + 1) for p in parts], start, end,
                            self.text(node))
        if kind == "for_tuple_expr":
            # [for x in LIST : EXPR] (with "if": its items are not known here; see terraform.py)
            kids = children_of(node)
            intro = next((k for k in kids if k.type == "for_intro"), None)
            body = [k for k in kids if k.type in ("expression", "for_cond")]
            if intro is not None and len(body) == 1 and body[0].type == "expression":
                names = [self.text(k) for k in intro.children if k.type == "identifier"]
                collection = [k for k in intro.children if k.type == "expression"]
                if names and len(collection) == 1:
                    return Expr("for", (names, self.expr(collection[0], depth + 1),
                                        self.expr(body[0], depth + 1)), start, end,
                                self.text(node))
        if kind == "operation":
            negative = self.negative_number(node)
            if negative is not None:
                return negative
        if kind == "heredoc_template":
            return self.heredoc(node)
        return Expr("other", None, start, end, self.text(node))

    def term(self, node: Any, kids: list[Any], depth: int) -> Expr:
        """A term and what follows it: ``var.x``, ``local.m["k"][0]``, ``(x)``, ``a[*].b``."""
        if not kids:
            return Expr("other", None, line_of(node), end_line_of(node), self.text(node))
        if kids[0].type == "(":
            base = self.expr(kids[1], depth) if len(kids) > 1 else None
            rest = kids[3:]
        else:
            base = self.expr(kids[0], depth)
            rest = kids[1:]
        if base is None or not rest:
            return base or Expr("other", None, line_of(node), end_line_of(node), self.text(node))
        path: list[Any] | None = list(base.value) if base.kind == "ref" else None
        for postfix in rest:
            if path is None:
                break
            if postfix.type == "get_attr":
                path.append(self.text(children_of(postfix)[-1]))
            elif postfix.type == "index":
                index = self.index(children_of(postfix)[0], depth)
                if index.kind == "literal" and isinstance(index.value, (int, str)):
                    path.append(index.value)
                else:
                    path = None
            else:  # a splat (.*, [*]) or anything unforeseen: not one value
                path = None
        start, end, text = line_of(kids[0]), end_line_of(rest[-1]), self.span(kids[0], rest[-1])
        if path is None:
            return Expr("other", None, start, end, text)
        return Expr("ref", path, start, end, text)

    def index(self, node: Any, depth: int) -> Expr:
        """``[EXPR]``, or the older ``.0``: the key (a string of digits for ``.0``)."""
        inner = [k for k in node.children if k.type == "expression"]
        if node.type == "new_index" and inner:
            return self.expr(inner[0], depth + 1)
        return Expr("literal", self.text(node).lstrip("."), line_of(node), end_line_of(node))

    def negative_number(self, node: Any) -> Expr | None:
        """``-1``, ``-2.5``: a number (written ``- 1``, with a space, it is an operation)."""
        unary = children_of(node)[0]
        kids = children_of(unary)
        if unary.type != "unary_operation" or len(kids) != 2 or kids[0].type != "-" \
                or kids[1].type != "literal_value" or kids[0].end_byte != kids[1].start_byte:
            return None
        number = children_of(kids[1])[0]
        if number.type != "numeric_lit":
            return None
        source = self.text(unary)
        return Expr("literal", _number(source), line_of(unary), end_line_of(unary), source)

    def heredoc(self, node: Any) -> Expr:
        """``<<EOT`` ... ``EOT`` (``<<-EOT``: indented, the common indent removed): its text
        as written, ``${...}`` included (``terraform.py`` reads JSON in it)."""
        raw = self.text(node)
        first_newline = raw.find("\n")
        body = raw[first_newline + 1:] if first_newline >= 0 else ""
        # Everything before the closing marker's line.
        body = body[:body.rstrip().rfind("\n") + 1] if "\n" in body.rstrip() else ""
        if any(k.type == "heredoc_start" and self.text(k) == "<<-" for k in node.children):
            body = _dedent(body)
        # The body starts on the line after "<<EOT".
        return Expr("heredoc", body, line_of(node) + 1, end_line_of(node), raw)

    # ----------------------------------------------------------------- strings

    def string(self, node: Any, depth: int) -> Expr:
        """A quoted string: a literal, or a template of literal parts and expressions."""
        start, end = line_of(node), end_line_of(node)
        parts: list[Any] = []
        position = None
        strip_next = False
        for piece in self.template_pieces(node):
            if piece.type in ("quoted_template_start", "quoted_template_end"):
                if position is not None:  # the closing quote: the text before it
                    parts.extend(_literal(self.between(position, piece.start_byte), strip_next,
                                          False))
                position = piece.end_byte
                continue
            kids = children_of(piece)  # template_interpolation: "${" "~"? expression? "~"? "}"
            strip_before = len(kids) > 1 and kids[1].type == "strip_marker"
            parts.extend(_literal(self.between(position, piece.start_byte), strip_next,
                                  strip_before))
            strip_next = len(kids) > 2 and kids[-2].type == "strip_marker"
            position = piece.end_byte
            inner = [k for k in kids if k.type == "expression"]
            if not inner:
                raise HclError("not valid HCL: an empty ${} in a string", line_of(piece))
            parts.append(self.expr(inner[0], depth + 1))
        parts = [p for p in parts if not isinstance(p, str) or p]
        if all(isinstance(p, str) for p in parts):
            return Expr("literal", "".join(parts), start, end, self.text(node))
        return Expr("template", parts, start, end, self.text(node))

    def template_pieces(self, node: Any) -> list[Any]:
        """The quotes and the ``${...}`` of a string, in order. ``%{ if }``/``%{ for }``
        directives are kept as literal text, their ``${...}`` as parts of the string."""
        pieces, stack = [], list(reversed(node.children))
        while stack:
            piece = stack.pop()
            if piece.type in ("quoted_template_start", "quoted_template_end",
                              "template_interpolation"):
                pieces.append(piece)
            elif piece.type in ("template_directive", "template_for", "template_if"):
                stack.extend(reversed(piece.children))
        return pieces

    def label(self, node: Any) -> str:
        """A block label or quoted object key: its text as written, ``${...}`` left out."""
        out, position = [], None
        for piece in self.template_pieces(node):
            if position is not None:
                out.append(self.between(position, piece.start_byte))
            position = piece.end_byte
        return "".join(out)

    def key(self, node: Any) -> str:
        """An object's key: a name, a quoted string, else its text (``(var.k)``, ``a.b``)."""
        kids = children_of(node)
        if len(kids) == 1 and kids[0].type == "variable_expr":
            return self.text(kids[0])
        if len(kids) == 1 and kids[0].type in ("literal_value", "template_expr"):
            inner = children_of(kids[0])[0]
            if inner.type in ("string_lit", "quoted_template"):
                return self.label(inner)
        return self.text(node).strip().strip('"')


def _dynamic_content(block: Block) -> Block:
    """``dynamic "statement" { for_each = ...; content { ... } }`` makes ``statement`` blocks:
    its content is read as one, with what it iterates over kept: a reader that knows the
    collection makes one block per item (``statement.value.actions`` each item's), and one
    that does not reads it once, the iterator's values unknown."""
    content = block.children.get("content")
    if block.type != "dynamic" or not block.labels or not content:
        return block
    inner = content[0]
    for_each = block.attributes.get("for_each")
    named = block.attributes.get("iterator")
    iterator = named.expr.text.strip() if named is not None and named.expr.text else block.labels[0]
    return Block(block.labels[0], [], inner.attributes, inner.blocks, inner.line, inner.end_line,
                 block.file, inner.children, for_each.expr if for_each is not None else None,
                 iterator)


def _number(source: str) -> Any:
    try:
        if "." in source or "e" in source or "E" in source:
            return float(source)
        return int(source)
    except ValueError:
        return source


# "$${" is HCL's escape for a literal "${"; each one is its own part, as written.
_ESCAPED_INTERPOLATION = re.compile(r"(\$\$\{[^}]*\})")


def _literal(text: str, strip_start: bool, strip_end: bool) -> list[str]:
    """The literal parts of a string between two ``${...}`` (``~`` strips white space)."""
    if strip_start:
        text = text.lstrip()
    if strip_end:
        text = text.rstrip()
    if "$${" not in text:
        return [_unescape(text)]
    return [_unescape(p[1:] if p.startswith("$${") else p)
            for p in _ESCAPED_INTERPOLATION.split(text) if p]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            size = {"u": 4, "U": 8}.get(nxt, 0)
            if size and i + 2 + size <= len(text):
                try:
                    out.append(chr(int(text[i + 2:i + 2 + size], 16)))
                    i += 2 + size
                    continue
                except (ValueError, OverflowError):
                    pass
        out.append(char)
        i += 1
    return "".join(out)


def _dedent(body: str) -> str:
    lines = body.split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines)
