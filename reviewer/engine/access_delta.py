"""New access, not new names: what head's statements allow that base's did not, beyond the
actions it names for the first time (those are ``delta.permission_delta``'s).

Per policy holder (a principal of identity policies; the resource of a trust or resource
policy), each head ``Allow`` is compared with base's: the same action on wider resources, a
condition removed or loosened (a value list grown, ``StringEquals`` to ``StringLike``, a
wider CIDR), a principal let in, ``NotAction``/``NotResource`` introduced, a ``Deny`` removed
or narrowed. Statements equal up to the order of their values, and statements split or
merged without widening, are no change. Where a value is known only when deployed the item
says "may widen" and why, never "no change".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from reviewer.engine.access import Access, Condition, action_contained, contained, implies, read
from reviewer.engine.document import Document
from reviewer.engine.iam import IDENTITY, TRUST, policy_documents, statements

ELEMENTS = ("Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition")
# Which element a kind of widening is shown at.
WHERE = {"wider-resources": "Resource", "condition-removed": "Condition",
         "condition-loosened": "Condition", "principal-added": "Principal",
         "not-action": "NotAction", "not-resource": "NotResource", "new-grant": "Action"}
MAX_STATEMENTS = 300  # statements compared per holder and side
MAX_COMPARISONS = 200_000  # element comparisons per holder (see _Budget)
MAX_EXPANDED = 64  # a wildcard action matching more is compared as written
MAX_CHANGES = 50  # changes kept per holder

Key = tuple[str, str]  # (file, holder)


@dataclass
class AccessChange:
    """One way head allows more: what, where in head (and in base), in words."""

    kind: str  # wider-resources, condition-removed, condition-loosened, principal-added,
    # not-action, not-resource, deny-removed, deny-narrowed, new-grant, may-widen
    actions: list[str]
    detail: str
    line: int
    base_line: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "actions": self.actions, "detail": self.detail,
                "line": self.line, "base_line": self.base_line}

    @property
    def headline(self) -> str:
        """The kind of widening in a few words."""
        return KINDS.get(self.kind, self.kind)


KINDS = {"wider-resources": "on wider resources", "condition-removed": "a condition removed",
         "condition-loosened": "a condition loosened", "principal-added": "more principals let in",
         "not-action": "NotAction introduced", "not-resource": "NotResource introduced",
         "deny-removed": "a Deny removed", "deny-narrowed": "a Deny narrowed",
         "new-grant": "newly allowed", "may-widen": "may widen (known only when deployed)",
         "boundary-removed": "its permissions boundary removed",
         "boundary-replaced": "its permissions boundary replaced"}


@dataclass
class _Placed:
    access: Access
    line: int  # the statement's
    lines: dict[str, int] = field(default_factory=dict)  # Resource, Condition, ...: their own

    def at(self, element: str) -> int:
        return self.lines.get(element, self.line)


@dataclass
class Holder:
    """A principal or a resource, with its statements on one side."""

    kind: str  # IDENTITY, TRUST or the resource policy kind
    statements: list[_Placed] = field(default_factory=list)
    line: int = 1  # where its (first) policy starts: what a removed statement is shown at


def holders(documents: Iterable[Document]) -> dict[Key, Holder]:
    """Every policy holder's statements, as access, with their lines."""
    out: dict[Key, Holder] = {}
    for doc in documents:
        try:
            found = _holders(doc)
        except Exception:  # noqa: BLE001 - one file's model must not take the others'
            from reviewer import logs

            logs.logger(__name__).exception("access model failed on %s", doc.path)
            continue
        for key, holder in found.items():
            out.setdefault(key, Holder(holder.kind, line=holder.line)).statements.extend(holder.statements)
    return out


def _holders(doc: Document) -> dict[Key, Holder]:
    out: dict[Key, Holder] = {}
    params = doc.parameters()
    for policy in policy_documents(doc):
        if policy.kind == IDENTITY:
            names = list(policy.principals) or [policy.resource or doc.path]
        else:
            label = "trust policy" if policy.kind == TRUST else "resource policy"
            names = [f"{policy.resource or doc.path} ({label})"]
        line = doc.locate(policy.path)[1]
        for statement in statements(policy, params)[:MAX_STATEMENTS]:
            placed = _Placed(read(statement), doc.locate(statement.path)[1],
                             {key: doc.locate(statement.path + (key,))[1] for key in ELEMENTS
                              if key in statement.data})
            for name in names:
                out.setdefault((doc.path, name), Holder(policy.kind, line=line)).statements.append(placed)
    return out


