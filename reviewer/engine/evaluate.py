"""Run the rules over a commit's documents: documents in, findings out.

This is the engine's one entry point for a single commit. It reads nothing from disk or
network, and no format: the caller hands it the documents the format adapters made.

Nothing one file does stops the review of the others: whatever fails while a rule judges a
file (the rule itself, locating its lines, rendering its fix) becomes that file's loud error
finding, "not reviewed: ...", and every other file and rule still runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings
from reviewer.engine.document import Document
from reviewer.engine.finding import Finding, Hit, disambiguate
from reviewer.engine.suggest import render_suggestion
from reviewer.engine.waivers import apply_waivers
from reviewer.rules import KINDS
from reviewer.rules.base import Context

if TYPE_CHECKING:
    import logging


@dataclass
class Evaluation:
    """The outcome for one commit."""

    findings: list[Finding] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


def evaluate_documents(documents: list[Document], rules: Mapping[str, RuleSpec],
                       settings: Settings, today: dt.date | None = None,
                       findings: list[Finding] | None = None) -> Evaluation:
    """Run every enabled rule over decoded documents; ``findings`` are the adapters' own
    (files that could not be read)."""
    findings = [dataclasses.replace(f) for f in findings or []]  # waivers mark their copies
    for spec in rules.values():
        if not spec.enabled:
            continue
        kind = KINDS[spec.kind]()
        ctx = Context(params=spec.params, organisation=settings.organisation)
        for doc in documents:
            try:
                found = [to_finding(spec, doc, hit) for hit in kind.check(doc, ctx)]
            except Exception as exc:  # noqa: BLE001 - one rule's bug must not hide the rest
                _log().exception("rule %s failed on %s", spec.id, doc.path)
                findings.append(rule_failure(spec.id, doc.path, exc))
                continue
            findings.extend(found)
        try:
            found = [to_finding(spec, doc, hit) for doc, hit in kind.check_project(documents, ctx)]
        except Exception as exc:  # noqa: BLE001
            _log().exception("rule %s failed across files", spec.id)
            found = [rule_failure(spec.id, documents[0].path, exc, across=True)] if documents else []
        findings.extend(found)
    try:
        findings.extend(apply_waivers(findings, documents, rules, settings, today or dt.date.today()))
    except Exception as exc:  # noqa: BLE001
        # Nothing is waived then: stricter, never looser, and said.
        _log().exception("waivers failed")
        for finding in findings:
            finding.waived = None
        findings.append(Finding(INCOMPLETE, "error", documents[0].path if documents else ".",
                                1, 1, "waivers and inline suppressions could not be applied "
                                f"({type(exc).__name__}); none was, so every finding counts; "
                                "please report it", "waivers-failed"))
    findings.extend(dataclasses.replace(f) for f in settings.problems)
    disambiguate(findings)
    findings.sort(key=lambda f: (f.path, f.start_line, f.rule_id, f.fingerprint))
    return Evaluation(findings, documents)


_RANK = {"note": 1, "warning": 2, "error": 3}
# The finding for a part of the review that could not be done (the permission delta of a
# file, the waivers): an error, so that what was not seen cannot pass.
INCOMPLETE = "review-incomplete"


def to_finding(spec: RuleSpec, doc: Document, hit: Hit) -> Finding:
    """Resolve a hit's path to a file and lines, and render its suggested fix."""
    file, start, end = doc.locate(hit.path)
    if hit.lines:
        start, end = hit.lines
        file = hit.file or file
    suggestion = None
    if hit.replacement is not None and start == end and hit.path and isinstance(hit.path[-1], str):
        lines = doc.lines_of(file)
        if 0 < start <= len(lines):
            suggestion = render_suggestion(lines[start - 1], hit.path[-1], hit.replacement,
                                           syntax=doc.adapter.syntax(doc, file))
    severity = spec.severity
    if hit.severity and _RANK.get(hit.severity, 0) < _RANK.get(spec.severity, 0):
        severity = hit.severity  # a rule's milder case stays milder, whatever the rule's level
    return Finding(spec.id, severity, file, start, end, hit.message, hit.value,
                   resource=hit.resource, suggestion=suggestion,
                   scope=doc.path if doc.sources else "")


def _log() -> "logging.Logger":
    from reviewer.logs import logger  # only when a rule fails: not on every CLI start

    return logger(__name__)


def rule_failure(rule_id: str, path: str, exc: BaseException, across: bool = False) -> Finding:
    """A file a rule could not judge. An error, whatever the rule's severity: it was not found
    safe, and a change that trips a rule's bug must not pass for that reason."""
    what = "across the files of this review" if across else "on this file"
    return Finding(rule_id, "error", path, 1, 1,
                   f"not reviewed: rule {rule_id} could not finish {what} "
                   f"({type(exc).__name__}: {str(exc)[:200]}); please report it", "rule-failure")
