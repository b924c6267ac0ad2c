"""Publish a review: the check run (always) and one review with inline comments.

GitHub limits: 50 annotations per check run request, 65,535 characters of summary.
https://docs.github.com/en/rest/checks/runs#update-a-check-run
"""

from __future__ import annotations

import logging
from typing import Any, Mapping

from github.CheckRun import CheckRun
from github.CheckRunAnnotation import CheckRunAnnotation
from github.PaginatedList import PaginatedList
from github.PullRequestComment import PullRequestComment
from github.Repository import Repository

from reviewer.config.rulebook import RuleSpec
from reviewer.engine.finding import Finding
from reviewer.report import Report
from reviewer.report import inert, markdown
from reviewer.github import threads as review_threads
from reviewer.github.client import refusal
from reviewer.report.comments import body, markers_in, place
from reviewer.web.payloads import ACCEPT, RERUN

log = logging.getLogger(__name__)

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
                 notes: list[dict[str, Any]], details_url: str | None = None,
                 buttons: bool = True) -> None:
    """Complete the check run, sending annotations 50 per request (at most
    ``MAX_ANNOTATION_REQUESTS`` requests; the summary says how many were left out).

    GitHub appends the annotations of every update: a retried job whose worker died between
    batches first reads what the run already shows and sends only the rest.
    """
    room = MAX_ANNOTATIONS * MAX_ANNOTATION_REQUESTS
    summary = with_annotation_note(summary, len(notes))
    notes = notes[:room]
    shown = _annotated(run)
    if shown:
        notes = [n for n in notes if _key(n) not in shown]
    output: dict[str, Any] = {"title": title, "summary": summary,
                              "annotations": notes[:MAX_ANNOTATIONS]}
    # A merge group's check has no buttons: nothing to accept there, and GitHub's queue
    # builds the group again when the pull request is queued again.
    extra: dict[str, Any] = {"actions": BUTTONS} if conclusion == "failure" and buttons else {}
    if details_url:
        extra["details_url"] = details_url
    run.edit(status="completed", conclusion=conclusion, output=output, **extra)
    for start in range(MAX_ANNOTATIONS, len(notes), MAX_ANNOTATIONS):
        run.edit(output={"title": title, "summary": summary,
                         "annotations": notes[start:start + MAX_ANNOTATIONS]})


def with_annotation_note(summary: str, count: int) -> str:
    """The summary, saying how many findings are not annotated (once, within the limit)."""
    left_out = count - MAX_ANNOTATIONS * MAX_ANNOTATION_REQUESTS
    if left_out <= 0:
        return summary
    note = (f"\n_{left_out} more finding(s) are in the tables above but not annotated "
            "on the files (GitHub's annotations are sent 50 at a time)._\n")
    if note in summary:
        return summary
    return summary[: markdown.MAX_SUMMARY - len(note)] + note


def _key(note: dict[str, Any]) -> tuple[Any, ...]:
    return (note.get("path"), note.get("start_line"), note.get("end_line"),
            note.get("annotation_level"), note.get("title"), note.get("message"))


def _annotated(run: CheckRun) -> set[tuple[Any, ...]]:
    """The annotations the run already shows (none for a fresh run: no call then)."""
    output = getattr(run, "output", None)
    if not getattr(output, "annotations_count", 0):
        return set()
    shown = set()
    pages = PaginatedList(CheckRunAnnotation, run._requester, f"{run.url}/annotations",
                          {"per_page": 100})
    for index, item in enumerate(pages):
        if index >= MAX_ANNOTATIONS * MAX_ANNOTATION_REQUESTS:
            break  # never more than the app sends
        shown.add(_key({"path": item.path, "start_line": item.start_line,
                        "end_line": item.end_line, "annotation_level": item.annotation_level,
                        "title": item.title, "message": item.message}))
    return shown


