"""Read HCL (Terraform's language) into blocks and expressions that keep their lines.

tree-sitter-hcl parses: a compiled grammar (nothing to build or load at run time) whose syntax
tree keeps the exact position of every node. This module turns that tree into its own model:
every attribute, tuple item, object key and string keeps the line it is written on, which is
where a finding must point. Expressions stay unevaluated here (``terraform.py`` evaluates
them against the module's variables and locals).
"""

from __future__ import annotations

import re
import threading
import warnings
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

# Deeper nesting than this is no real configuration; the tree walk stops there.
MAX_DEPTH = 200
# tree-sitter reads a valid 4 MB text (evaluate.MAX_TERRAFORM_BYTES) in under 2 s; recovering
# from error after error in hostile text grows faster than its size. Past this, it gives up.
PARSE_SECONDS = 10


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


def parse(text: str, file: str) -> list[Block]:
    """The top-level blocks of one ``.tf`` file."""
    return _read(text, file, remember=True)[1]


def parse_tfvars(text: str, file: str) -> dict[str, Attribute]:
    """The assignments of a ``.tfvars`` file (never kept on disk: tfvars often hold secrets)."""
    return _read(text, file, remember=False)[0]


def _read(text: str, file: str, remember: bool) -> tuple[dict[str, Attribute], list[Block]]:
    from reviewer.formats import hcl_cache

    # Terraform reads CRLF (and lone CR) line ends; the grammar knows only "\n". One line
    # end for another keeps every line number.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    known = hcl_cache.load(text, file) if remember else None
    if known is not None:
        return known
    attributes, blocks = _parse(text, file)
    if remember:
        hcl_cache.store(text, attributes, blocks)
    return attributes, blocks


def _parse(text: str, file: str) -> tuple[dict[str, Attribute], list[Block]]:
    # A final new line lets a heredoc's closing marker on the last line end it.
    source = (text + "\n").encode("utf-8", "surrogatepass")
    last_line = max(1, text.count("\n") + (not text.endswith("\n")))
    root = _tree(source, last_line)
    inserted: list[int] = []
    if root.has_error:
        error = _syntax_error(root, source, last_line)
        exponents = _exponents(root, source)
        if not exponents:
            raise error
        # 1e5: HCL's number, but tree-sitter-hcl 1.2.0 reads an exponent only after a
        # fraction (1.0e5). Read again with ".0" put in (no line moves); the model's texts
        # leave it out.
        inserted = [at + 2 * n for n, at in enumerate(exponents)]
        source = b".0".join(source[a:b] for a, b in zip([0] + exponents, exponents + [None]))
        root = _tree(source, last_line)
        if root.has_error:
            raise error
    reader = _Reader(source, file, inserted)
    for node in root.children:
        if node.type == "body":
            try:
                return reader.body(node, 0)
            except RecursionError:  # MAX_DEPTH keeps well below; a caller deep in its stack
                raise HclError("expression nested too deep") from None
        if node.type == "object":
            raise HclError("not valid HCL: an object where attributes and blocks go",
                           _line(node))
    return {}, []  # nothing but comments and blank lines


_local = threading.local()


