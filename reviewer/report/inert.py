"""Text from a repository made inert in the Markdown GitHub renders.

Names, paths, messages and rule files come from the pull request: a `FunctionName` of
``[APPROVED by security](https://evil.example)``, a file name with a newline and ``## Approved``,
a resource named ``@acme/security``. Pasted raw into a summary or a comment, GitHub would
render a link, a heading, an image or a team mention of the attacker's choosing. Here every
piece of such text becomes either a code span (values, paths: their characters kept exactly,
nothing in them rendered) or escaped prose (a message: our own `code` spans kept as code,
everything else literal, and what GitHub would turn into a link or a mention by itself —
``http://``, ``www.``, ``a@b``, ``@team``, ``#12`` — put inside a code span).

Checked with GitHub's own renderer (cmark-gfm) in tests/app/test_inert_markdown.py.
"""

from __future__ import annotations

import re

# ASCII punctuation CommonMark lets a backslash escape, less what reads badly escaped and
# starts nothing on its own inside a line ('.', ',', ':', ';', '?', '"', "'", '/', '=', '%',
# '&' stays: '&amp;' forms are escaped separately).
_ESCAPE = re.compile(r"([\\`*_\[\]{}()#+\-!<>|~^$])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]{1,32};)")
_SPACES = re.compile(r"(\s+)")
_SEPARATOR = "\u200b"  # a zero-width space: invisible, and no part of either value
_ISSUE = re.compile(r"#[0-9]")
_GH_ISSUE = re.compile(r"GH-[0-9]", re.IGNORECASE)  # GitHub links GH-123 to issue 123
_HEX = re.compile(r"[0-9a-f]{7,64}", re.IGNORECASE)
_BACKTICKS = re.compile(r"`+")
MAX_TEXT = 10_000  # no hostile text is longer than this anywhere we write
MAX_SPANS = 200  # code spans looked for in one text; beyond, the rest is plain text


def one_line(text: object) -> str:
    """The text on one line: line breaks and other control characters become spaces."""
    return "".join(" " if (ord(ch) < 32 or ch in "\x7f\u2028\u2029\x85") else ch
                   for ch in str(text)[:MAX_TEXT])


def code(text: object, table: bool = False) -> str:
    """An inline code span showing ``text`` exactly (on one line); ``table``: for a cell of
    a GFM table, where an unescaped ``|`` ends the cell even inside a code span."""
    body = one_line(text)
    if not body.strip():
        body = body or " "
        return "`" + body.replace("|", "\\|") + "`" if table else "`" + body + "`"
    fence = "`" * (_longest_run(body, "`") + 1)
    # A space on each side when the text starts or ends with a backtick (CommonMark strips
    # one space from each side of a code span that has both).
    pad = " " if body[0] == "`" or body[-1] == "`" or (body[0] == " " and body[-1] == " ") else ""
    if table:
        body = body.replace("|", "\\|")
    return f"{fence}{pad}{body}{pad}{fence}"


def prose(text: object, table: bool = False) -> str:
    """A message or a rationale as literal text on one line: its own `code` spans stay code
    spans, nothing else renders (no links, images, HTML, headings, emphasis, mentions)."""
    raw = one_line(text).lstrip()  # four leading spaces would make a code block
    out: list[str] = []
    position = 0
    for start, end in _code_spans(raw):
        out.append(_escaped(raw[position:start], table))
        inner = raw[start:end].strip("`")
        out.append(code(inner.strip(" ") or inner, table))
        position = end
    out.append(_escaped(raw[position:], table))
    return _list_marker(_joined(out))


def _joined(pieces: list[str]) -> str:
    """The pieces in a row, never letting two code spans touch: their fences would merge into
    one run of backticks that closes nothing, and the text inside them would render."""
    out: list[str] = []
    for piece in pieces:
        if piece and out and out[-1].endswith("`") and piece.startswith("`"):
            out.append(_SEPARATOR)
        if piece:
            out.append(piece)
    return "".join(out)


def _list_marker(text: str) -> str:
    """A line starting with "1." or "1)" would be an ordered list item."""
    digits = len(text) - len(text.lstrip("0123456789"))
    if 0 < digits <= 9 and text[digits:digits + 1] in (".", ")"):
        return text[:digits] + "\\" + text[digits:]
    return text


def _code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the code spans CommonMark would see: a run of backticks closed by
    the next run of the same length (bounded: at most ``MAX_SPANS`` runs are paired)."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)][:MAX_SPANS]
    spans, index = [], 0
    while index < len(runs):
        start, end = runs[index]
        width = end - start
        closing = next((j for j in range(index + 1, len(runs))
                        if runs[j][1] - runs[j][0] == width), None)
        if closing is None:
            index += 1
            continue
        if runs[closing][0] > end:
            spans.append((start, runs[closing][1]))
        index = closing + 1
    return spans


def paragraphs(text: object) -> str:
    """Like ``prose``, for longer text whose paragraphs (blank-line separated) are kept."""
    parts = re.split(r"\n\s*\n", str(text)[:MAX_TEXT].strip())
    return "\n\n".join(prose(part) for part in parts if part.strip())


def block(text: object, info: str = "") -> str:
    """A fenced code block showing ``text`` exactly; the fence is longer than any run of
    backticks or tildes in it, so nothing in the text can close it."""
    body = str(text)[:MAX_TEXT * 10].rstrip("\n")
    fence = "`" * max(3, _longest_run(body, "`") + 1)
    return f"{fence}{info}\n{body}\n{fence}"


def _escaped(text: str, table: bool) -> str:
    out: list[str] = []
    for word in _SPACES.split(text):
        if not word or word.isspace():
            out.append(word)
        elif _active(word):
            out.append(code(word, table))
        else:
            out.append(_plain(word))
    return "".join(out)


def _active(word: str) -> bool:
    """Would GitHub link or mention this word by itself (a URL, www., an e-mail address,
    @someone, #123 or owner/repo#123, a commit-like hex word)?"""
    lowered = word.lower()
    if "://" in word or "www." in lowered or "@" in word or _ISSUE.search(word) or _GH_ISSUE.search(word):
        return True
    bare = word.strip(".,:;!?()[]'\"")
    return bool(_HEX.fullmatch(bare)) and any(c.isdigit() for c in bare) and \
        any(c.isalpha() for c in bare)


def _plain(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", _ENTITY.sub("&amp;", text))


def _longest_run(text: str, char: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == char else 0
        longest = max(longest, run)
    return longest
