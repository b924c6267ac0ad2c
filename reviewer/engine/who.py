"""Who can assume each role, and who can reach each resource: the two views of the access
delta that read trust and resource policies (issue 19, point 3).

For every trust or resource policy the change touches (new, or its statements changed), the
principals its Allow statements let in, each with the conditions that say which of them
may (a GitHub Actions role's ``sub`` and ``aud``, ``sts:ExternalId``, ``aws:SourceArn``,
``aws:PrincipalOrgID``, ...). An entry head has and base had not is marked new.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reviewer.engine.access import Access
from reviewer.engine.access_delta import Holder, Key, signature
from reviewer.engine.iam import IDENTITY, TRUST

MAX_ENTRIES = 40  # principals listed per holder
# Condition keys that say who, among a principal's callers, may come in.
WHO_KEYS = ("sub", "aud", "amr", "sts:externalid", "aws:sourcearn", "aws:sourceaccount",
            "aws:sourceowner", "aws:principalorgid", "aws:principalorgpaths", "aws:principalarn",
            "aws:principalaccount", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceip",
            "aws:sourceorgid", "kms:calleraccount", "kms:viaservice", "saml:aud")


@dataclass
class Entry:
    """One principal let in, under which conditions, by which line."""

    principal: str
    actions: list[str]
    conditions: list[str]
    line: int
    new: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"principal": self.principal, "actions": self.actions,
                "conditions": self.conditions, "line": self.line, "new": self.new}


@dataclass
class Reach:
    """Who can assume a role (``assume``) or reach a resource (``reach``)."""

    path: str
    holder: str
    kind: str
    entries: list[Entry] = field(default_factory=list)
    new_holder: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "holder": self.holder, "kind": self.kind,
                "new_holder": self.new_holder, "entries": [e.to_dict() for e in self.entries]}


def reach_views(base: dict[Key, Holder], head: dict[Key, Holder],
                renames: dict[str, str]) -> list[Reach]:
    """The trust and resource policies head changes, with who they let in."""
    moved = {(renames.get(path, path), name): holder for (path, name), holder in base.items()}
    out = []
    for (path, name), now in sorted(head.items()):
        if now.kind == IDENTITY:
            continue
        before = moved.get((path, name))
        signatures = {signature(p.access) for p in before.statements} if before else set()
        if before is not None and signatures == {signature(p.access) for p in now.statements}:
            continue  # untouched
        old = {(e.principal, tuple(e.conditions)) for e in _entries(before)} if before else set()
        entries = _entries(now)
        for entry in entries:
            entry.new = (entry.principal, tuple(entry.conditions)) not in old
        if entries or before is not None:
            out.append(Reach(path, name.rsplit(" (", 1)[0], "assume" if now.kind == TRUST else "reach",
                             entries[:MAX_ENTRIES], before is None))
    return out


def _entries(holder: Holder | None) -> list[Entry]:
    out: list[Entry] = []
    for placed in holder.statements if holder else []:
        access: Access = placed.access
        if access.effect != "Allow" or access.principals is None:
            continue
        conditions = sorted(c.describe() for c in access.conditions if _says_who(c.key))
        for principal in access.principals or ("(unknown until deployed)",):
            if access.not_principals is not None:
                principal = "* except " + ", ".join(access.not_principals[:3])
            out.append(Entry(principal, list(access.actions[:5]), conditions, placed.line))
    return out


def _says_who(key: str) -> bool:
    return key in WHO_KEYS or key.endswith((":sub", ":aud", ":amr"))
