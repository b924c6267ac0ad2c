"""Read HCL (Terraform's language) into blocks and expressions that keep their lines.

python-hcl2 parses; its dictionary output keeps only a block's first and last line and turns
``jsonencode({...})`` back into text, so this module reads python-hcl2's syntax tree itself:
every attribute, tuple item, object key and string keeps the line it is written on, which is
where a finding must point. Expressions stay unevaluated here (``terraform.py`` evaluates
them against the module's variables and locals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

# Deeper nesting than this is no real configuration; the tree walk stops there.
MAX_DEPTH = 200


class HclError(Exception):
    """The text is not HCL that python-hcl2 reads; carries the line of the problem."""

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
    attributes, blocks = _body(_tree(text), text, file, 0)
    if remember:
        hcl_cache.store(text, attributes, blocks)
    return attributes, blocks


@lru_cache(maxsize=1)
def _parser() -> Any:
    """python-hcl2's own parser. Lark keeps the compiled parser (a pickle) beside the package,
    as trusted as its code; never in the cache folder, which CI systems restore from
    elsewhere and where a planted pickle would run."""
    from hcl2.parser import parser

    return parser()


def _tree(text: str) -> Any:
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        # python-hcl2's own workaround: its grammar needs a final new line.
        tree = _parser().parse(text + "\n")
    except UnexpectedInput as exc:
        raise HclError(f"not valid HCL: {type(exc).__name__} at column {getattr(exc, 'column', '?')}",
                       getattr(exc, "line", 1) or 1) from None
    except (LarkError, RecursionError) as exc:
        raise HclError(f"not valid HCL ({type(exc).__name__})") from None
    return tree.children[0]  # start -> body


def _lines(node: Any) -> tuple[int, int]:
    meta = getattr(node, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return meta.line, meta.end_line
    line = getattr(node, "line", None)
    if line is not None:
        return line, getattr(node, "end_line", line) or line
    return 0, 0


def _source(node: Any, text: str) -> str:
    meta = getattr(node, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return text[meta.start_pos:meta.end_pos]
    return str(node)


def _is(node: Any, name: str) -> bool:
    return getattr(node, "data", None) == name


def _children(node: Any) -> list[Any]:
    return [c for c in getattr(node, "children", []) if c is not None and not _is(c, "new_line_or_comment")]


def _identifier(node: Any) -> str:
    return str(node.children[0]) if _is(node, "identifier") else str(node)


def _body(body: Any, text: str, file: str, depth: int) -> tuple[dict[str, Attribute], list[Block]]:
    if depth > MAX_DEPTH:
        raise HclError("nesting too deep")
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for item in _children(body):
        if _is(item, "attribute"):
            parts = _children(item)
            name = _identifier(parts[0])
            line = _lines(item)[0]
            attributes[name] = Attribute(name, _expr(parts[-1], text, depth + 1), line)
        elif _is(item, "block"):
            parts = _children(item)
            kind = _identifier(parts[0])
            labels = [_string_label(p) for p in parts[1:-1]]
            inner_attrs, inner_blocks = _body(parts[-1], text, file, depth + 1)
            start, end = _lines(item)
            block = Block(kind, labels, inner_attrs, inner_blocks, start, end, file)
            for child in inner_blocks:
                block.children.setdefault(child.type, []).append(child)
            blocks.append(_dynamic_content(block))
    return attributes, blocks


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


def _string_label(node: Any) -> str:
    if _is(node, "string"):
        return "".join(str(p.children[0]) for p in _children(node)
                       if _is(p, "string_part") and not hasattr(p.children[0], "data"))
    return _identifier(node)


def _expr(node: Any, text: str, depth: int) -> Expr:
    if depth > MAX_DEPTH:
        raise HclError("expression nested too deep")
    start, end = _lines(node)
    name = getattr(node, "data", None)
    kids = _children(node)
    if name == "expr_term":
        # A parenthesised expression or a wrapper around one term.
        inner = [k for k in kids if hasattr(k, "data")]
        if len(inner) == 1:
            return _expr(inner[0], text, depth + 1)
        return Expr("other", None, start, end, _source(node, text))
    if name == "string":
        return _string(node, text, depth)
    if name in ("int_lit", "float_lit"):
        source = _source(node, text).strip()
        try:
            number: Any = int(source) if name == "int_lit" else float(source)
        except ValueError:
            number = source
        return Expr("literal", number, start, end, source)
    if name == "identifier":
        ident = _identifier(node)
        if ident in ("true", "false"):
            return Expr("literal", ident == "true", start, end, ident)
        if ident == "null":
            return Expr("literal", None, start, end, ident)
        return Expr("ref", [ident], start, end, ident)
    if name == "get_attr_expr_term":
        base = _expr(kids[0], text, depth + 1)
        attr = _identifier(_children(kids[1])[0])
        if base.kind == "ref":
            return Expr("ref", base.value + [attr], start, end, _source(node, text))
        return Expr("other", None, start, end, _source(node, text))
    if name == "index_expr_term":
        base = _expr(kids[0], text, depth + 1)
        index_kids = _children(kids[1])
        index = _expr(index_kids[0], text, depth + 1) if index_kids and hasattr(index_kids[0], "data") \
            else Expr("literal", _source(kids[1], text).lstrip("."), start, end)
        if base.kind == "ref" and index.kind == "literal" and isinstance(index.value, (int, str)):
            return Expr("ref", base.value + [index.value], start, end, _source(node, text))
        return Expr("other", None, start, end, _source(node, text))
    if name == "tuple":
        return Expr("tuple", [_expr(k, text, depth + 1) for k in kids if hasattr(k, "data")],
                    start, end, "")
    if name == "object":
        items = []
        for elem in kids:
            if not _is(elem, "object_elem"):
                continue
            parts = [p for p in _children(elem) if hasattr(p, "data")]
            key_node = parts[0]
            key = _object_key(key_node, text)
            items.append((key, _lines(elem)[0], _expr(parts[-1], text, depth + 1)))
        return Expr("object", items, start, end, "")
    if name == "function_call":
        fname = _identifier(kids[0])
        args = []
        if len(kids) > 1 and _is(kids[1], "arguments"):
            args = [_expr(a, text, depth + 1) for a in _children(kids[1]) if hasattr(a, "data")]
        return Expr("call", (fname, args), start, end, _source(node, text))
    if name == "conditional":
        parts = [k for k in kids if hasattr(k, "data")]
        if len(parts) == 3:
            return Expr("cond", [_expr(p, text, depth + 1) for p in parts], start, end,
                        _source(node, text))
    if name == "for_tuple_expr":
        # [for x in LIST : EXPR] (with "if": its items are not known here; see terraform.py)
        intro = next((k for k in kids if _is(k, "for_intro")), None)
        body = [k for k in kids if hasattr(k, "data") and not _is(k, "for_intro")]
        if intro is not None and len(body) == 1:
            names = [_identifier(k) for k in _children(intro) if _is(k, "identifier")]
            collection = [k for k in _children(intro) if hasattr(k, "data") and not _is(k, "identifier")]
            if names and len(collection) == 1:
                return Expr("for", (names, _expr(collection[0], text, depth + 1),
                                    _expr(body[0], text, depth + 1)), start, end, _source(node, text))
        return Expr("other", None, start, end, _source(node, text))
    if name in ("heredoc_template", "heredoc_template_trim"):
        raw = str(node.children[0])
        first_newline = raw.find("\n")
        body = raw[first_newline + 1:] if first_newline >= 0 else ""
        body = body[:body.rstrip().rfind("\n") + 1] if "\n" in body.rstrip() else ""
        if name == "heredoc_template_trim":
            body = _dedent(body)
        # The body starts on the line after "<<EOT".
        return Expr("heredoc", body, start + 1, end, raw)
    return Expr("other", None, start, end, _source(node, text))


def _object_key(node: Any, text: str) -> str:
    inner = _children(node)
    if inner and _is(inner[0], "identifier"):
        return _identifier(inner[0])
    if inner and _is(inner[0], "string"):
        return _string_label(inner[0])
    return _source(node, text).strip().strip('"')


def _string(node: Any, text: str, depth: int) -> Expr:
    start, end = _lines(node)
    parts: list[Any] = []
    for part in _children(node):
        token = part.children[0]
        if hasattr(token, "data") and token.data == "interpolation":
            inner = [k for k in _children(token) if hasattr(k, "data")]
            if inner:
                expr = _expr(inner[0], text, depth + 1)
                parts.append(expr)
            continue
        literal = str(token)
        if literal.startswith("$${"):
            literal = literal[1:]  # "$${" is HCL's escape for a literal "${"
        parts.append(_unescape(literal))
    if all(isinstance(p, str) for p in parts):
        return Expr("literal", "".join(parts), start, end, _source(node, text))
    return Expr("template", parts, start, end, _source(node, text))


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
            if nxt == "u" and i + 6 <= len(text):
                try:
                    out.append(chr(int(text[i + 2:i + 6], 16)))
                    i += 6
                    continue
                except ValueError:
                    pass
        out.append(char)
        i += 1
    return "".join(out)


def _dedent(body: str) -> str:
    lines = body.split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines)
