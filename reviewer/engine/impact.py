"""A rule change's effect: the same files judged under the old and the new rules.

Pure: files and two sets of rules in, the findings added and removed out. The CLI runs it on
local checkouts; the app runs it on every repository of an installation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reviewer.engine.finding import Finding

TOP = 10  # repositories and rules named in the summary


@dataclass
class RepoImpact:
    """What the new rules add to and remove from one repository's findings."""

    repo: str
    added: list[Finding] = field(default_factory=list)
    removed: list[Finding] = field(default_factory=list)
    error: str = ""  # the repository could not be reviewed: listed, never fatal

    def to_dict(self) -> dict[str, Any]:
        return {"repo": self.repo, "error": self.error or None,
                "added": [_short(f) for f in self.added], "removed": [_short(f) for f in self.removed]}


def _short(finding: Finding) -> dict[str, Any]:
    return {"rule": finding.rule_id, "severity": finding.severity, "path": finding.path,
            "line": finding.start_line, "resource": finding.resource, "message": finding.message}


def _counted(findings: list[Finding]) -> list[Finding]:
    """Findings that count: unwaived ones (a waived finding blocks nobody)."""
    return [f for f in findings if not f.waived]


def compare_impact(repo: str, old: list[Finding], new: list[Finding]) -> RepoImpact:
    """One repository's findings under the old and the new rules, compared by fingerprint."""
    before = _counted(old)
    after = _counted(new)
    # Severity is part of what changes for a person: an error that becomes a warning is
    # removed as an error and added as a warning.
    old_keys = {(f.fingerprint, f.severity) for f in before}
    new_keys = {(f.fingerprint, f.severity) for f in after}
    return RepoImpact(repo, added=[f for f in after if (f.fingerprint, f.severity) not in old_keys],
                      removed=[f for f in before if (f.fingerprint, f.severity) not in new_keys])


@dataclass
class ImpactSummary:
    """Totals over repositories, the repositories and rules most affected, and failures."""

    results: list[RepoImpact]

    @property
    def added(self) -> int:
        return sum(len(r.added) for r in self.results)

    @property
    def removed(self) -> int:
        return sum(len(r.removed) for r in self.results)

    @property
    def touched(self) -> list[RepoImpact]:
        return [r for r in self.results if r.added or r.removed]

    @property
    def failed(self) -> list[RepoImpact]:
        return [r for r in self.results if r.error]

    def top_repositories(self) -> list[tuple[str, int, int]]:
        ranked = sorted(self.touched, key=lambda r: (-len(r.added), -len(r.removed), r.repo))
        return [(r.repo, len(r.added), len(r.removed)) for r in ranked[:TOP]]

    def top_rules(self) -> list[tuple[str, int, int]]:
        added = Counter(f.rule_id for r in self.results for f in r.added)
        removed = Counter(f.rule_id for r in self.results for f in r.removed)
        ids = sorted(set(added) | set(removed), key=lambda i: (-added[i], -removed[i], i))
        return [(i, added[i], removed[i]) for i in ids[:TOP]]

    def headline(self) -> str:
        blocking = sum(1 for r in self.results for f in r.added if f.severity == "error")
        return (f"adds {self.added} finding(s) ({blocking} error(s)) in {len(self.touched)} "
                f"repositor{'y' if len(self.touched) == 1 else 'ies'}, removes {self.removed}; "
                f"{len(self.results)} reviewed" + (f", {len(self.failed)} could not be read"
                                                   if self.failed else ""))

    def to_dict(self) -> dict[str, Any]:
        return {"headline": self.headline(), "added": self.added, "removed": self.removed,
                "repositories": [r.to_dict() for r in self.results]}

    def text(self) -> str:
        out = [f"Impact of the new rules: {self.headline()}.", ""]
        if self.touched:
            out.append("Repositories most affected (added / removed):")
            out += [f"  {repo}: +{a} / -{r}" for repo, a, r in self.top_repositories()]
            out += ["", "Rules (added / removed):"]
            out += [f"  {rule}: +{a} / -{r}" for rule, a, r in self.top_rules()]
            out.append("")
        for r in self.touched:
            out.append(f"{r.repo}:")
            out += [f"  + {f.path}:{f.start_line} {f.severity} {f.rule_id} [{f.resource or '-'}]: "
                    f"{f.message}" for f in r.added]
            out += [f"  - {f.path}:{f.start_line} {f.severity} {f.rule_id} [{f.resource or '-'}]: "
                    f"{f.message}" for f in r.removed]
        if self.failed:
            out += ["", "Could not be reviewed:"]
            out += [f"  {r.repo}: {r.error}" for r in self.failed]
        return "\n".join(out).rstrip() + "\n"


def summarise(results: list[RepoImpact]) -> ImpactSummary:
    """The summary of every repository's impact."""
    return ImpactSummary(results)
