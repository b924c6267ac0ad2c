"""What GitHub shows for a piece of Markdown: rendered by cmark-gfm, GitHub's own renderer
(with its extensions: tables, autolinks, strikethrough, tag filter, task lists)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options


def render(markdown: str) -> str:
    """The HTML GitHub's renderer makes of ``markdown`` (raw HTML passed through, so a test
    sees any HTML a hostile text would bring)."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def shown(markdown: str) -> str:
    """The text a person reads: rendered, tags dropped, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]{0,2000}>", " ", render(markdown))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


class Active(HTMLParser):
    """What in rendered HTML acts on its own: links, images, headings, raw HTML elements
    other than the renderer's own, and text outside code that GitHub would turn into a
    link or a mention (``@someone``, ``http://``, ``www.``, ``#12``)."""

    # The app's own structure; anything else (a link, an image, a heading, a list that
    # numbers itself, a rule) can only come from the text.
    STRUCTURE = {"p", "code", "pre", "em", "strong", "table", "thead", "tbody", "tr", "th",
                 "td", "ul", "li", "blockquote", "br", "sub"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.tags: list[str] = []  # every element but code spans, in order
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "code":
            self._code += 1
        else:
            self.tags.append(tag)
        if tag not in self.STRUCTURE:
            self.found.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._code -= 1

    def handle_comment(self, data: str) -> None:
        self.found.append(f"<!--{data}-->")

    def handle_data(self, data: str) -> None:
        if self._code:
            return
        for pattern in (r"@[A-Za-z0-9]", r"://", r"www\.", r"#[0-9]", r"(?i)GH-[0-9]"):
            if re.search(pattern, data):
                self.found.append(f"text {data.strip()[:60]!r}")


def active(markdown: str, allowed_comments: int = 0) -> list[str]:
    """Everything in ``markdown`` that GitHub would render as more than text (our own
    marker comments, ``allowed_comments`` of them, excepted)."""
    parser = Active()
    parser.feed(render(markdown))
    comments = [f for f in parser.found if f.startswith("<!--")]
    others = [f for f in parser.found if not f.startswith("<!--")]
    return others + comments[allowed_comments:]


def structure(markdown: str) -> list[str]:
    """The elements GitHub renders, in order, code spans aside."""
    parser = Active()
    parser.feed(render(markdown))
    return parser.tags
