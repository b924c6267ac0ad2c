"""Terraform's JSON syntax (``.tf.json``, ``.tfvars.json``), and the HCL files, as the
blocks and expressions of ``reviewer.formats.hcl``, every one with its lines."""

from __future__ import annotations

import json
from typing import Any

from reviewer.engine.decode import DecodeError, load_json
from reviewer.formats import hcl
from reviewer.formats.hcl_model import MAX_DEPTH, Attribute, Block, Expr, HclError
from reviewer.formats.terraform_model import INTERPOLATION, JSON_BLOCKS, REFERENCE, reference_parts

def read_blocks(text: str, path: str) -> list[Block]:
    if path.endswith(".json"):
        return _json_blocks(text, path)
    blocks = hcl.parse(text, path)
    return blocks


def read_tfvars(text: str, path: str) -> dict[str, Attribute]:
    if path.endswith(".json"):
        data = _load_json(text)
        return {str(k): Attribute(str(k), _json_expr(v), _line(data, k, v)) for k, v in data.items()} \
            if isinstance(data, dict) else {}
    return hcl.parse_tfvars(text, path)


def _load_json(text: str) -> Any:
    try:
        return load_json(text)
    except DecodeError as exc:
        raise HclError(exc.message, exc.line) from None


def _line(parent: Any, key: Any, value: Any) -> int:
    return getattr(parent, "key_lines", {}).get(key) or getattr(value, "start_line", 1) or 1


def _json_blocks(text: str, path: str) -> list[Block]:
    """Terraform's JSON syntax: ``{"resource": {"aws_iam_role": {"x": {...}}}}``."""
    data = _load_json(text)
    blocks: list[Block] = []
    if not isinstance(data, dict):
        return blocks
    for kind, body in data.items():
        if kind in ("resource", "data") and isinstance(body, dict):
            for rtype, named in body.items():
                for name, content in (named.items() if isinstance(named, dict) else []):
                    for item in content if isinstance(content, list) else [content]:
                        blocks.append(_json_block(kind, [str(rtype), str(name)], item, path))
        elif kind == "variable" and isinstance(body, dict):
            for name, content in body.items():
                blocks.append(_json_block(kind, [str(name)], content, path))
        elif kind == "locals":
            for item in body if isinstance(body, list) else [body]:
                blocks.append(_json_block(kind, [], item, path))
    return blocks


def _json_block(kind: str, labels: list[str], body: Any, path: str, depth: int = 0) -> Block:
    start = getattr(body, "start_line", 1) or 1
    end = getattr(body, "end_line", start) or start
    block = Block(kind, labels, {}, [], start, end, path)
    if not isinstance(body, dict) or depth > MAX_DEPTH:
        return block
    for key, value in body.items():
        line = _line(body, key, value)
        items = value if isinstance(value, list) else [value]
        if key in JSON_BLOCKS and items and all(isinstance(i, dict) for i in items):
            for item in items:
                child = _json_block(str(key), [], item, path, depth + 1)
                block.blocks.append(child)
                block.children.setdefault(str(key), []).append(child)
        else:
            block.attributes[str(key)] = Attribute(str(key), _json_expr(value), line)
    return block


def _json_expr(value: Any, depth: int = 0) -> Expr:
    line = getattr(value, "start_line", 0) or 0
    end = getattr(value, "end_line", line) or line
    if depth > MAX_DEPTH:
        return Expr("other", None, line, end, "")
    if isinstance(value, dict):
        return Expr("object", [(str(k), _line(value, k, v), _json_expr(v, depth + 1))
                               for k, v in value.items()], line, end)
    if isinstance(value, list):
        return Expr("tuple", [_json_expr(v, depth + 1) for v in value], line, end)
    if isinstance(value, str) and "${" in value:
        parts: list[Any] = []
        position = 0
        for match in INTERPOLATION.finditer(value):
            if match.start() > position:
                parts.append(value[position:match.start()])
            inner = match.group(1).strip()
            if REFERENCE.match(inner):
                parts.append(Expr("ref", reference_parts(inner), line, end, inner))
            else:
                parts.append(Expr("other", None, line, end, inner))
            position = match.end()
        if position < len(value):
            parts.append(value[position:])
        return Expr("template", parts, line, end, value)
    return Expr("literal", value, line, end, json.dumps(value) if not isinstance(value, str) else value)
