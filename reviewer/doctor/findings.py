"""Findings, and what the app needs to be granted.

Levels: ``fail`` (✗) would stall or weaken reviews and makes doctor exit 1; ``warn`` (!) is
worth fixing but reviews still hold; ``unknown`` (?) could not be checked; ``ok`` (✓).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reviewer.doctor.answers import Unreadable

OK, WARN, FAIL, UNKNOWN = "ok", "warn", "fail", "unknown"

# What the app needs (DESIGN.md, "Permissions the app asks for, and no more"); the manifest
# asks for exactly these (tests/test_doctor.py holds the two together).
NEEDED_PERMISSIONS = {"checks": "write", "pull_requests": "write", "contents": "read",
                      "metadata": "read", "members": "read", "merge_queues": "read"}
NEEDED_EVENTS = ("pull_request", "check_run", "check_suite", "pull_request_review_comment",
                 "merge_group")
# Organisation permissions do not exist on a personal account's installation.
ORGANISATION_ONLY = frozenset({"members"})

# The names GitHub's settings pages show.
PERMISSION_NAMES = {"checks": "Checks", "pull_requests": "Pull requests", "contents": "Contents",
                    "metadata": "Metadata", "members": "Members (organisation)",
                    "merge_queues": "Merge queues", "administration": "Administration"}
EVENT_NAMES = {"pull_request": "Pull request", "check_run": "Check run", "check_suite": "Check suite",
               "pull_request_review_comment": "Pull request review comment",
               "merge_group": "Merge group"}
_RANK = {"none": 0, "read": 1, "write": 2, "admin": 3}


@dataclass(frozen=True)
class Finding:
    """One line of the answer: what was found and, unless it is fine, what to do."""

    level: str
    what: str
    fix: str = ""
    details: tuple[str, ...] = ()


@dataclass
class Section:
    """Findings about one thing (the app, an installation, a repository)."""

    title: str
    findings: list[Finding] = field(default_factory=list)
    sections: list["Section"] = field(default_factory=list)

    def all(self) -> list[Finding]:
        """This section's findings and those of every section below it."""
        return self.findings + [f for s in self.sections for f in s.all()]


def exit_status(sections: list[Section]) -> int:
    """1 when anything would stall or weaken reviews, else 0 (warnings do not fail)."""
    return 1 if any(f.level == FAIL for s in sections for f in s.all()) else 0


def missing_permissions(granted: dict[str, str], needed: dict[str, str]) -> dict[str, str]:
    """The needed permissions that ``granted`` lacks or grants at a lower level."""
    return {p: level for p, level in needed.items()
            if _RANK.get(granted.get(p, "none"), 0) < _RANK[level]}


def permission_list(permissions: dict[str, str]) -> str:
    """"Checks (write), Merge queues (read)"."""
    return ", ".join(f"{PERMISSION_NAMES.get(p, p)} ({level})" for p, level in permissions.items())


def event_list(events: Iterable[str]) -> str:
    """"the merge_group event", "the pull_request, check_run events": as the API names them."""
    names = list(events)
    return "the " + ", ".join(names) + (" event" if len(names) == 1 else " events")


def unknown(what: str, failure: Unreadable, fix: str = "") -> Finding:
    """"Could not check" a thing, with GitHub's reason."""
    return Finding(UNKNOWN, f"could not check {what}: {failure.reason}",
                   fix or "run doctor again later; if it persists, see https://www.githubstatus.com")
