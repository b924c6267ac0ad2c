"""The access model: each policy statement as what it allows or denies.

A statement is read into actions (patterns, or ``NotAction``), resources (ARN patterns, or
``NotResource``), principals (``Principal``/``NotPrincipal``, for trust and resource
policies) and conditions (operator, key, values; ``...IfExists``; ``ForAllValues:`` and
``ForAnyValue:``). A value known only when deployed (a parameter without a default, an
attribute of another resource, a Terraform value known after apply) is kept as unknown,
never guessed.

Comparisons follow AWS's documented semantics: condition keys are case-insensitive and
values compared by operator (IAM JSON policy elements: Condition operators); a condition
block holds when every one of its conditions holds; ``*`` and ``?`` match within ARNs and
strings as IAM's wildcards. "Covers" answers, for two statements of one policy holder,
whether everything the narrower one allows the wider one allows too.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from typing import Any

from reviewer.engine.finding import Path
from reviewer.engine.iam import Statement
from reviewer.engine.values import TOO_MANY, intrinsic, possible_strings

MAX_VALUES = 200  # values read per element of one statement; more are "not worked out"
# A template's reference left unresolved (``${Stage}``, ``${Bucket.Arn}``): known only when
# deployed. IAM's own policy variables have a colon (``${aws:username}``) or are ``${*}``,
# ``${?}``, ``${$}``: those are the policy's words, kept.
_UNRESOLVED = re.compile(r"\$\{[A-Za-z0-9_.-]{1,200}\}")

STRING_OPERATORS = {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}
NEGATED_STRING = {"stringnotequals", "stringnotequalsignorecase", "stringnotlike",
                  "arnnotequals", "arnnotlike"}
LESS = {"numericlessthan", "numericlessthanequals", "datelessthan", "datelessthanequals"}
GREATER = {"numericgreaterthan", "numericgreaterthanequals", "dategreaterthan",
           "dategreaterthanequals"}


@dataclass(frozen=True)
class Condition:
    """One condition: ``operator`` in lower case without IfExists, ``key`` in lower case."""

    operator: str
    key: str
    values: tuple[str, ...]
    if_exists: bool = False
    qualifier: str = ""  # "forallvalues", "foranyvalue" or ""
    unknown: bool = False  # a value is known only when deployed
    written: str = ""  # the operator as the policy writes it, for messages
    name: str = ""  # the key as the policy writes it

    def describe(self) -> str:
        shown = ", ".join(self.values[:3]) + (", ..." if len(self.values) > 3 else "")
        return f"{self.written or self.operator} {self.name or self.key} {shown}".strip()


@dataclass
class Access:
    """What one statement allows or denies."""

    effect: str  # "Allow" or "Deny"
    path: Path
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] = ("*",)
    not_resources: tuple[str, ...] | None = None
    principals: tuple[str, ...] | None = None  # None: an identity policy's statement
    not_principals: tuple[str, ...] | None = None
    conditions: tuple[Condition, ...] = ()
    unknown: set[str] = field(default_factory=set)  # elements with values known only when deployed
    sid: str = ""


def unresolved(text: str) -> bool:
    """Does the text hold a template reference left unresolved (known only when deployed)?"""
    return bool(_UNRESOLVED.search(text))


def read(statement: Statement) -> Access:
    """The access of one statement (its effect may be either, or unknown: then Allow)."""
    effects = statement.effects
    access = Access("Deny" if effects == {"Deny"} else "Allow", statement.path,
                    sid=str(statement.data.get("Sid") or ""))
    if len(effects) > 1:
        access.unknown.add("Effect")
    access.actions = _strings(statement, "Action", access)
    if "NotAction" in statement.data:
        access.not_actions = _strings(statement, "NotAction", access)
    if "NotResource" in statement.data:
        access.not_resources = _strings(statement, "NotResource", access)
        access.resources = ()
    elif "Resource" in statement.data:
        access.resources = _strings(statement, "Resource", access)
    if "Principal" in statement.data:
        access.principals = _principals(statement, "Principal", access)
    if "NotPrincipal" in statement.data:
        # Everyone but the ones named.
        access.principals = ("*",)
        access.not_principals = _principals(statement, "NotPrincipal", access)
    block = statement.data.get("Condition")
    if statement.document.synthetic and isinstance(block, dict):
        block = _as_conditions(block)
    access.conditions = conditions(block, statement, access)
    return access


# A Lambda permission's (or layer permission's) properties as the condition keys they are.
_PERMISSION_KEYS = {"SourceArn": ("ArnLike", "aws:SourceArn"),
                    "SourceAccount": ("StringEquals", "aws:SourceAccount"),
                    "PrincipalOrgID": ("StringEquals", "aws:PrincipalOrgID"),
                    "OrganizationId": ("StringEquals", "aws:PrincipalOrgID"),
                    "FunctionUrlAuthType": ("StringEquals", "lambda:FunctionUrlAuthType")}


def _as_conditions(block: dict[str, Any]) -> dict[str, Any]:
    """A permission's properties written as a condition block; a real block stays."""
    out: dict[str, Any] = {}
    for key, value in block.items():
        if key in _PERMISSION_KEYS:
            operator, name = _PERMISSION_KEYS[key]
            out.setdefault(operator, {})[name] = value
        else:
            out[key] = value
    return out


