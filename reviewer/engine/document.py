"""Recognise what a file is by its content: a CloudFormation/SAM template, a standalone
IAM policy document, a CloudFormation parameter file, or nothing we review."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from reviewer.engine import foreach
from reviewer.engine.decode import DecodeError, Marked, dict_node, load
from reviewer.engine.finding import Path
from reviewer.engine.locate import locate_in_file
from reviewer.formats.paths import is_serverless

# CloudFormation refuses template bodies over 1 MB; nothing bigger can be a template.
MAX_FILE_BYTES = 1024 * 1024

# Terraform is read by name (reviewer.formats.paths); Serverless services are YAML.
CANDIDATE_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".cfn", ".tf", ".tfvars", ".tpl",
                      ".tftpl")

TEMPLATE = "template"
POLICY = "policy"
PARAMETERS = "parameters"

# The formats a document is read from. Each is turned into the one model the rules read: a
# template (``Resources`` with types, properties and CloudFormation intrinsics for what is
# computed), IAM policy documents in IAM's JSON shape, and parameter values per stage.
CLOUDFORMATION = "cloudformation"
TERRAFORM = "terraform"
SERVERLESS = "serverless"

# How much of an oversized file is read to tell whether it is a template or policy at all.
_SNIFF_BYTES = 64 * 1024
_RESOURCES_KEY = re.compile(r"(?:^|[{,])\s*\"?Resources\"?\s*:", re.MULTILINE)
_TEMPLATE_HINT = re.compile(r"AWSTemplateFormatVersion|\b(?:AWS|Custom)::\w+|\"Statement\"|\bStatement\s*:")


@dataclass
class Resource:
    """One entry of a template's ``Resources``."""

    logical_id: str
    type: str
    properties: dict[str, Any]
    node: dict[str, Any]
    # Where the resource is written, when not at Resources.<logical id> (made by a loop).
    where: tuple[Any, ...] = ()
    format: str = CLOUDFORMATION  # the format of the document it is read from

    @property
    def path(self) -> tuple[Any, ...]:
        return self.where or ("Resources", self.logical_id)


@dataclass
class Document:
    """A decoded file that the rules look at."""

    path: str
    kind: str
    data: Any
    text: str
    _resources: list[Resource] | None = field(default=None, repr=False)
    format: str = CLOUDFORMATION
    # Names a value refers to that carry the stage (a Terraform ``var.stage``, Serverless's
    # ``sls:stage``); None: the organisation's stage parameter, as in CloudFormation.
    stage_names: frozenset[str] | None = None
    # How a suggested fix writes the stage (``${var.stage}``); None: the stage parameter.
    stage_ref: str | None = None
    # A document read from several files (a Terraform module, ``path`` its folder): each
    # file's text. Nodes name their file in ``source``.
    sources: dict[str, str] = field(default_factory=dict)
    # Facts a format's reader works out beside the template (Terraform's attachments).
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    # Parts of ``data`` that hold one stage's values (a Serverless service's params.prod):
    # path prefix -> the stage's name as written.
    stage_parts: dict[tuple[Any, ...], str] = field(default_factory=dict)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def lines_of(self, file: str) -> list[str]:
        """The lines of one of the document's files."""
        if file == self.path or file not in self.sources:
            return self.lines
        return self.sources[file].splitlines()

    def locate(self, path: Path) -> tuple[str, int, int]:
        """The file and lines of the node at ``path``."""
        file, start, end = locate_in_file(self.data, path)
        return file or self.path, start, end

    def stage_written(self, stage_parameter: str) -> str:
        """How a suggested fix writes the stage here (``${var.stage}``, ``${Stage}``)."""
        if self.stage_ref:
            return self.stage_ref
        return f"var.{stage_parameter.lower()}" if self.format == TERRAFORM else stage_parameter

    def stage_names_for(self, stage_parameter: str) -> frozenset[str]:
        """The names that carry the stage in this document: Terraform's variable of the stage
        parameter's name, lower-cased (``var.stage``), or its workspace."""
        if self.stage_names is not None:
            return self.stage_names
        if self.format == TERRAFORM:
            return frozenset({f"var.{stage_parameter.lower()}", f"var.{stage_parameter}",
                              "terraform.workspace"})
        return frozenset({stage_parameter})

    def resources(self) -> list[Resource]:
        """Resources with SAM ``Globals`` merged into serverless functions' properties."""
        if self._resources is None:
            self._resources = list(_iter_resources(self.data, self.format)) \
                if self.kind == TEMPLATE else []
        return self._resources

    def parameters(self) -> dict[str, Any]:
        """The template's ``Parameters`` section, or a parameter file's values."""
        if self.kind == PARAMETERS:
            return self.data
        params = self.data.get("Parameters") if isinstance(self.data, dict) else None
        return params if isinstance(params, dict) else {}


class Unreadable(Exception):
    """The file looks like something we review but cannot be decoded."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _iter_resources(data: Any, format: str = CLOUDFORMATION) -> Iterator[Resource]:
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
            merged = dict_node(defaults)
            merged.key_lines = dict(getattr(defaults, "key_lines", {}))
            merged.update(properties)
            merged.key_lines.update(getattr(properties, "key_lines", {}))
            merged.start_line = getattr(properties, "start_line", 0) or node.get("Type").start_line
            merged.end_line = getattr(properties, "end_line", 0) or merged.start_line
            properties = merged
        yield Resource(str(logical_id), node["Type"], properties, node, where, format)


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
    """Decode and recognise one file.

    Returns None for files we do not review (binary, other YAML/JSON). Raises
    Unreadable when the file plainly is a template or policy but cannot be used.
    """
    if b"\x00" in content[:8192]:
        return None
    if len(content) > MAX_FILE_BYTES:
        # A package-lock.json is no template: only what looks like one is too large to be.
        head = content[:_SNIFF_BYTES].decode("utf-8", "replace")
        if _TEMPLATE_HINT.search(head) or _RESOURCES_KEY.search(head):
            raise Unreadable("file is larger than 1 MB, CloudFormation's template limit; not reviewed")
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # One Latin-1 byte in a comment must not hide a template from review: read it with
        # the byte replaced, so every line keeps its number.
        text = content.decode("utf-8-sig", "replace")
    service = is_serverless(path)
    try:
        data = load(text, path)
    except DecodeError as exc:
        # Broken YAML in a workflow or a Helm chart is not ours to report.
        if service or _TEMPLATE_HINT.search(text):
            raise Unreadable(exc.message, exc.line) from None
        return None
    if service:
        from reviewer.formats import serverless

        return serverless.read(path, data, text)
    kind = classify(data)
    if kind is None:
        return None
    if kind == PARAMETERS:
        data = _parameter_values(data)
    return Document(path=path, kind=kind, data=data, text=text)


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

