"""CloudFormation and SAM templates, standalone IAM policy documents and CloudFormation
parameter files: recognised by their content, read with their lines, and answered for by the
adapters below (SAM ``Globals``, ``Fn::ForEach`` loops, every resource type that holds a
policy)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from reviewer.engine.decode import DecodeError, Marked, dict_node, list_node, load
from reviewer.engine.document import (CLOUDFORMATION, PARAMETERS, POLICY, TEMPLATE, Adapter,
                                      Document, Resource, Unreadable)
from reviewer.engine.iam import IDENTITY, RESOURCE_POLICY, Attachment, FunctionRole, PolicyDocument
from reviewer.engine.values import as_list, intrinsic
from reviewer.formats import cloudformation_foreach as foreach
from reviewer.formats import cloudformation_iam as cfn_iam
from reviewer.formats.text import file_text, looks_reviewable
from reviewer.formats.paths import GITIGNORE_NAME, PARTIAL_BACKEND_SUFFIX, TERRAGRUNT_NAME


class CloudFormationAdapter(Adapter):
    """A CloudFormation or SAM template."""

    format = CLOUDFORMATION
    declares_stage = True

    def resources(self, doc: Document) -> list[Resource]:
        """Resources with SAM ``Globals`` merged into functions' properties and
        ``Fn::ForEach`` loops expanded."""
        return list(_iter_resources(doc.data, self.format)) if doc.kind == TEMPLATE else []

    def policy_documents(self, doc: Document) -> list[PolicyDocument]:
        return cfn_iam.policy_documents(doc, self.role_id) if doc.kind == TEMPLATE else []

    def attachments(self, doc: Document) -> list[Attachment]:
        return cfn_iam.attachments(doc, self.role_id) if doc.kind == TEMPLATE else []

    def function_roles(self, doc: Document) -> list[FunctionRole]:
        return cfn_iam.function_roles(doc) if doc.kind == TEMPLATE else []

    def principal_of(self, resource: Resource) -> str | None:
        return cfn_iam.principal_of(resource, self.role_id)

    def role_id(self, resource: Resource) -> str:
        """The logical id of the role SAM creates for a function or state machine."""
        return cfn_iam.sam_role_id(resource)


class PolicyFileAdapter(Adapter):
    """A standalone IAM policy document (``policy.json``)."""

    def policy_documents(self, doc: Document) -> list[PolicyDocument]:
        # With principals it is a resource policy (a bucket's, a queue's ...).
        kind = RESOURCE_POLICY if any(
            "Principal" in s or "NotPrincipal" in s
            for s in as_list(doc.data.get("Statement")) if isinstance(s, dict)) else IDENTITY
        return [PolicyDocument((), doc.data, kind, None, [doc.path] if kind == IDENTITY else [])]


CLOUDFORMATION_ADAPTER = CloudFormationAdapter()
POLICY_ADAPTER = PolicyFileAdapter()


def _iter_resources(data: Any, format: str) -> Iterator[Resource]:
    resources = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict):
        return
    globals_ = data.get("Globals") if isinstance(data.get("Globals"), dict) else {}
    for logical_id, node, where in _entries(resources, data):
        if not isinstance(node, dict) or not isinstance(node.get("Type"), str):
            continue
        properties = node.get("Properties")
        properties = properties if isinstance(properties, dict) else dict_node()
        section = _GLOBALS_SECTION.get(node["Type"])
        defaults = globals_.get(section) if section else None
        if isinstance(defaults, dict):
            merged = _sam_merged(defaults, properties)
            merged.start_line = getattr(properties, "start_line", 0) or \
                getattr(node.get("Type"), "start_line", 0)
            merged.end_line = getattr(properties, "end_line", 0) or merged.start_line
            properties = merged
        yield Resource(str(logical_id), node["Type"], properties, node, where, format)


def _sam_merged(defaults: dict[str, Any], own: dict[str, Any], depth: int = 0) -> dict_node:
    """A resource's properties over SAM's ``Globals``, as SAM merges them: the resource's value
    replaces a global one, maps merge key by key (Environment.Variables: both sets, the
    resource's winning), lists add the resource's items after the global ones. Values keep
    their own nodes and lines, so a global one is still said where it is written."""
    merged = dict_node(defaults)
    merged.key_lines = dict(getattr(defaults, "key_lines", {}))
    for key, value in own.items():
        mine = merged.get(key)
        if depth < 8 and isinstance(mine, dict) and isinstance(value, dict) \
                and intrinsic(mine) is None and intrinsic(value) is None:
            inner = _sam_merged(mine, value, depth + 1)
            inner.start_line, inner.end_line = getattr(value, "start_line", 0), getattr(value, "end_line", 0)
            merged[key] = inner
        elif isinstance(mine, list) and isinstance(value, list):
            items = list_node([*mine, *value])
            items.start_line, items.end_line = getattr(value, "start_line", 0), getattr(value, "end_line", 0)
            merged[key] = items
        else:
            merged[key] = value
    merged.key_lines.update(getattr(own, "key_lines", {}))
    return merged


def _entries(resources: dict[str, Any], data: dict[str, Any]) -> Iterator[tuple[str, Any, tuple[Any, ...]]]:
    """Each resource as (logical id, node, path), with ``Fn::ForEach`` loops expanded."""
    params = data.get("Parameters") if isinstance(data.get("Parameters"), dict) else {}
    for logical_id, node in resources.items():
        if foreach.is_loop(logical_id):
            yield from foreach.expand(logical_id, node, params)
        else:
            yield str(logical_id), node, ()


_GLOBALS_SECTION = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
    "AWS::Serverless::SimpleTable": "SimpleTable",
    "AWS::Serverless::StateMachine": "StateMachine",
}
def classify(data: Any) -> str | None:
    """Return TEMPLATE, POLICY, PARAMETERS or None for decoded content."""
    if isinstance(data, dict):
        if "AWSTemplateFormatVersion" in data:
            return TEMPLATE
        resources = data.get("Resources")
        if isinstance(resources, dict) and any(
            isinstance(r, dict) and isinstance(r.get("Type"), str)
            and re.match(r"^(AWS|Custom|Alexa)::", r["Type"])
            for r in resources.values()
        ) or isinstance(resources, dict) and any(foreach.is_loop(k) for k in resources):
            return TEMPLATE
        if "Statement" in data and ("Version" in data or _has_effect(data["Statement"])):
            return POLICY
        params = data.get("Parameters")
        if (
            isinstance(params, dict) and params
            and set(data) <= {"Parameters", "Tags", "StackPolicy"}
            and all(isinstance(v, (str, int, float)) for v in params.values())
        ):
            return PARAMETERS
    if isinstance(data, list) and data and all(
        isinstance(item, dict) and "ParameterKey" in item and "ParameterValue" in item
        for item in data
    ):
        return PARAMETERS
    return None


def _has_effect(statement: Any) -> bool:
    items = statement if isinstance(statement, list) else [statement]
    return any(isinstance(s, dict) and "Effect" in s for s in items)


def _parameter_values(data: Any) -> dict[str, Any]:
    if isinstance(data, list):
        out = dict_node()
        for item in data:
            out[str(item["ParameterKey"])] = item["ParameterValue"]
            out.key_lines[str(item["ParameterKey"])] = getattr(item, "start_line", 1)
        if isinstance(data, Marked):
            out.start_line, out.end_line = data.start_line, data.end_line
        return out
    return data["Parameters"]


def decode_file(path: str, content: bytes) -> Document | None:
    """Decode and recognise one CloudFormation template, policy or parameter file.

    Returns None for files we do not review (binary, other YAML/JSON). Raises
    Unreadable when the file plainly is a template or policy but cannot be used.
    """
    if path.endswith((PARTIAL_BACKEND_SUFFIX, TERRAGRUNT_NAME, GITIGNORE_NAME)):
        return None  # read with Terraform modules, for where their state is (formats.backends)
    text = file_text(content)
    if text is None:
        return None
    try:
        data = load(text, path)
    except DecodeError as exc:
        # Broken YAML in a workflow or a Helm chart is not ours to report.
        if looks_reviewable(text):
            raise Unreadable(exc.message, exc.line) from None
        return None
    kind = classify(data)
    if kind is None:
        return None
    if kind == PARAMETERS:
        data = _parameter_values(data)
    adapter = POLICY_ADAPTER if kind == POLICY else CLOUDFORMATION_ADAPTER
    return Document(path=path, kind=kind, data=data, text=text, adapter=adapter)


# A template walk for includes stops here: no real template has this many nodes.
_MAX_WALK = 200_000


def includes(data: Any) -> list[tuple[tuple[Any, ...], str]]:
    """``Fn::Transform: {Name: AWS::Include, Parameters: {Location: ...}}`` snippets: the
    text comes from S3 at deploy time, so what it holds is not reviewed. (path, location)."""
    found: list[tuple[tuple[Any, ...], str]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    seen = 0
    while stack and seen < _MAX_WALK:
        node, path = stack.pop()
        seen += 1
        if isinstance(node, dict):
            transform = node.get("Fn::Transform")
            if isinstance(transform, dict) and transform.get("Name") == "AWS::Include":
                params = transform.get("Parameters")
                location = params.get("Location") if isinstance(params, dict) else None
                found.append((path + ("Fn::Transform",), location if isinstance(location, str) else "?"))
            stack.extend((v, path + (k,)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, path + (i,)) for i, v in enumerate(node))
    return sorted(found, key=lambda item: [str(p) for p in item[0]])

