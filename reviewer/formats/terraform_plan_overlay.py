"""Lay a plan over the configuration read from the repository.

Where the configuration is in the repository, its model keeps its lines and its references
(a policy's ``role = aws_iam_role.r.id`` still links the two), and the plan fills in only what
the HCL left unknown: an ``each.value``, a conditional, a module's output, a ``var.x`` set
at plan time. A block with ``for_each`` or ``count`` becomes the instances the plan makes,
each named by its address (``aws_iam_policy.this["reader"]``). A resource that exists only
inside a module from a registry is added at that module's call, named by its full address,
with the arguments its configuration writes (not every default the provider fills in).
Whatever the plan cannot place is judged in the plan file itself, at the line naming it.

For the base of a change (``side="before"``), the plan's ``before`` values say what is
deployed now; a resource the plan creates takes its planned values only where the block that
makes it (the resource, or the module call) is the same in head (otherwise the base's own
reading stands): what a plan reveals about code a change did not touch is not new.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from reviewer.engine.decode import Marked, dict_node, list_node, planned_str, str_node
from reviewer.engine.document import TEMPLATE, TERRAFORM, Document
from reviewer.engine.values import UNKNOWN, intrinsic
from reviewer.formats.terraform_iam import TERRAFORM_ADAPTER
from reviewer.formats.terraform_model import Unknown, mark
from reviewer.formats.terraform_plan import MAX_VALUE_DEPTH, Hidden, Plan, PlannedResource

POLICY_DOCUMENT = "aws_iam_policy_document"
# A string longer than this is not parsed as a policy (IAM's own limits are far smaller).
MAX_POLICY_TEXT = 256 * 1024
# Documents' extra key: module call address -> the plan that showed its resources.
PLANNED_MODULES = "planned_modules"


def overlay(plan: Plan, documents: list[Document], side: str = "after",
            head: Mapping[str, bytes] | None = None) -> list[Document]:
    """Lay ``plan`` over ``documents`` (the Terraform templates of one review) in place; the
    plan's resources nothing here holds come back in a document of the plan file's own."""
    same = _SameInHead(head or {})
    index: dict[str, tuple[Document, str]] = {}
    for doc in documents:
        if doc.kind == TEMPLATE and doc.format == TERRAFORM:
            for key in doc.data.get("Resources", {}):
                index[str(key)] = (doc, str(key))
    leftover = dict_node()
    instances: dict[str, list[PlannedResource]] = {}
    for resource in plan.resources:
        if resource.address in index:
            doc, key = index[resource.address]
            values = _values(resource, side, same(doc, key))
            if values is not None:
                _settle(doc, key, resource, values)
        elif resource.config_address in index:
            instances.setdefault(resource.config_address, []).append(resource)
        else:
            call = _module_call(resource, index, plan)
            if call is None and _inside_local_module(resource, plan):
                continue  # that folder is reviewed on its own, with its variables' defaults
            if call is None:
                values = resource.after if side == "after" else resource.before
                if values is not None:
                    leftover[resource.address] = _resource_node(resource, values, resource.line, resource.line,
                                                               plan.path, plan)
                    leftover.key_lines[resource.address] = resource.line
                continue
            doc, key = call
            node = doc.data["Resources"][key]
            values = _values(resource, side, same(doc, key))
            if values is None:
                continue
            doc.data["Resources"][resource.address] = _resource_node(
                resource, values, node.start_line, node.start_line, node.source, plan)
            doc.data["Resources"].key_lines[resource.address] = node.start_line
            doc.extra.setdefault(PLANNED_MODULES, {})[key] = plan.path
            doc.extra.pop("resources", None)
    for config_address, planned in instances.items():
        doc, key = index[config_address]
        _expand(doc, key, planned, side, same(doc, key))
    for doc in documents:
        for key in doc.extra.get(PLANNED_MODULES, {}):
            # Its resources are judged themselves now: the arguments judged at the call
            # would say the same thing twice.
            props = doc.data["Resources"][key].get("Properties")
            if isinstance(props, dict):
                for name in [k for k in props if k not in ("source", "version")]:
                    del props[name]
    if not leftover:
        return []
    data = dict_node({"Parameters": dict_node(), "Resources": leftover, "Conditions": dict_node()})
    for node in (data, data["Parameters"], data["Conditions"]):
        mark(node, 1, 1, plan.path)
    mark(leftover, 1, 1, plan.path)
    return [Document(path=plan.path, kind=TEMPLATE, data=data, text=plan.text, format=TERRAFORM,
                     sources={plan.path: plan.text}, adapter=TERRAFORM_ADAPTER)]


class _SameInHead:
    """Is the block that makes a resource written the same in head, where the plan was made?"""

    def __init__(self, head: Mapping[str, bytes]) -> None:
        self.head = head

    def __call__(self, doc: Document, key: str) -> bool:
        node = doc.data["Resources"][key]
        file = getattr(node, "source", "") or doc.path
        theirs = self.head.get(file)
        if theirs is None or not isinstance(node, Marked) or node.start_line < 1:
            return False
        lines = doc.lines_of(file)[node.start_line - 1:node.end_line]
        return "\n".join(lines).encode("utf-8") in theirs


def _values(resource: PlannedResource, side: str, same: bool) -> Any:
    """The values one side of the change takes from the plan, or None."""
    if side == "after":
        return resource.after
    if resource.before is not None:
        return resource.before
    return resource.after if same else None


def _module_call(resource: PlannedResource, index: dict[str, tuple[Document, str]],
                 plan: Plan) -> tuple[Document, str] | None:
    """The call of the outermost module from outside the repository that holds the resource,
    where the configuration read here makes that call."""
    parts = resource.module_path.split(".")
    for end in range(2, len(parts) + 1, 2):
        address = ".".join(parts[:end])
        found = index.get(address)
        if found is not None and found[0].data["Resources"][found[1]].get("Type") == "module":
            return found
    return None


def _inside_local_module(resource: PlannedResource, plan: Plan) -> bool:
    parts = resource.module_path.split(".")
    return any(plan.module_sources.get(".".join(parts[:end]), "").startswith(("./", "../"))
               for end in range(2, len(parts) + 1, 2))


def _expand(doc: Document, key: str, planned: list[PlannedResource], side: str, same: bool) -> None:
    """A block the configuration could not expand becomes the plan's instances of it."""
    resources = doc.data["Resources"]
    template = resources[key]
    made = []
    for resource in sorted(planned, key=lambda r: r.address):
        values = _values(resource, side, same)
        if values is None:
            continue
        node = clone(template)
        node.pop("Condition", None)  # the plan made it: it exists
        made.append((resource, node, values))
    if not made:
        return
    at = list(resources).index(key)
    entries = list(resources.items())
    lines = dict(resources.key_lines)
    resources.clear()
    for name, node in entries[:at]:
        resources[name] = node
    for resource, node, _ in made:
        resources[resource.address] = node
        lines[resource.address] = lines.get(key, node.start_line)
    for name, node in entries[at + 1:]:
        resources[name] = node
    resources.key_lines = lines
    for resource, _, values in made:
        _settle(doc, resource.address, resource, values)


