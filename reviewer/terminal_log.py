"""The CLI's terminal: what the engine logs (a rule's bug, a file it could not read)
reaches stderr as one line each, its traceback only with LOG_LEVEL=DEBUG: the report already
carries the finding, and a traceback in a CI log reads like the tool itself crashed."""

from __future__ import annotations

import logging
import os
import sys


def install() -> None:
    """Put the one-line handler on the "reviewer" logger, once."""
    logger = logging.getLogger("reviewer")
    if any(isinstance(h, _TerminalHandler) for h in logger.handlers):
        return
    debug = os.environ.get("LOG_LEVEL", "").upper() == "DEBUG"
    handler = _TerminalHandler(sys.stderr)
    handler.setFormatter(_OneLine(debug))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)
    logger.propagate = False


class _TerminalHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The CLI's own handler (so that a second ``main()`` adds no second one)."""


class _OneLine(logging.Formatter):
    """A log record as one line: the message and the exception's type and text."""

    def __init__(self, debug: bool) -> None:
        super().__init__()
        self.debug = debug

    def format(self, record: logging.LogRecord) -> str:
        text = "policy-reviewer: " + record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            text += f" ({type(exc).__name__}: {str(exc)[:200]})"
            if self.debug:
                text += "\n" + self.formatException(record.exc_info)
        return text
