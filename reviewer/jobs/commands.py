"""Commands people give the app: replies to its comments, and its check run's buttons.

A reply to one of the app's review comments that starts with ``/policy-reviewer`` is a
command: ``explain`` answers in the thread with the rule's rationale, fix and examples;
``accept <reason>`` records, for an approver, that this finding is accepted for the pull
request's current head commit, then reviews that commit again; ``accept-all <reason>`` does
the same for every finding of the commit. The check run's "Accept" button asks for that
reply (a button carries no reason); "Re-run" reviews the commit again.

A comment is the app's only when GitHub says the app wrote it (its bot login), never because
it carries the app's marker. Approvers are members of the GitHub teams the organisation
names (``approvers: {teams: [...]}``); the pull request's author cannot accept their own
findings unless the organisation allows it (``authors_may_accept``); every acceptance gives
a reason of at least ``min_reason`` characters. Commands are throttled
(reviewer.jobs.throttle) before any API call. Nothing here changes configuration, and
nothing outlives the head commit it was given for.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Mapping

from github import GithubException
from github.Repository import Repository

from reviewer.config.rulebook import RuleSpec
from reviewer.config.settings import Settings
from reviewer.github import fetch
from reviewer.github.org import OrgRulesUnknown, fetch_org_policies
from reviewer.jobs import acceptances, throttle
from reviewer.jobs.context import JobContext, repository, tokens
from reviewer.jobs.in_force import rules_in_force
from reviewer.jobs.queue import store
from reviewer.jobs.store import QUEUED, job_id, pull_scope
from reviewer.report.comments import markers_in
from reviewer.report.inert import block, code, paragraphs, prose
from reviewer.web.payloads import COMMAND

log = logging.getLogger(__name__)

# Our comments open with "**severity** `rule-id`:" (reviewer.report.comments.body).
_RULE = re.compile(r"\*\*(?:error|warning|note)\*\* `([A-Za-z0-9_.-]{1,100})`")
MAX_EXAMPLE_LINES = 30
USAGE = ("I understand `/policy-reviewer explain` (why this rule exists and how to fix it), "
         "`/policy-reviewer accept <reason>` (for approvers: accept this finding for the current "
         "commit) and `/policy-reviewer accept-all <reason>` (every finding of the commit).")


def run(payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Carry out one reply command or button click; answer in the thread or the pull request."""
    admission = throttle.admit(store(), payload)
    if not admission.answer and not admission.notice:
        log.info("command on %s#%s not answered: %s", payload["repository"],
                 payload["number"], admission.why)
        return {"ignored": admission.why}
    repo = repository(payload)
    if payload["kind"] == "accept-all":
        if admission.notice:
            return {"ignored": admission.why}  # the button: no thread to say it in
        return _ask_for_reason(repo, payload)
    # Only under the app's own comments, before anything else is read or said.
    root = _our_comment(repo, int(payload["thread_id"]), tokens().bot_login())
    if root is None:
        return {"ignored": "not a reply to one of the app's comments"}
    if admission.notice:
        _reply(repo, int(payload["number"]), int(payload["thread_id"]), throttle.NOTICE)
        return {"ignored": admission.why}
    owner = payload["repository"].split("/")[0]
    try:
        rules, config = _rules(repo, payload, owner)
    except OrgRulesUnknown as exc:
        # Who may accept is the organisation's word: without it, nothing is accepted.
        _reply(repo, int(payload["number"]), int(payload["thread_id"]), str(exc))
        return {"ignored": "the organisation's rules cannot be read"}
    words = payload["text"][len(COMMAND):].strip().split(None, 1) if payload["text"].startswith(COMMAND) else []
    verb = words[0].lower() if words else ""
    reason = words[1].strip() if len(words) > 1 else ""
    if verb == "explain":
        answer = explain(root["rule"], rules)
    elif verb in ("accept", "accept-all"):
        answer = _accept(repo, payload, owner, config, root if verb == "accept" else None, reason, ctx)
    else:
        answer = USAGE
    _reply(repo, int(payload["number"]), int(payload["thread_id"]), answer)
    return {"command": verb or "unknown"}