def granted_on(holder: Holder | None, action: str) -> tuple[str, ...]:
    """The resources head's Allow statements grant ``action`` on (as written), bounded."""
    found: list[str] = []
    for placed in holder.statements if holder else []:
        access = placed.access
        if access.effect == "Allow" and any(action_contained(action, a) for a in access.actions):
            for resource in access.resources or ("every resource but " + ", ".join(access.not_resources or ()),):
                if resource not in found:
                    found.append(resource)
        if len(found) >= 10:
            break
    return tuple(sorted(found))


def access_changes(base: dict[Key, Holder], head: dict[Key, Holder],
                   renames: dict[str, str]) -> dict[Key, list[AccessChange]]:
    """Per holder present on both sides, how head allows more than base."""
    moved = {(renames.get(path, path), name): holder for (path, name), holder in base.items()}
    out: dict[Key, list[AccessChange]] = {}
    for key, now in sorted(head.items()):
        before = moved.get(key)
        if before is None:
            continue  # a new holder: all it is given is new, and named as such
        found = compare(before, now)
        if found:
            out[key] = found[:MAX_CHANGES]
    return out


class _Budget:
    """Comparisons left for one holder: a hostile policy cannot hold the review for minutes.
    What is not compared when it runs out is said ("may widen"), never taken as no change."""

    def __init__(self, left: int | None = None) -> None:
        self.left = MAX_COMPARISONS if left is None else left

    def spend(self, amount: int = 1) -> bool:
        self.left -= amount
        return self.left >= 0


def compare(before: Holder, now: Holder) -> list[AccessChange]:
    """How ``now`` allows more than ``before`` (one holder)."""
    base = [p for p in before.statements[:MAX_STATEMENTS]]
    head = [p for p in now.statements[:MAX_STATEMENTS]]
    base_signatures = {signature(p.access) for p in base}
    head_signatures = {signature(p.access) for p in head}
    allows = _Index([p for p in base if p.access.effect == "Allow"])
    budget = _Budget()
    grouped: dict[tuple[str, int, int | None, str], list[str]] = defaultdict(list)
    for index, placed in enumerate(head):
        access = placed.access
        if access.effect != "Allow" or signature(access) in base_signatures:
            continue  # denies are judged from base's side; an unchanged statement is no change
        for kind, action, base_line, detail in _widenings(access, allows, now.kind, budget):
            if base_line is None and index < len(base) and kind not in ("new-grant",):
                base_line = base[index].line  # the statement in its place in base
            grouped[(kind, placed.at(WHERE.get(kind, "")), base_line, detail)].append(action)
    denies = [p for p in head if p.access.effect == "Deny"]
    for placed in base:
        if placed.access.effect == "Deny" and signature(placed.access) not in head_signatures:
            found = _deny_kept(placed, denies, now.line, budget)
            if found is not None:
                kind, line, detail = found
                grouped[(kind, line, placed.line, detail)].extend(placed.access.actions or ["*"])
    return [AccessChange(kind, sorted(set(actions), key=str.lower), detail, line, base_line)
            for (kind, line, base_line, detail), actions in sorted(grouped.items(), key=lambda kv: kv[0][1])]


class _Index:
    """Base statements by the service their actions name (``*`` patterns apart)."""

    def __init__(self, placed: list[_Placed]) -> None:
        self.all = placed
        self.by_service: dict[str, list[_Placed]] = defaultdict(list)
        self.everywhere: list[_Placed] = []
        for p in placed:
            services = {a.split(":", 1)[0].lower() for a in p.access.actions if ":" in a}
            if any(":" not in a for a in p.access.actions):
                self.everywhere.append(p)
            for service in services:
                self.by_service[service].append(p)

    def holding(self, action: str, budget: _Budget) -> list[_Placed]:
        service = action.split(":", 1)[0].lower() if ":" in action else ""
        candidates = self.all if not service or "*" in service or "?" in service else \
            self.by_service.get(service, []) + self.everywhere
        budget.spend(len(candidates))
        return [p for p in candidates if any(action_contained(action, a) for a in p.access.actions)]


