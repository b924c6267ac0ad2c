"""What a new review does to the app's earlier review threads (the pure decision)."""

from __future__ import annotations

from reviewer.engine.finding import Finding
from reviewer.github.threads import Comment, Thread, parse_threads, plan
from reviewer.report.comments import MARKER

HEAD = "c0ffee" + "0" * 34


def finding(value: str, message: str = "too wide", path: str = "a.yaml") -> Finding:
    return Finding("no-wildcard-actions", "error", path, 3, 3, message, value, resource="Role")


def ours(f: Finding, body: str | None = None, *, resolved: bool = False, by: str | None = None,
         replies: list[tuple[str, bool]] = (), node: str = "T1", path: str = "a.yaml") -> Thread:
    text = body if body is not None else f"**error** `{f.rule_id}`: {f.message}\n\n" + \
        MARKER.format(fingerprint=f.fingerprint)
    comments = [Comment("C-" + node, 1, text, True, "policy-reviewer")]
    comments += [Comment(f"R{i}", 2 + i, reply, mine, "policy-reviewer" if mine else "dev")
                 for i, (reply, mine) in enumerate(replies)]
    [thread] = parse_threads([{"id": node, "path": path, "isResolved": resolved, "isOutdated": False,
                               "resolvedBy": {"login": by} if by else None,
                               "comments": {"nodes": [{"id": c.node_id, "databaseId": c.database_id,
                                                       "body": c.body, "viewerDidAuthor": c.mine,
                                                       "author": {"login": c.author}} for c in comments]}}])
    return thread


def render(*findings: Finding) -> dict[str, str]:
    return {f.fingerprint: f"**error** `{f.rule_id}`: {f.message}\n\n" + MARKER.format(fingerprint=f.fingerprint)
            for f in findings}


def test_a_fixed_finding_resolves_its_thread_without_a_reply_when_nobody_spoke() -> None:
    gone = finding("s3:*")
    todo = plan([ours(gone)], [], HEAD, {})
    assert [t.node_id for t in todo.resolve] == ["T1"]
    assert todo.reply == {} and todo.edit == {}
    assert gone.fingerprint in todo.silenced  # and it is not commented again


def test_a_fixed_finding_whose_thread_has_a_person_in_it_gets_a_reply_naming_the_commit() -> None:
    gone = finding("s3:*")
    todo = plan([ours(gone, replies=[("Is this really needed?", False)])], [], HEAD, {})
    assert [t.node_id for t in todo.resolve] == ["T1"]
    assert todo.reply == {"T1": f"Fixed in {HEAD[:12]}: this finding is gone, so I resolved the thread."}


def test_a_reworded_message_is_edited_in_place_and_not_posted_again() -> None:
    old = finding("s3:*", "old wording")
    now = finding("s3:*", "new wording")
    assert old.fingerprint == now.fingerprint  # the message is not part of the fingerprint
    todo = plan([ours(old)], [now], HEAD, render(now))
    assert todo.edit == {"C-T1": render(now)[now.fingerprint]}
    assert todo.resolve == [] and todo.still_open == 1
    assert now.fingerprint in todo.silenced
    # Same text: nothing to do.
    again = plan([ours(now)], [now], HEAD, render(now))
    assert again.empty and again.still_open == 1


def test_threads_a_person_resolved_or_reopened_are_left_as_they_are() -> None:
    f = finding("s3:*")
    # A person resolved it while the finding is still there: no edit, no fresh comment.
    by_person = plan([ours(f, "reworded\n\n" + MARKER.format(fingerprint=f.fingerprint), resolved=True, by="dev")], [f], HEAD, render(f))
    assert by_person.empty and f.fingerprint in by_person.silenced
    # The app resolved it earlier, a person reopened it, the finding is still gone: left open.
    reopened = plan([ours(f)], [], HEAD, {}, resolved_before={"T1"})
    assert reopened.resolve == [] and reopened.empty


def test_a_finding_that_comes_back_after_the_app_resolved_it_gets_a_fresh_comment() -> None:
    f = finding("s3:*")
    todo = plan([ours(f, resolved=True)], [f], HEAD, render(f), resolved_before={"T1"})
    assert f.fingerprint not in todo.silenced and todo.empty
    # The fresh comment's thread is the latest: on the next review it is the one followed.
    later = plan([ours(f, resolved=True), ours(f, node="T2")], [f], HEAD, render(f), resolved_before={"T1"})
    assert f.fingerprint in later.silenced and later.still_open == 1 and later.empty


def test_nothing_is_called_fixed_where_the_review_did_not_see_the_file() -> None:
    f = finding("s3:*")
    broken = Finding("template-parse", "error", "a.yaml", 1, 1, "does not parse", "x")
    assert plan([ours(f)], [broken], HEAD, {}).resolve == []
    assert plan([ours(f)], [], HEAD, {}, complete=False).resolve == []
    # Another file's problem does not hold this one back.
    assert [t.node_id for t in plan([ours(f)], [finding("x", path="b.yaml")], HEAD, {}).resolve] == ["T1"]


def test_only_the_apps_own_first_comments_make_a_thread_the_apps() -> None:
    f = finding("s3:*")
    forged = ours(f)
    forged.comments[0].mine = False
    [parsed] = parse_threads([{"id": "T9", "path": "a.yaml", "isResolved": False, "comments": {"nodes": [
        {"id": "X", "databaseId": 5, "body": forged.root.body, "viewerDidAuthor": False, "author": {"login": "dev"}}]}}])
    assert parsed.fingerprint is None
    assert plan([parsed], [], HEAD, {}).empty
    # A marker quoted in the middle of a comment is not a marker.
    assert parse_threads([{"id": "T", "comments": {"nodes": [
        {"id": "X", "body": MARKER.format(fingerprint=f.fingerprint) + "\nmore", "viewerDidAuthor": True}]}}])[0].fingerprint is None


def test_malformed_thread_data_is_skipped() -> None:
    assert parse_threads([None, {"id": "T"}, {"comments": {"nodes": [{"body": 3}]}}, "x"]) == []
