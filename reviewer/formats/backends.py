"""A Terraform module's state, as ``reviewer.engine.state`` models it: its ``backend`` or
``cloud`` block, the partial backend configuration files (``*.tfbackend``) beside it, its
provider blocks and the local modules it calls. Only literals are values: Terraform allows
no variable in a backend, so anything else is what ``init`` is told, unknown here."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Mapping

from reviewer.engine.document import Document
from reviewer.engine.state import STATE, STATE_ONLY, Backend, ModuleState, PartialConfig, Setting
from reviewer.formats.hcl_model import Attribute, Block, HclError
from reviewer.formats.paths import (GITIGNORE_NAME, PARTIAL_BACKEND_SUFFIX, SAYS_STATE, TERRAGRUNT_NAME, TFVARS_SUFFIXES,
                                    is_terraform, terraform_folder)
from reviewer.formats.terraform_model import literal

MAX_PARTIALS = 20  # per folder: each is one way to init the same module
MAX_PARTIAL_BYTES = 64 * 1024
MAX_SETTINGS = 100


def module_state(folder: str, blocks: list[Block], others: Mapping[str, bytes],
                 layout: "Layout | None" = None) -> ModuleState:
    """What the blocks of one folder, and the partial configurations beside them, say about
    where its state is kept. ``layout``: ``repository_layout(others)``, worked out once for
    all the folders of a read."""
    state = ModuleState(folder)
    for block in blocks:
        if block.type == "terraform" and state.backend is None:
            state.backend = _backend(block)
        elif block.type == "provider" and state.provider is None and not _proxy(block):
            state.provider = (block.file, block.line)
        elif block.type == "module" and block.labels:
            source = literal(block.attributes.get("source"))
            if isinstance(source, str) and source.startswith(("./", "../")):
                state.calls.append(posixpath.normpath(posixpath.join("" if folder == "." else folder, source)))
    layout = layout if layout is not None else repository_layout(others)
    state.partials = _partials(folder, layout.partials.get(folder, []), others)
    state.generated = layout.terragrunt or _ignored_terraform(folder, layout.ignores)
    return state


# Files a tool writes into a root at init: the backend among them.
GENERATED_NAMES = ("backend.tf", "backend.tf.json", "main.tf.json", "terraform.tf.json",
                   "provider.tf.json", "generated.tf", "generated.tf.json")
MAX_IGNORE_LINES = 500
MAX_IGNORE_FILES = 200


MAX_IGNORE_PATTERNS = 1000  # in all: each is matched against every root's names


@dataclass
class Layout:
    """What the files of a read say for every module's state: whether Terragrunt runs the
    modules, each folder's partial backend files, and each .gitignore's patterns that name
    Terraform files (with the folder it sits in)."""

    terragrunt: bool = False
    partials: dict[str, list[str]] = field(default_factory=dict)
    ignores: list[tuple[str, list[str]]] = field(default_factory=list)


def repository_layout(others: Mapping[str, bytes]) -> Layout:
    """The ``Layout`` of a read's files, in one pass over them."""
    layout = Layout()
    patterns_left = MAX_IGNORE_PATTERNS
    for path in sorted(others):
        name, folder = posixpath.basename(path), posixpath.dirname(path)
        if name == TERRAGRUNT_NAME:
            layout.terragrunt = True
        elif path.endswith(PARTIAL_BACKEND_SUFFIX):
            layout.partials.setdefault(folder or ".", []).append(path)
        elif name == GITIGNORE_NAME and len(layout.ignores) < MAX_IGNORE_FILES and patterns_left > 0:
            text = others[path][:MAX_PARTIAL_BYTES].decode("utf-8", "replace")
            lines = [p.strip() for p in text.splitlines()[:MAX_IGNORE_LINES]]
            patterns = [p for p in lines if p and not p.startswith(("#", "!")) and len(p) <= 200
                        and ".tf" in p][:patterns_left]
            patterns_left -= len(patterns)
            layout.ignores.append((folder, patterns))
    return layout


