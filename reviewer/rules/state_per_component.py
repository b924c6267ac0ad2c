"""``terraform-state-per-component``: every root module keeps its own state.

A root module is a folder that configures a backend (or ``cloud``) or a provider and that no
other module of the scan calls. Two roots whose backends name one location (the same S3
bucket and key, the same remote workspace or workspace prefix, the same local path ...)
overwrite each other's state: an error on each root's backend line. A root with no backend
keeps its state in ``terraform.tfstate`` on whoever ran ``apply``: a warning. A partial
configuration file (``prod.tfbackend``) beside a root is one way to ``init`` it: each gives
a location of its own. A setting only ``init`` is told (a ``-backend-config`` flag, a block
left empty) makes the location unknown: neither flagged nor cleared.
"""

from __future__ import annotations

import posixpath
import re
from typing import Iterable

from reviewer.engine.document import Document
from reviewer.engine.finding import Hit
from reviewer.engine.state import STATE, Backend, ModuleState
from reviewer.rules.base import Context, RuleKind
from reviewer.rules.secret_shapes import MASK, credential_shape

# Backend type -> the settings that together name one state, each with its default (None:
# required; without it the location is unknown).
LOCATIONS: dict[str, tuple[tuple[str, str | None], ...]] = {
    # A workspace other than default keeps its state under workspace_key_prefix: roots that
    # share bucket and key but not the prefix, and use workspaces (as teams who set it do),
    # do not collide.
    "s3": (("bucket", None), ("workspace_key_prefix", "env:"), ("key", None)),
    "gcs": (("bucket", None), ("prefix", "")),
    "azurerm": (("storage_account_name", None), ("container_name", None), ("key", None)),
    "remote": (("hostname", "app.terraform.io"), ("organization", None), ("workspaces.name", None)),
    "cloud": (("hostname", "app.terraform.io"), ("organization", None), ("workspaces.name", None)),
    "consul": (("address", None), ("path", None)),
    "pg": (("conn_str", None), ("schema_name", "terraform_remote_state")),
    "http": (("address", None),),
    "kubernetes": (("namespace", "default"), ("secret_suffix", None)),
    "cos": (("bucket", None), ("prefix", "env:"), ("key", "terraform.tfstate")),
    "oss": (("bucket", None), ("prefix", "env:"), ("key", "terraform.tfstate")),
    "local": (("path", None),),
}
# Workspaces chosen by prefix share every workspace name between the roots that share it.
PREFIXED = {"remote": (("hostname", "app.terraform.io"), ("organization", None), ("workspaces.prefix", None))}
MAX_ROOTS = 2000
# Folders whose roots demonstrate or test a module (a published module's examples/, a
# terratest fixture): run by hand against a sandbox, with local state on purpose.
# Nor are the roots of templates, copied elsewhere to be applied.
NOT_COMPONENTS = ("examples", "example", "test", "tests", "fixtures", "testdata", "test-fixtures",
                  "templates")


def locations(state: ModuleState) -> list[tuple[tuple[str, ...], str]]:
    """The state locations a root may be initialised with: each a comparable tuple and its
    description in the settings written; none when any part is known only to ``init``."""
    backend = state.backend
    if backend is None:
        return []
    out = []
    for partial in state.partials or [None]:
        merged = dict(backend.settings)
        if partial is not None:
            merged.update(partial.settings)
        for table in (LOCATIONS.get(backend.kind), PREFIXED.get(backend.kind)):
            found = _location(backend, merged, table, state.folder) if table else None
            if found:
                out.append(found)
    return out


