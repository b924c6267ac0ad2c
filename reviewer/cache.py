"""The user's cache folder: small files that spare a cold CLI run work it did before.

Everything here can be deleted at any time; a missing or unwritable cache only costs time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """POLICY_REVIEWER_CACHE, else $XDG_CACHE_HOME/policy-reviewer, else ~/.cache/policy-reviewer."""
    base = os.environ.get("POLICY_REVIEWER_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "policy-reviewer")
    return Path(base)


def write_atomically(path: Path, text: str) -> None:
    """Write then rename, so a concurrent run never reads half a file; errors are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as tmp:
            tmp.write(text)
        os.replace(tmp.name, path)
    except OSError:
        pass  # a read-only home is fine: the work is done again next time


def digest(*parts: str) -> str:
    """A stable key for some texts."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def known_valid(kind: str, key: str) -> bool:
    """Did a text with this key validate before?"""
    return (cache_dir() / "valid" / kind / key).exists()


def remember_valid(kind: str, key: str) -> None:
    """Note that a text validated (its key covers the text and the schema it met)."""
    write_atomically(cache_dir() / "valid" / kind / key, "")
