"""SARIF 2.1.0, the machine format: GitHub code scanning and other tools read it."""

from __future__ import annotations

import json
from typing import Any

from reviewer import __version__
from reviewer.engine.finding import Finding
from reviewer.report import BUILTIN_RULES, Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "policyReviewer/v1"
_BASELINE = {"new": "new", "unchanged": "unchanged", "fixed": "absent"}


def render(report: Report) -> str:
    """The report as a SARIF log with one run."""
    rules = _rules(report)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [_result(f, index, report) for f in report.findings]
    results += [_result(f, index, report) for f in report.fixed]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "policy-reviewer",
                "version": __version__,
                "informationUri": "https://github.com/policy-reviewer/policy-reviewer",
                "rules": rules,
            }, "extensions": [_aws_data()]},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "repository root"}}},
            "results": results,
        }],
    }
    if report.mode == "diff":
        # What the change grants, riskiest first: SARIF has no place of its own for it.
        log["runs"][0]["properties"] = {"permissionDelta": [d.to_dict() for d in report.delta or []],
                                        "whoCanReach": [r.to_dict() for r in report.reach]}
    return json.dumps(log, indent=2) + "\n"


def _aws_data() -> dict[str, Any]:
    """The AWS action data the run used, as a tool extension, so a result can be reproduced."""
    from reviewer.engine.actions import data_info

    info = data_info()
    return {"name": info["source"], "version": info["version"],
            "releaseDateUtc": info["updated"],
            "shortDescription": {"text": "AWS actions, access levels, resource types and "
                                         "condition keys"}}


def _rules(report: Report) -> list[dict[str, Any]]:
    out = []
    for spec in report.rules.values():
        help_text = f"{spec.rationale}\n\nFix: {spec.fix}" if spec.fix else spec.rationale
        out.append({
            "id": spec.id, "name": _camel(spec.id),
            "shortDescription": {"text": spec.title},
            "fullDescription": {"text": spec.rationale},
            "help": {"text": help_text, "markdown": help_text},
            "defaultConfiguration": {"level": spec.severity, "enabled": spec.enabled},
            **_metadata(spec),
        })
    for rule_id, (title, rationale, level) in BUILTIN_RULES.items():
        out.append({
            "id": rule_id, "name": _camel(rule_id),
            "shortDescription": {"text": title}, "fullDescription": {"text": rationale},
            "help": {"text": rationale}, "defaultConfiguration": {"level": level},
        })
    return out


def _metadata(spec: Any) -> dict[str, Any]:
    """A rule's tags, category and owner as SARIF property-bag entries; its url as helpUri."""
    out: dict[str, Any] = {}
    if spec.url:
        out["helpUri"] = spec.url
    properties: dict[str, Any] = {}
    tags = list(spec.tags) + ([spec.category] if spec.category and spec.category not in spec.tags else [])
    if tags:
        properties["tags"] = tags  # SARIF's own property: code-scanning tools filter on it
    if spec.category:
        properties["category"] = spec.category
    if spec.owner:
        properties["owner"] = spec.owner
    if properties:
        out["properties"] = properties
    return out


def _result(finding: Finding, index: dict[str, int], report: Report) -> dict[str, Any]:
    region = {"startLine": finding.start_line or 1, "endLine": max(finding.end_line, finding.start_line, 1)}
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": finding.severity,
        "message": {"text": finding.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                "region": region,
            },
            **({"logicalLocations": [{"name": finding.resource, "kind": "resource"}]}
               if finding.resource else {}),
        }],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    if report.mode == "diff" and finding.state:
        result["baselineState"] = _BASELINE[finding.state]
    if finding.waived:
        result["suppressions"] = [{"kind": "external", "justification": finding.waived}]
    if finding.suggestion:
        result["fixes"] = [{
            "description": {"text": "Suggested replacement"},
            "artifactChanges": [{
                "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                "replacements": [{
                    "deletedRegion": region,
                    "insertedContent": {"text": finding.suggestion + "\n"},
                }],
            }],
        }]
    return result


def _camel(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))
