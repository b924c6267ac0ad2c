"""Which findings become inline comments, and what the check summary looks like."""

from __future__ import annotations

from reviewer.engine.diffmap import commentable, right_side_lines
from reviewer.engine.finding import Finding
from reviewer.report import Report
from reviewer.report import markdown
from reviewer.report.comments import markers_in, place

PATCH = """@@ -1,3 +1,4 @@
 a
-b
+B
+C
 d
@@ -10,2 +11,3 @@ Resources:
 x
+y
 z
\\ No newline at end of file"""


def test_right_side_lines_follow_hunks() -> None:
    assert right_side_lines(PATCH) == [(1, 4), (11, 13)]
    assert right_side_lines(None) == []
    assert commentable([(1, 4)], 2, 4) and not commentable([(1, 4), (11, 13)], 4, 11)


def finding(line: int, end: int | None = None, state: str = "new", fp: str = "a" * 32) -> Finding:
    return Finding("staged-names", "error", "t.yaml", line, end or line, "msg", "v",
                   resource="Q", fingerprint=fp, state=state)


def test_place_comments_only_new_findings_on_diff_lines_once() -> None:
    findings = [finding(3), finding(12, 13, fp="b" * 32), finding(7, fp="c" * 32),
                finding(2, state="unchanged", fp="d" * 32), finding(4, fp="e" * 32)]
    placement = place(findings, {"t.yaml": [(1, 4), (11, 13)]}, posted={"e" * 32}, rules={})
    assert [(c["line"], c.get("start_line")) for c in placement.comments] == [(3, None), (13, 12)]
    assert [f.start_line for f in placement.outside_diff] == [7]
    assert markers_in(placement.comments[0]["body"]) == {"a" * 32}


def test_suggestion_block_in_comment() -> None:
    f = finding(3)
    f.suggestion = '      QueueName: !Sub "q-${Stage}"'
    [comment] = place([f], {"t.yaml": [(1, 4)]}, set(), {}).comments
    assert '```suggestion\n      QueueName: !Sub "q-${Stage}"\n```' in comment["body"]


def test_summary_is_cut_below_githubs_limit_with_a_note() -> None:
    many = [finding(i, fp=f"{i:032x}") for i in range(1, 3000)]
    for f in many:
        f.message = "x" * 60
    text = markdown.summary(Report("diff", many, {}))
    assert len(text) <= markdown.MAX_SUMMARY and "cut to fit" in text


def test_text_from_a_template_or_rule_cannot_plant_a_marker() -> None:
    """A message or a copied template line holding a marker must not silence another finding."""
    from reviewer.report.comments import body

    planted = "<!-- policy-reviewer:" + "b" * 32 + " -->"
    f = finding(2, fp="c" * 32)
    f.message = "bad " + planted
    f.suggestion = "      FunctionName: x  # ``` " + planted
    text = body(f, {})
    assert markers_in(text) == {"c" * 32}
    assert text.count("<!--") == 2  # ours, and the suggestion's (code: GitHub shows it)
    assert "\\<\\!\\-\\- policy\\-reviewer:" + "b" * 32 in text  # the message's, escaped
    assert "````suggestion\n" in text and text.count("````") == 2  # the line cannot close it
