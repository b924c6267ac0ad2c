"""The organisation's guardrails in the permission delta: a gained action that one of its
service control policies certainly denies is shown as denied by it, and puts nothing at stake.

"Certainly": an SCP statement that denies the action with no condition and on every resource,
or an SCP that allows only listed actions (an allow list) and lists it nowhere, not even under
a condition. Anything less certain leaves the gain as it is.
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
"""

from __future__ import annotations

from typing import Any, Mapping

from reviewer.engine.access import action_contained

MAX_STATEMENTS = 200  # statements read per guardrail


def denied_by(action: str, policies: Mapping[str, Any]) -> str | None:
    """The name of a service control policy that certainly denies ``action``, or None."""
    for name, document in list(policies.items())[:50]:
        items = document.get("Statement") if isinstance(document, dict) else None
        items = items if isinstance(items, list) else [items] if isinstance(items, dict) else []
        items = [s for s in items[:MAX_STATEMENTS] if isinstance(s, dict)]
        if any(_denies(s, action) for s in items):
            return name
        allows = [s for s in items if s.get("Effect") == "Allow"]
        if allows and not any(_matches(s, action) for s in allows):
            return name  # an allow list that does not list it
    return None


def _denies(statement: dict[str, Any], action: str) -> bool:
    if statement.get("Effect") != "Deny" or statement.get("Condition") or "NotResource" in statement:
        return False
    if _strings(statement.get("Resource", "*")) != ["*"]:
        return False
    return _matches(statement, action)


def _matches(statement: dict[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(action_contained(action, p) for p in _strings(statement["NotAction"]))
    return any(action_contained(action, p) for p in _strings(statement.get("Action")))


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items[:MAX_STATEMENTS] if isinstance(v, (str, int))]
