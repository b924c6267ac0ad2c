"""The one model every format is read into: documents, their resources, and what a format's
adapter knows of them (policies, attachments, the roles functions run as, the stage).

The engine and the rules read only this model. Each format (CloudFormation and SAM,
Terraform, the Serverless Framework, standalone policies) has an adapter under
``reviewer/formats/`` that builds documents and answers the questions below in its own terms;
the engine never imports a format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from reviewer.engine.decode import Marked, dict_node
from reviewer.engine.finding import Path
from reviewer.engine.locate import locate_in_file

if TYPE_CHECKING:
    from reviewer.engine.iam import Attachment, FunctionRole, PolicyDocument

TEMPLATE = "template"
POLICY = "policy"
PARAMETERS = "parameters"

# The formats a document is read from. Each is turned into the one model the rules read: a
# template (``Resources`` with types, properties and CloudFormation intrinsics for what is
# computed), IAM policy documents in IAM's JSON shape, and parameter values per stage.
CLOUDFORMATION = "cloudformation"
TERRAFORM = "terraform"
SERVERLESS = "serverless"
FORMATS = (CLOUDFORMATION, TERRAFORM, SERVERLESS)

# Marks a declared parameter whose value a caller outside the review sets (a reusable
# Terraform module's variable): its default is only what a caller gets by leaving it out.
SET_BY_CALLER = "SetByCaller"


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


class Adapter:
    """What a format knows of its documents beyond their data. This base answers for a
    document with nothing format-specific: resources as written, no policies."""

    format = CLOUDFORMATION
    unit = "template"  # what one deployable document is called in the format's words
    # Must a document that uses the stage declare it (CloudFormation's stage parameter)? A
    # Terraform module declares its variables for Terraform's own sake, and the Serverless
    # Framework knows its stage.
    declares_stage = False

    def resources(self, doc: "Document") -> list[Resource]:
        """The document's resources, in the model's terms."""
        resources = doc.data.get("Resources") if isinstance(doc.data, dict) else None
        if doc.kind != TEMPLATE or not isinstance(resources, dict):
            return []
        out = []
        for logical_id, node in resources.items():
            if isinstance(node, dict) and isinstance(node.get("Type"), str):
                properties = node.get("Properties")
                out.append(Resource(str(logical_id), node["Type"],
                                    properties if isinstance(properties, dict) else dict_node(),
                                    node, format=self.format))
        return out

    def policy_documents(self, doc: "Document") -> list["PolicyDocument"]:
        """Every IAM policy document the document writes, with what it applies to."""
        return []

    def attachments(self, doc: "Document") -> list["Attachment"]:
        """Every managed policy attached to a principal."""
        return []

    def function_roles(self, doc: "Document") -> list["FunctionRole"]:
        """The role each function runs as."""
        return []

    def principal_of(self, resource: Resource) -> str | None:
        """The principal whose permissions a resource defines (a role; a SAM function's own
        role), or None."""
        return None

    def stage_names(self, doc: "Document", stage_parameter: str,
                    stage_variables: tuple[str, ...]) -> frozenset[str]:
        """The names a value refers to that carry the stage: the organisation's stage
        parameter, and its other stage variables (``Env``, ``Environment``) as parameters."""
        declared = {str(name).lower(): str(name) for name in doc.parameters()}
        names = {stage_parameter}
        names.update(declared[v.lower()] for v in stage_variables if v.lower() in declared)
        return frozenset(names)

    def stage_written(self, doc: "Document", stage_parameter: str,
                      stage_variables: tuple[str, ...] = ()) -> str | None:
        """How a suggested fix writes the stage (``${Stage}``); None when the document
        offers no way to (a Terraform module that declares no stage variable)."""
        return stage_parameter

    def syntax(self, doc: "Document", file: str) -> str:
        """How a value is written in ``file``: "yaml", "json", "hcl" or "serverless"."""
        from reviewer.engine.decode import looks_like_json

        text = doc.sources.get(file, doc.text) if doc.sources else doc.text
        return "json" if looks_like_json(text) else "yaml"

    def word(self, resource: Resource, prop: str) -> str:
        """A model property as the format writes it (``reservedConcurrency`` for a
        Serverless function's ``ReservedConcurrentExecutions``). A reader that renames keys
        keeps the written ones in the properties' ``words``."""
        words = getattr(resource.properties, "words", None)
        return str(words.get(prop, prop)) if isinstance(words, dict) else prop


_PLAIN = Adapter()


MAX_WRITTEN = 200  # a value longer than this is shown from the model, not quoted whole


def _one_value(text: str) -> bool:
    """Is the text one value alone: one quoted string, or a plain scalar with no key?"""
    if text[0] in "\"'":
        return len(text) > 1 and text[-1] == text[0] and text[0] not in text[1:-1]
    return not any(mark in text for mark in ('"', "'", ": ", " = ", ",")) and text[0] not in "[{"


def _without_comment(text: str) -> str:
    """The text before a comment that follows a value: YAML's and HCL's " #", HCL's " //",
    outside quotes (never the pseudo-parameters plugin's ``#{...}``)."""
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif i and text[i - 1] in " \t" and (
                (ch == "#" and text[i + 1:i + 2] != "{") or text[i:i + 2] == "//"):
            return text[:i]
    return text


@dataclass
class Document:
    """A decoded file (or, for Terraform, a module's folder) that the rules look at."""

    path: str
    kind: str
    data: Any
    text: str
    format: str = CLOUDFORMATION
    # Names a value refers to that carry the stage, when the format fixes them itself
    # (Serverless's ``sls:stage``); None: ask the adapter.
    stage_names: frozenset[str] | None = None
    # How a suggested fix writes the stage (``${sls:stage}``); None: ask the adapter.
    stage_ref: str | None = None
    # A document read from several files (a Terraform module, ``path`` its folder): each
    # file's text. Nodes name their file in ``source``.
    sources: dict[str, str] = field(default_factory=dict)
    # Facts a format's reader works out beside the template, and answers cached per document.
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    # Parts of ``data`` that hold one stage's values (a Serverless service's params.prod):
    # path prefix -> the stage's name as written.
    stage_parts: dict[tuple[Any, ...], str] = field(default_factory=dict)
    adapter: Adapter = field(default=_PLAIN, repr=False)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def lines_of(self, file: str) -> list[str]:
        """The lines of one of the document's files."""
        if file == self.path or file not in self.sources:
            return self.lines
        return self.sources[file].splitlines()

    def written(self, value: Any, key: str | None = None) -> str | None:
        """A value as its author wrote it (``"orders-${var.env}"``, ``!Sub orders-${Stage}``,
        ``${opt:stage, 'dev'}``), read from its line; None when it spans several lines or
        its line holds more than the value."""
        if not isinstance(value, Marked) or value.start_line <= 0 or value.end_line != value.start_line:
            return None
        lines = self.lines_of(value.source or self.path)
        if value.start_line > len(lines):
            return None
        text = lines[value.start_line - 1].strip()
        if len(text) > 4 * MAX_WRITTEN:
            return None  # a long line (minified JSON) holds more than one short value
        if text.startswith("- "):
            text = text[2:].lstrip()
        if key is not None:
            for written_key in (key, f'"{key}"', f"'{key}'"):
                if text.startswith(written_key):
                    rest = text[len(written_key):].lstrip()
                    if rest[:1] in (":", "="):
                        text = rest[1:].strip()
                        break
            else:
                return None  # the line is not this key's: do not guess
        text = _without_comment(text).rstrip(",").strip()
        if not text or len(text) > MAX_WRITTEN or text.endswith(("{", "[", "(", "<<", "|", ">")):
            return None
        if key is None and not _one_value(text):
            return None  # the line holds a key, or several values: not this one alone
        return text

    def locate(self, path: Path) -> tuple[str, int, int]:
        """The file and lines of the node at ``path``."""
        file, start, end = locate_in_file(self.data, path)
        return file or self.path, start, end

    def stage_written(self, stage_parameter: str,
                      stage_variables: tuple[str, ...] = ()) -> str | None:
        """How a suggested fix writes the stage here (``${var.stage}``, ``${Stage}``); None
        when it cannot be written without a variable the document lacks."""
        return self.stage_ref or self.adapter.stage_written(self, stage_parameter, stage_variables)

    def stage_names_for(self, stage_parameter: str,
                        stage_variables: tuple[str, ...] = ()) -> frozenset[str]:
        """The names that carry the stage in this document."""
        if self.stage_names is not None:
            return self.stage_names
        return self.adapter.stage_names(self, stage_parameter, stage_variables)

    def resources(self) -> list[Resource]:
        """The resources, as the format's adapter reads them (SAM ``Globals`` merged,
        ``Fn::ForEach`` loops expanded), worked out once."""
        found = self.extra.get("resources")
        if found is None:
            found = self.extra["resources"] = self.adapter.resources(self)
        return found

    def parameters(self) -> dict[str, Any]:
        """The template's ``Parameters`` section, or a parameter file's values."""
        if self.kind == PARAMETERS:
            return self.data if isinstance(self.data, dict) else {}
        params = self.data.get("Parameters") if isinstance(self.data, dict) else None
        return params if isinstance(params, dict) else {}


class Unreadable(Exception):
    """The file looks like something we review but cannot be decoded."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
