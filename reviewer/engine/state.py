"""Where a deployable unit keeps its state, in the model's terms: what a Terraform root
module's ``backend`` (or ``cloud``) block and the partial configuration files beside it say,
whether it configures providers, and which modules it calls. The Terraform reader puts one
``ModuleState`` in each module document's ``extra[STATE]``; rules read only this."""

from __future__ import annotations

from dataclasses import dataclass, field

STATE = "state"  # the key of a document's ``extra`` that holds its ModuleState
# The kind of a document that carries nothing but a folder's ModuleState: a folder read only
# to compare where it keeps its state, which no other rule judges.
STATE_ONLY = "state-only"


@dataclass
class Setting:
    """One setting of a backend: its value, None when only ``init`` knows it (an
    expression, a ``-backend-config`` flag)."""

    value: str | None
    file: str
    line: int


@dataclass
class Backend:
    """A ``backend "s3" {...}`` or ``cloud {...}`` block (``kind`` "s3", "cloud" ...), its
    settings flattened (``workspaces.name``)."""

    kind: str
    file: str
    line: int
    settings: dict[str, Setting] = field(default_factory=dict)


@dataclass
class PartialConfig:
    """A partial backend configuration file (``prod.tfbackend``) beside the module, which
    ``terraform init -backend-config=FILE`` merges over the block."""

    file: str
    settings: dict[str, Setting] = field(default_factory=dict)


@dataclass
class ModuleState:
    """What one module's folder says about its state."""

    folder: str
    backend: Backend | None = None
    partials: list[PartialConfig] = field(default_factory=list)
    provider: tuple[str, int] | None = None  # the first provider block's file and line
    calls: list[str] = field(default_factory=list)  # folders of the scan it calls as modules
    # A tool writes its backend and providers at init (Terragrunt, whose terragrunt.hcl the
    # repository holds): a backend not written here is not missing.
    generated: bool = False
    # Read only for where it keeps its state (a folder the change did not touch, read because
    # the change moves a backend): compared with the roots under review, judged for nothing.
    context: bool = False
