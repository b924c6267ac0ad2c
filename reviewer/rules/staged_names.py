"""``staged-names``: every explicit physical name embeds the stage.

Two stages of one template can only be deployed side by side (in one account, or while
moving between accounts) when no physical name collides: ``ForwardBilling-${Stage}``.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Iterable

from reviewer.engine.decode import planned_str
from reviewer.engine.document import SET_BY_CALLER, TEMPLATE, Document, Resource
from reviewer.engine.finding import Hit
from reviewer.engine.values import (TOO_MANY, UNKNOWN, intrinsic, is_no_value, possible_strings,
                                    referenced_names, walk_values)
from reviewer.rules.base import Context, Organisation, RuleKind

# No AWS resource name is longer; longer text is not matched against mandated names.
MAX_NAME_CHARS = 1024
# How long a chain of names built from names is followed (a log group named after a
# function named after a table ...); past it, a name is not known to carry the stage.
MAX_CHAIN = 32
# ${Name} or ${Name.Attribute} in a !Sub text. Neither part may hold "$" or "{", so a text of
# a million "${" is read in linear time (engine.values' pattern takes quadratic time on it).
_WORD = re.compile(r"[A-Za-z0-9]+")


class StagedNames(RuleKind):
    kind = "staged-names"
    parameters = {
        "names": {"type": "object", "additionalProperties": {
            "type": "array", "items": {"type": "string"}}},
        # Names AWS requires exactly: a stage in them would break the feature that needs them.
        "mandated": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["type", "property", "pattern"],
            "properties": {"type": {"type": "string"}, "property": {"type": "string"},
                           "pattern": {"type": "string"}, "why": {"type": "string"}}}},
    }

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        stage = ctx.organisation.stage_parameter
        names: dict[str, list[str]] = ctx.params.get("names", {})
        mandated: list[dict[str, str]] = ctx.params.get("mandated", [])
        judge = _Names(doc, doc.stage_names_for(stage, ctx.organisation.stage_variables), names,
                       stage_values(doc, stage, ctx.organisation))
        written = doc.stage_written(stage, ctx.organisation.stage_variables)
        laid_out = _stages_side_by_side(doc, names, judge.stages or USUAL_STAGES)
        named = False
        for resource in doc.resources():
            if _exists_in_some_stages(doc, resource, judge):
                continue  # a Condition on the stage: its name is that stage's alone
            for prop in names.get(resource.type, []):
                value = resource.properties.get(prop)
                if value is None or is_no_value(value):
                    continue
                if is_mandated(resource.type, prop, value, mandated, doc.parameters()):
                    continue  # AWS's name, not the author's: it cannot carry the stage
                named = True
                if isinstance(value, planned_str):
                    continue  # one stage's value from a plan: whether it is built from the stage is not known
                if judge.carries_stage(value) or judge.unknown(value):
                    continue
                if isinstance(value, str) and laid_out and _of_a_stage_shape(value, laid_out):
                    continue  # "app/staging/x" beside "app/production/x": one per stage
                replacement = staged_value(value, written) if written else None
                word = doc.adapter.word(resource, prop)
                how = f"(${{{written}}})" if written else "(this module declares no stage variable)"
                yield Hit(
                    resource.path + ("Properties", prop),
                    f"{word} {_as_written(doc, value, word)} does not contain the stage "
                    f"{how}; two stages of this {doc.adapter.unit} would collide",
                    f"{prop}={_show(value)}", resource.logical_id, replacement=replacement,
                )
        if named and doc.adapter.declares_stage:
            yield from _stage_parameter(doc, _declared_stage(doc, stage, ctx.organisation),
                                        ctx.organisation.stages)


# Stage names teams use, for a document whose organisation names no stages.
USUAL_STAGES = frozenset({"dev", "development", "test", "qa", "uat", "stage", "staging",
                          "preprod", "prod", "production", "sandbox"})


def _stages_side_by_side(doc: Document, names: dict[str, list[str]],
                         stages: frozenset[str]) -> frozenset[str]:
    """The shapes of the literal names that spell out a stage, when a document spells out
    two or more (a tools account's module that makes each stage's repository, side by
    side): "app/\x00/restarter" for "app/staging/restarter". A name of one of those shapes
    is one stage's by construction, whatever that stage is called ("app/alpaca/restarter"
    beside the staging and production ones). One stage alone proves nothing (a prod name
    hard-coded in a template every stage deploys is the very mistake)."""
    seen: set[str] = set()
    shapes: set[str] = set()
    for resource in doc.resources():
        for prop in names.get(resource.type, []):
            value = resource.properties.get(prop)
            if not isinstance(value, str):
                continue
            for match in _WORD.finditer(value[:MAX_NAME_CHARS]):
                if match.group(0).lower() in stages:
                    seen.add(match.group(0).lower())
                    shapes.add(value[:match.start()] + "\x00" + value[match.end():])
    return frozenset(shapes) if len(seen) >= 2 else frozenset()


def _of_a_stage_shape(value: str, shapes: frozenset[str]) -> bool:
    """Does the name have the shape of the names laid out stage by stage?"""
    return any(value[:m.start()] + "\x00" + value[m.end():] in shapes
               for m in _WORD.finditer(value[:MAX_NAME_CHARS]))


def _exists_in_some_stages(doc: Document, resource: Resource, judge: "_Names") -> bool:
    """Is the resource created only where the stage equals one value (a Condition such as
    IsE2eTest: !Equals [!Ref Stage, e2e], or Terraform's count = var.stage == "e2e" ? 1 : 0)?
    A condition that leaves it in every stage but one (!Not) still lets stages collide."""
    name = resource.node.get("Condition") if isinstance(resource.node, dict) else None
    conditions = doc.data.get("Conditions") if isinstance(doc.data, dict) else None
    if not isinstance(name, str) or not isinstance(conditions, dict):
        return False
    formula = conditions.get(name)
    for _ in range(MAX_CHAIN):  # a condition naming another, bounded
        found = intrinsic(formula)
        if not found:
            return False
        if found[0] == "Condition" and isinstance(found[1], str):
            formula = conditions.get(found[1])
            continue
        parts = found[1] if found[0] == "Fn::And" and isinstance(found[1], list) else [formula]
        return any(intrinsic(p) is not None and intrinsic(p)[0] == "Fn::Equals"  # type: ignore[index]
                   and referenced_names(p) & judge.stage_names for p in parts)
    return False


def stage_values(doc: Document, stage: str, org: Organisation) -> frozenset[str]:
    """The stage names a literal may carry: the organisation's stages, or else the ones the
    stage parameter allows (lower-cased)."""
    if org.stages:
        return frozenset(s.lower() for s in org.stages)
    declared = doc.parameters().get(stage)
    allowed = declared.get("AllowedValues") if isinstance(declared, dict) else None
    if not isinstance(allowed, list):
        return frozenset()
    return frozenset(str(v).lower() for v in allowed if isinstance(v, (str, int)))


def is_mandated(rtype: str, prop: str, value: Any, mandated: list[dict[str, str]],
                parameters: dict[str, Any]) -> bool:
    """Is every name this value may take one that AWS requires exactly (``mandated``)?"""
    patterns = [m["pattern"] for m in mandated if m.get("type") == rtype and m.get("property") == prop]
    if not patterns:
        return False
    texts = [text for text, _ in possible_strings(value, (), parameters)]
    return bool(texts) and all(
        text != TOO_MANY and len(text) <= MAX_NAME_CHARS
        and any(fnmatch.fnmatchcase(text, pattern) for pattern in patterns)
        for text in texts)


class _Names:
    """Which names differ from stage to stage, following names built from other resources."""

    def __init__(self, doc: Document, stage_names: frozenset[str], names: dict[str, list[str]],
                 stages: frozenset[str]) -> None:
        self.stage_names = stage_names
        self.names = names
        self.stages = stages
        self.resources: dict[str, Resource] = {r.logical_id: r for r in doc.resources()}
        self.parameters = doc.parameters()
        # Each resource is judged once (names referring to names form a graph, maybe a
        # cycle); a resource still being judged counts as not unique.
        self._unique_ids: dict[str, bool] = {}
        self._unknown_ids: dict[str, bool] = {}
        self._chain = 0

    def carries_stage(self, value: Any) -> bool:
        """Does every name this value may take carry the stage? Through the stage parameter,
        a resource whose own name carries it or is generated by CloudFormation (unique per
        stack), or, in each branch of an ``!If``, a literal stage name (``billing-prod``)."""
        branches = _if_branches(value)
        if branches is not None:
            literals = [b for b in branches if isinstance(b, str)]
            if len(set(literals)) < len(literals):
                return False  # two conditions give one name: those stages would collide
            return all(self._names_a_stage(b) if isinstance(b, str) else self.carries_stage(b)
                       for b in branches)
        names = referenced_names(value)
        if names & self.stage_names:
            return True
        return any(self._unique(name) for name in names if name in self.resources)

    def unknown(self, value: Any) -> bool:
        """Is the name known only when deployed, or decided outside this document: taken from
        an input without a default (a parameter without Default), from an input a caller
        sets (a reusable Terraform module's ``var.name``), from another module or stack
        (``module.label.id``, ``!ImportValue``), or computed by something not worked out
        before deployment? Then it is neither flagged nor cleared: whoever decides it may
        well put the stage in it."""
        for node in walk_values(value):
            call = intrinsic(node)
            if not call:
                continue
            name, arg = call
            if name in (UNKNOWN, "Fn::ImportValue"):
                return True
            if name == "Ref" and isinstance(arg, str) and arg not in self.resources \
                    and arg not in self.stage_names and not arg.startswith("AWS::"):
                declared = self.parameters.get(arg)
                if not isinstance(declared, dict) or declared.get("Default") in (None, "") \
                        or declared.get(SET_BY_CALLER):
                    return True
        # A name that follows another resource's name (an alarm named after its function):
        # unknown where that name is.
        return any(self._name_unknown(n) for n in referenced_names(value) if n in self.resources)

    def _name_unknown(self, logical_id: str) -> bool:
        if logical_id in self._unknown_ids:
            return self._unknown_ids[logical_id]
        self._unknown_ids[logical_id] = False  # a cycle of names decides nothing
        if self._chain >= MAX_CHAIN:
            return False
        self._chain += 1
        try:
            resource = self.resources[logical_id]
            values = [resource.properties.get(p) for p in self.names.get(resource.type, [])]
            self._unknown_ids[logical_id] = any(v is not None and self.unknown(v) for v in values)
        finally:
            self._chain -= 1
        return self._unknown_ids[logical_id]

    def _names_a_stage(self, text: str) -> bool:
        return any(word.lower() in self.stages for word in _WORD.findall(text[:MAX_NAME_CHARS]))

    def _unique(self, logical_id: str) -> bool:
        """Is the name of this resource different in every stage's stack?"""
        if logical_id in self._unique_ids:
            return self._unique_ids[logical_id]
        if self._chain >= MAX_CHAIN:
            return False  # not remembered: a shorter way here may still find the stage
        self._unique_ids[logical_id] = False  # a cycle of names carries no stage
        self._chain += 1
        try:
            self._unique_ids[logical_id] = self._judge_unique(self.resources[logical_id])
        finally:
            self._chain -= 1
        return self._unique_ids[logical_id]

    def _judge_unique(self, resource: Resource) -> bool:
        props = self.names.get(resource.type)
        if not props:
            # A type the rule does not name: its physical id is generated (a function URL,
            # a VPC id) or set by a property the rule does not know. Not guessed either way.
            return True
        values = [resource.properties.get(p) for p in props]
        values = [v for v in values if v is not None and not is_no_value(v)]
        # No name of its own: CloudFormation generates one from the stack's name.
        return not values or any(self.carries_stage(v) for v in values)


def _if_branches(value: Any) -> list[Any] | None:
    """The branches of a top-level ``!If`` that give a name (``AWS::NoValue`` gives none)."""
    found = intrinsic(value)
    if found and found[0] == "Fn::If" and isinstance(found[1], list) and len(found[1]) == 3:
        return [b for b in found[1][1:] if not is_no_value(b)]
    return None


def staged_value(value: Any, stage: str) -> Any:
    """The mechanical fix: append ``-${Stage}`` to a literal or to a ``!Sub`` text (a
    Terraform string template is a ``!Sub`` whose text is the template)."""
    suffix = "-${%s}" % stage
    if isinstance(value, str):
        return {"Fn::Sub": value + suffix}
    found = intrinsic(value)
    if found and found[0] == "Fn::Sub" and isinstance(found[1], str):
        return {"Fn::Sub": found[1] + suffix}
    if found and found[0] == "Fn::Sub" and isinstance(found[1], list) and found[1] \
            and isinstance(found[1][0], str):
        return {"Fn::Sub": [found[1][0] + suffix, *found[1][1:]]}
    return None


def _as_written(doc: Document, value: Any, key: str) -> str:
    """The value in the author's own words where its line shows it, else from the model;
    with what it comes to where that differs (a variable, a caller's argument)."""
    text = doc.written(value, key)
    file = getattr(value, "source", "") or doc.path
    hcl = doc.adapter.syntax(doc, file) == "hcl"
    if text is None:
        return _show_hcl(value) if hcl else _show(value)
    expression = hcl and not text.startswith('"')
    plain = not expression and not any(c in text for c in " \"'!$") \
        and not text.startswith(("{", "["))
    if plain:
        return f'"{text}"'
    resolved = value if isinstance(value, str) else _default_of(value, doc.parameters())
    if resolved is not None and text.strip("\"'") != resolved:
        return f'{text} (that is "{resolved}")'  # a variable the reader resolved
    return text


def _show_hcl(value: Any, depth: int = 0) -> str:
    """A value over several lines, in Terraform's words: a template string, a reference, or
    a conditional of them (``var.x ? "a" : "b"``)."""
    found = intrinsic(value)
    if found and found[0] == "Fn::If" and isinstance(found[1], list) and len(found[1]) == 3 \
            and isinstance(found[1][0], str) and depth < 2:
        cond, yes, no = found[1]
        return f"{cond[:80]} ? {_show_hcl(yes, depth + 1)} : {_show_hcl(no, depth + 1)}"
    if found and found[0] == "Fn::Sub":
        text = found[1][0] if isinstance(found[1], list) and found[1] else found[1]
        return f'"{text}"' if isinstance(text, str) else "(a value made when applied)"
    if found and found[0] in ("Ref", "Fn::ImportValue") and isinstance(found[1], str):
        return found[1]
    return f'"{value}"' if isinstance(value, str) else "(a value made when applied)"


def _default_of(value: Any, parameters: dict[str, Any]) -> str | None:
    """The default of the parameter (or variable) a ``Ref`` names, where it is a text."""
    found = intrinsic(value)
    if not found or found[0] != "Ref" or not isinstance(found[1], str):
        return None
    declared = parameters.get(found[1])
    default = declared.get("Default") if isinstance(declared, dict) else None
    return default if isinstance(default, str) else None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    found = intrinsic(value)
    if found and isinstance(found[1], str):
        return f'{found[0]} "{found[1]}"'
    if found and found[0] == "Fn::Sub" and isinstance(found[1], list) and found[1] \
            and isinstance(found[1][0], str):
        return f'Fn::Sub "{found[1][0]}"'
    return "(expression)"


def _declared_stage(doc: Document, stage: str, org: Organisation) -> str:
    """The parameter that carries the stage: the stage parameter, or else a parameter named
    like one of the organisation's stage variables (``Environment``)."""
    declared = {str(name).lower(): str(name) for name in doc.parameters()}
    if stage in doc.parameters():
        return stage
    for name in org.stage_variables:
        if name.lower() in declared:
            return declared[name.lower()]
    return stage


def _stage_parameter(doc: Document, stage: str, org_stages: list[str]) -> Iterable[Hit]:
    params = doc.parameters()
    declared = params.get(stage)
    if not isinstance(declared, dict):
        where = ("Parameters",) if "Parameters" in doc.data else ("Resources",)
        yield Hit(where, f'the template sets physical names but declares no "{stage}" parameter; '
                         f"add it with AllowedValues {org_stages or ['dev', 'staging', 'prod']}",
                  f"missing-parameter:{stage}")
        return
    allowed = declared.get("AllowedValues")
    if not isinstance(allowed, list) or not allowed:
        yield Hit(("Parameters", stage), f'parameter "{stage}" has no AllowedValues; '
                                         f"limit it to the organisation's stages {org_stages}",
                  f"no-allowed-values:{stage}")
        return
    unknown = [v for v in allowed if org_stages and str(v) not in org_stages]
    if unknown:
        yield Hit(("Parameters", stage, "AllowedValues"),
                  f'parameter "{stage}" allows {unknown}, which are not stages of the '
                  f"organisation ({', '.join(org_stages)})",
                  f"unknown-stages:{','.join(map(str, unknown))}")