def _settle(doc: Document, key: str, resource: PlannedResource, values: Any) -> None:
    """Fill what the configuration left unknown in one resource with the plan's values."""
    node = doc.data["Resources"][key]
    props = node.get("Properties")
    if not isinstance(values, dict) or not isinstance(props, dict):
        return
    if resource.mode == "data" and resource.type == POLICY_DOCUMENT:
        values = _document(values)
        if values is None:
            return
    doc.extra.pop("resources", None)
    node["Properties"] = merge(props, values, 0)


def merge(written: Any, planned: Any, depth: int) -> Any:
    """The configuration's value where it is known; the plan's where it is not."""
    if planned is None or isinstance(planned, Hidden) or depth > MAX_VALUE_DEPTH:
        return written
    if _planned(written) and not isinstance(planned, (dict, str)) or isinstance(written, planned_str):
        # A value the plan's variables gave: the resource's own values are the truth (what is
        # deployed now, for the base of a change).
        line, end, source = _marks(written)
        return to_node(planned, line, end, source, 0)
    if intrinsic(written) is not None:
        if _resolvable(written, 0):
            return written
        line, end, source = _marks(written)
        return to_node(planned, line, end, source, 0)
    if isinstance(written, dict) and isinstance(planned, dict):
        for name in list(written):
            if name in planned:
                written[name] = merge(written[name], planned[name], depth + 1)
        return written
    if isinstance(written, list) and isinstance(planned, list):
        if len(written) == len(planned):
            for i, item in enumerate(written):
                written[i] = merge(item, planned[i], depth + 1)
            return written
        if any(_unknown_inside(item, 0) for item in written):
            line, end, source = _marks(written)
            return to_node(planned, line, end, source, 0)
        return written
    if isinstance(written, dict) and isinstance(planned, str):
        parsed = _policy(planned)  # the configuration's jsonencode, the plan's JSON text
        return merge(written, parsed, depth + 1) if parsed is not None else written
    return written


