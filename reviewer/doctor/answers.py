"""What GitHub answered, as ``reviewer.github.wiring`` read it: plain data, no client.

A read that failed is an ``Unreadable`` in place of the answer, so that one 502 or one
missing permission marks that item "could not check" and the rest is still judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True)
class Unreadable:
    """A read that failed: GitHub's status (0 without an answer) and why, in plain words."""

    status: int
    reason: str


@dataclass(frozen=True)
class AppAnswer:
    """GET /app: the app as registered."""

    id: int
    slug: str
    client_id: str | None
    permissions: dict[str, str]
    events: list[str]


@dataclass(frozen=True)
class HookAnswer:
    """GET /app/hook/config: where GitHub delivers."""

    url: str
    insecure_ssl: bool


@dataclass(frozen=True)
class Delivery:
    """One item of GET /app/hook/deliveries."""

    id: int
    guid: str
    event: str
    action: str | None
    status_code: int
    status: str
    delivered_at: str


@dataclass(frozen=True)
class StatusChecks:
    """Branch protection's required status checks: (context, app id or None for any source)."""

    checks: list[tuple[str, int | None]]


@dataclass
class RepoAnswer:
    """One repository: the active rules on its default branch, and its branch protection.

    ``protection`` is None when the branch is not protected or requires no checks.
    """

    full_name: str
    default_branch: str
    archived: bool = False
    rules: Union[list[dict[str, Any]], Unreadable] = field(default_factory=list)
    protection: Union[StatusChecks, None, Unreadable] = None


@dataclass
class InstallationAnswer:
    """One installation and what its token can see.

    ``org_repo``: whether ``{account}/.github`` answered (None for a personal account).
    """

    id: int
    account: str
    account_type: str
    selection: str
    permissions: dict[str, str]
    events: list[str]
    html_url: str | None = None
    suspended: bool = False
    org_repo: Union[bool, None, Unreadable] = None
    repos: Union[list[RepoAnswer], Unreadable] = field(default_factory=list)
    total_repos: int = 0


@dataclass
class Wiring:
    """Everything doctor read, and what this deployment expects (from its environment)."""

    api_url: str
    app: Union[AppAnswer, Unreadable]
    hook: Union[HookAnswer, Unreadable]
    deliveries: Union[list[Delivery], Unreadable]
    installations: Union[list[InstallationAnswer], Unreadable]
    more_installations: bool = False  # GitHub listed more than were read
    public_url: str | None = None
    client_id: str | None = None
    check_name: str = "policy-reviewer"
    app_id: str = ""
