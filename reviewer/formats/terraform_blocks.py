"""Terraform blocks as the model's properties: a resource's attributes and nested blocks,
and ``data "aws_iam_policy_document"`` in IAM's own JSON shape (statements, principals,
conditions), each node keeping its file and lines."""

from __future__ import annotations

from typing import Any

from reviewer.engine.decode import dict_node, list_node
from reviewer.engine.values import UNKNOWN, intrinsic
from reviewer.formats.hcl_model import Block
from reviewer.formats.terraform_model import (MAX_FOR_ITEMS, Unknown, is_null, is_unknown, literal, mark,
                                              unknown_principals)


class BlockReader:
    """Blocks as model properties; the values come from the module's ``value`` (see
    ``terraform_values.ValueReader``)."""

    value: Any
    _bindings: list[dict[str, Any]]


    def _properties(self, block: Block, source: str) -> dict_node:
        props = dict_node()
        mark(props, block.line, block.end_line, source)
        for name, attribute in block.attributes.items():
            if is_null(attribute):
                continue  # "= null" leaves an argument unset
            props[name] = self.value(attribute.expr, source)
            props.key_lines[name] = attribute.line
        for kind, children in block.children.items():
            items = list_node(self._properties(child, source) for child in children)
            mark(items, children[0].line, children[-1].end_line, source)
            props[kind] = items
            props.key_lines[kind] = children[0].line
        return props

    def _policy_document(self, block: Block) -> dict_node:
        """A ``data "aws_iam_policy_document"`` in IAM's JSON shape, lines kept."""
        source = block.file
        props = dict_node()
        mark(props, block.line, block.end_line, source)
        for name, attribute in block.attributes.items():
            props[name] = self.value(attribute.expr, source)
            props.key_lines[name] = attribute.line
        statements = list_node()
        for child in block.children.get("statement", []):
            statements.extend(self._statements(child, source))
        if statements:
            mark(statements, statements[0].start_line, statements[-1].end_line, source)
            props["Statement"] = statements
            props.key_lines["Statement"] = statements[0].start_line
        return props

    def _statements(self, block: Block, source: str) -> list[dict_node]:
        """A statement block, or each one a ``dynamic "statement"`` makes from a collection
        known here (a caller's ``policy_statements = [{ actions = [...] }]``), every value at
        the line it is written on."""
        if block.for_each is None or (getattr(self, "reusable", False) and
                                      "var." in (block.for_each.text or "var.")):
            # A reusable module's variables are its callers' to set, whatever their default.
            return [self._statement(block, source)]
        items = self.value(block.for_each, source)
        if isinstance(items, dict) and not intrinsic(items):
            pairs = list(items.items())
        elif isinstance(items, list):
            pairs = list(enumerate(items))
        else:
            return [self._statement(block, source)]  # known when applied: read once
        if len(pairs) > MAX_FOR_ITEMS:
            return [self._statement(block, source)]
        out = []
        for key, item in pairs:
            self._bindings.append({block.iterator: dict_node({"key": key, "value": item})})
            try:
                out.append(self._statement(block, source))
            finally:
                self._bindings.pop()
        return out

    def _statement(self, block: Block, source: str) -> dict_node:
        out = dict_node()
        mark(out, block.line, block.end_line, source)
        names = {"sid": "Sid", "effect": "Effect", "actions": "Action", "not_actions": "NotAction",
                 "resources": "Resource", "not_resources": "NotResource"}
        for name, attribute in block.attributes.items():
            key = names.get(name)
            if not key or is_null(attribute):
                continue
            value = self.value(attribute.expr, source)
            if key.startswith("Not") and is_unknown(value):
                # try(statement.value.not_actions, null): whether there is a NotAction at all
                # is known only when applied; the statement is not judged on it.
                continue
            out[key] = value
            out.key_lines[key] = attribute.line
        for kind, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            blocks = [b for b in block.children.get(kind, []) if not unknown_principals(b)]
            if blocks:
                out[key] = self._principals(blocks, source)
                out.key_lines[key] = blocks[0].line
        conditions = block.children.get("condition", [])
        if conditions:
            condition = dict_node()
            mark(condition, conditions[0].line, conditions[-1].end_line, source)
            for item in conditions:
                test = self._condition_word(item, "test", source)
                variable = self._condition_word(item, "variable", source)
                values = item.attributes.get("values")
                if values is None:
                    continue
                if not isinstance(test, str) or not isinstance(variable, str):
                    # Known when applied (an iterator's test or key): the statement's
                    # condition is unknown, never dropped (that would widen the grant).
                    condition = mark(dict_node({UNKNOWN: Unknown("condition")}), item.line,
                                     item.end_line, source)
                    break
                operator = condition.setdefault(test, mark(dict_node(), item.line, item.end_line, source))
                condition.key_lines.setdefault(test, item.line)
                operator[variable] = self.value(values.expr, source)
                operator.key_lines[variable] = values.line
            out["Condition"] = condition
            out.key_lines["Condition"] = conditions[0].line
        return out

    def _condition_word(self, block: Block, name: str, source: str) -> str | None:
        """A condition block's test or variable as text; a template keeps its ``${...}``
        (``autoscaling:ResourceTag/kubernetes.io/cluster/${each.value}`` is still a tag key)."""
        attribute = block.attributes.get(name)
        if attribute is None:
            return None
        if attribute.expr.kind == "literal":
            value = attribute.expr.value
            return value if isinstance(value, str) else None
        value = self.value(attribute.expr, source)
        if isinstance(value, str):
            return value
        found = value.get("Fn::Sub") if isinstance(value, dict) and len(value) == 1 else None
        text = found[0] if isinstance(found, list) and found else found
        return text if isinstance(text, str) else None

    def _principals(self, blocks: list[Block], source: str) -> Any:
        principal = dict_node()
        mark(principal, blocks[0].line, blocks[-1].end_line, source)
        for item in blocks:
            kind = literal(item.attributes.get("type"))
            identifiers = item.attributes.get("identifiers")
            if not isinstance(kind, str) or identifiers is None:
                continue
            value = self.value(identifiers.expr, source)
            if kind == "*":
                return value if not isinstance(value, list) or len(value) != 1 else value[0]
            existing = principal.get(kind)
            if isinstance(existing, list) and isinstance(value, list):
                existing.extend(value)
            else:
                principal[kind] = value
                principal.key_lines[kind] = identifiers.line
        return principal

    # ----------------------------------------------------------------- values