_ATTRIBUTES = {"Action": "actions", "NotAction": "not_actions", "Resource": "resources",
               "NotResource": "not_resources", "Principal": "principals",
               "NotPrincipal": "not_principals", "Condition": "conditions", "Effect": "effect"}


def _widenings(access: Access, base: _Index, holder_kind: str,
               budget: _Budget) -> Iterable[tuple[str, str, int | None, str]]:
    for element in sorted(access.unknown):
        attribute = _ATTRIBUTES.get(element, "")
        # The same value as base's, known or not, changes nothing.
        if not any(getattr(p.access, attribute, None) == getattr(access, attribute, None) and
                   element in p.access.unknown for p in base.all):
            yield "may-widen", ", ".join(access.actions[:3]) or "*", None, \
                f"its {element} is known only when deployed"
    if access.not_actions is not None and not any(p.access.not_actions is not None for p in base.all):
        yield "not-action", "*", None, "allows every action but " + ", ".join(access.not_actions[:5])
    if access.not_resources is not None and not any(p.access.not_resources is not None for p in base.all):
        yield "not-resource", ", ".join(access.actions[:3]) or "*", None, \
            "on every resource but " + ", ".join(access.not_resources[:3])
    for pattern in access.actions:
        for action in _expanded(pattern):
            if not budget.spend():
                yield "may-widen", pattern, None, "too large to compare in full"
                return
            holding = base.holding(action, budget)
            if not holding:
                if holder_kind != IDENTITY:  # identity grants of new actions: named by the delta
                    yield "new-grant", action, None, _who(access)
                continue
            yield from _wider(access, action, holding, budget)


def _expanded(pattern: str) -> list[str]:
    """A wildcard in an action, opened into the actions it matches (so that ``sqs:SendMessage*``
    is compared as the one action it grants); a wide one is compared as written."""
    if "*" not in pattern and "?" not in pattern or ":" not in pattern:
        return [pattern]
    from reviewer.engine import actions

    found = actions.expand(pattern)
    return list(found) if 0 < len(found) <= MAX_EXPANDED else [pattern]


def _wider(access: Access, action: str, holding: list[_Placed],
           budget: _Budget) -> Iterable[tuple[str, str, int | None, str]]:
    """Per resource of the head statement, the base statements holding it (together: merged
    statements are no change), then per principal, then their conditions."""
    if access.not_resources is not None:
        covering = [p for p in holding if p.access.not_resources is not None and
                    all(any(contained(x, y) for y in access.not_resources) for x in p.access.not_resources)]
        if not covering:
            was = holding[0].access
            yield "wider-resources", action, holding[0].line, \
                f"now on every resource but {', '.join(access.not_resources[:3])} " \
                f"(was {', '.join((was.resources or was.not_resources or ())[:3])})"
            return
        places = [("*", covering)]
    else:
        places = []
        for resource in access.resources:
            budget.spend(len(holding))
            covering = [p for p in holding if p.access.not_resources is None and
                        any(contained(resource, w) for w in p.access.resources)]
            if not covering:
                best = holding[0]
                was = ", ".join((best.access.resources or ("every resource but " + ", ".join(
                    best.access.not_resources or ()),))[:3])
                also = _loosened(access.conditions, best.access.conditions)
                more = f"; and {also[1]}" if isinstance(also, tuple) else ""
                yield "wider-resources", action, best.line, f"now on {resource} (was {was}){more}"
                return
            places.append((resource, covering))
    for _, covering in places:
        for principal in access.principals if access.principals is not None else (None,):
            letting = covering if principal is None else \
                [p for p in covering if _principals_contained((principal,), p.access.principals)]
            if not letting:
                yield "principal-added", action, covering[0].line, f"now also {principal}"
                return
            verdicts = [(p, _loosened(access.conditions, p.access.conditions)) for p in letting]
            if any(v is True for _, v in verdicts):
                continue  # some base statement allowed it at least as widely
            best, why = verdicts[0]
            if why is None:
                yield "may-widen", action, best.line, "a condition's value is known only when deployed"
            else:
                yield why[0], action, best.line, why[1].split(": ", 1)[1]
            return