def _principal_words(kind: str, value: str) -> str:
    """A principal written as a plain string (a Lambda permission's ``Principal``)."""
    if value == "*":
        return "*"
    if value.endswith(".amazonaws.com") or value.endswith(".amazonaws.com.cn"):
        return f"Service:{value}"
    return f"AWS:{value}"


def _strings(statement: Statement, key: str, access: Access) -> tuple[str, ...]:
    found = statement.values(key)
    out = []
    for value, _ in found[:MAX_VALUES]:
        if value == TOO_MANY:
            access.unknown.add(key)
            continue
        if _UNRESOLVED.search(value):
            access.unknown.add(key)
        out.append(value)  # kept as written: the same unknown in base is no change
    if len(found) > MAX_VALUES:
        access.unknown.add(key)
    opaque = _opaque(statement.data.get(key))
    if opaque:
        access.unknown.add(key)
        out.extend(opaque)
    return tuple(out)


def _opaque(node: Any) -> list[str]:
    """Values no string was worked out for (an attribute, an apply-time Terraform value),
    each as a stable text of what is written, so that an unchanged one compares equal."""
    items = node if isinstance(node, list) else [node]
    return [json.dumps(item, sort_keys=True, default=str)[:300] for item in items[:MAX_VALUES]
            if intrinsic(item) is not None and not possible_strings(item, ())]


def _principals(statement: Statement, key: str, access: Access) -> tuple[str, ...]:
    node = statement.data.get(key)
    if node == "*":
        return ("*",)
    out: list[str] = []
    if isinstance(node, str) or (intrinsic(node) and statement.document.synthetic):
        texts = [t for t, _ in possible_strings(node, (), statement.parameters, statement.document.mappings)]
        if not texts or any(t == TOO_MANY or _UNRESOLVED.search(t) for t in texts):
            access.unknown.add(key)
        return tuple(_principal_words(key, t) for t in texts if t != TOO_MANY and not _UNRESOLVED.search(t))
    if not isinstance(node, dict):
        access.unknown.add(key)
        return ()
    for kind, values in node.items():
        items = values if isinstance(values, list) else [values]
        for item in items[:MAX_VALUES]:
            texts = [s for s, _ in possible_strings(item, (), statement.parameters, statement.document.mappings)]
            if not texts or any(t == TOO_MANY or _UNRESOLVED.search(t) for t in texts):
                access.unknown.add(key)
            out.extend(f"{kind}:{t}" if t != "*" or kind != "AWS" else "*" for t in texts
                       if t != TOO_MANY and not _UNRESOLVED.search(t))
    return tuple(out)


def conditions(block: Any, statement: Statement | None, access: Access | None = None) -> tuple[Condition, ...]:
    """A statement's conditions, one per operator and key."""
    if block is None:
        return ()
    if not isinstance(block, dict) or intrinsic(block):
        if access is not None:
            access.unknown.add("Condition")
        return ()
    out = []
    for operator, keys in block.items():
        if not isinstance(operator, str):
            continue
        qualifier, _, name = operator.rpartition(":")
        name = name.lower()
        if_exists = name.endswith("ifexists")
        if if_exists:
            name = name[: -len("ifexists")]
        if not isinstance(keys, dict):
            if access is not None:
                access.unknown.add("Condition")
            continue
        for key, raw in keys.items():
            items = raw if isinstance(raw, list) else [raw]
            values: list[str] = []
            unknown = False
            for item in items[:MAX_VALUES]:
                if statement is not None:
                    texts = [s for s, _ in possible_strings(item, (), statement.parameters,
                                                            statement.document.mappings)]
                else:
                    texts = [str(item)] if isinstance(item, (str, int, float, bool)) else []
                if not texts or any(t == TOO_MANY or _UNRESOLVED.search(str(t)) for t in texts):
                    unknown = True
                values.extend(str(t).lower() if isinstance(item, bool) else str(t)
                              for t in texts if t != TOO_MANY)
            # A key made by the template (``${ClusterId}:sub``) is known only when deployed.
            unknown = unknown or bool(_UNRESOLVED.search(str(key)))
            out.append(Condition(name, str(key).lower(), tuple(values), if_exists,
                                 qualifier.lower(), unknown, operator, str(key)))
    return tuple(out)


# ----------------------------------------------------------------------------- containment


