"""What every rule kind implements, and what it is given to work with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable

from reviewer.engine.document import Document
from reviewer.engine.finding import Hit


# The names teams give the stage besides the stage parameter (var.env, ${Environment}).
DEFAULT_STAGE_VARIABLES = ("stage", "env", "environment")


@dataclass
class Organisation:
    """The organisation's facts from the configuration file."""

    stage_parameter: str = "Stage"
    stage_variables: tuple[str, ...] = DEFAULT_STAGE_VARIABLES
    accounts: dict[str, str] = field(default_factory=dict)  # stage -> account id
    trusted_accounts: list[str] = field(default_factory=list)

    @property
    def stages(self) -> list[str]:
        return list(self.accounts)

    def stage_of_account(self, account: str) -> str | None:
        for stage, account_id in self.accounts.items():
            if account_id == account:
                return stage
        return None


@dataclass
class Context:
    """Everything a rule may read besides the document: its parameters and the org."""

    params: dict[str, Any]
    organisation: Organisation


class RuleKind:
    """A built-in evaluator. Subclasses report Hits; lines are resolved by the engine."""

    kind: ClassVar[str]
    # Parameters the YAML may set under ``with``, and their JSON-schema types.
    parameters: ClassVar[dict[str, dict[str, Any]]] = {}

    @classmethod
    def semantic_errors(cls, params: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
        """Problems of the ``with`` block beyond its schema: (path within it, message)."""
        return []

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        """Problems within one document."""
        return ()

    def check_project(self, docs: list[Document], ctx: Context) -> Iterable[tuple[Document, Hit]]:
        """Problems that only show across several documents of one scan."""
        return ()
