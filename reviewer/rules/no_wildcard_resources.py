"""``no-wildcard-resources``: write and permissions-management actions name their resources."""

from __future__ import annotations

from typing import Iterable

from reviewer.engine import actions
from reviewer.engine.document import Document
from reviewer.engine.finding import Hit
from reviewer.engine.iam import IDENTITY, policy_documents, statements
from reviewer.rules.base import Context, RuleKind

RISKY_LEVELS = ("Write", "Permissions management")


class NoWildcardResources(RuleKind):
    kind = "no-wildcard-resources"
    parameters = {"levels": {"type": "array", "items": {"type": "string"}}}

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        levels = frozenset(ctx.params.get("levels", RISKY_LEVELS))
        parameters = doc.parameters()
        # Resource policies (a key policy's "*" means "this key") and trust policies
        # have no resource to narrow; only identity policies are judged.
        for policy in (p for p in policy_documents(doc) if p.kind == IDENTITY):
            for statement in statements(policy, parameters):
                if not statement.allows:
                    continue
                everywhere = [(r, p) for r, p in statement.values("Resource") if r.strip() == "*"]
                if "NotResource" in statement.data:
                    yield Hit(statement.path + ("NotResource",),
                              "Allow with NotResource grants on every resource except the ones "
                              "listed; name the resources instead",
                              "notresource", policy.resource)
                if not everywhere:
                    continue  # expanding actions is the costly part: only when it matters
                risky = sorted({
                    action
                    for pattern, _ in statement.values("Action")
                    for action in actions.expand_at_levels(pattern, levels)
                }, key=str.lower)
                if not risky and "NotAction" not in statement.data:
                    continue
                what = (f"{len(risky)} write or permissions-management action"
                        f"{'s' if len(risky) != 1 else ''} ({', '.join(risky[:3])}"
                        f"{', ...' if len(risky) > 3 else ''})" if risky
                        else "every action but the ones NotAction lists")
                value = "*:" + ",".join(sorted(p.lower() for p, _ in statement.values("Action")))
                for _, path in everywhere:
                    yield Hit(path, f'Resource "*" grants {what} on every resource; '
                                    "name the resources (ARNs) it needs", value, policy.resource)
