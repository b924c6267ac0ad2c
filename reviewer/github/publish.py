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
from reviewer.github import threads as review_threads
from reviewer.report.comments import body, markers_in, place
from reviewer.web.payloads import ACCEPT, RERUN

CHECK_NAME = "policy-reviewer"
MAX_ANNOTATIONS = 50
# Annotations beyond two requests' worth add calls, not understanding: new problems come
# first, and the summary lists every finding anyway.
MAX_ANNOTATION_REQUESTS = 2
_LEVELS = {"error": "failure", "warning": "warning", "note": "notice"}
# A failed check's buttons (GitHub: at most 3; label <= 20, description <= 40 characters).
# A click comes back as check_run requested_action (reviewer.web.payloads).
BUTTONS = [
    {"label": "Accept", "description": "Approvers: accept this commit's findings", "identifier": ACCEPT},
    {"label": "Re-run", "description": "Review this commit again", "identifier": RERUN},
]


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
    """One annotation per finding of the head: new ones first (errors first), then unchanged."""
    out = []
    rank = {"error": 0, "warning": 1, "note": 2}
    for f in sorted(findings, key=lambda f: (f.state != "new", rank.get(f.severity, 3))):
        out.append({
            "path": f.path, "start_line": max(f.start_line, 1),
            "end_line": max(f.end_line, f.start_line, 1),
            "annotation_level": _LEVELS.get(f.severity, "notice") if f.state == "new" else "notice",
            "title": f"{f.rule_id} ({f.state or 'found'})",
            "message": f.message + (f" ({f.waived})" if f.waived else ""),
        })
    return out


def finish_check(run: CheckRun, conclusion: str, title: str, summary: str,
                 notes: list[dict[str, Any]], details_url: str | None = None) -> None:
    """Complete the check run, sending annotations 50 per request (at most
    ``MAX_ANNOTATION_REQUESTS`` requests; the summary says how many were left out)."""
    room = MAX_ANNOTATIONS * MAX_ANNOTATION_REQUESTS
    if len(notes) > room:
        note = (f"\n_{len(notes) - room} more finding(s) are in the tables above but not annotated "
                "on the files (GitHub's annotations are sent 50 at a time)._\n")
        summary = summary[: markdown.MAX_SUMMARY - len(note)] + note
        notes = notes[:room]
    output: dict[str, Any] = {"title": title, "summary": summary,
                              "annotations": notes[:MAX_ANNOTATIONS]}
    extra: dict[str, Any] = {"actions": BUTTONS} if conclusion == "failure" else {}
    if details_url:
        extra["details_url"] = details_url
    run.edit(status="completed", conclusion=conclusion, output=output, **extra)
    for start in range(MAX_ANNOTATIONS, len(notes), MAX_ANNOTATIONS):
        run.edit(output={"title": title, "summary": summary,
                         "annotations": notes[start:start + MAX_ANNOTATIONS]})


def fail_check(run: CheckRun, explanation: str) -> None:
    """Conclude a check run whose review could not be done, saying why.

    ``failure``, never ``neutral``: GitHub counts a neutral conclusion as passing a required
    check, so a change that breaks the review would merge unreviewed.
    """
    run.edit(status="completed", conclusion="failure", actions=BUTTONS[1:],
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
            touched_templates: bool, threads: list[review_threads.Thread] | None = None,
            resolved_before: set[str] = frozenset(),  # type: ignore[assignment]
            details_url: str | None = None) -> dict[str, Any]:
    """Post the review's comments (one review, all comments in it), bring the app's earlier
    threads up to date (resolve the fixed, edit the reworded) and finish the check.

    ``threads`` are the pull request's review threads as read with the change; None when
    they could not be read (GraphQL unavailable): then earlier comments are found through
    REST so nothing is posted twice, and threads are left as they are this time.
    ``resolved_before``: the threads the app resolved on earlier reviews (a person may have
    reopened them since). The answer's ``resolved_threads`` are the ones resolved now.
    """
    todo: review_threads.Plan | None = None
    if threads is None:
        posted = posted_fingerprints(repo, number)
    else:
        render = {f.fingerprint: body(f, rules) for f in report.findings}
        todo = review_threads.plan(threads, report.findings, head_sha, render, resolved_before,
                                   complete=not report.incomplete)
        posted = todo.silenced
    placement = place(report.findings, hunks, posted, rules)
    if placement.comments:
        repo._requester.requestJsonAndCheck(
            "POST", f"{repo.url}/pulls/{number}/reviews",
            input={"commit_id": head_sha, "event": "COMMENT",
                   "body": f"policy-reviewer found {len(placement.comments)} new problem(s) "
                           "on the lines of this change.",
                   "comments": placement.comments})
    if todo is not None and not todo.empty:
        review_threads.apply(repo._requester, todo)
    counts = None if todo is None else markdown.ThreadCounts(
        fixed=len(todo.resolve), still_open=todo.still_open, new=len(placement.comments))
    if report.fails():
        conclusion = "failure"
    else:
        conclusion = "success" if touched_templates else "neutral"
    title = markdown.title(report) if touched_templates or report.incomplete \
        else "No templates or policies changed"
    finish_check(run, conclusion, title, markdown.summary(report, placement.outside_diff, counts),
                 annotations(report.findings), details_url)
    return {"conclusion": conclusion, "title": title, "comments": len(placement.comments),
            "resolved_threads": [t.node_id for t in todo.resolve] if todo else [],
            "edited": len(todo.edit) if todo else 0}
