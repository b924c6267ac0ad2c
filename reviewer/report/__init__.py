"""Present a review: text for people, JSON for scripts, SARIF for code-scanning tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from reviewer.config.rulebook import RuleSpec
from reviewer.engine.delta import PrincipalDelta
from reviewer.engine.finding import Finding

# Findings the engine reports itself, described like rules for SARIF and the docs.
BUILTIN_RULES = {
    "template-parse": ("The file parses", "A template or policy that does not parse cannot be reviewed, and CloudFormation would reject it.", "error"),
    "waiver-expired": ("Waivers are renewed or removed", "A waiver is a promise to fix something by a date; once it expires the finding counts again.", "error"),
    "suppression-invalid": ("Inline suppressions give a rule and a reason", "A suppression without a reason cannot be reviewed later.", "error"),
    "rule-file-invalid": ("Rule files are valid", "A rule file that does not validate would stop every review that uses it.", "error"),
    "rule-test-failed": ("Rules pass their own examples", "A rule whose examples fail does not do what its authors say it does.", "error"),
    "review-incomplete": ("Every file is reviewed in full", "A part of the review that could not be done (a file's permission delta, the waivers) was not found safe; it is said, and it fails the check until it can be done.", "error"),
    "include-not-reviewed": ("What a template includes is reviewed too", "AWS::Include inserts a snippet from S3 when the stack is deployed, and a Terraform module from a registry or another repository brings resources that are not in this one; the reviewer cannot see them, so it says so instead of passing them silently (the policy documents a module call passes are judged at the call).", "warning"),
    "waiver-too-long": ("Waivers are no longer than the organisation allows", "The organisation sets the longest a waiver may run (max_waiver_days), so that no known problem is put off indefinitely.", "error"),
    "config-invalid": ("Configuration and rule files are valid", "A configuration a pull request breaks would stop every later review; it is judged before it is merged.", "error"),
    "config-locked": ("Locked rules stay as the organisation set them", "The organisation locks the rules it will not negotiate; a repository cannot switch them off, weaken or waive them.", "error"),
}


@dataclass
class Report:
    """Everything an output format needs about one scan or one change."""

    mode: str  # "scan" or "diff"
    findings: list[Finding]
    rules: Mapping[str, RuleSpec]
    fixed: list[Finding] = field(default_factory=list)
    delta: list[PrincipalDelta] | None = None
    fail_on: str = "new-errors"
    base: str | None = None
    head: str | None = None
    rule_changes: list[str] = field(default_factory=list)
    # Why part of the change could not be reviewed. Anything here fails the run: what was
    # not seen was not found safe.
    incomplete: list[str] = field(default_factory=list)
    # Approvers' acceptances for this head commit (reviewer.jobs.acceptances.Acceptance).
    accepted: list[Any] = field(default_factory=list)
    # Waivers in force that expire soon (reviewer.config.settings.Waiver), soonest first.
    expiring: list[Any] = field(default_factory=list)
    # Where the organisation's rules came from, in words ("" outside the app).
    org_rules: str = ""
    # Who can assume each role and reach each resource the change touches (engine.who.Reach).
    reach: list[Any] = field(default_factory=list)

    def fails(self) -> bool:
        """Does this report fail the run (the check's conclusion, the CLI's exit status)?"""
        return bool(self.failing() or self.incomplete)

    def failing(self) -> list[Finding]:
        """Findings that fail the run: new unwaived errors (or all, if admins chose so)."""
        if self.mode == "diff" and self.fail_on == "new-errors":
            return [f for f in self.findings if f.blocking and f.state == "new"]
        return [f for f in self.findings if f.blocking]

    def rule_fix(self, rule_id: str) -> str:
        """How to fix what a rule reports, from its rule file ("" when it says nothing)."""
        spec = self.rules.get(rule_id)
        return spec.fix if spec else ""

    def rule_title(self, rule_id: str) -> str:
        spec = self.rules.get(rule_id)
        return spec.title if spec else BUILTIN_RULES.get(rule_id, (rule_id,))[0]

    def summary(self) -> dict[str, int]:
        """Counts for the summary line."""
        counts = {
            "errors": sum(1 for f in self.findings if f.severity == "error" and not f.waived),
            "warnings": sum(1 for f in self.findings if f.severity == "warning" and not f.waived),
            "notes": sum(1 for f in self.findings if f.severity == "note" and not f.waived),
            "waived": sum(1 for f in self.findings if f.waived),
            "failing": len(self.failing()),
        }
        if self.mode == "diff":
            counts["new"] = sum(1 for f in self.findings if f.state == "new")
            counts["unchanged"] = sum(1 for f in self.findings if f.state == "unchanged")
            counts["fixed"] = len(self.fixed)
        return counts
