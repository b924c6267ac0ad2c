"""The review job: fetch the change, run the engine, publish. The engine stays pure."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from reviewer.config.errors import ConfigError
from reviewer.engine.waivers import expiring
from reviewer.github import fetch, publish
from reviewer.jobs.context import JobContext, page_url, repository, tokens
from reviewer.jobs.in_force import rule_layers
from reviewer.jobs.judge import judge
from reviewer.jobs.queue import store
from reviewer.jobs.store import job_id, pull_scope
from reviewer.github.org import OrgRulesUnknown
from reviewer.jobs import acceptances, impact_plan
from reviewer.report import Report, inert, page_record
from reviewer.web import metrics

log = logging.getLogger(__name__)


def run(payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Review one pull request at one head commit and publish the result."""
    started = time.monotonic()
    repo = repository(payload)
    run = publish.start_check(repo, payload["head_sha"], first_attempt=ctx.attempt == 1,
                              external_id=job_id(payload))
    details = page_url(payload["repository"], int(payload["number"]))
    note_state(payload, "reviewing")
    try:
        owner = payload["repository"].split("/")[0]
        change = fetch.fetch_change(repo, int(payload["number"]), payload["base_sha"],
                                    payload["head_sha"], org=owner)
        judged = judge(payload, change, repo)
        review, rules, config, org = judged.review, judged.rules, judged.config, judged.org
        config_text, rule_texts = judged.config_text, judged.rule_texts
        notes = store()
        accepted = acceptances.for_commit(notes.notes(acceptances.scope(payload)), payload["head_sha"])
        findings = acceptances.apply(review.comparison.findings, accepted)
        report = Report("diff", findings, rules, fixed=review.comparison.fixed, reach=review.reach,
                        delta=review.delta, rule_changes=review.rule_changes, fail_on=config.fail_on,
                        base=payload["base_sha"][:12], head=payload["head_sha"][:12],
                        incomplete=incomplete(change), accepted=accepted,
                        expiring=expiring(config, dt.date.today()), org_rules=org.source)
        touched = bool(change.base_files or change.head_files)
        scope = pull_scope("resolved", payload["repository"], int(payload["number"]))
        resolved_before = {n["thread"] for n in notes.notes(scope) if isinstance(n.get("thread"), str)}
        outcome = publish.publish(repo, int(payload["number"]), payload["head_sha"], run, report,
                                  change.hunks, rules, touched, change.threads, resolved_before,
                                  details_url=details, bot_login=tokens().bot_login())
        try:
            notes.add_note(pull_scope("review", payload["repository"], int(payload["number"])),
                           page_record.build(report, payload["repository"], int(payload["number"]),
                                             payload["head_sha"], outcome["conclusion"], outcome["title"],
                                             rules, rule_layers(org, config_text, rule_texts),
                                             change.title, thread_roots(change)),
                           keep=3)
            note_state(payload, "reviewed", outcome["title"])
            for thread in outcome["resolved_threads"]:
                notes.add_note(scope, {"thread": thread, "head": payload["head_sha"]})
        except Exception:  # noqa: BLE001 - published: a retry would reopen a finished check
            log.exception("review of %s#%s published, but its records could not be kept",
                          payload["repository"], payload["number"])
        if impact_plan.org_rule_change(payload, change):
            _start_impact(payload, change, repo, run, ctx)
    except ConfigError as exc:
        # The configuration in force (base commit, the organisation's folder) cannot be used.
        # No review without rules: fail, with the reason, so a required check blocks.
        publish.fail_check(run, "The configuration in force for this review (read from the "
                                "base commit and the organisation's `.github` repository) "
                                f"is invalid, so nothing was checked:\n\n{inert.code(exc)}\n\n"
                                "Fix it on the base branch, then re-run this check.", details)
        note_state(payload, "failed", "the configuration in force is invalid: " + str(exc)[:500])
        return {"conclusion": "failure", "config_error": str(exc)}
    except OrgRulesUnknown as exc:
        # Retrying changes nothing until someone acts: fail now, saying what to do.
        publish.fail_check(run, str(exc), details)
        note_state(payload, "failed", str(exc).split("\n\n")[0])
        return {"conclusion": "failure", "org_rules_unknown": True}
    finally:
        metrics.JOB_SECONDS.observe(time.monotonic() - started)
    return outcome


def _start_impact(payload: dict[str, Any], change: fetch.Change, repo: Any, run: Any,
                  ctx: JobContext) -> None:
    """Queue the organisation rule change's impact on every repository (its own jobs)."""
    try:
        queued = impact_plan.start(payload, change, repo, run, ctx.submit)
        log.info("impact of %s#%s: %d repositories queued", payload["repository"], payload["number"], queued)
    except Exception:  # noqa: BLE001 - the review is published; its impact is extra
        log.exception("could not queue the impact of %s#%s", payload["repository"], payload["number"])


def note_state(payload: dict[str, Any], state: str, words: str = "") -> None:
    """Where the pull request's latest head stands, for its review page: ``reviewing``,
    ``reviewed`` or ``failed`` (with words for people)."""
    try:
        store().add_note(pull_scope("state", payload["repository"], int(payload["number"])),
                         {"head": payload["head_sha"], "state": state, "words": words[:1000],
                          "at": time.time()}, keep=5)
    except Exception:  # noqa: BLE001 - the page is extra; the review goes on
        log.warning("could not note the state of %s#%s", payload["repository"], payload["number"])


def thread_roots(change: fetch.Change) -> dict[str, int]:
    """Each fingerprint's latest thread of the app: its opening comment's id."""
    out: dict[str, int] = {}
    for thread in change.threads or []:
        if thread.fingerprint and thread.root.database_id:
            out[thread.fingerprint] = thread.root.database_id
    return out


def incomplete(change: fetch.Change) -> list[str]:
    """Why part of a pull request was not reviewed, in words for its author."""
    problems = list(change.context_problems)
    if not change.unlisted:
        return problems
    return problems + [f"GitHub lists at most {fetch.MAX_FILES:,} files of a pull request, and this one "
            f"changes {fetch.MAX_FILES + change.unlisted:,}: {change.unlisted:,} file(s) were not "
            "reviewed. Split the pull request, or review it with `policy-reviewer diff` "
            "on a checkout."]


def give_up(payload: dict[str, Any], error: str) -> None:
    """A job that keeps failing: never leave its check run in progress forever. The check
    says what happened and what to do, in words for the pull request's author; the error
    itself (exception names, the job's id) is in the operator's logs."""
    log.error("review of %s#%s at %s set aside after its last attempt: %s", payload.get("repository"),
              payload.get("number"), str(payload.get("head_sha", ""))[:12],
              error.splitlines()[0] if error else "")
    try:
        repo = repository(payload)
        run = publish.start_check(repo, payload["head_sha"], external_id=job_id(payload))
        publish.fail_check(run, COULD_NOT_REVIEW, page_url(payload["repository"], int(payload["number"])))
        note_state(payload, "failed", "the review could not finish after several attempts")
    except Exception:  # noqa: BLE001 - GitHub may be the thing that is down
        log.exception("could not conclude the check run of a dead job")


COULD_NOT_REVIEW = (
    "policy-reviewer tried to review this commit several times and could not finish, so "
    "nothing was checked and this check does not pass.\n\n"
    "**What to do:** press *Re-run* on this check (or push a new commit). If it fails again, "
    "ask whoever runs policy-reviewer for your organisation: the reason is in the app's logs, "
    "and they can replay the review once it is fixed.")
