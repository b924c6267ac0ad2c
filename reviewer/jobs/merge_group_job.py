"""The merge queue's job: review a merge group's commit like a pull request, and report the
same required ``policy-reviewer`` check on it.

On a branch with a merge queue, GitHub builds a commit for each queue entry (the base plus
every queued pull request up to and including this one) on a ``gh-readonly-queue/...``
branch and asks for the required checks on it (``merge_group`` ``checks_requested``). A
required check that never reports stalls the queue until its timeout ejects the entry. The
group is judged against its base with the rules and configuration read from the base, and
new errors fail it, as on a pull request. Acceptances approvers gave on the group's pull
requests (at the head they reviewed) still count. There are no inline comments (no pull
request); the summary names the group's pull requests, links their pages, and says what
the combination adds that none of them added alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from typing import Any, Callable

from reviewer.config.errors import ConfigError
from reviewer.engine.finding import Finding
from reviewer.engine.waivers import expiring
from reviewer.github import publish
from reviewer.github.fetch_range import MAX_COMPARED_FILES, fetch_range
from reviewer.github.org import OrgRulesUnknown
from reviewer.jobs import acceptances
from reviewer.jobs.context import JobContext, page_url, repository
from reviewer.jobs.judge import judge
from reviewer.jobs.queue import store
from reviewer.jobs.store import job_id, pull_scope
from reviewer.report import Report, inert, markdown
from reviewer.web import metrics

log = logging.getLogger(__name__)

MAX_PULLS_NAMED = 50


def run(payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Review a merge group's head commit against its base and conclude its check."""
    started = time.monotonic()
    repo = repository(payload)
    run = publish.start_check(repo, payload["head_sha"], first_attempt=ctx.attempt == 1,
                              external_id=job_id(payload))
    try:
        owner = payload["repository"].split("/")[0]
        group = fetch_range(repo, payload["base_sha"], payload["head_sha"],
                            payload.get("head_ref", ""), org=owner)
        judged = judge(payload, group.change, repo)
        # A pull request's acceptances count only if the head they were given for is in
        # the group: commit messages name pull requests, and their authors write them.
        accepted = carried_acceptances(payload["repository"], group.pulls,
                                       lambda sha: _contains(repo, sha, payload["head_sha"]))
        findings = acceptances.apply(judged.review.comparison.findings, accepted)
        incomplete = list(group.change.context_problems)
        if group.change.unlisted:
            incomplete.append(f"GitHub compares at most {MAX_COMPARED_FILES} files, and this merge "
                              "group changes at least that many: part of it may not have been "
                              "reviewed. Merge fewer pull requests at a time.")
        report = Report("diff", findings, judged.rules, fixed=judged.review.comparison.fixed,
                        reach=judged.review.reach,
                        delta=judged.review.delta, rule_changes=judged.review.rule_changes,
                        fail_on=judged.config.fail_on, base=payload["base_sha"][:12],
                        head=payload["head_sha"][:12], incomplete=incomplete, accepted=accepted,
                        expiring=expiring(judged.config, dt.date.today()),
                        org_rules=judged.org.source)
        touched = bool(group.change.base_files or group.change.head_files)
        conclusion = "failure" if report.fails() else ("success" if touched else "neutral")
        title = markdown.title(report) if touched or report.incomplete \
            else "No templates or policies changed"
        latest = lambda number: _latest_review(payload["repository"], number)  # noqa: E731
        text = group_section(payload["repository"], group.pulls, report.findings, latest) + "\n\n" + \
            markdown.summary(report, help_line=False)
        publish.finish_check(run, conclusion, title, text[: markdown.MAX_SUMMARY],
                             publish.annotations(report.findings), buttons=False)
        return {"conclusion": conclusion, "title": title, "pulls": group.pulls}
    except ConfigError as exc:
        publish.fail_check(run, "The configuration in force for this merge group (read from its "
                                "base commit and the organisation's `.github` repository) is "
                                f"invalid, so nothing was checked:\n\n{inert.code(exc)}\n\n"
                                "Fix it on the base branch, then queue the pull request again.",
                           buttons=False)
        return {"conclusion": "failure", "config_error": str(exc)}
    except OrgRulesUnknown as exc:
        publish.fail_check(run, str(exc), buttons=False)
        return {"conclusion": "failure", "org_rules_unknown": True}
    finally:
        metrics.JOB_SECONDS.observe(time.monotonic() - started)