def _rules(repo: Repository, payload: dict[str, Any], owner: str) -> tuple[dict[str, RuleSpec], Settings]:
    base = payload["base_sha"]
    config_text = fetch.read_with(repo._requester, repo.url, fetch.REPOSITORY_CONFIG, base)
    rule_texts = {}
    for path in fetch.list_rule_files(repo, base):
        text = fetch.read_with(repo._requester, repo.url, path, base)
        if text is not None:
            rule_texts[path] = text.decode("utf-8", "replace")
    org = fetch_org_policies(repo, owner)
    return rules_in_force(payload, org, None if config_text is None
                          else config_text.decode("utf-8", "replace"), rule_texts)


def explain(rule_id: str | None, rules: Mapping[str, RuleSpec]) -> str:
    """The rule's title, rationale, fix and one failing and one passing example."""
    spec = rules.get(rule_id or "")
    if spec is None:
        return f"I do not know the rule {code(rule_id or '?')} any more; it may have been removed."
    parts = [f"**{code(spec.id)}: {prose(spec.title)}** ({spec.severity})",
             f"_Why:_ {paragraphs(spec.rationale)}"]
    if spec.fix:
        parts.append(f"_Fix:_ {paragraphs(spec.fix)}")
    for kind, label in (("fail", "Fails this rule"), ("pass", "Passes")):
        example = next((e for e in spec.examples.get(kind, []) if isinstance(e.get("content"), str)), None)
        if example is None:
            continue
        lines = example["content"].rstrip().splitlines()
        shown = "\n".join(lines[:MAX_EXAMPLE_LINES]) + ("\n# ..." if len(lines) > MAX_EXAMPLE_LINES else "")
        parts.append(f"{label} ({prose(str(example.get('name', '')))}):\n\n{block(shown)}")
    return "\n\n".join(parts)


def _our_comment(repo: Repository, comment_id: int, bot_login: str) -> dict[str, Any] | None:
    """The thread's first comment, if GitHub says this app wrote it: its fingerprint and rule."""
    try:
        _, data = repo._requester.requestJsonAndCheck("GET", f"{repo.url}/pulls/comments/{comment_id}")
    except GithubException as exc:
        if exc.status == 404:
            return None
        raise
    user = data.get("user") or {}
    body = data.get("body") or ""
    fingerprint = next(iter(markers_in(body)), None)
    # Another app's bot can copy our marker into its own comment: only our login counts.
    if user.get("type") != "Bot" or user.get("login") != bot_login or fingerprint is None:
        return None
    rule = _RULE.match(body)
    return {"fingerprint": fingerprint, "rule": rule.group(1) if rule else None}


def is_approver(repo: Repository, org: str, teams: list[str], login: str) -> bool:
    """Is ``login`` an active member of one of the approver teams of ``org``?"""
    for team in teams:
        try:
            _, data = repo._requester.requestJsonAndCheck(
                "GET", f"/orgs/{org}/teams/{team}/memberships/{login}")
        except GithubException as exc:
            if exc.status == 404:
                continue  # not a member (or no such team)
            raise
        if isinstance(data, dict) and data.get("state") == "active":
            return True
    return False


def _teams(owner: str, teams: list[str]) -> str:
    # In a code span: named, never @-mentioned (a refusal must not ping the team each time).
    return ", ".join(code(f"@{owner}/{t}") for t in teams)


def _refusal(login: str, owner: str, teams: list[str]) -> str:
    if not teams:
        return (f"Sorry @{login}, this organisation has not named approvers (`approvers: {{teams: "
                "[...]}` in its policy-reviewer configuration), so findings cannot be accepted "
                "here. Fix the finding, or ask the organisation's admins.")
    return (f"Sorry @{login}, only members of {_teams(owner, teams)} can accept findings. Nothing "
            "was changed; ask one of them to reply `/policy-reviewer accept <reason>` if the risk "
            "is acceptable.")


