"""The review page's record of one review: everything the page shows, as plain JSON.

The worker writes it after publishing; the web process reads the latest one for a pull
request and renders it (reviewer.web.page_html). Bounded: a pull request with thousands of
findings keeps the first ``MAX_FINDINGS`` of each kind and says how many more there were.
"""

from __future__ import annotations

import time
from typing import Any, Mapping

from reviewer.config.rulebook import RuleSpec
from reviewer.engine.finding import Finding
from reviewer.report import Report

MAX_FINDINGS = 500
MAX_DELTA = 200


MAX_SUGGESTION = 2000


def _finding(f: Finding, threads: Mapping[str, int]) -> dict[str, Any]:
    return {"rule": f.rule_id, "severity": f.severity, "path": f.path, "line": f.start_line,
            "end_line": max(f.end_line, f.start_line), "resource": f.resource or "",
            "message": f.message, "waived": f.waived or "",
            "blocking": f.blocking and f.state == "new", "thread": threads.get(f.fingerprint),
            "suggestion": (f.suggestion or "")[:MAX_SUGGESTION] or None}


def _bounded(findings: list[Finding], threads: Mapping[str, int]) -> dict[str, Any]:
    # What blocks first, then by place.
    ordered = sorted(findings, key=lambda f: (not (f.blocking and f.state == "new"), f.path,
                                              f.start_line, f.rule_id))
    return {"items": [_finding(f, threads) for f in ordered[:MAX_FINDINGS]],
            "more": max(0, len(ordered) - MAX_FINDINGS)}


def build(report: Report, repository: str, number: int, head_sha: str, conclusion: str,
          title: str, rules: Mapping[str, RuleSpec], layers: Mapping[str, str],
          pull_title: str = "", threads: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The record of one published review. ``layers`` says which layer set each rule;
    ``threads`` maps a finding's fingerprint to the app's review comment opening its thread."""
    used = {f.rule_id for f in report.findings} | {f.rule_id for f in report.fixed}
    threads = threads or {}
    return {
        "repository": repository, "number": number, "head": head_sha, "conclusion": conclusion,
        "title": title, "at": time.time(), "pull_title": pull_title[:300],
        "counts": report.summary(), "org_rules": report.org_rules,
        "incomplete": list(report.incomplete),
        # What this head has, for commands ("this finding is no longer in the commit").
        "fingerprints": sorted({f.fingerprint for f in report.findings})[:5000],
        "new": _bounded([f for f in report.findings if f.state == "new"], threads),
        "unchanged": _bounded([f for f in report.findings if f.state == "unchanged"], threads),
        "fixed": _bounded(report.fixed, threads),
        "delta": [{"principal": d.principal, "path": d.path, "added": list(d.added[:200]),
                   "more": max(0, len(d.added) - 200), "escalation": list(d.escalation),
                   "risks": {a: list(r[:3]) for a, r in d.risks.items() if a in d.added[:200]},
                   "changes": [c.to_dict() | {"headline": c.headline} for c in d.changes[:50]],
                   "groups": [[list(place[:5]), [[label, gained[:50], len(gained)] for label, gained in risks]]
                              for place, risks in d.grouped()[:10]]}
                  for d in (report.delta or [])[:MAX_DELTA]],
        "reach": [r.to_dict() for r in report.reach[:50]],
        "rule_changes": list(report.rule_changes),
        "expiring": [{"rule": w.rule, "where": w.path or w.resource or "", "expires": w.expires.isoformat(),
                      "owner": w.owner or "", "source": f"{w.source}:{w.line}"} for w in report.expiring],
        "accepted": [{"by": a.by, "when": a.when, "reason": a.reason,
                      "what": "every finding of this commit" if a.fingerprint == "*"
                      else f"{a.rule} on {a.resource or 'the file'}"} for a in report.accepted],
        "rules": [{"id": s.id, "title": s.title, "severity": s.severity, "enabled": s.enabled,
                   "locked": s.locked, "layer": layers.get(s.id, ""), "rationale": s.rationale.strip(),
                   "fix": s.fix.strip(), "used": s.id in used, "tags": list(s.tags),
                   "category": s.category, "owner": s.owner, "url": s.url}
                  for s in sorted(rules.values(), key=lambda s: s.id)],
    }
