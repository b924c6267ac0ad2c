"""What a rule reports (a Hit, a path into the document) and what the engine hands on
(a Finding, with file, lines and a fingerprint)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "note")

Path = tuple[Any, ...]


@dataclass
class Hit:
    """A problem found by a rule, located by its path into the decoded document.

    ``value`` is the offending value itself (an action pattern, a name, an account id):
    together with rule, file and resource it identifies the problem across commits, so it
    must never contain a line number.
    """

    path: Path
    message: str
    value: str
    resource: str | None = None
    severity: str | None = None  # overrides the rule's severity (e.g. a warning-level case)
    replacement: Any = None  # new value for the key at ``path`` when the fix is mechanical
    lines: tuple[int, int] | None = None  # for tools that report lines, not paths (cfn-lint)
    # With ``lines``: the file they are in, when the path cannot say (a Terraform module's
    # backend block is no node of the document's data).
    file: str | None = None


@dataclass
class Finding:
    """One problem at one place in one file."""

    rule_id: str
    severity: str
    path: str
    start_line: int
    end_line: int
    message: str
    value: str
    resource: str | None = None
    suggestion: str | None = None  # replacement text for lines start_line..end_line
    fingerprint: str = ""
    waived: str | None = None  # the reason, when a waiver or suppression covers it
    state: str | None = None  # "new" / "unchanged" / "fixed" once compared
    extra: dict[str, Any] = field(default_factory=dict)
    # What the fingerprint names instead of the file, when a problem belongs to more than one
    # file: a Terraform module's folder, so a resource moved from main.tf to iam.tf keeps it.
    scope: str = ""

    def __post_init__(self) -> None:
        if not self.fingerprint:
            self.fingerprint = fingerprint(self.rule_id, self.place, self.resource, self.value)

    @property
    def place(self) -> str:
        """The file, or the scope it belongs to, as named in the fingerprint."""
        return self.scope or self.path

    @property
    def blocking(self) -> bool:
        """An unwaived error fails a run."""
        return self.severity == "error" and self.waived is None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the JSON report."""
        data = {
            "rule": self.rule_id,
            "severity": self.severity,
            "path": self.path,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "resource": self.resource,
            "message": self.message,
            "suggestion": self.suggestion,
            "fingerprint": self.fingerprint,
            "waived": self.waived,
        }
        if self.state:
            data["state"] = self.state
        return data


def fingerprint(rule_id: str, path: str, resource: str | None, value: str, seq: int = 0) -> str:
    """Identify a problem without line numbers: rule + file + resource + offending value."""
    text = "\x1f".join([rule_id, path, resource or "", value, str(seq)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def disambiguate(findings: list[Finding]) -> None:
    """Give identical problems in one place distinct fingerprints, in document order."""
    seen: dict[str, int] = {}
    for finding in sorted(findings, key=lambda f: (f.place, f.path, f.start_line)):
        base = fingerprint(finding.rule_id, finding.place, finding.resource, finding.value)
        count = seen.get(base, 0)
        seen[base] = count + 1
        finding.fingerprint = (
            base if count == 0
            else fingerprint(finding.rule_id, finding.place, finding.resource, finding.value, count)
        )