def _parser() -> Any:
    """tree-sitter's parser with the HCL grammar, imported on first use (a scan without
    Terraform in it never loads either); one per thread, as a parser holds the state of the
    text it reads."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        from tree_sitter import Language, Parser
        from tree_sitter_hcl import language

        parser = Parser(Language(language()))
        # Deprecated in 0.25 for parse(progress_callback=...), which takes a read callback
        # and crashed on the real modules in 0.25.2; the pin keeps tree-sitter below 0.26.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            parser.timeout_micros = PARSE_SECONDS * 1_000_000
        _local.parser = parser
    return parser


def _tree(source: bytes, last_line: int) -> Any:
    parser = _parser()
    try:
        return parser.parse(source).root_node
    except ValueError:  # out of time
        parser.reset()  # else the next parse would go on with this text
    # Past the time, hostile or broken beyond repair: say where its beginning goes wrong.
    cut = source.rfind(b"\n", 0, 64 * 1024) + 1
    if 0 < cut < len(source):
        try:
            head = parser.parse(source[:cut]).root_node
        except ValueError:
            parser.reset()
        else:
            error = _syntax_error(head, source, source.count(b"\n", 0, cut))
            if head.has_error and error.line < source.count(b"\n", 0, cut):
                raise error
    raise HclError("not valid HCL: too many errors to read", 1)


def _line(node: Any) -> int:
    return node.start_point.row + 1


def _end_line(node: Any) -> int:
    return node.end_point.row + 1


def _syntax_error(root: Any, source: bytes, last_line: int) -> HclError:
    """Where tree-sitter could not read the text: the first node it could not read (ERROR) or
    had to assume (MISSING), in the order of the text; found without recursion, so any
    nesting is safe."""
    cursor = root.walk()
    while True:
        node = cursor.node
        if node.is_error or node.is_missing:
            break
        if node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return HclError("not valid HCL")
    if node.is_missing:
        opener = node.parent
        if node.type in _CLOSERS and opener is not None and opener.type in _OPENERS:
            return HclError(f"not valid HCL: {_CLOSERS[node.type]} is never closed",
                            _line(opener))
        # Found at the next token, which may be lines further (or past the end of the text):
        # the token before it is where it goes.
        before = _token_before(node)
        where = before if before is not None else node
        what = f"'{node.type}'" if not node.is_named else _MISSING.get(node.type, node.type)
        after = f" after {_excerpt(source, before)!r}" if before is not None else ""
        line = min(_end_line(where), last_line)
        column = where.end_point.column + 1 if line == _end_line(where) else 1
        return HclError(f"not valid HCL: expected {what}{after} at column {column}", line)
    # An ERROR node holds what could not be read; an unclosed quote or heredoc in it ate the
    # rest of the text, and is itself the mistake.
    for child in node.children:
        if child.type in ("quoted_template_start", "heredoc_start"):
            kind = "a string" if child.type == "quoted_template_start" else "a heredoc"
            return HclError(f"not valid HCL: {kind} is never closed", _line(child))
    column = node.start_point.column + 1
    found = _excerpt(source, node)
    return HclError(f"not valid HCL: unexpected {found!r} at column {column}" if found
                    else f"not valid HCL at column {column}", min(_line(node), last_line))


# What tree-sitter assumes in place of a missing value or name, said plainly.
_MISSING = {"identifier": "a value or a name"}

# Tokens that close what a node opened, and what that is.
_CLOSERS = {"quoted_template_end": "a string", "heredoc_identifier": "a heredoc",
            "template_interpolation_end": "a ${ in a string"}
_OPENERS = ("string_lit", "quoted_template", "heredoc_template", "template_interpolation")


def _token_before(node: Any) -> Any:
    """The last real token before ``node`` (no recursion: siblings, then up the tree)."""
    while node is not None:
        before = node.prev_sibling
        while before is not None and (before.is_missing or before.start_byte == before.end_byte):
            before = before.prev_sibling
        if before is not None:
            while before.child_count:
                last = before.children[-1]
                if last.is_missing or last.start_byte == last.end_byte:
                    break
                before = last
            return before
        node = node.parent
    return None


def _excerpt(source: bytes, node: Any) -> str:
    text = source[node.start_byte:node.end_byte].decode("utf-8", "replace").strip()
    return text.split("\n", 1)[0][:40]


# Nodes that only say what kind of expression the one they hold is.
_WRAPPERS = frozenset(("literal_value", "template_expr", "collection_value", "for_expr"))


def _kids(node: Any) -> list[Any]:
    """A node's children without comments (which may stand between any two tokens)."""
    return [c for c in node.children if c.type != "comment"]


_EXPONENT = re.compile(rb"[0-9]+([eE])[-+]?[0-9]+")


def _exponents(root: Any, source: bytes) -> list[int]:
    """Where numbers written ``1e5`` have their "e" (tree-sitter read "1", then failed)."""
    found = []
    for match in _EXPONENT.finditer(source):
        start = match.start()
        if start and (source[start - 1:start].isalnum() or source[start - 1:start] in b"._"):
            continue  # part of a name (x1e5) or of a number with a fraction (1.5e3)
        node = root.descendant_for_byte_range(start, start + 1)
        if node is not None and node.type == "numeric_lit" and node.end_byte == match.start(1):
            found.append(match.start(1))
    return found


