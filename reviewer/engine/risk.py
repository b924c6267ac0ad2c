"""What a granted action puts at stake: privilege escalation, credentials exposure, resource
exposure, data exfiltration, infrastructure modification.

The lists are data (``data/risks.yml``, with their sources); the access levels come from AWS
(``actions``). A principal's privilege-escalation paths are the well-known combinations of
actions (Rhino Security Labs' catalogue, Cloudsplaining's list) that it is granted in full.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from reviewer.engine import actions

PRIVILEGE_ESCALATION = "privilege escalation"
CREDENTIALS_EXPOSURE = "credentials exposure"
RESOURCE_EXPOSURE = "resource exposure"
DATA_EXFILTRATION = "data exfiltration"
INFRASTRUCTURE_MODIFICATION = "infrastructure modification"
# Riskiest first: the order of labels, and of actions in the permission delta.
LABELS = (PRIVILEGE_ESCALATION, CREDENTIALS_EXPOSURE, RESOURCE_EXPOSURE, DATA_EXFILTRATION,
          INFRASTRUCTURE_MODIFICATION)


@dataclass(frozen=True)
class EscalationPath:
    """Actions that together let a principal raise its own privileges."""

    name: str
    actions: tuple[str, ...]


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    import yaml

    text = (Path(__file__).parent / "data" / "risks.yml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # C: 20x faster


def escalation_paths(extra: Iterable[dict[str, Any]] = ()) -> list[EscalationPath]:
    """The known paths, and an admin's own (``{name, actions}``)."""
    items = list(_data()["privilege_escalation"]) + list(extra)
    return [EscalationPath(str(i["name"]), tuple(str(a) for a in i["actions"])) for i in items]


@lru_cache(maxsize=1)
def _listed() -> dict[str, frozenset[str]]:
    data = _data()
    return {CREDENTIALS_EXPOSURE: frozenset(a.lower() for a in data["credentials_exposure"]),
            DATA_EXFILTRATION: frozenset(a.lower() for a in data["data_exfiltration"])}


class Grant:
    """What one principal is allowed: action patterns, and NotAction exclusions."""

    def __init__(self) -> None:
        self.exact: set[str] = set()  # lower-case action names
        self.wild: set[str] = set()  # lower-case patterns with * or ?
        self.all_but: list[set[str]] = []  # each Allow + NotAction: everything but these

    def add(self, patterns: Iterable[str]) -> None:
        """Allow these action names or patterns."""
        for pattern in patterns:
            pattern = pattern.strip().lower()
            (self.wild if actions.has_wildcard(pattern) else self.exact).add(pattern)

    def allows(self, action: str) -> bool:
        """Does some statement allow this action (resources and conditions aside)?"""
        name = action.lower()
        # A delta of "*" holds every action AWS documents: look names up, match only patterns.
        if name in self.exact or any(fnmatch.fnmatchcase(name, p) for p in self.wild):
            return True
        return any(not any(fnmatch.fnmatchcase(name, p) for p in excluded)
                   for excluded in self.all_but)


def complete_paths(grant: Grant, paths: list[EscalationPath]) -> list[EscalationPath]:
    """The escalation paths whose every action the grant allows."""
    return [p for p in paths if all(grant.allows(a) for a in p.actions)]


def labels(action: str, escalation: set[str]) -> list[str]:
    """The risks of one granted action; ``escalation`` holds the (lower-case) actions of the
    principal's complete escalation paths."""
    name = action.lower()
    out = []
    if name in escalation:
        out.append(PRIVILEGE_ESCALATION)
    if name in _listed()[CREDENTIALS_EXPOSURE]:
        out.append(CREDENTIALS_EXPOSURE)
    level = actions.primary_level(action) if ":" in action else "Unknown"
    if level == "Permissions management":
        out.append(RESOURCE_EXPOSURE)
    if name in _listed()[DATA_EXFILTRATION]:
        out.append(DATA_EXFILTRATION)
    if level in ("Write", "Permissions management"):
        out.append(INFRASTRUCTURE_MODIFICATION)
    return out


def riskiest_first(items: Iterable[str], risks: dict[str, list[str]]) -> list[str]:
    """Actions ordered by their worst risk, then by name; unlabelled ones last."""
    def key(action: str) -> tuple[int, str]:
        found = risks.get(action) or []
        return (min((LABELS.index(r) for r in found), default=len(LABELS)), action.lower())
    return sorted(items, key=key)