def _location(backend: Backend, settings: dict, table: tuple[tuple[str, str | None], ...],
              folder: str) -> tuple[tuple[str, ...], str] | None:
    parts: list[str] = [backend.kind]
    written: list[str] = []
    for name, default in table:
        setting = settings.get(name)
        if setting is not None and (setting.value is None or _placeholder(setting.value)):
            return None  # an expression, or a template's placeholder: what init is told
        value = setting.value if setting is not None else default
        if value is None:
            return None  # a partial configuration completed at init time
        if backend.kind == "local" and name == "path":
            value = posixpath.normpath(posixpath.join("" if folder == "." else folder, value))
        parts.append(f"{name}={value}")
        if setting is not None:
            written.append(f"{name} {_shown(value)}")
    return tuple(parts), f"{backend.kind} backend " + ", ".join(written)


def _shown(value: str) -> str:
    """A setting as a message may show it: a connection string's or URL's password and any
    value shaped like a credential masked (pg's conn_str, http's address), and cut short."""
    if credential_shape(value):
        value = _USERINFO.sub("://" + MASK + "@", value)
        if credential_shape(value):
            return MASK
    value = _USERINFO.sub("://" + MASK + "@", value)
    return value if len(value) <= 200 else value[:200] + "..."


_USERINFO = re.compile(r"://[^/@\s]{1,256}@")


def _placeholder(value: str) -> bool:
    """A value someone substitutes before init ($application_name, {{ name }})."""
    return "$" in value or "{{" in value


class TerraformStatePerComponent(RuleKind):
    kind = "terraform-state-per-component"
    parameters = {"not_components": {"type": "array", "items": {"type": "string"}}}

    def check_project(self, docs: list[Document], ctx: Context) -> Iterable[tuple[Document, Hit]]:
        skipped = set(ctx.params.get("not_components", NOT_COMPONENTS))
        states = [(doc, doc.extra[STATE]) for doc in docs
                  if isinstance(doc.extra.get(STATE), ModuleState)][:MAX_ROOTS]
        called = {folder for _, state in states for folder in state.calls}
        roots = [(doc, state) for doc, state in states
                 if (state.backend is not None or state.provider is not None)
                 and state.folder not in called and not _set_aside(state.folder, skipped)]
        sharing: dict[tuple[str, ...], list[tuple[Document, ModuleState, str]]] = {}
        for doc, state in roots:
            if state.backend is None:
                if state.generated or state.context:
                    continue  # Terragrunt writes it at init: neither flagged nor cleared
                file, line = state.provider or (doc.path, 1)
                yield doc, Hit((), f"root module {state.folder} configures providers but no "
                                   "backend: its state stays in terraform.tfstate on whoever ran "
                                   "apply, where nobody else sees it and one laptop's loss loses "
                                   "it", "no-backend", None, severity="warning",
                               lines=(line, line), file=file)
                continue
            for location, described in dict.fromkeys(locations(state)):
                sharing.setdefault(location, []).append((doc, state, described))
        for location, owners in sharing.items():
            folders = sorted({state.folder for _, state, _ in owners})
            if len(folders) < 2 or all(state.context for _, state, _ in owners):
                continue  # one root; or roots read only to compare with those under review
            for doc, state, described in owners:
                others = [f for f in folders if f != state.folder]
                backend = state.backend
                if backend is None or state.context:
                    continue  # a root read only to compare with: its own review judges it
                yield doc, Hit((), f"root module {state.folder} keeps its state in the same place "
                                   f"as {_folders(others)} ({described}): whichever "
                                   "applies last overwrites the other's state",
                               "shared:" + "\x1f".join(location), None,
                               lines=(backend.line, backend.line), file=backend.file)


def _set_aside(folder: str, skipped: set[str]) -> bool:
    """A root under a folder named as no component (examples/, test/), or under a hidden
    folder (.github's workflow fixtures, .terraform's downloaded modules)."""
    parts = folder.split("/")
    return bool(skipped.intersection(parts)) or any(p.startswith(".") and p not in (".", "..")
                                                     for p in parts)


def _folders(folders: list[str]) -> str:
    shown = folders[:3]
    more = f" and {len(folders) - 3} more" if len(folders) > 3 else ""
    return ("root module " if len(folders) == 1 else "root modules ") + ", ".join(shown) + more