class _Reader:
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
                parts = _kids(item)  # identifier "=" expression
                name = self.text(parts[0])
                attributes[name] = Attribute(name, self.expr(parts[-1], depth + 1), _line(item))
            elif item.type == "block":
                inner_attrs: dict[str, Attribute] = {}
                inner_blocks: list[Block] = []
                kind, labels = "", []
                for part in _kids(item):
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
                block = Block(kind, labels, inner_attrs, inner_blocks, _line(item),
                              _end_line(item), self.file)
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
            kids = _kids(node)
            if len(kids) != 1:
                return self.term(node, kids, depth + 1)
            # A conditional or an operation is an expression; anything else, a term in one.
            node = kids[0]
            if node.type not in ("conditional", "operation"):
                depth += 1
                if depth > MAX_DEPTH:
                    raise HclError("expression nested too deep")
        while node.type in _WRAPPERS:
            node = _kids(node)[0]
        kind = node.type
        start, end = _line(node), _end_line(node)
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
                items.append((key, _line(elem), value))
            return Expr("object", items, start, end, "")
        if kind == "function_call":
            kids = _kids(node)
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
            kids = _kids(node)
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
            return Expr("other", None, _line(node), _end_line(node), self.text(node))
        if kids[0].type == "(":
            base = self.expr(kids[1], depth) if len(kids) > 1 else None
            rest = kids[3:]
        else:
            base = self.expr(kids[0], depth)
            rest = kids[1:]
        if base is None or not rest:
            return base or Expr("other", None, _line(node), _end_line(node), self.text(node))
        path: list[Any] | None = list(base.value) if base.kind == "ref" else None
        for postfix in rest:
            if path is None:
                break
            if postfix.type == "get_attr":
                path.append(self.text(_kids(postfix)[-1]))
            elif postfix.type == "index":
                index = self.index(_kids(postfix)[0], depth)
                if index.kind == "literal" and isinstance(index.value, (int, str)):
                    path.append(index.value)
                else:
                    path = None
            else:  # a splat (.*, [*]) or anything unforeseen: not one value
                path = None
        start, end, text = _line(kids[0]), _end_line(rest[-1]), self.span(kids[0], rest[-1])
        if path is None:
            return Expr("other", None, start, end, text)
        return Expr("ref", path, start, end, text)

    def index(self, node: Any, depth: int) -> Expr:
        """``[EXPR]``, or the older ``.0``: the key (a string of digits for ``.0``)."""
        inner = [k for k in node.children if k.type == "expression"]
        if node.type == "new_index" and inner:
            return self.expr(inner[0], depth + 1)
        return Expr("literal", self.text(node).lstrip("."), _line(node), _end_line(node))

    def negative_number(self, node: Any) -> Expr | None:
        """``-1``, ``-2.5``: a number (written ``- 1``, with a space, it is an operation)."""
        unary = _kids(node)[0]
        kids = _kids(unary)
        if unary.type != "unary_operation" or len(kids) != 2 or kids[0].type != "-" \
                or kids[1].type != "literal_value" or kids[0].end_byte != kids[1].start_byte:
            return None
        number = _kids(kids[1])[0]
        if number.type != "numeric_lit":
            return None
        source = self.text(unary)
        return Expr("literal", _number(source), _line(unary), _end_line(unary), source)

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
        return Expr("heredoc", body, _line(node) + 1, _end_line(node), raw)

    # ----------------------------------------------------------------- strings

    def string(self, node: Any, depth: int) -> Expr:
        """A quoted string: a literal, or a template of literal parts and expressions."""
        start, end = _line(node), _end_line(node)
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
            kids = _kids(piece)  # template_interpolation: "${" "~"? expression? "~"? "}"
            strip_before = len(kids) > 1 and kids[1].type == "strip_marker"
            parts.extend(_literal(self.between(position, piece.start_byte), strip_next,
                                  strip_before))
            strip_next = len(kids) > 2 and kids[-2].type == "strip_marker"
            position = piece.end_byte
            inner = [k for k in kids if k.type == "expression"]
            if not inner:
                raise HclError("not valid HCL: an empty ${} in a string", _line(piece))
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
        kids = _kids(node)
        if len(kids) == 1 and kids[0].type == "variable_expr":
            return self.text(kids[0])
        if len(kids) == 1 and kids[0].type in ("literal_value", "template_expr"):
            inner = _kids(kids[0])[0]
            if inner.type in ("string_lit", "quoted_template"):
                return self.label(inner)
        return self.text(node).strip().strip('"')


def _dynamic_content(block: Block) -> Block:
    """``dynamic "statement" { for_each = ...; content { ... } }`` makes ``statement`` blocks:
    its content is read as one, so what it writes literally is reviewed (values taken from the
    iterator, ``statement.value.actions``, are unknown)."""
    content = block.children.get("content")
    if block.type != "dynamic" or not block.labels or not content:
        return block
    inner = content[0]
    made = Block(block.labels[0], [], inner.attributes, inner.blocks, inner.line, inner.end_line,
                 block.file, inner.children)
    return made


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
