"""``staged-names``: every explicit physical name embeds the stage.

Two stages of one template can only be deployed side by side (in one account, or while
moving between accounts) when no physical name collides: ``ForwardBilling-${Stage}``.
"""

from __future__ import annotations

from typing import Any, Iterable

from reviewer.engine.document import TEMPLATE, Document
from reviewer.engine.finding import Hit
from reviewer.engine.values import intrinsic, is_no_value, references
from reviewer.rules.base import Context, RuleKind


class StagedNames(RuleKind):
    kind = "staged-names"
    parameters = {
        "names": {"type": "object", "additionalProperties": {
            "type": "array", "items": {"type": "string"}}},
    }

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if doc.kind != TEMPLATE:
            return
        stage = ctx.organisation.stage_parameter
        names: dict[str, list[str]] = ctx.params.get("names", {})
        named = False
        for resource in doc.resources():
            for prop in names.get(resource.type, []):
                value = resource.properties.get(prop)
                if value is None or is_no_value(value):
                    continue
                named = True
                if references(value, stage):
                    continue
                replacement = staged_value(value, stage)
                yield Hit(
                    resource.path + ("Properties", prop),
                    f"{prop} {_show(value)} does not contain the stage (${{{stage}}}); "
                    "two stages of this template would collide",
                    f"{prop}={_show(value)}", resource.logical_id, replacement=replacement,
                )
        if named:
            yield from _stage_parameter(doc, stage, ctx.organisation.stages)


def staged_value(value: Any, stage: str) -> Any:
    """The mechanical fix: append ``-${Stage}`` to a literal or to a ``!Sub`` text."""
    suffix = "-${%s}" % stage
    if isinstance(value, str):
        return {"Fn::Sub": value + suffix}
    found = intrinsic(value)
    if found and found[0] == "Fn::Sub" and isinstance(found[1], str):
        return {"Fn::Sub": found[1] + suffix}
    return None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    found = intrinsic(value)
    if found and isinstance(found[1], str):
        return f'{found[0]} "{found[1]}"'
    return "(expression)"


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
