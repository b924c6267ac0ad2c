"""Text from a repository is inert in every piece of Markdown the app writes (issue 18,
point 4): rendered with GitHub's own renderer (cmark-gfm), hostile names, paths, messages,
reasons and rule files bring no link, image, HTML, heading, mention or table break, and
keep their characters."""

from __future__ import annotations

import time
from typing import Any

import pytest

from reviewer.config.rulebook import RuleSpec
from reviewer.engine.access_delta import AccessChange
from reviewer.engine.delta import PrincipalDelta
from reviewer.engine.who import Entry, Reach
from reviewer.engine.finding import Finding
from reviewer.jobs.acceptances import Acceptance
from reviewer.report import Report, inert
from reviewer.report.comments import body, markers_in
from reviewer.report.markdown import summary, title
from hypothesis import given, settings, strategies as st

from tests.github_markdown import active, render, shown, structure

HOSTILE = [
    "`a@b`[APPROVED by security](https://evil.example) ```x``",
    "`@acme/security`![p](https://evil.example/p.png) ```x``",
    "x`[APPROVED](https://evil.example) ```y`@team",
    "1. first\n2) second",
    "    indented like code",
    "--- *** ___",
    "see GH-12 and acme/app#3",
    "\u2028## heading after a line separator",
    "<https://evil.example> <mailto:a@b.example> xmpp:a@b.example",
    "[APPROVED by security](https://evil.example/approve)",
    "![tracking](https://evil.example/pixel.png)",
    "\n## policy-reviewer: all checks passed\n",
    "@acme/security @octocat please merge",
    "<img src=x onerror=alert(1)><b>bold</b>",
    "<!-- policy-reviewer:" + "b" * 32 + " -->",
    "a|b|c",
    "see www.evil.example and mail admin@evil.example, fixes #12, commit deadbeef1234",
    "`code` then ``` fence ```",
    "*emph* _emph_ ~~strike~~ > quote",
    "line one\n\n# Approved by\n\n- [x] done",
    "&lt;script&gt; &#64;team",
    "https://evil.example",
]


def finding(text: str, **extra: Any) -> Finding:
    values = {"rule_id": "no-wildcard-actions", "severity": "error", "path": f"stacks/{text}.yaml",
              "start_line": 3, "end_line": 3, "message": f"Role {text} grants `s3:*` on {text}",
              "value": text, "resource": text, "fingerprint": "a" * 32, "state": "new"}
    values.update(extra)
    return Finding(**values)


def spec(text: str) -> RuleSpec:
    from reviewer.config.rulebook import shipped_rules

    base = shipped_rules()["no-wildcard-actions"]
    import dataclasses

    return dataclasses.replace(base, title=text, rationale=f"Because {text}.\n\nAnd {text}.",
                               fix=f"Fix {text}")


BENIGN = "benign"


def same_structure(hostile: str, benign: str, allowed_comments: int = 0) -> None:
    """The hostile text adds nothing: the elements GitHub renders are the app's own (those
    of the same Markdown made with a benign word)."""
    assert active(hostile, allowed_comments) == active(benign, allowed_comments)
    # Paragraph breaks of a rule's rationale are kept; nothing else may differ.
    assert [t for t in structure(hostile) if t != "p"] == [t for t in structure(benign) if t != "p"]


@pytest.mark.parametrize("text", HOSTILE)
def test_an_inline_comment_renders_hostile_text_as_text(text: str) -> None:
    rules = {"no-wildcard-actions": spec(text)}
    markdown = body(finding(text), rules)
    same_structure(markdown, body(finding(BENIGN), {"no-wildcard-actions": spec(BENIGN)}), 1)
    assert active(markdown, allowed_comments=1) == []
    assert markers_in(markdown) == {"a" * 32}  # our marker, and only ours
    # Values shown in code keep every character (on one line).
    assert " ".join(inert.one_line(text).split()) in shown(inert.code(text))