def _glob_match(pattern: str, text: str) -> bool:
    """IAM's wildcards: ``*`` any run of characters (``/`` too), ``?`` one character (never
    the narrower pattern's ``*``, a run of them); everything else literal. The classic
    two-pointer match: at most len(pattern) x len(text) steps, never exponential, whatever a
    hostile ARN holds (a regular expression of many ``.*`` would backtrack without end)."""
    pattern, text = pattern[:2048], text[:2048]
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and (pattern[p] == text[t] and pattern[p] != "*" or
                                 pattern[p] == "?" and text[t] != "*"):
            p, t = p + 1, t + 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif star >= 0:
            p, mark = star + 1, mark + 1
            t = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def contained(narrow: str, wide: str, ignore_case: bool = False) -> bool:
    """Does every string ``narrow`` matches (a pattern: ``*``, ``?``) match ``wide`` too?

    Exact for literals; for a pattern inside a pattern, ``wide``'s wildcards are matched
    against ``narrow``'s written text, wildcards included, which holds whenever ``wide``
    has a ``*`` where ``narrow`` has one (the shapes IAM policies take)."""
    if ignore_case:
        narrow, wide = narrow.lower(), wide.lower()
    if narrow == wide or wide == "*":
        return True
    if "*" not in wide and "?" not in wide:
        return False
    return _glob_match(wide, narrow)


def action_contained(narrow: str, wide: str) -> bool:
    """Actions: case-insensitive, service prefix and name as one pattern."""
    return contained(narrow, wide, ignore_case=True)


def cidr_contained(narrow: str, wide: str) -> bool:
    try:
        a, b = ipaddress.ip_network(narrow, strict=False), ipaddress.ip_network(wide, strict=False)
    except ValueError:
        return narrow == wide
    return a.version == b.version and a.subnet_of(b)  # type: ignore[arg-type]


def implies(strict: Condition, loose: Condition) -> bool | None:
    """Does ``strict`` holding make ``loose`` hold (same key)? None: unknown until deployed."""
    if strict.key != loose.key:
        return False
    if strict.unknown or loose.unknown:
        return None
    if strict.qualifier != loose.qualifier:
        return False
    if strict.if_exists and not loose.if_exists and loose.operator != "null" \
            and strict.operator not in NEGATED_STRING and strict.operator != "notipaddress":
        # strict lets requests without the key through; loose does not. (A negated operator
        # is true without the key anyway: IfExists changes nothing there.)
        return False
    a, b = strict.operator, loose.operator
    if a in STRING_OPERATORS and b in STRING_OPERATORS:
        return _strings_implied(strict, loose)
    if a in NEGATED_STRING and b in NEGATED_STRING:
        fold = "ignorecase" in a
        if "ignorecase" in b and not fold:
            return False  # loose excludes every casing; strict only the one written
        # strict must exclude at least what loose excludes.
        return all(any(contained(w, v, fold) for v in strict.values) for w in loose.values)
    if a == b == "ipaddress":
        return all(any(cidr_contained(v, w) for w in loose.values) for v in strict.values)
    if a == b == "notipaddress":
        return all(any(cidr_contained(w, v) for v in strict.values) for w in loose.values)
    if a in LESS and b in LESS and a.startswith("numeric") and b.startswith("numeric"):
        # Several values: any may match, so the largest is the limit.
        return _bound(_numbers(strict.values, max), _numbers(loose.values, max),
                      a.endswith("equals"), b.endswith("equals"), lambda x, y: x < y)
    if a in GREATER and b in GREATER and a.startswith("numeric") and b.startswith("numeric"):
        return _bound(_numbers(strict.values, min), _numbers(loose.values, min),
                      a.endswith("equals"), b.endswith("equals"), lambda x, y: x > y)
    if a == b:
        return set(strict.values) <= set(loose.values) if a not in ("bool", "null") else \
            set(v.lower() for v in strict.values) == set(v.lower() for v in loose.values)
    return False


def _strings_implied(strict: Condition, loose: Condition) -> bool:
    """Every value the strict string condition lets through, the loose one does too."""
    fold = "ignorecase" in loose.operator
    if "ignorecase" in strict.operator and not fold:
        return False  # strict takes any casing; loose only the one written
    strict_like = strict.operator in ("stringlike", "arnlike")
    loose_like = loose.operator in ("stringlike", "arnlike")
    for value in strict.values:
        if strict_like and not _literal(value):
            # A pattern: only a pattern of loose can hold everything it matches.
            if not loose_like or not any(contained(value, w, fold) for w in loose.values):
                return False
        elif loose_like:
            if not any(contained(value, w, fold) for w in loose.values):
                return False
        elif not any((value.lower() == w.lower()) if fold else value == w for w in loose.values):
            return False
    return True


def _bound(strict: float | None, loose: float | None, strict_inclusive: bool,
           loose_inclusive: bool, tighter: Any) -> bool:
    """Is strict's limit at least as tight as loose's (``tighter(x, y)``: x is tighter)?"""
    if strict is None or loose is None:
        return False
    if strict == loose:
        return loose_inclusive or not strict_inclusive
    return bool(tighter(strict, loose))


def _literal(value: str) -> bool:
    return "*" not in value and "?" not in value


def _numbers(values: tuple[str, ...], pick: Any) -> float | None:
    try:
        return pick(float(v) for v in values)
    except ValueError:
        return None