def carried_acceptances(repository: str, pulls: list[int],
                        contained: Callable[[str], bool]) -> list[acceptances.Acceptance]:
    """What approvers accepted on the group's pull requests, for the head each pull request
    was last reviewed at, when the group contains that head (``contained``): a finding
    accepted there is accepted in the group too. "Every finding" of a pull request covers
    the findings that pull request's review had."""
    out: list[acceptances.Acceptance] = []
    for number in pulls[:MAX_PULLS_NAMED]:
        latest = _latest_review(repository, number)
        if latest is None or not contained(str(latest.get("head", ""))):
            continue
        notes = store().notes(pull_scope("accepted", repository, number))
        for accepted in acceptances.for_commit(notes, str(latest.get("head"))):
            if accepted.fingerprint != acceptances.ALL:
                out.append(accepted)
                continue
            for fingerprint in latest.get("fingerprints") or []:
                out.append(acceptances.Acceptance(str(fingerprint), accepted.head, accepted.by,
                                                  f"{accepted.reason} (every finding of #{number})",
                                                  accepted.at))
    return out


def group_section(repository: str, pulls: list[int], findings: list[Finding],
                  latest: Callable[[int], dict[str, Any] | None]) -> str:
    """The group's pull requests, with their pages, and what only the combination adds
    (``latest``: a pull request's latest review record, or None)."""
    if not pulls:
        return ("This merge group's pull requests could not be named from its commits; it is "
                "reviewed as one change against its base.")
    links = []
    for number in pulls[:MAX_PULLS_NAMED]:
        page = page_url(repository, number)
        links.append(f"#{number}" + (f" ([review]({page}))" if page else ""))
    more = f" and {len(pulls) - MAX_PULLS_NAMED} more" if len(pulls) > MAX_PULLS_NAMED else ""
    out = [f"**Merge queue**: this commit merges {', '.join(links)}{more} into the base branch.", ""]
    alone: set[str] = set()
    unknown = []
    for number in pulls[:MAX_PULLS_NAMED]:
        record = latest(number)
        if record is None or "fingerprints" not in record:
            unknown.append(number)
        else:
            alone |= set(record["fingerprints"])
    combined = [f for f in findings if f.state == "new" and f.fingerprint not in alone]
    if unknown:
        out.append("Not reviewed on their own (no review of their latest head is on record): "
                   + ", ".join(f"#{n}" for n in unknown) + ".")
    elif combined:
        out.append(f"**{len(combined)} new finding(s) come from the combination** and from none of "
                   "these pull requests alone:")
        out += [f"- {inert.code(f.rule_id)} in {inert.code(f.path)} line {f.start_line}: "
                f"{inert.prose(f.message)}" for f in combined[:20]]
    else:
        out.append("The combination adds nothing that its pull requests did not add on their own.")
    return "\n".join(out)


def _contains(repo: Any, sha: str, head: str) -> bool:
    """Is commit ``sha`` part of ``head``'s history (GitHub's comparison: ahead or identical)?"""
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
        return False
    try:
        return repo.compare(sha, head).status in ("ahead", "identical")
    except Exception:  # noqa: BLE001 - unknown: the acceptance does not count
        log.warning("could not tell whether %s is in merge group %s", sha[:12], head[:12])
        return False


def _latest_review(repository: str, number: int) -> dict[str, Any] | None:
    records = store().notes(pull_scope("review", repository, number))
    return records[-1] if records else None


def give_up(payload: dict[str, Any], error: str) -> None:
    """The queue waits on this check: conclude it as failed (the entry leaves the queue, and
    can be queued again), never leave it in progress."""
    log.error("merge group %s of %s set aside: %s", str(payload.get("head_sha", ""))[:12],
              payload.get("repository"), error.splitlines()[0] if error else "")
    try:
        repo = repository(payload)
        run = publish.start_check(repo, payload["head_sha"], external_id=job_id(payload))
        publish.fail_check(run, "policy-reviewer tried to review this merge group several times and "
                                "could not finish, so nothing was checked. Queue the pull request "
                                "again; if it fails again, ask whoever runs policy-reviewer (the "
                                "reason is in the app's logs).", buttons=False)
    except Exception:  # noqa: BLE001 - GitHub may be the thing that is down
        log.exception("could not conclude the check run of a dead merge group job")
