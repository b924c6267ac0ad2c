"""Serverless variables as written: ``${source:address, fallback}`` parsed into parts (text
and nested variables), bounded in nesting, with the parts that only deployment knows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reviewer.formats.serverless_nodes import MAX_NAME, MAX_NESTING, STAGE


# A Serverless variable names a source: ``self:``, ``opt:``, ``file(...)``, ``ssm(region):``.
# ``${AWS::Region}``, ``${Bucket}``, ``${Bucket.Arn}`` and ``${!Literal}`` are CloudFormation's.
SOURCE = re.compile(r"\s*([A-Za-z][\w-]{0,63})\s*(\([^()]{0,512}\))?\s*(?::(?!:)|$)")
SOURCE_START = re.compile(r"\s*[A-Za-z][\w-]{0,63}\s*(?:\(|:(?!:))")
NUMBER = re.compile(r"-?\d{1,18}(?:\.\d{1,18})?")
SPLIT = re.compile(r"\$\{|\}")
# ``#{AWS::Region}``, ``#{Queue.Arn}``: the serverless-pseudo-parameters plugin's syntax.
PLUGIN_VARIABLE = re.compile(r"#\{([A-Za-z][\w:.-]{0,254})\}")
CLEAN_NAME = re.compile(r"[^${}]{1,%d}" % MAX_NAME)
ARN = re.compile(r"arn:")
LOGICAL_ID = re.compile(r"[A-Za-z0-9]{1,255}")


@dataclass(frozen=True)
class Token:
    """A part of a string that only deployment knows: the stage, a param, a pseudo
    parameter (``name`` written as ``${name}``), or an unknown source (``unknown`` is the
    variable as written)."""

    name: str
    unknown: str = ""


STAGE_TOKEN = Token(STAGE)
ACCOUNT_TOKEN = Token("AWS::AccountId")
REGION_TOKEN = Token("AWS::Region")


class Missing:
    """A ``self:`` address that is not in the file: the next fallback is tried."""


MISSING = Missing()


@dataclass
class Var:
    """``${...}`` as parsed: its parts (text and nested variables) and the text as written."""

    parts: list[Any]
    raw: str


@dataclass
class Whole:
    """A string that is one variable whose value is no text: a mapping, list or number."""

    value: Any


class Text(list):  # type: ignore[type-arg]
    """A string's value in parts: text (str) and what only deployment knows (Token)."""


Parts = Text


def unknown_text(why: str) -> Text:
    return Text([Token("", why)])


def is_unknown_parts(value: Any) -> bool:
    return isinstance(value, Text) and len(value) == 1 and isinstance(value[0], Token) \
        and bool(value[0].unknown)


def clean(text: str) -> str:
    """An unknown variable's text as a name: nested ``${`` and ``}`` would end it early."""
    return text.replace("${", "{").replace("}", ")")[:MAX_NAME]


def parse(text: str) -> list[Any] | None:
    """``a-${self:b.${opt:c}}-d`` -> ["a-", Var([...]), "-d"]; None when nested too deeply.
    An unclosed ``${`` is text."""
    stack: list[list[Any]] = [[]]
    starts: list[int] = []
    position = 0
    for match in SPLIT.finditer(text):
        if match.group() == "${":
            if len(stack) > MAX_NESTING:
                return None
            if match.start() > position:
                stack[-1].append(text[position:match.start()])
            stack.append([])
            starts.append(match.start())
            position = match.end()
        elif len(stack) > 1:
            if match.start() > position:
                stack[-1].append(text[position:match.start()])
            parts = stack.pop()
            start = starts.pop()
            stack[-1].append(Var(parts, text[start:match.end()]))
            position = match.end()
    if len(stack) > 1:  # unclosed: everything from the first open "${" is text
        base = stack[0]
        base.append(text[starts[0]:])
        return joined(base)
    if position < len(text):
        stack[0].append(text[position:])
    return joined(stack[0])


def joined(parts: list[Any]) -> list[Any]:
    out: list[Any] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return out


def fallbacks(parts: list[Any]) -> list[list[Any]]:
    """``opt:stage, 'dev'`` -> [[``opt:stage``], [``'dev'``]]: commas outside quotes and
    parentheses separate fallbacks; nested variables stay whole."""
    options: list[list[Any]] = [[]]
    quote, depth = "", 0
    for part in parts:
        if not isinstance(part, str):
            options[-1].append(part)
            continue
        start = 0
        for index, char in enumerate(part):
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "(":
                depth += 1
            elif char == ")":
                depth = max(depth - 1, 0)
            elif char == "," and depth == 0:
                options[-1].append(part[start:index])
                options.append([])
                start = index + 1
        options[-1].append(part[start:])
    return [[p for p in option if p != ""] for option in options[:8]]


def default_stage(stage: Any) -> str | None:
    """The stage a ``${opt:stage, 'dev'}`` deploys to when none is given."""
    if not isinstance(stage, str):
        return None
    parsed = parse(stage)
    if not parsed or len(parsed) != 1 or not isinstance(parsed[0], Var):
        return None
    options = fallbacks(parsed[0].parts)
    last = options[-1] if options else []
    text = last[0].strip() if len(last) == 1 and isinstance(last[0], str) else ""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return None
