"""``no-shared-policies``: one customer policy per principal, one role per function.

A policy shared by several roles grows to the union of what they all need, and a role
shared by several functions gives each the others' permissions.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from typing import Any, Iterable

from reviewer.engine import actions
from reviewer.engine.document import TEMPLATE, Document
from reviewer.engine.finding import Hit, Path
from reviewer.engine.iam import (FunctionRole, attachments, function_roles, is_aws_managed,
                                 only_own_user, policy_documents, principal_of, statements)
from reviewer.engine.values import intrinsic, referenced_names
from reviewer.rules.base import Context, RuleKind

_POLICY_ARN = re.compile(r"^arn:[^:]*:iam::(?:\$\{[^}]+\}|[^:]*):policy/.+")
# Bounds on working out whether two conditions can hold together: the combinations of
# parameter values and unknown facts tried for one pair, the size of a pair's formula, and
# the work (formula nodes read, and cases times formula size) spent on one template.
MAX_CASES = 1024
MAX_NODES = 128
MAX_WORK = 500_000


class NoSharedPolicies(RuleKind):
    kind = "no-shared-policies"

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        resources = {r.logical_id: r for r in doc.resources()}
        together = Coexistence(doc)
        conditions = _principal_conditions(doc, resources)
        # Customer managed policy -> [(principal, path of the attachment, resource holding it)]
        attached: dict[str, list[tuple[str, Path, str]]] = defaultdict(list)
        for attachment in attachments(doc):
            if attachment.policy in resources or _is_customer_policy(attachment.policy):
                attached[attachment.policy].append(
                    (attachment.principal, attachment.path, attachment.resource))
        self_service = _self_service_policies(doc)
        for policy, places in attached.items():
            if policy in self_service:
                continue  # each user manages only themselves: sharing grows no one's access
            seen: dict[str, str | None] = {}  # principal -> its condition, in attachment order
            for principal, path, holder in places:
                if principal in seen:
                    continue
                # The principal's own condition, else the attachment's (count = var.env ==
                # "staging" ? 1 : 0): the policy is that principal's only where both exist.
                condition = conditions.get(principal) or _condition_of(resources.get(holder))
                first = next((other for other, theirs in seen.items()
                              if together.possible(theirs, condition)), None)
                if first:
                    yield Hit(path, f'customer policy "{policy}" is attached to {first} and also '
                                    f"to {principal}; give each principal a policy of its own",
                              f"{policy}->{principal}", _named(policy, principal, holder, resources))
                seen[principal] = condition
        yield from _shared_roles(doc, together)

    def check_project(self, docs: list[Document], ctx: Context) -> Iterable[tuple[Document, Hit]]:
        yield from _roles_across_files(docs)
        # A literal customer managed policy ARN attached from several templates.
        users: dict[str, list[tuple[Document, str, Path]]] = defaultdict(list)
        for doc in sorted(docs, key=lambda d: d.path):
            for attachment in attachments(doc):
                if _is_customer_policy(attachment.policy):
                    users[attachment.policy].append((doc, attachment.resource, attachment.path))
        for arn, places in users.items():
            files = sorted({doc.path for doc, _, _ in places})
            if len(files) < 2:
                continue
            for doc, principal, path in places:
                if doc.path == files[0]:
                    continue
                yield doc, Hit(path, f'customer managed policy "{arn}" is also attached in '
                                     f"{files[0]}; each principal needs its own policy",
                               f"{arn}@{doc.path}", principal)


_ROLE_ARN = re.compile(r"^arn:[^:]{1,64}:iam::(?:\$\{AWS::AccountId\}|\d{12}):role/[^*?$]{1,512}$")


def _roles_across_files(docs: list[Document]) -> Iterable[tuple[Document, Hit]]:
    """One role, named by its ARN, that functions of several files run as (services of one
    repository each pointing ``provider.iam.role`` at the same role): a shared role."""
    users: dict[str, list[tuple[Document, FunctionRole]]] = defaultdict(list)
    for doc in sorted(docs, key=lambda d: d.path):
        for function in function_roles(doc):
            if _ROLE_ARN.match(function.role):
                users[function.role].append((doc, function))
    for role, places in users.items():
        files = list(dict.fromkeys(doc.path for doc, _ in places))
        if len(files) < 2:
            continue
        first = next(f.function for d, f in places if d.path == files[0])
        reported: set[str] = set()
        for doc, function in places:
            if doc.path == files[0] or doc.path in reported:
                continue
            reported.add(doc.path)  # one finding a file: the file's other functions share it too
            yield doc, Hit(function.path, f'role "{role}" is also used by function {first} of '
                                          f"{files[0]}; give each function a role of its own",
                           f"role-across:{role}", function.function)


def _named(policy: str, principal: str, holder: str, resources: dict[str, Any]) -> str:
    """The resource a shared policy's finding names: an attachment written as a resource of
    its own (Terraform's aws_iam_role_policy_attachment), else the policy, else the principal."""
    if holder not in (policy, principal):
        return holder
    return policy if policy in resources else principal


def _self_service_policies(doc: Document) -> set[str]:
    """Policies of the document whose every Allow acts only on the caller's own user (AWS's
    'manage your own credentials, with MFA' policy): Deny statements may say anything."""
    out: set[str] = set()
    holders: set[str] = set()
    parameters = doc.parameters()
    for policy in policy_documents(doc):
        if not policy.resource:
            continue
        holders.add(policy.resource)
        allows = [s for s in statements(policy, parameters) if s.allows]
        if allows and all(only_own_user(s) for s in allows if not _reads_only(s)) \
                and any(only_own_user(s) for s in allows):
            out.add(policy.resource)
    if out:
        # A policy whose document is written apart (Terraform's aws_iam_policy_document).
        for resource in doc.resources():
            documents = referenced_names(resource.properties) & holders
            if documents and documents <= out:
                out.add(resource.logical_id)
    return out


def _reads_only(statement: Any) -> bool:
    """Does the statement grant List and Read actions alone (AWS's self-service policy lets
    every user list MFA devices and read the password policy)?"""
    if "NotAction" in statement.data:
        return False
    names = [a for a, _ in statement.values("Action")]
    return bool(names) and all(not actions.has_wildcard(a) and actions.access_level(a) in ("List", "Read")
                               for a in names)


def _is_customer_policy(ref: str) -> bool:
    return bool(_POLICY_ARN.match(ref)) and not is_aws_managed(ref)


def _condition_of(resource: Any) -> str | None:
    condition = resource.node.get("Condition") if resource is not None else None
    return condition if isinstance(condition, str) else None


def _principal_conditions(doc: Document, resources: dict[str, Any]) -> dict[str, str]:
    """The CloudFormation ``Condition`` each principal exists under (a SAM function's role
    exists when the function does)."""
    out: dict[str, str] = {}
    for resource in resources.values():
        condition = resource.node.get("Condition")
        principal = principal_of(doc, resource)
        if isinstance(condition, str) and principal:
            out[principal] = condition
    return out


def _shared_roles(doc: Document, together: "Coexistence") -> Iterable[Hit]:
    users: dict[str, list[FunctionRole]] = defaultdict(list)
    for function in function_roles(doc):
        users[function.role].append(function)
    for role, functions in users.items():
        for index, function in enumerate(functions):
            # Functions that never exist in the same stack (IsProd / IsNotProd) share nothing.
            first = next((other.function for other in functions[:index]
                          if together.possible(other.condition, function.condition)), None)
            if first:
                yield Hit(function.path, f'role "{role}" is also used by function {first}; '
                                         "give each function a role of its own",
                          f"role:{role}", function.function)


class Coexistence:
    """Can two resources' CloudFormation ``Condition``s both hold in one stack?

    Conditions are built from ``Fn::Equals``, ``Fn::And``, ``Fn::Or``, ``Fn::Not`` and
    references to other conditions. ``Fn::Equals`` of a parameter (or pseudo parameter) and a
    literal is a choice of that parameter's value, so two of them on one parameter with
    different values exclude each other; anything else is an unknown fact that may go either
    way. Every combination is tried, up to MAX_CASES; past it, or when a condition cannot be
    read, the two are taken to coexist (the rule reports rather than guesses).
    """

    def __init__(self, doc: Document) -> None:
        data = doc.data if isinstance(doc.data, dict) else {}
        conditions = data.get("Conditions")
        self.conditions: dict[str, Any] = conditions if isinstance(conditions, dict) else {}
        self.parameters = doc.parameters()
        self._known: dict[tuple[str, str], bool] = {}
        self._parsed: dict[str, tuple[Any, ...] | None] = {}
        self._facts: dict[int, str] = {}  # id of an Fn::Equals argument -> its text
        self._work = MAX_WORK
        self._nodes = 0

    def possible(self, first: str | None, second: str | None) -> bool:
        """True unless the two conditions provably never hold together."""
        if first is None or second is None or first == second:
            return True
        pair = (min(first, second), max(first, second))
        if pair not in self._known:
            self._known[pair] = self._judge(*pair)
        return self._known[pair]

    def _judge(self, first: str, second: str) -> bool:
        formulas = [self._condition(first), self._condition(second)]
        if self._work <= 0 or formulas[0] is None or formulas[1] is None:
            return True
        return self._satisfiable(("and", formulas))

    def _condition(self, name: str) -> tuple[Any, ...] | None:
        """A named condition as a formula, read once; None when it cannot be read."""
        if name not in self._parsed:
            self._nodes = 0
            try:
                self._parsed[name] = self._formula({"Condition": name})
            except _Unreadable:
                self._parsed[name] = None
            self._work -= self._nodes
        return self._parsed[name]

    def _formula(self, node: Any) -> tuple[Any, ...]:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Unreadable  # also ends a cycle of conditions naming each other
        call = intrinsic(node)
        if call is None:
            if isinstance(node, bool) or str(node).lower() in ("true", "false"):
                return ("const", str(node).lower() == "true")
            raise _Unreadable
        name, arg = call
        if name == "Condition" and isinstance(arg, str) and arg in self.conditions:
            return self._formula(self.conditions[arg])
        if name in ("Fn::And", "Fn::Or") and isinstance(arg, list) and arg:
            return ("and" if name == "Fn::And" else "or", [self._formula(item) for item in arg])
        if name == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            return ("not", self._formula(arg[0]))
        if name == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            return _equals(arg[0], arg[1], self._fact(arg))
        raise _Unreadable

    def _fact(self, arg: list[Any]) -> str:
        """The text of an ``Fn::Equals`` that is an unknown fact: the same text is the same
        fact. Worked out once per node, however many conditions refer to it."""
        if id(arg) not in self._facts:
            self._facts[id(arg)] = json.dumps(arg, sort_keys=True, default=str)
        return self._facts[id(arg)]

    def _satisfiable(self, formula: tuple[Any, ...]) -> bool:
        choices: dict[str, set[str]] = defaultdict(set)
        facts: set[str] = set()
        _atoms(formula, choices, facts)
        domains = [(param, self._domain(param, values)) for param, values in sorted(choices.items())]
        cases = 2 ** len(facts)
        for _, domain in domains:
            cases *= len(domain)
        size = _size(formula)
        if cases > MAX_CASES or cases * size > self._work:
            return True
        self._work -= cases * size
        fact_names = sorted(facts)
        for values in itertools.product(*(domain for _, domain in domains)):
            chosen = {param: value for (param, _), value in zip(domains, values)}
            for truths in itertools.product((False, True), repeat=len(fact_names)):
                if _holds(formula, chosen, dict(zip(fact_names, truths))):
                    return True
        return False

    def _domain(self, param: str, compared: set[str]) -> list[str | None]:
        """The values worth trying for a parameter: its AllowedValues when it has them,
        else the literals it is compared with and one value different from all of them."""
        declared = self.parameters.get(param)
        allowed = declared.get("AllowedValues") if isinstance(declared, dict) else None
        if isinstance(allowed, list) and allowed and all(isinstance(v, (str, int, float)) for v in allowed):
            return list(sorted({str(v) for v in allowed}))
        return [*sorted(compared), None]  # None: a value none of the literals is


class _Unreadable(Exception):
    """A condition this evaluator does not follow."""


def _equals(left: Any, right: Any, fact: str) -> tuple[Any, ...]:
    """``Fn::Equals``: a parameter's value choice, a constant, or an unknown fact."""
    sides = [_side(left), _side(right)]
    kinds = sorted(kind for kind, _ in sides)
    if kinds == ["literal", "literal"]:
        return ("const", sides[0][1] == sides[1][1])
    if kinds == ["literal", "parameter"]:
        (_, param), = [s for s in sides if s[0] == "parameter"]
        (_, literal), = [s for s in sides if s[0] == "literal"]
        return ("is", param, literal)
    return ("fact", fact)


def _side(value: Any) -> tuple[str, str]:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return ("literal", str(value))
    call = intrinsic(value)
    if call and call[0] == "Ref" and isinstance(call[1], str):
        return ("parameter", call[1])
    return ("other", "")


def _size(formula: tuple[Any, ...]) -> int:
    kind = formula[0]
    if kind == "not":
        return 1 + _size(formula[1])
    if kind in ("and", "or"):
        return 1 + sum(_size(item) for item in formula[1])
    return 1


def _atoms(formula: tuple[Any, ...], choices: dict[str, set[str]], facts: set[str]) -> None:
    kind = formula[0]
    if kind == "is":
        choices[formula[1]].add(formula[2])
    elif kind == "fact":
        facts.add(formula[1])
    elif kind == "not":
        _atoms(formula[1], choices, facts)
    elif kind in ("and", "or"):
        for item in formula[1]:
            _atoms(item, choices, facts)


def _holds(formula: tuple[Any, ...], chosen: dict[str, str | None], facts: dict[str, bool]) -> bool:
    kind = formula[0]
    if kind == "const":
        return bool(formula[1])
    if kind == "is":
        return chosen[formula[1]] == formula[2]
    if kind == "fact":
        return facts[formula[1]]
    if kind == "not":
        return not _holds(formula[1], chosen, facts)
    if kind == "and":
        return all(_holds(item, chosen, facts) for item in formula[1])
    return any(_holds(item, chosen, facts) for item in formula[1])
