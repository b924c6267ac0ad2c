"""Run the pure engine in a child process with a time limit.

A worker runs reviews on threads, and a thread cannot be stopped: one review stuck on a
hostile change (a huge template, a rule that loops) would hold its thread for ever and, after
a restart, again. The engine is pure (files in, findings out), so it runs in a child process
forked from a warm server (cfn-lint and the action list already loaded) and is killed when it
overruns; the job then fails like any other failure: retried, and set aside as dead when it
keeps failing.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
from multiprocessing.connection import Connection
from typing import Any, Callable, TypeVar

T = TypeVar("T")

# Seconds a review's evaluation may take. Real pull requests take well under a second.
ENGINE_TIMEOUT = float(os.environ.get("POLICY_REVIEWER_ENGINE_TIMEOUT", 120))
# Imported once by the fork server, so every review starts warm.
PRELOAD = ["reviewer.jobs.warm"]

_lock = threading.Lock()
_context: Any = None


class EngineTimeout(Exception):
    """The evaluation did not finish within the limit; its process was killed."""


class EngineFailed(Exception):
    """The evaluation raised, or its process died; the message says how."""


def context() -> Any:
    """The fork-server context, started once per process (cheap forks of a warm engine)."""
    global _context
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
        return _context


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # noqa: BLE001 - everything is reported to the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"))
    finally:
        conn.close()


def run_bounded(fn: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
    """``fn(*args)`` in a child process; EngineTimeout after ``timeout`` seconds.

    ``fn`` must be a module-level function and its arguments and result picklable.
    """
    limit = ENGINE_TIMEOUT if timeout is None else timeout
    ctx = context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(send, fn, args), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(limit):
            raise EngineTimeout(f"the evaluation took longer than {limit:g} s and was stopped")
        try:
            status, value = receive.recv()
        except EOFError:
            process.join(5)
            raise EngineFailed(f"the evaluation process died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receive.close()
    if status == "error":
        raise EngineFailed(value)
    return value  # type: ignore[no-any-return]