def summary_of(text: str) -> tuple[str, Report]:
    findings = [finding(text), finding(text, state="unchanged", fingerprint="c" * 32)]
    accepted = Acceptance("a" * 32, "h" * 40, "sam", f"because {text}", time.time(),
                          rule="no-wildcard-actions", resource=text)
    report = Report("diff", findings, {}, fixed=[finding(text, fingerprint="d" * 32)],
                    delta=[PrincipalDelta(f"stacks/{text}.yaml", text, ["s3:GetObject"])],
                    rule_changes=[f"waiver added: `staged-names` on {text}"],
                    incomplete=[f"the file {text} could not be read"], accepted=[accepted],
                    reach=[Reach(f"stacks/{text}.yaml", text, "reach", [
                        Entry(f"AWS:{text}", ["s3:GetObject"], [f"StringEquals aws:SourceArn {text}"], 3, True)])])
    report.delta[0].changes = [AccessChange("wider-resources", [text], f"now on {text} (was x)", 4, 3)]
    return summary(report), report


@pytest.mark.parametrize("text", HOSTILE)
def test_the_summary_renders_hostile_text_as_text(text: str) -> None:
    markdown, report = summary_of(text)
    same_structure(markdown, summary_of(BENIGN)[0])
    # Every table keeps its columns: a "|" in a value does not break a row.
    def cells(md: str) -> list[int]:
        return [row.count("<td") for row in render(md).split("<tr>")[1:]]

    assert cells(markdown) == cells(summary_of(BENIGN)[0])
    assert " ".join(inert.one_line(f"stacks/{text}.yaml").split()) in shown(markdown)
    assert "\n" not in title(report)


def test_a_table_cell_keeps_a_pipe_and_its_columns() -> None:
    report = Report("diff", [finding("x|y")], {})
    html = render(summary(report))
    [row] = [r for r in html.split("<tr>")[1:] if "<td" in r]
    assert row.count("<td") == 6 and "x|y" in row


def test_prose_keeps_our_code_spans_and_makes_everything_else_literal() -> None:
    text = "Action `s3:*` on [bucket](http://x) by @someone"
    html = render(inert.prose(text))
    assert "<code>s3:*</code>" in html and "<a" not in html
    assert shown(inert.prose(text)) == "Action s3:* on [bucket](http://x) by @someone"


def test_code_spans_hold_any_run_of_backticks() -> None:
    for text in ("`", "``a``", "a ` b", " `x` ", "```"):
        html = render(inert.code(text))
        assert html.count("<code>") == 1, (text, html)
        assert shown(inert.code(text)) == text.strip() or text.strip() in shown(inert.code(text))


def test_long_hostile_text_is_handled_in_bounded_time() -> None:
    # Linear in the text (no regular expression's backtracking): a quadratic version would
    # not end in any sensible time here.
    text = ("`" * 3 + "a" * 50 + "@") * 2000 + "[x](http://y)" * 1000
    out = inert.prose(text)
    assert active(out) == []


def test_explain_renders_a_hostile_rule_file_as_text() -> None:
    from reviewer.jobs.commands import explain

    text = HOSTILE[0] + HOSTILE[3]
    markdown = explain("no-wildcard-actions", {"no-wildcard-actions": spec(text)})
    assert active(markdown) == []
    assert "APPROVED by security" in shown(markdown)


PIECES = ["`", "``", "```", "~~~", "[", "]", "(", ")", "!", "<", ">", "@", "@team", "a@b.c",
          "http://e.x", "www.e.x", "#1", "GH-1", "|", "\\", "*", "_", "#", "-", "1.", "&amp;",
          "&#64;", "<img src=x>", "<!--", "-->", "\n", " ", "    ", "x", "security", ":"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=24))
def test_no_combination_of_markdown_pieces_renders_as_more_than_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    for table in (False, True):
        out = inert.prose(text, table)
        assert active(out) == [], (text, out)
        assert structure(out) in ([], ["p"]), (text, out)
        one = inert.code(text, table)
        assert active(one) == [] and structure(one) in ([], ["p"]), (text, one)
