"""Findings an approver accepted for one head commit: recorded in the app's store, never in
configuration, and applied to that commit's review only (a new push is judged afresh)."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

from reviewer.engine.finding import Finding
from reviewer.jobs.store import pull_scope

ALL = "*"  # every finding of the commit (the check run's Accept button)
MAX_REASON = 500


@dataclass
class Acceptance:
    """Who accepted what (a fingerprint, or ALL), for which commit, when and why."""

    fingerprint: str
    head: str
    by: str
    reason: str
    at: float
    rule: str = ""  # the rule and resource of an accepted finding, for the record
    resource: str = ""

    @property
    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(self.at))


SHORTENED = " […shortened]"


def keep(reason: str) -> tuple[str, bool]:
    """The reason as recorded: whole, or cut to ``MAX_REASON`` characters with a visible mark
    (never silently); and whether it was cut."""
    if len(reason) <= MAX_REASON:
        return reason, False
    return reason[:MAX_REASON] + SHORTENED, True


def scope(payload: dict[str, Any]) -> str:
    """Where a pull request's acceptances are kept."""
    return pull_scope("accepted", payload["repository"], int(payload["number"]))


def note(acceptance: Acceptance) -> dict[str, Any]:
    """The store's record of an acceptance."""
    return dataclasses.asdict(acceptance)


def for_commit(notes: list[dict[str, Any]], head: str) -> list[Acceptance]:
    """The acceptances recorded for this head commit (malformed records are skipped)."""
    out = []
    for item in notes:
        try:
            acceptance = Acceptance(str(item["fingerprint"]), str(item["head"]), str(item["by"]),
                                    str(item["reason"])[:MAX_REASON + len(SHORTENED)], float(item["at"]),
                                    str(item.get("rule", "")), str(item.get("resource", "")))
        except (KeyError, TypeError, ValueError):
            continue
        if acceptance.head == head:
            out.append(acceptance)
    return out


def apply(findings: list[Finding], accepted: list[Acceptance]) -> list[Finding]:
    """The findings, with the new ones an approver accepted no longer blocking (and each
    acceptance of one finding names its rule and resource, for the record)."""
    if not accepted:
        return findings
    everything = next((a for a in accepted if a.fingerprint == ALL), None)
    by_fingerprint = {a.fingerprint: a for a in accepted}
    out = []
    for f in findings:
        who = by_fingerprint.get(f.fingerprint) or everything
        if who is not None and f.state == "new" and not f.waived:
            f = dataclasses.replace(f, waived=f"accepted by @{who.by} on {who.when}: {who.reason}")
            if who.fingerprint == f.fingerprint:
                who.rule, who.resource = f.rule_id, f.resource or ""
        out.append(f)
    return out
