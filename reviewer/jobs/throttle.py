"""How often the app answers people's commands: per person, per thread, per burst.

On a public repository anyone can reply to the app's comments. Without a bound, 200
``explain`` replies cost 1,003 API calls of the installation's budget, and 100 ``accept``
replies 100 re-reviews. Each command is admitted here before any API call is made:

* the same command (same text) in the same thread by the same person is answered once per
  burst of ``BURST`` seconds;
* a person gets at most ``PER_PERSON`` answers per pull request and burst, and one notice
  when they reach it; then silence until the burst is over;
* a thread gets at most ``PER_THREAD`` answers per burst, whoever asks;
* a person gets at most ``PER_PERSON_EVERYWHERE`` answers per burst over every pull request
  of the installation. The check run's Accept button counts as a command (its "thread" is
  the button), so clicking it again and again asks once.

The limits live in the app's store (shared by every worker) as slots claimed atomically:
however many workers take commands at once, none is passed. Bursts are fixed ten-minute
windows.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from reviewer.jobs.store import Store, pull_scope

BURST = 600.0
PER_PERSON = 10
PER_THREAD = 20
PER_PERSON_EVERYWHERE = 30  # answers per person and burst over all pull requests of an installation


@dataclass(frozen=True)
class Admission:
    """``answer``: carry the command out; ``notice``: say once that the limit is reached."""

    answer: bool
    notice: bool = False
    why: str = ""


def admit(store: Store, payload: dict[str, Any], now: float | None = None) -> Admission:
    """May this command be answered now? Records it when it may.

    Every limit is a set of slots claimed atomically in the store (one per answer, per
    burst), so that however many workers take commands at once, no limit is passed.
    """
    now = time.time() if now is None else now
    window = int(now // BURST)
    scope = pull_scope("commands", payload["repository"], int(payload["number"]))
    actor, thread = str(payload.get("actor", "")), str(payload.get("thread_id", "button"))
    text = hashlib.sha256(str(payload.get("text", "")).encode()).hexdigest()[:16]
    if not store.claim_delivery(f"command:{scope}:{actor}:{thread}:{text}:{window}"):
        return Admission(False, why="the same command was answered in this burst")
    person = f"person:{scope}:{actor.lower()}:{window}"
    if not _slot(store, person, PER_PERSON):
        # One notice per person and burst, then silence.
        if store.claim_delivery(f"notice:{person}"):
            return Admission(False, notice=True, why="this person reached the limit of the burst")
        return Admission(False, why="this person reached the limit of the burst")
    # Across every pull request of the installation too: one person cannot spend its API
    # budget by spreading commands over many pull requests.
    if not _slot(store, f"everywhere:{payload.get('installation_id')}:{actor.lower()}:{window}",
                 PER_PERSON_EVERYWHERE):
        return Admission(False, why="this person reached the limit of the burst on this installation")
    if not _slot(store, f"thread:{scope}:{thread}:{window}", PER_THREAD):
        return Admission(False, why="this thread reached the limit of the burst")
    return Admission(True)


def _slot(store: Store, name: str, limit: int) -> bool:
    """Take one of ``limit`` slots named ``name``; False when all are taken."""
    return any(store.claim_delivery(f"slot:{name}:{k}") for k in range(limit))


NOTICE = (f"I answer at most {PER_PERSON} commands per person and pull request every "
          f"{int(BURST // 60)} minutes; further ones in that time are not answered.")
