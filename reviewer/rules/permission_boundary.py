"""``permission-boundary``: every role (and user) sets the organisation's permissions boundary.

A permissions boundary caps what a principal may ever do, whatever policies it is given
later: organisations that let teams create roles require their boundary on each one. The
organisation names the boundaries it accepts (``boundary``: ARN patterns, IAM wildcards);
a principal without one, or with another, is reported at its property (or its resource). A
value known only when deployed is neither flagged nor cleared. A SAM function that names its
own ``Role`` makes none: the role is judged where it is defined.
"""

from __future__ import annotations

from typing import Iterable

from reviewer.engine.access import contained, unresolved
from reviewer.engine.boundaries import boundary_holders
from reviewer.engine.document import Document
from reviewer.engine.finding import Hit
from reviewer.engine.values import TOO_MANY, possible_strings
from reviewer.rules.base import Context, RuleKind


class PermissionBoundary(RuleKind):
    kind = "permission-boundary"
    parameters = {"boundary": {"type": "array", "items": {"type": "string"}}}

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        accepted = [str(p) for p in ctx.params.get("boundary", [])]
        if not accepted:
            return  # the organisation names no boundary: nothing to hold roles to
        params = doc.parameters()
        for resource, prop in boundary_holders(doc):
            word = doc.adapter.word(resource, prop)
            value = resource.properties.get(prop)
            if value is None:
                yield Hit(resource.path, f"{resource.logical_id} sets no permissions boundary; the "
                                         f"organisation requires one of {', '.join(accepted[:3])} "
                                         f"(set {word})", "none", resource.logical_id)
                continue
            texts = [t for t, _ in possible_strings(value, (), params)]
            if not texts or TOO_MANY in texts or any(unresolved(t) for t in texts):
                continue  # known only when deployed
            wrong = [t for t in texts if not any(contained(_pseudo(t), p) for p in accepted)]
            if wrong:
                yield Hit(resource.path + ("Properties", prop),
                          f"{resource.logical_id}'s permissions boundary {wrong[0]} is not one the "
                          f"organisation accepts ({', '.join(accepted[:3])})", wrong[0], resource.logical_id)


# CloudFormation's pseudo parameters in a boundary's ARN, as the values they stand for.
_PSEUDO = {"${AWS::Partition}": "aws", "${AWS::AccountId}": "*", "${AWS::Region}": "*",
           "${AWS::URLSuffix}": "amazonaws.com"}


def _pseudo(text: str) -> str:
    for name, value in _PSEUDO.items():
        text = text.replace(name, value)
    return text