def _accept(repo: Repository, payload: dict[str, Any], owner: str, config: Settings,
            root: dict[str, Any] | None, reason: str, ctx: JobContext) -> str:
    """Accept one finding (``root``) or all of the commit's (None) for the current head."""
    login = payload["actor"]
    teams = config.approvers
    if not teams or not is_approver(repo, owner, teams, login):
        return _refusal(login, owner, teams)
    _, pull = repo._requester.requestJsonAndCheck("GET", f"{repo.url}/pulls/{int(payload['number'])}")
    author = str((pull.get("user") or {}).get("login") or "")
    head = str((pull.get("head") or {}).get("sha") or payload["head_sha"])
    if author.lower() == login.lower() and not config.authors_may_accept:
        return (f"Sorry @{login}, the author of a pull request cannot accept its findings here; "
                f"ask another member of {_teams(owner, teams)}. Nothing was changed.")
    if len(reason) < config.min_reason or sum(ch.isalpha() for ch in reason) < 3:
        return (f"Please say why, in at least {config.min_reason} characters: "
                "`/policy-reviewer accept <reason>`. The reason goes on the record. Nothing was "
                "changed.")
    if head != payload["head_sha"]:
        return (f"This pull request has moved on to commit {head[:12]} since; a new push is "
                "judged afresh. Nothing was accepted: reply on the new review's comment.")
    fingerprint = root["fingerprint"] if root else acceptances.ALL
    if root is not None and not _still_there(payload, fingerprint):
        return (f"This finding is no longer in commit {head[:12]} (it was fixed or moved), so "
                "there is nothing to accept. Nothing was changed.")
    scope = acceptances.scope(payload)
    # Claimed atomically (two workers may carry out two acceptances of one finding at once):
    # one record per finding and commit.
    if not store().claim_delivery(f"accepted:{scope}:{head}:{fingerprint}"):
        earlier = next((a for a in acceptances.for_commit(store().notes(scope), head)
                        if a.fingerprint == fingerprint), None)
        if earlier is None:
            return "This finding is being accepted by another reply just now. Nothing was changed."
        return (f"Already accepted by {code('@' + earlier.by)} on {earlier.when}: "
                f"{prose(earlier.reason)}. Nothing was changed.")
    kept, shortened = acceptances.keep(reason)
    store().add_note(scope, acceptances.note(acceptances.Acceptance(
        fingerprint, head, login, kept, time.time(), rule=(root or {}).get("rule") or "")))
    _review_again(payload, ctx)
    what = "This finding is" if root else "Every finding of this commit is"
    note = (f"\n\nThe reason was {len(reason):,} characters long and is kept shortened to "
            f"{acceptances.MAX_REASON}." if shortened else "")
    return (f"{what} accepted by {code('@' + login)} for commit {head[:12]}: {prose(kept)}{note}\n\n"
            "The check is run again for this commit; a new push is judged afresh.")


def _still_there(payload: dict[str, Any], fingerprint: str) -> bool:
    """Is the finding in the latest review of this head? Unknown (not reviewed yet): yes."""
    records = store().notes(pull_scope("review", payload["repository"], int(payload["number"])))
    latest = next((r for r in reversed(records) if r.get("head") == payload["head_sha"]), None)
    if latest is None or "fingerprints" not in latest:
        return True
    return fingerprint in set(latest["fingerprints"])


def _ask_for_reason(repo: Repository, payload: dict[str, Any]) -> dict[str, Any]:
    """The Accept button: a button carries no reason, so ask for the reply that does."""
    number = int(payload["number"])
    text = (f"@{payload['actor']}, to accept every finding of commit {payload['head_sha'][:12]}, an "
            "approver replies `/policy-reviewer accept-all <reason>` to any of policy-reviewer's "
            "inline comments (or `/policy-reviewer accept <reason>` to one finding's). The reason "
            "goes on the record; nothing has been accepted yet.")
    repo._requester.requestJsonAndCheck("POST", f"{repo.url}/issues/{number}/comments",
                                        input={"body": text})
    return {"accepted": False, "asked": True}


def _review_again(payload: dict[str, Any], ctx: JobContext) -> None:
    """Review the commit again, once for a burst of acceptances: a review already waiting
    in the queue reads every acceptance when it runs."""
    review = {k: payload[k] for k in ("installation_id", "repository", "number", "head_sha", "base_sha")}
    waiting = store().get_job(job_id(review))
    if waiting is not None and waiting.state == QUEUED:
        return
    ctx.submit(review, force=True)


def _reply(repo: Repository, number: int, thread_id: int, body: str) -> None:
    repo._requester.requestJsonAndCheck(
        "POST", f"{repo.url}/pulls/{number}/comments/{thread_id}/replies", input={"body": body})


def give_up(payload: dict[str, Any], error: str) -> None:
    """A command that kept failing: the person who gave it sees no answer; the log says why."""
    log.error("a command for %s#%s was set aside: %s", payload.get("repository"),
              payload.get("number"), error.splitlines()[0] if error else "")