def _loosened(now: tuple[Condition, ...], before: tuple[Condition, ...]) -> bool | tuple[str, str] | None:
    """True when every condition of ``before`` holds whenever ``now``'s do; else the first
    that does not (removed, or loosened), or None when a value is known only when deployed."""
    unknown = False
    for old in before:
        same = [c for c in now if c.key == old.key]
        if not same:
            return "condition-removed", f"condition removed: {old.describe()}"
        answers = [implies(c, old) for c in same]
        if any(a is True for a in answers):
            continue
        if any(a is None for a in answers):
            unknown = True
            continue
        return "condition-loosened", f"condition loosened: now {same[0].describe()} (was {old.describe()})"
    return None if unknown else True


def _principals_contained(narrow: tuple[str, ...] | None, wide: tuple[str, ...] | None) -> bool:
    if narrow is None or wide is None:
        return wide is None or narrow is None
    if "*" in wide:
        return True
    canon = {_account(p) for p in wide}
    return all(_account(p) in canon for p in narrow)


def _account(principal: str) -> str:
    """An account's id and its root ARN are the same principal."""
    kind, _, value = principal.partition(":")
    if kind == "AWS" and value.startswith("arn:") and value.endswith(":root"):
        return "AWS:" + value.split(":")[4]
    return principal


def _deny_kept(deny: _Placed, head: list[_Placed], anchor: int, budget: _Budget) -> tuple[str, int, str] | None:
    """None when head's Deny statements, together, deny at least what ``deny`` did; else how
    it is gone (removed: no head Deny names its actions; narrowed: some do, not all of it)."""
    d = deny.access
    overlapping = [p for p in head if any(action_contained(a, b) or action_contained(b, a)
                                          for a in d.actions for b in p.access.actions)]
    budget.spend(len(head) * max(len(d.actions), 1))
    if not overlapping:
        return "deny-removed", anchor, "no longer denied" + _on(d.resources)
    for action in d.actions or ("*",):
        for resource in d.resources or ("*",):
            if not any(_denies(p.access, action, resource, d) for p in overlapping):
                return "deny-narrowed", overlapping[0].line, "denied more narrowly now" + _on(d.resources)
    return None


def _denies(h: Access, action: str, resource: str, d: Access) -> bool:
    """Does head's Deny ``h`` deny ``action`` on ``resource`` whenever base's ``d`` did?"""
    if h.not_actions is not None:
        if any(action_contained(action, x) or action_contained(x, action) for x in h.not_actions):
            return False
    elif not any(action_contained(action, b) for b in h.actions):
        return False
    if h.not_resources is not None:
        if d.not_resources is None and any(contained(resource, x) or contained(x, resource)
                                           for x in h.not_resources):
            return False
        if d.not_resources is not None and not all(any(contained(x, y) for y in d.not_resources)
                                                   for x in h.not_resources):
            return False
    elif not any(contained(resource, w) for w in h.resources):
        return False
    if d.principals is not None and not _principals_contained(d.principals, h.principals):
        return False
    # h must hold whenever d held: each of h's conditions implied by d's.
    return _loosened(d.conditions, h.conditions) is True


def _on(resources: tuple[str, ...]) -> str:
    return f" (was denied on {', '.join(resources[:3])})" if resources and resources != ("*",) else ""


def _who(access: Access) -> str:
    if access.principals is None:
        return "newly allowed"
    return "lets in " + ", ".join(access.principals[:3])


def signature(access: Access) -> tuple[object, ...]:
    """The statement's meaning, whatever the order of its values."""
    return (access.effect, tuple(sorted(a.lower() for a in access.actions)),
            tuple(sorted(access.not_actions or ())) if access.not_actions is not None else None,
            tuple(sorted(access.resources)),
            tuple(sorted(access.not_resources)) if access.not_resources is not None else None,
            tuple(sorted(access.principals)) if access.principals is not None else None,
            tuple(sorted(access.not_principals)) if access.not_principals is not None else None,
            tuple(sorted((c.operator, c.key, tuple(sorted(c.values)), c.if_exists, c.qualifier)
                         for c in access.conditions)),
            tuple(sorted(access.unknown)))
