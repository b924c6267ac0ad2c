"""Describe an exception for a log line or an answer without leaking a secret.

Errors from the queue storage can carry its address; a REDIS_URL may hold a password
(`redis://:PASSWORD@host`). Logs and /readyz show the failure's type and message with any
URL credentials and any configured secret replaced by `***`.
"""

from __future__ import annotations

import os
import re

# Environment variables whose values must never be shown.
SECRET_VARIABLES = ("GITHUB_WEBHOOK_SECRET", "GITHUB_PRIVATE_KEY", "GITHUB_CLIENT_SECRET",
                    "SECRET_KEY", "REDIS_URL")
_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
_MAX = 300


def redact(text: str) -> str:
    """``text`` with URL credentials and the values of SECRET_VARIABLES replaced by ***."""
    text = _USERINFO.sub("***@", text)
    for name in SECRET_VARIABLES:
        value = os.environ.get(name, "")
        if len(value) >= 4:  # a one-letter "secret" would blank out every message
            text = text.replace(value, "***")
    return text


def describe(exc: BaseException) -> str:
    """``Type: message``, redacted and cut to a log line's length."""
    text = redact(f"{type(exc).__name__}: {exc}")
    return text if len(text) <= _MAX else text[:_MAX] + "..."
