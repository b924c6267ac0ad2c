"""Remember what an HCL text was read as, keyed by its content.

Reading a stored result back is several times faster than parsing the text again with
tree-sitter and building the model (0.1 ms against 0.25 ms for a typical module file, 2 ms
against 19 ms for the largest of tests/data/real); a CI job run again, or a worker reviewing
the next push of a pull request, reads mostly files it has read before (a module of 198 files:
0.29 s read again against 0.49 s parsed). The result is stored as JSON
(never pickle: nothing read back can run code), one small file per content in the cache
folder, and the folder is thinned when it grows past MAX_ENTRIES.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

from reviewer.cache import cache_dir, digest, write_atomically
from reviewer.formats.hcl_model import Attribute, Block, Expr

# Bump when hcl.py reads a text differently (tree-sitter and tree-sitter-hcl are pinned in
# pyproject.toml). hcl-2: read with tree-sitter-hcl instead of python-hcl2.
VERSION = "hcl-3"  # hcl-3: a dynamic block's for_each and iterator
MAX_ENTRIES = 20_000


def _path(text: str) -> Path:
    key = digest(VERSION, text)
    return cache_dir() / "hcl" / key[:2] / f"{key}.json"


def load(text: str, file: str) -> tuple[dict[str, Attribute], list[Block]] | None:
    """What ``text`` was read as before, with ``file`` as the blocks' file; None if unknown."""
    try:
        data = json.loads(_path(text).read_text(encoding="utf-8"))
        attributes = {a[0]: _attribute(a) for a in data["attributes"]}
        return attributes, [_block(b, file) for b in data["blocks"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None  # not read before, or a damaged entry: read the text again


def store(text: str, attributes: dict[str, Attribute], blocks: list[Block]) -> None:
    """Remember a reading (errors are ignored: the cache only saves time)."""
    data = {"attributes": [_attribute_data(a) for a in attributes.values()],
            "blocks": [_block_data(b) for b in blocks]}
    path = _path(text)
    write_atomically(path, json.dumps(data, separators=(",", ":")))
    if random.random() < 0.01:
        _thin(path.parent.parent)


def _thin(folder: Path) -> None:
    """Past MAX_ENTRIES, drop the older half (by modification time)."""
    try:
        entries = [p for p in folder.glob("*/*.json")]
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=lambda p: p.stat().st_mtime)
        for old in entries[:len(entries) // 2]:
            os.unlink(old)
    except OSError:
        pass


def _expr_data(expr: Expr) -> list[Any]:
    return [expr.kind, _value_data(expr.kind, expr.value), expr.line, expr.end_line, expr.text]


def _value_data(kind: str, value: Any) -> Any:
    if kind in ("tuple",):
        return [_expr_data(e) for e in value]
    if kind == "object":
        return [[key, line, _expr_data(e)] for key, line, e in value]
    if kind == "template":
        return [p if isinstance(p, str) else {"e": _expr_data(p)} for p in value]
    if kind == "call":
        return [value[0], [_expr_data(e) for e in value[1]]]
    if kind == "cond":
        return [_expr_data(e) for e in value]
    if kind == "for":
        return [value[0], _expr_data(value[1]), _expr_data(value[2])]
    return value  # literal, ref, heredoc, other: plain data


def _expr(data: list[Any]) -> Expr:
    kind, value, line, end, text = data
    if kind in ("tuple", "cond"):
        value = [_expr(e) for e in value]
    elif kind == "object":
        value = [(key, key_line, _expr(e)) for key, key_line, e in value]
    elif kind == "template":
        value = [p if isinstance(p, str) else _expr(p["e"]) for p in value]
    elif kind == "call":
        value = (value[0], [_expr(e) for e in value[1]])
    elif kind == "for":
        value = (value[0], _expr(value[1]), _expr(value[2]))
    return Expr(kind, value, line, end, text)


def _attribute_data(attribute: Attribute) -> list[Any]:
    return [attribute.name, _expr_data(attribute.expr), attribute.line]


def _attribute(data: list[Any]) -> Attribute:
    return Attribute(data[0], _expr(data[1]), data[2])


def _block_data(block: Block) -> list[Any]:
    return [block.type, block.labels, [_attribute_data(a) for a in block.attributes.values()],
            [_block_data(b) for b in block.blocks], block.line, block.end_line,
            _expr_data(block.for_each) if block.for_each is not None else None, block.iterator]


def _block(data: list[Any], file: str) -> Block:
    kind, labels, attributes, blocks, line, end, for_each, iterator = data
    children = [_block(b, file) for b in blocks]
    block = Block(kind, labels, {a[0]: _attribute(a) for a in attributes}, children, line, end, file,
                  for_each=_expr(for_each) if for_each is not None else None, iterator=iterator)
    for child in children:
        block.children.setdefault(child.type, []).append(child)
    return block
