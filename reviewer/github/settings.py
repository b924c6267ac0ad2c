"""The GitHub App's settings, from the environment (DESIGN.md "Interfaces")."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


class MissingSetting(Exception):
    """A required environment variable is absent; the message names it (never its value)."""


@dataclass(frozen=True)
class AppSettings:
    """What the app needs to talk to GitHub. ``repr`` never shows the secrets."""

    app_id: str
    api_url: str
    private_key: str = field(repr=False)
    webhook_secret: str = field(repr=False)


def from_environment(env: dict[str, str] | None = None, need_key: bool = True) -> AppSettings:
    """Read GITHUB_* variables; the webhook secret is always required."""
    env = dict(os.environ if env is None else env)
    secret = env.get("GITHUB_WEBHOOK_SECRET", "")
    if not secret:
        raise MissingSetting("GITHUB_WEBHOOK_SECRET is not set: the app refuses to accept "
                             "deliveries it cannot verify")
    key = env.get("GITHUB_PRIVATE_KEY", "")
    if not key and env.get("GITHUB_PRIVATE_KEY_PATH"):
        try:
            with open(env["GITHUB_PRIVATE_KEY_PATH"], encoding="utf-8") as handle:
                key = handle.read()
        except OSError as exc:
            raise MissingSetting(f"GITHUB_PRIVATE_KEY_PATH cannot be read: {exc.strerror}") from None
    if need_key and not key:
        raise MissingSetting("GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH is not set")
    app_id = env.get("GITHUB_APP_ID", "")
    if need_key and not app_id:
        raise MissingSetting("GITHUB_APP_ID is not set")
    api_url = env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    return AppSettings(app_id=app_id, api_url=api_url, private_key=key, webhook_secret=secret)