def fail_check(run: CheckRun, explanation: str, details_url: str | None = None,
               buttons: bool = True) -> None:
    """Conclude a check run whose review could not be done, saying why.

    ``failure``, never ``neutral``: GitHub counts a neutral conclusion as passing a required
    check, so a change that breaks the review would merge unreviewed. ``details_url``: the
    review page, which says the same and keeps the last good review below.
    """
    extra: dict[str, Any] = {"details_url": details_url} if details_url else {}
    if buttons:
        extra["actions"] = BUTTONS[1:]
    run.edit(status="completed", conclusion="failure",
             output={"title": "policy-reviewer could not review this change",
                     "summary": explanation[: markdown.MAX_SUMMARY]}, **extra)


def posted_fingerprints(repo: Repository, number: int, bot_login: str) -> set[str]:
    """Fingerprints marked in the app's review comments already on the pull request."""
    comments = PaginatedList(PullRequestComment, repo._requester,
                             f"{repo.url}/pulls/{number}/comments", {"per_page": 100})
    found: set[str] = set()
    for comment in comments:
        # Only the app's own comments count (GitHub's word: its bot login): anyone, another
        # app's bot too, can copy a marker into a comment and silence a finding with it.
        if comment.user is not None and comment.user.type == "Bot" and comment.user.login == bot_login:
            found |= markers_in(comment.body)
    return found


def publish(repo: Repository, number: int, head_sha: str, run: CheckRun, report: Report,
            hunks: Mapping[str, list[tuple[int, int]]], rules: Mapping[str, RuleSpec],
            touched_templates: bool, threads: list[review_threads.Thread] | None = None,
            resolved_before: set[str] = frozenset(),  # type: ignore[assignment]
            details_url: str | None = None, bot_login: str = "") -> dict[str, Any]:
    """Finish the check with the review's conclusion, then post its new comments and bring
    the app's earlier threads up to date (resolve the fixed, edit the reworded).

    The conclusion comes first and stands whatever GitHub refuses afterwards: comments and
    thread housekeeping are best effort, and what could not be done is added to the summary
    (``refusals``). New comments go before the conclusion, so a finished check always has
    its comments (or says why not). ``threads`` are the pull request's review threads as read with the
    change; None when they could not be read (GraphQL unavailable): then earlier comments
    are found through REST so nothing is posted twice, and threads are left as they are.
    ``resolved_before``: the threads the app resolved on earlier reviews (a person may have
    reopened them since). ``bot_login``: the app's own login, whose comments alone count as
    the app's. The answer's ``resolved_threads`` are the ones resolved now.
    """
    todo: review_threads.Plan | None = None
    refusals: list[str] = []
    posted: set[str] | None
    if threads is None:
        refusals.append("The review threads could not be read (GitHub's GraphQL API did not "
                        "answer), so fixed threads were left open this time; the next review "
                        "resolves them.")
        try:
            posted = posted_fingerprints(repo, number, bot_login)
        except Exception as exc:  # noqa: BLE001 - without them a comment could be posted twice
            posted = None
            refusals.append("New inline comments were not posted: the app could not read which "
                            f"ones it posted before ({refusal_words(exc)}). The findings are in "
                            "the tables above.")
    else:
        render = {f.fingerprint: body(f, rules) for f in report.findings}
        todo = review_threads.plan(threads, report.findings, head_sha, render, resolved_before,
                                   complete=not report.incomplete)
        posted = todo.silenced
    placement = place(report.findings, hunks, posted or set(), rules)
    comments = placement.comments if posted is not None else []
    counts = None if todo is None else markdown.ThreadCounts(
        fixed=len(todo.resolve), still_open=todo.still_open, new=len(comments))
    if report.fails():
        conclusion = "failure"
    else:
        conclusion = "success" if touched_templates else "neutral"
    title = markdown.title(report) if touched_templates or report.incomplete \
        else "No templates or policies changed"
    # New comments first (a refusal is said in the summary), then the conclusion, which
    # stands whatever GitHub refuses of the housekeeping after it.
    refusals += _post_comments(repo, number, head_sha, comments)
    notes = annotations(report.findings)
    summary = with_annotation_note(markdown.summary(report, placement.outside_diff, counts), len(notes))
    finish_check(run, conclusion, title, with_refusals(summary, refusals), notes, details_url)
    outcome = review_threads.Outcome()
    if todo is not None and not todo.empty:
        outcome = review_threads.apply(repo._requester, todo)
        later = thread_refusals(outcome)
        if later:
            refusals += later
            _amend(run, title, with_refusals(summary, refusals))
    return {"conclusion": conclusion, "title": title, "comments": len(comments),
            "resolved_threads": outcome.resolved, "edited": len(todo.edit) if todo else 0,
            "refusals": refusals}