def _planned(value: Any) -> bool:
    """A list the plan's variables gave (an instance's each.value)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, planned_str) for v in value[:256])


def _resolvable(value: Any, depth: int) -> bool:
    """Does the engine follow this without the plan? A reference to another resource (it
    links a policy to its role) or a variable (its default is the plan's value)."""
    found = intrinsic(value)
    if found is None:
        return not _unknown_inside(value, depth)
    name, argument = found
    if name in ("Fn::GetAtt", "Ref"):
        return True
    if name == "Fn::Sub":
        return not _unknown_inside(argument, depth + 1)
    return False


def _unknown_inside(value: Any, depth: int) -> bool:
    if depth > 16:
        return True
    found = intrinsic(value)
    if found is not None and found[0] in (UNKNOWN, "Fn::ImportValue", "Fn::If"):
        return True
    if isinstance(value, dict):
        return any(_unknown_inside(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_unknown_inside(v, depth + 1) for v in value)
    return False


def _marks(node: Any) -> tuple[int, int, str]:
    if isinstance(node, Marked):
        return node.start_line, node.end_line, node.source
    return 0, 0, ""


def _policy(text: str) -> Any:
    """A policy written as JSON text, as the plan shows every policy argument."""
    stripped = text.strip()
    if len(stripped) > MAX_POLICY_TEXT or not stripped.startswith("{") or '"Statement"' not in stripped:
        return None
    try:
        parsed = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def to_node(value: Any, line: int, end: int, source: str, depth: int) -> Any:
    """A plan's value in the model, every part marked with the given lines."""
    if isinstance(value, Hidden) or depth > MAX_VALUE_DEPTH:
        why = value.why if isinstance(value, Hidden) else "nested too deep"
        return mark(dict_node({UNKNOWN: Unknown(f"({why} in the plan)")}), line, end, source)
    if isinstance(value, dict):
        node = dict_node()
        for key, item in value.items():
            if item is not None:
                node[str(key)] = to_node(item, line, end, source, depth + 1)
                node.key_lines[str(key)] = line
        return mark(node, line, end, source)
    if isinstance(value, list):
        return mark(list_node(to_node(item if item is not None else Hidden("known after apply"),
                                      line, end, source, depth + 1) for item in value), line, end, source)
    if isinstance(value, str):
        parsed = _policy(value)
        if parsed is not None:
            return to_node(parsed, line, end, source, depth + 1)
        return mark(planned_str(value), line, end, source)
    return value


def _resource_node(resource: PlannedResource, values: Any, line: int, end: int, source: str,
                   plan: Plan) -> dict_node:
    """A resource the configuration here does not hold, from the plan alone."""
    if resource.mode == "data" and resource.type == POLICY_DOCUMENT:
        values = _document(values) if isinstance(values, dict) else None
        values = values if values is not None else {UNKNOWN: "(not read while planning)"}
    elif isinstance(values, dict):
        written = resource.written
        values = {k: v for k, v in values.items() if written is None or k in written}
        prefix = f"{resource.module}." if resource.module else ""
        for name, target in resource.references.items():
            # A data document's .json stays a reference even where the plan shows its text:
            # it is judged once, where it is written, as what it is used for (a trust policy).
            if values.get(name) is None or isinstance(values.get(name), Hidden) or \
                    target.startswith(f"data.{POLICY_DOCUMENT}."):
                values[name] = _reference(prefix, target) or values.get(name)
    props = to_node(values if isinstance(values, dict) else {}, line, end, source, 0)
    typed = resource.type if resource.mode == "managed" else f"data.{resource.type}"
    node = dict_node({"Type": mark(str_node(typed), line, line, source), "Properties": props})
    node.key_lines = {"Type": line}
    return mark(node, line, end, source)


def _reference(prefix: str, target: str) -> Any:
    """``aws_iam_role.this.id`` -> a reference to that resource of the same module."""
    parts = target.split(".")
    if parts[0] == "data" and len(parts) >= 4:
        address, rest = ".".join(parts[:3]), parts[3:]
    elif len(parts) >= 3 and "_" in parts[0] and parts[0] not in ("var", "local", "module", "each", "count"):
        address, rest = ".".join(parts[:2]), parts[2:]
    else:
        return None
    if "[" in address:
        return None
    return dict_node({"Fn::GetAtt": list_node([prefix + address, ".".join(rest)[:200]])})


def _document(values: dict[str, Any]) -> Any:
    """A ``data "aws_iam_policy_document"`` in IAM's shape: its ``json`` where the plan
    shows it, else its statement blocks."""
    text = values.get("json")
    if isinstance(text, str):
        return _policy(text)
    statements = values.get("statement")
    if not isinstance(statements, list):
        return None
    out = []
    for block in statements[:500]:
        if isinstance(block, dict):
            out.append(_statement(block))
    return {"Version": values.get("version") or "2012-10-17", "Statement": out}


def _statement(block: dict[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": block.get("effect") or "Allow"}
    for source, target in (("sid", "Sid"), ("actions", "Action"), ("not_actions", "NotAction"),
                           ("resources", "Resource"), ("not_resources", "NotResource")):
        if block.get(source) not in (None, "", []):
            statement[target] = block[source]
    for source, target in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        given = block.get(source)
        if isinstance(given, list) and given:
            principal: dict[str, Any] = {}
            for item in given[:100]:
                if isinstance(item, dict) and isinstance(item.get("type"), str):
                    principal.setdefault(item["type"], []).extend(_as_list(item.get("identifiers")))
            statement[target] = principal
    conditions = block.get("condition")
    if isinstance(conditions, list) and conditions:
        condition: dict[str, Any] = {}
        for item in conditions[:100]:
            if isinstance(item, dict) and isinstance(item.get("test"), str) and isinstance(item.get("variable"), str):
                condition.setdefault(item["test"], {})[item["variable"]] = item.get("values")
        statement["Condition"] = condition
    return statement


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def remark(node: Any, line: int, end: int, source: str, depth: int = 0) -> Any:
    """Mark a (planned) value and everything in it with other lines."""
    if depth > MAX_VALUE_DEPTH:
        return node
    if isinstance(node, dict):
        for key, value in node.items():
            node[key] = remark(value, line, end, source, depth + 1)
            if isinstance(node, dict_node):
                node.key_lines[key] = line
    elif isinstance(node, list):
        for i, value in enumerate(node):
            node[i] = remark(value, line, end, source, depth + 1)
    return mark(node, line, end, source)


def clone(node: Any, depth: int = 0) -> Any:
    """A copy of a model node, its marks and key lines kept (the tree is bounded already)."""
    if isinstance(node, dict):
        copy: Any = type(node)() if isinstance(node, dict_node) else {}
        for key, value in node.items():
            copy[key] = clone(value, depth + 1)
        if isinstance(node, dict_node):
            copy.key_lines = dict(node.key_lines)
    elif isinstance(node, list):
        copy = type(node)(clone(v, depth + 1) for v in node) if isinstance(node, list_node) else \
            [clone(v, depth + 1) for v in node]
    else:
        return node
    if isinstance(node, Marked):
        copy.start_line, copy.end_line, copy.source = node.start_line, node.end_line, node.source
    return copy