def _ignored_terraform(folder: str, ignores: list[tuple[str, list[str]]]) -> bool:
    """Whether a .gitignore at or above the folder leaves out Terraform files written there
    (streamalert's ``_infrastructure/*.tf.json``, a ``backend.tf`` that CI writes): then a
    tool writes part of its configuration, its backend perhaps, and a backend not written
    here is not missing."""
    for base, patterns in ignores:
        if base and folder != base and not folder.startswith(base + "/"):
            continue
        inner = "" if folder in (".", base) else folder[len(base) + 1:] if base else folder
        for pattern in patterns:
            anchored = "/" in pattern.rstrip("/")
            pattern = pattern.lstrip("/")
            for name in GENERATED_NAMES:
                target = posixpath.join(inner, name) if anchored and inner else name
                if fnmatchcase(target, pattern):
                    return True
    return False


def context_documents(context: Mapping[str, bytes], reviewed: set[str],
                      others: Mapping[str, bytes]) -> list[Document]:
    """A document for each Terraform folder of ``context`` that ``reviewed`` (the folders
    under review) leaves out, carrying only where that folder keeps its state. A file that
    cannot be read says nothing: these folders are compared, never judged."""
    from reviewer.formats.terraform_json import read_blocks  # the parser, only when needed

    blocks: dict[str, list[Block]] = {}
    budget = MAX_CONTEXT_BYTES
    for path in sorted(context):
        folder = terraform_folder(path)
        content = context[path]
        if folder in reviewed or not is_terraform(path) or path.endswith(TFVARS_SUFFIXES):
            continue
        blocks.setdefault(folder, [])
        # Only a file with a backend, a provider or a module call says anything here: the
        # rest (resources, most of any repository) is never parsed.
        if not SAYS_STATE.search(content[:MAX_CONTEXT_FILE]) or len(content) > budget:
            continue
        budget -= len(content)
        try:
            blocks[folder].extend(read_blocks(content.decode("utf-8", "replace"), path))
        except (HclError, ValueError, RecursionError):
            continue
    out = []
    layout = repository_layout(others)
    for folder, found in sorted(blocks.items()):
        state = module_state(folder, found, others, layout)
        state.context = True
        out.append(Document(path=folder, kind=STATE_ONLY, data={}, text="", extra={STATE: state}))
    return out


MAX_CONTEXT_BYTES = 32 * 1024 * 1024  # parsed in all, per side
MAX_CONTEXT_FILE = 1024 * 1024

def _proxy(block: Block) -> bool:
    """A provider block with nothing but ``alias`` is a module's proxy configuration: it
    names a provider its caller passes in, so it does not make the folder a root."""
    return set(block.attributes) <= {"alias"} and not block.blocks


def _backend(block: Block) -> Backend | None:
    for name in ("backend", "cloud"):
        for inner in block.children.get(name, [])[:1]:
            kind = inner.labels[0] if name == "backend" and inner.labels else name
            backend = Backend(str(kind), inner.file, inner.line)
            backend.settings = _settings(inner.attributes, inner.file)
            for child_name, children in inner.children.items():
                for child in children[:1]:  # workspaces { name = "..." }
                    for key, setting in _settings(child.attributes, inner.file).items():
                        backend.settings[f"{child_name}.{key}"] = setting
            return backend
    return None


def _settings(attributes: Mapping[str, Attribute], file: str) -> dict[str, Setting]:
    out: dict[str, Setting] = {}
    for name, attribute in list(attributes.items())[:MAX_SETTINGS]:
        value = literal(attribute)
        out[name] = Setting(value if isinstance(value, str) else None, file, attribute.line)
    return out


def _partials(folder: str, paths: list[str], others: Mapping[str, bytes]) -> list[PartialConfig]:
    """The ``*.tfbackend`` files in the module's own folder (``paths``)."""
    from reviewer.formats import hcl  # the parser, only for a folder that has one

    out: list[PartialConfig] = []
    for path in paths:
        if len(out) >= MAX_PARTIALS:
            break
        text = others[path][:MAX_PARTIAL_BYTES].decode("utf-8", "replace")
        try:
            attributes: Any = hcl.parse_tfvars(text, path)
        except HclError:
            continue  # init would refuse it: no state is kept by it
        out.append(PartialConfig(path, _settings(attributes, path)))
    return out