MAX_COMMENTS_PER_REVIEW = 50


def _post_comments(repo: Repository, number: int, head_sha: str,
                   comments: list[dict[str, Any]]) -> list[str]:
    """Post the new comments as reviews of at most ``MAX_COMMENTS_PER_REVIEW`` each (a
    bounded request, and one refusal loses at most that many); say what could not be."""
    failed, reason = 0, ""
    for start in range(0, len(comments), MAX_COMMENTS_PER_REVIEW):
        chunk = comments[start:start + MAX_COMMENTS_PER_REVIEW]
        try:
            repo._requester.requestJsonAndCheck(
                "POST", f"{repo.url}/pulls/{number}/reviews",
                input={"commit_id": head_sha, "event": "COMMENT",
                       "body": f"policy-reviewer found {len(chunk)} new problem(s) on the lines "
                               "of this change.", "comments": chunk})
        except Exception as exc:  # noqa: BLE001 - the check run already has every finding
            failed += len(chunk)
            reason = reason or refusal_words(exc)
    if not failed:
        return []
    return [f"{failed} new inline comment(s) could not be posted: GitHub refused ({reason}). "
            "The findings are in the tables above; the next review posts them."]


def thread_refusals(outcome: review_threads.Outcome) -> list[str]:
    """Sentences for the summary about the thread steps GitHub refused."""
    out = []
    words = {"resolve": "fixed thread(s) could not be resolved",
             "reply": "reply(ies) saying a finding was fixed could not be posted",
             "edit": "comment(s) could not be updated to today's wording"}
    for kind in ("resolve", "reply", "edit"):
        count = outcome.refused.get(kind)
        if not count:
            continue
        reason = outcome.reasons.get(kind, "")
        text = f"{count} {words[kind]}: GitHub refused ({_inline(reason)})."
        if "FORBIDDEN" in reason or "not accessible" in reason:
            text += (" The installation lacks a permission GitHub wants for this; GitHub does "
                     "not document which (Pull requests: write is asked for; some installations "
                     "also needed Contents: write). Run `policy-reviewer doctor`.")
        elif "RATE_LIMITED" in reason:
            text += " The installation's GraphQL points are spent for now."
        out.append(text + " They are tried again on the next review.")
    return out


def refusal_words(exc: BaseException) -> str:
    """GitHub's answer in a few words, inert in the summary's Markdown."""
    return _inline(refusal(exc))


def _inline(text: str) -> str:
    """GitHub's own words, quoted inside our summary: one line, no Markdown of their own."""
    return inert.code(str(text)[:200])


def with_refusals(summary: str, refusals: list[str]) -> str:
    """The summary with what GitHub refused said under it (within GitHub's limit)."""
    if not refusals:
        return summary
    section = "\n\n### Not done on the pull request\n\n" + "\n".join(f"- {r}" for r in refusals) + "\n"
    return summary[: markdown.MAX_SUMMARY - len(section)] + section


def _amend(run: CheckRun, title: str, summary: str) -> None:
    """Rewrite the finished check's summary (the conclusion stays)."""
    try:
        run.edit(output={"title": title, "summary": summary})
    except Exception:  # noqa: BLE001 - the conclusion is published; this is extra
        log.warning("could not add GitHub's refusals to the check run's summary")
