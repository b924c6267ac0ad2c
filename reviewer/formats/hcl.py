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
from typing import Any

from reviewer.formats.hcl_model import Attribute, Block, HclError, end_line_of, line_of
from reviewer.formats.hcl_reader import Reader

# tree-sitter reads a valid 4 MB text (evaluate.MAX_TERRAFORM_BYTES) in under 2 s; recovering
# from error after error in hostile text grows faster than its size. Past this, it gives up.
PARSE_SECONDS = 10


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
    reader = Reader(source, file, inserted)
    for node in root.children:
        if node.type == "body":
            try:
                return reader.body(node, 0)
            except RecursionError:  # MAX_DEPTH keeps well below; a caller deep in its stack
                raise HclError("expression nested too deep") from None
        if node.type == "object":
            raise HclError("not valid HCL: an object where attributes and blocks go",
                           line_of(node))
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
                            line_of(opener))
        # Found at the next token, which may be lines further (or past the end of the text):
        # the token before it is where it goes.
        before = _token_before(node)
        where = before if before is not None else node
        what = f"'{node.type}'" if not node.is_named else _MISSING.get(node.type, node.type)
        after = f" after {_excerpt(source, before)!r}" if before is not None else ""
        line = min(end_line_of(where), last_line)
        column = where.end_point.column + 1 if line == end_line_of(where) else 1
        return HclError(f"not valid HCL: expected {what}{after} at column {column}", line)
    # An ERROR node holds what could not be read; an unclosed quote or heredoc in it ate the
    # rest of the text, and is itself the mistake.
    for child in node.children:
        if child.type in ("quoted_template_start", "heredoc_start"):
            kind = "a string" if child.type == "quoted_template_start" else "a heredoc"
            return HclError(f"not valid HCL: {kind} is never closed", line_of(child))
    column = node.start_point.column + 1
    found = _excerpt(source, node)
    return HclError(f"not valid HCL: unexpected {found!r} at column {column}" if found
                    else f"not valid HCL at column {column}", min(line_of(node), last_line))


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
