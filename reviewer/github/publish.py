"""Publish a review: the check run (always) and one review with inline comments.

GitHub limits: 50 annotations per check run request, 65,535 characters of summary.
https://docs.github.com/en/rest/checks/runs#update-a-check-run
"""

from __future__ import annotations

from typing import Any, Mapping

from github.CheckRun import CheckRun
from github.PaginatedList import PaginatedList
from github.PullRequestComment import PullRequestComment
from github.Repository import Repository

from reviewer.config.rulebook import RuleSpec
from reviewer.engine.finding import Finding
from reviewer.report import Report
from reviewer.report import markdown
from reviewer.report.comments import markers_in, place

CHECK_NAME = "policy-reviewer"
MAX_ANNOTATIONS = 50
_LEVELS = {"error": "failure", "warning": "warning", "note": "notice"}


def start_check(repo: Repository, head_sha: str, first_attempt: bool = False,
                external_id: str = "") -> CheckRun:
    """The check run for this commit, in progress.

    A retried, recovered or replayed job first looks for the run an earlier attempt made
    (marked with the job's ``external_id``, even if that attempt completed it and died while
    sending annotations), so a pull request never shows two; a first attempt saves that call.
    """
    if first_attempt:
        return repo.create_check_run(name=CHECK_NAME, head_sha=head_sha, status="in_progress",
                                     external_id=external_id)
    runs = list(PaginatedList(CheckRun, repo._requester, f"{repo.url}/commits/{head_sha}/check-runs",
                              {"check_name": CHECK_NAME, "per_page": 100}, list_item="check_runs"))
    ours = ([r for r in runs if r.external_id == external_id] if external_id
            else [r for r in runs if r.status != "completed"])
    for run in ours[:1]:
        if run.status == "completed":
            run.edit(status="in_progress")
        return run
    return repo.create_check_run(name=CHECK_NAME, head_sha=head_sha, status="in_progress",
                                 external_id=external_id)


def annotations(findings: list[Finding]) -> list[dict[str, Any]]:
    """One annotation per finding of the head (new and unchanged)."""
    out = []
    for f in findings:
        out.append({
            "path": f.path, "start_line": max(f.start_line, 1),
            "end_line": max(f.end_line, f.start_line, 1),
            "annotation_level": _LEVELS.get(f.severity, "notice") if f.state == "new" else "notice",
            "title": f"{f.rule_id} ({f.state or 'found'})",
            "message": f.message + (f" ({f.waived})" if f.waived else ""),
        })
    return out


def finish_check(run: CheckRun, conclusion: str, title: str, summary: str,
                 notes: list[dict[str, Any]]) -> None:
    """Complete the check run, sending annotations 50 per request."""
    output: dict[str, Any] = {"title": title, "summary": summary,
                              "annotations": notes[:MAX_ANNOTATIONS]}
    run.edit(status="completed", conclusion=conclusion, output=output)
    for start in range(MAX_ANNOTATIONS, len(notes), MAX_ANNOTATIONS):
        run.edit(output={"title": title, "summary": summary,
                         "annotations": notes[start:start + MAX_ANNOTATIONS]})


def fail_check(run: CheckRun, explanation: str) -> None:
    """Conclude a check run whose review could not be done, saying why.

    ``failure``, never ``neutral``: GitHub counts a neutral conclusion as passing a required
    check, so a change that breaks the review would merge unreviewed.
    """
    run.edit(status="completed", conclusion="failure",
             output={"title": "policy-reviewer could not review this change",
                     "summary": explanation[: markdown.MAX_SUMMARY]})


def posted_fingerprints(repo: Repository, number: int) -> set[str]:
    """Fingerprints marked in the app's review comments already on the pull request."""
    comments = PaginatedList(PullRequestComment, repo._requester,
                             f"{repo.url}/pulls/{number}/comments", {"per_page": 100})
    found: set[str] = set()
    for comment in comments:
        # Only the app's own comments count: anyone can write a marker in a reply.
        if comment.user is not None and comment.user.type == "Bot":
            found |= markers_in(comment.body)
    return found


def publish(repo: Repository, number: int, head_sha: str, run: CheckRun, report: Report,
            hunks: Mapping[str, list[tuple[int, int]]], rules: Mapping[str, RuleSpec],
            touched_templates: bool) -> dict[str, Any]:
    """Post the review's comments (one review, all comments in it) and finish the check."""
    posted = posted_fingerprints(repo, number)
    placement = place(report.findings, hunks, posted, rules)
    if placement.comments:
        repo._requester.requestJsonAndCheck(
            "POST", f"{repo.url}/pulls/{number}/reviews",
            input={"commit_id": head_sha, "event": "COMMENT",
                   "body": f"policy-reviewer found {len(placement.comments)} new problem(s) "
                           "on the lines of this change.",
                   "comments": placement.comments})
    if report.fails():
        conclusion = "failure"
    else:
        conclusion = "success" if touched_templates else "neutral"
    title = markdown.title(report) if touched_templates or report.incomplete \
        else "No templates or policies changed"
    finish_check(run, conclusion, title, markdown.summary(report, placement.outside_diff),
                 annotations(report.findings))
    return {"conclusion": conclusion, "comments": len(placement.comments)}
