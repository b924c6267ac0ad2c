"""Run the rules over a set of files: files in, findings out.

This is the engine's one entry point for a single commit. It reads nothing from disk or
network; the caller hands it file contents and the configuration.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings
from reviewer.engine.decode import looks_like_json
from reviewer.engine.document import (MAX_FILE_BYTES, POLICY, SERVERLESS, TEMPLATE, Document, Unreadable, decode_file,
                                      includes)
from reviewer.engine.finding import Finding, Hit, disambiguate
from reviewer.engine.locate import locate
from reviewer.engine.suggest import render_suggestion
from reviewer.engine.waivers import apply_waivers
from reviewer.formats.paths import is_terraform
from reviewer.rules import KINDS
from reviewer.rules.base import Context



if TYPE_CHECKING:
    import logging

@dataclass
class Evaluation:
    """The outcome for one commit."""

    findings: list[Finding] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


def decode_all(files: Mapping[str, bytes]) -> tuple[list[Document], list[Finding]]:
    """Decode every file; unreadable templates become ``template-parse`` findings. Terraform
    files are read a folder (one module) at a time."""
    documents, findings = [], []
    terraform: dict[str, str] = {}
    terraform_bytes = 0
    for path in sorted(files):
        if is_terraform(path):
            text = _terraform_text(path, files[path], findings)
            if text is not None and terraform_bytes + len(text) > MAX_TERRAFORM_BYTES:
                # Reading HCL costs about 10 s a megabyte: past this a review would not end
                # in time, and one that cannot be done in full says so.
                findings.append(Finding("template-parse", "error", path, 1, 1,
                                        f"more than {MAX_TERRAFORM_BYTES // 1024 // 1024} MB of "
                                        "Terraform in one review; this file was not reviewed",
                                        "parse"))
                continue
            if text is not None:
                terraform[path] = text
                terraform_bytes += len(text)
            continue
        try:
            doc = decode_file(path, files[path])
        except Unreadable as exc:
            findings.append(Finding("template-parse", "error", path, exc.line, exc.line,
                                    exc.message, "parse"))
            continue
        if doc is None:
            continue
        documents.append(doc)
        if doc.kind == TEMPLATE and "AWS::Include" in doc.text:  # a walk only where it may pay
            for where, location in includes(doc.data):
                line = locate(doc.data, where)[0]
                findings.append(Finding(
                    "include-not-reviewed", "warning", path, line, line,
                    f"AWS::Include brings in {location[:200]} at deploy time; what it holds "
                    "was not reviewed (review the snippet's own file, or inline it)",
                    f"include:{location[:200]}"))
    if terraform:
        from reviewer.formats.terraform import read_modules  # the HCL parser only when needed

        modules, problems = read_modules(terraform, dict(files))
        # A policy file a module reads with file() is reviewed as part of the module, where
        # its findings name the resource; on its own it would say everything twice.
        used = {path for module in modules for path in module.sources if path not in terraform}
        documents = [d for d in documents if d.path not in used or d.kind != POLICY]
        documents.extend(modules)
        findings.extend(Finding("template-parse", "error", p.path, p.line, p.line, p.message, "parse")
                        for p in problems)
    return documents, findings


# Terraform text one review reads (the engine's time limit is 120 s by default).
MAX_TERRAFORM_BYTES = 4 * 1024 * 1024


def _terraform_text(path: str, content: bytes, findings: list[Finding]) -> str | None:
    if b"\x00" in content[:8192]:
        return None
    if len(content) > MAX_FILE_BYTES:
        findings.append(Finding("template-parse", "error", path, 1, 1,
                                "Terraform file larger than 1 MB; not reviewed", "parse"))
        return None
    return content.decode("utf-8-sig", "replace")


def evaluate(files: Mapping[str, bytes], rules: Mapping[str, RuleSpec], settings: Settings,
             today: dt.date | None = None) -> Evaluation:
    """Decode ``files`` (path -> bytes) and run every enabled rule over them."""
    documents, findings = decode_all(files)
    return evaluate_documents(documents, rules, settings, today, findings)


def evaluate_documents(documents: list[Document], rules: Mapping[str, RuleSpec],
                       settings: Settings, today: dt.date | None = None,
                       findings: list[Finding] | None = None) -> Evaluation:
    """Run the rules over already decoded documents."""
    findings = list(findings or [])
    for spec in rules.values():
        if not spec.enabled:
            continue
        kind = KINDS[spec.kind]()
        ctx = Context(params=spec.params, organisation=settings.organisation)
        for doc in documents:
            try:
                hits = list(kind.check(doc, ctx))
            except Exception as exc:  # noqa: BLE001 - one rule's bug must not hide the rest
                _log().exception("rule %s failed on %s", spec.id, doc.path)
                findings.append(_rule_failure(spec, doc, exc))
                continue
            findings.extend(to_finding(spec, doc, hit) for hit in hits)
        try:
            project_hits = list(kind.check_project(documents, ctx))
        except Exception as exc:  # noqa: BLE001
            _log().exception("rule %s failed across files", spec.id)
            project_hits = []
            if documents:
                findings.append(_rule_failure(spec, documents[0], exc))
        findings.extend(to_finding(spec, doc, hit) for doc, hit in project_hits)
    findings.extend(apply_waivers(findings, documents, rules, settings, today or dt.date.today()))
    findings.extend(dataclasses.replace(f) for f in settings.problems)
    disambiguate(findings)
    findings.sort(key=lambda f: (f.path, f.start_line, f.rule_id, f.fingerprint))
    return Evaluation(findings, documents)


_RANK = {"note": 1, "warning": 2, "error": 3}


def to_finding(spec: RuleSpec, doc: Document, hit: Hit) -> Finding:
    """Resolve a hit's path to a file and lines, and render its suggested fix."""
    file, start, end = doc.locate(hit.path)
    if hit.lines:
        start, end = hit.lines
    suggestion = None
    if hit.replacement is not None and start == end and hit.path and isinstance(hit.path[-1], str):
        lines = doc.lines_of(file)
        if 0 < start <= len(lines):
            suggestion = render_suggestion(lines[start - 1], hit.path[-1], hit.replacement,
                                           syntax=_syntax(doc, file))
    severity = spec.severity
    if hit.severity and _RANK.get(hit.severity, 0) < _RANK.get(spec.severity, 0):
        severity = hit.severity  # a rule's milder case stays milder, whatever the rule's level
    return Finding(spec.id, severity, file, start, end, hit.message, hit.value,
                   resource=hit.resource, suggestion=suggestion,
                   scope=doc.path if doc.sources else "")


def _syntax(doc: Document, file: str) -> str:
    """How a value is written in ``file``: "hcl", "json" or "yaml"."""
    if file.endswith((".tf", ".tfvars")):
        return "hcl"
    if doc.format == SERVERLESS:
        return "serverless"
    text = doc.sources.get(file, doc.text) if doc.sources else doc.text
    return "json" if looks_like_json(text) else "yaml"


def _log() -> logging.Logger:
    import logging  # only when a rule fails: not on every CLI start

    return logging.getLogger(__name__)


def _rule_failure(spec: RuleSpec, doc: Document, exc: Exception) -> Finding:
    # An error, whatever the rule's severity: a file the rule could not judge was not found
    # safe, and a change that trips a rule's bug must not pass for that reason.
    return Finding(spec.id, "error", doc.path, 1, 1,
                   f"rule could not finish on this file ({type(exc).__name__}: {exc}); "
                   "please report it", "rule-failure")
