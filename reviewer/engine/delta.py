"""The permission delta: per principal, what head grants that base did not.

A reviewer reads "FunctionRole gains s3:PutObject, s3:DeleteObject" far more easily than a
diff of two policy documents. Wildcards are expanded against the AWS action list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from reviewer.engine import actions, risk
from reviewer.engine.access_delta import AccessChange
from reviewer.engine.document import TEMPLATE, Document
from reviewer.engine.finding import Finding
from reviewer.engine.values import TOO_MANY
from reviewer.engine.iam import (IDENTITY, attachments, policy_documents,
                                 statements)

# Actions without a risk label are grouped by access level, in this order.
LEVEL_ORDER = ("write", "permissions management", "tagging", "read", "list", "unknown", "other")
Grants = dict[tuple[str, str], set[str]]  # (file, principal) -> actions and attachments
# Actions written with more !If/!Join/!Sub combinations, or deeper, than are worked out.
NOT_WORKED_OUT = "actions not worked out in full (too many or too deeply nested intrinsics)"


@dataclass
class PrincipalDelta:
    """What one principal gains, riskiest first, and what each gained action puts at stake."""

    path: str
    principal: str
    added: list[str]
    risks: dict[str, list[str]] = field(default_factory=dict)  # action -> labels
    escalation: list[str] = field(default_factory=list)  # escalation paths now complete
    # Access gained beyond new action names (wider resources, looser conditions, ...).
    changes: list[AccessChange] = field(default_factory=list)
    # The resources each gained action is granted on, as head's statements write them.
    on: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Gained actions a guardrail of the organisation certainly denies: action -> its name.
    denied: dict[str, str] = field(default_factory=dict)

    def grouped(self, shown: int = 3) -> list[tuple[tuple[str, ...], list[tuple[str, list[str]]]]]:
        """The gained actions per set of resources, then by their worst risk (riskiest
        first; "other" last): what a reader needs to see what is at stake, and where."""
        by_place: dict[tuple[str, ...], list[str]] = {}
        for action in self.added:
            by_place.setdefault(self.on.get(action, ()), []).append(action)
        out = []
        order = risk.LABELS + LEVEL_ORDER
        for place, gained in by_place.items():
            by_risk: dict[str, list[str]] = {}
            for action in gained:
                # Its worst risk; an action without one by its access level (read, list, ...).
                found = self.risks.get(action)
                worst = found[0] if found else (actions.primary_level(action).lower()
                                                if ":" in action else "other")
                if action in self.denied:
                    worst = f"denied by the organisation's SCP {self.denied[action]}"
                by_risk.setdefault(worst, []).append(action)
            out.append((place, sorted(by_risk.items(), key=lambda kv: order.index(kv[0])
                                      if kv[0] in order else len(order))))
        return out

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "principal": self.principal, "added": self.added,
                "risks": {a: r for a, r in self.risks.items() if r},
                "escalation_paths": self.escalation,
                "changes": [c.to_dict() for c in self.changes],
                "on": {a: list(r) for a, r in self.on.items()},
                "denied_by_guardrails": dict(self.denied)}

    def shown(self, action: str) -> str:
        """``iam:PassRole [privilege escalation]``: an action with its worst risks."""
        found = self.risks.get(action) or []
        return f"{action} [{', '.join(found[:2])}]" if found else action


def grants(documents: list[Document], failed: list[Finding] | None = None) -> Grants:
    """Actions (expanded) and managed policies each principal is given, per file. A file
    whose grants cannot be worked out gives none, and a ``review-incomplete`` finding in
    ``failed`` says so."""
    out: Grants = defaultdict(set)
    for doc in documents:
        try:
            found = _document_grants(doc)
        except Exception as exc:  # noqa: BLE001 - one file must not take the others' delta
            from reviewer import logs

            logs.logger(__name__).exception("permission delta failed on %s", doc.path)
            if failed is not None:
                failed.append(Finding(
                    "review-incomplete", "error", doc.path, 1, 1,
                    "not reviewed: the permission delta of this file could not be worked out "
                    f"({type(exc).__name__}: {str(exc)[:200]}); please report it", "delta-failed"))
            continue
        for key, granted in found.items():
            out[key].update(granted)
    return out


def _document_grants(doc: Document) -> Grants:
    out: Grants = defaultdict(set)
    params = doc.parameters()
    managed_users = _managed_policy_users(doc)
    for policy in policy_documents(doc):
        if policy.kind != IDENTITY:
            continue
        principals = set(policy.principals) | managed_users.get(policy.resource or "", set())
        granted: set[str] = set()
        for statement in statements(policy, params):
            if not statement.allows:
                continue
            for pattern, _ in statement.values("Action"):
                if pattern == TOO_MANY:
                    # Not worked out in full: what else it grants is not known to be nothing.
                    granted.add(NOT_WORKED_OUT)
                    continue
                granted.update(actions.expand(pattern) if actions.has_wildcard(pattern)
                               else (_canonical(pattern),))
            if "NotAction" in statement.data:
                excluded = sorted(p for p, _ in statement.values("NotAction"))
                granted.add("every action except " + ", ".join(excluded))
        for principal in principals or {policy.resource or doc.path}:
            out[(doc.path, principal)].update(granted)
    # Managed policies defined elsewhere: their actions are unknown here, so name them.
    local = {r.logical_id for r in doc.resources()}
    for ref, principals in managed_users.items():
        if ref not in local:
            for principal in principals:
                out[(doc.path, principal)].add(f"managed policy {ref}")
    return out


def _managed_policy_users(doc: Document) -> dict[str, set[str]]:
    users: dict[str, set[str]] = defaultdict(set)
    if doc.kind != TEMPLATE:
        return users
    for attachment in attachments(doc):
        users[attachment.policy].add(attachment.principal)
    return users


def _canonical(action: str) -> str:
    expanded = actions.expand(action)
    return expanded[0] if len(expanded) == 1 else action


def permission_delta(base: Grants, head: Grants, renames: dict[str, str],
                     changes: dict[tuple[str, str], list[AccessChange]] | None = None) -> list[PrincipalDelta]:
    """Per principal, what head grants beyond base (files followed through renames), each
    gained action labelled with its risks, riskiest first; with ``changes``, the access
    each principal (or resource) gains beyond new action names."""
    changes = dict(changes or {})
    moved: Grants = defaultdict(set)
    for (path, principal), granted in base.items():
        moved[(renames.get(path, path), principal)].update(granted)
    paths = risk.escalation_paths()
    out = []
    for (path, principal), granted in sorted(head.items()):
        added = granted - moved.get((path, principal), set())
        more = changes.pop((path, principal), [])
        if not added and not more:
            continue
        grant = risk.Grant()
        grant.add(a for a in granted if ":" in a)  # not "managed policy X" and the like
        complete = risk.complete_paths(grant, paths)
        escalation = {a.lower() for p in complete for a in p.actions}
        risks = {a: risk.labels(a, escalation) for a in added}
        gained = {a.lower() for a in added}
        # The paths this change completes: those it adds an action to.
        named = [p.name for p in complete if any(a.lower() in gained for a in p.actions)]
        out.append(PrincipalDelta(path, principal, risk.riskiest_first(added, risks), risks, named, more))
    for (path, principal), more in sorted(changes.items()):  # resource and trust policies
        out.append(PrincipalDelta(path, principal, [], {}, [], more))
    return out
