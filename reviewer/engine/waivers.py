"""Waivers (configuration) and inline suppressions (a resource's ``Metadata``).

A waived finding stays in the report, marked with its reason: nothing vanishes silently.
An expired waiver is itself a finding, so that someone renews or removes it.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from typing import Any, Mapping

from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings, Waiver
from reviewer.engine.document import TEMPLATE, Document
from reviewer.engine.finding import Finding
from reviewer.engine.locate import locate
from reviewer.engine.values import as_list

METADATA_KEY = "policy-reviewer"


def apply_waivers(findings: list[Finding], documents: list[Document],
                  rules: Mapping[str, RuleSpec], settings: Settings,
                  today: dt.date) -> list[Finding]:
    """Mark waived and suppressed findings; return new findings about the waivers."""
    extra: list[Finding] = []
    active = []
    for waiver in settings.waivers:
        if waiver.expires < today:
            who = f" ({waiver.owner} must renew or remove it)" if waiver.owner else \
                " (its owner must renew or remove it)"
            extra.append(Finding(
                "waiver-expired", "error", waiver.source, waiver.line, waiver.line,
                f"waiver for {waiver.rule} on {waiver.path or waiver.resource} expired on "
                f"{waiver.expires.isoformat()}{who}; the findings it covered count again",
                f"{waiver.rule}:{waiver.path}:{waiver.resource}",
            ))
        elif too_long(waiver, settings, today):
            limit = today + dt.timedelta(days=settings.max_waiver_days or 0)
            extra.append(Finding(
                "waiver-too-long", "error", waiver.source, waiver.line, waiver.line,
                f"waiver for {waiver.rule} on {waiver.path or waiver.resource} runs until "
                f"{waiver.expires.isoformat()}, longer than the organisation allows "
                f"({settings.max_waiver_days} days: until {limit.isoformat()} at the latest); "
                "it is ignored until its expiry is brought forward",
                f"{waiver.rule}:{waiver.path}:{waiver.resource}",
            ))
        else:
            active.append(waiver)
    suppressions, problems = _suppressions(documents)
    extra.extend(problems)
    for finding in findings:
        for waiver in active:
            if _covers(waiver, finding):
                finding.waived = f"waived until {waiver.expires.isoformat()}: {waiver.reason}"
                break
        else:
            reason = suppressions.get((finding.path, finding.resource, finding.rule_id))
            if not reason:
                continue
            spec = rules.get(finding.rule_id)
            if spec is not None and not spec.suppressible:
                extra.append(Finding(
                    "suppression-invalid", "error", finding.path, finding.start_line,
                    finding.end_line, f"{finding.rule_id} may not be suppressed inline "
                    "(organisation policy); ask for a waiver instead",
                    f"not-suppressible:{finding.rule_id}", resource=finding.resource))
                continue
            finding.waived = f"suppressed in Metadata: {reason}"
    return extra


def too_long(waiver: Waiver, settings: Settings, today: dt.date) -> bool:
    """Does a waiver run past the organisation's longest allowed waiver?"""
    limit = settings.max_waiver_days
    return limit is not None and (waiver.expires - today).days > limit


# Waivers this close to their expiry are named in the summary, so their owners act in time.
EXPIRING_DAYS = 14


def expiring(settings: Settings, today: dt.date) -> list[Waiver]:
    """Waivers in force that expire within EXPIRING_DAYS, soonest first."""
    soon = [w for w in settings.waivers if today <= w.expires <= today + dt.timedelta(days=EXPIRING_DAYS)
            and not too_long(w, settings, today)]
    return sorted(soon, key=lambda w: (w.expires, w.rule))


def _covers(waiver: Waiver, finding: Finding) -> bool:
    if waiver.rule != finding.rule_id:
        return False
    if waiver.path and not fnmatch.fnmatchcase(finding.path, waiver.path):
        return False
    return not waiver.resource or waiver.resource == finding.resource


def _suppressions(documents: list[Document]) -> tuple[dict[tuple[str, str | None, str], str], list[Finding]]:
    found: dict[tuple[str, str | None, str], str] = {}
    problems: list[Finding] = []
    for doc in documents:
        if doc.kind != TEMPLATE:
            continue
        for resource in doc.resources():
            metadata: Any = resource.node.get("Metadata")
            block = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
            if not isinstance(block, dict):
                continue
            for index, item in enumerate(as_list(block.get("suppress"))):
                path = resource.path + ("Metadata", METADATA_KEY, "suppress", index)
                rule = item.get("rule") if isinstance(item, dict) else None
                reason = item.get("reason") if isinstance(item, dict) else None
                if not isinstance(rule, str) or not isinstance(reason, str) or not reason.strip():
                    line, end = locate(doc.data, path)
                    problems.append(Finding(
                        "suppression-invalid", "error", doc.path, line, end,
                        "an inline suppression needs a rule and a reason; it is ignored",
                        f"suppression:{rule}", resource=resource.logical_id))
                    continue
                found[(doc.path, resource.logical_id, rule)] = reason.strip()
    return found, problems
