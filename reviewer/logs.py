"""The engine's loggers, made when something goes wrong: importing ``logging`` (and with it
``traceback``, ``threading``, ``string``) costs a CLI start several milliseconds, and a scan
that goes well logs nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

_terminal = False


def use_terminal() -> None:
    """The CLI's: the first logger made puts the one-line terminal handler in place."""
    global _terminal
    _terminal = True


def logger(name: str) -> "logging.Logger":
    """The logger of a module, with the terminal's handler where the CLI asked for it."""
    import logging

    if _terminal:
        from reviewer.terminal_log import install

        install()
    return logging.getLogger(name)
