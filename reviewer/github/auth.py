"""GitHub App authentication: a short-lived JWT buys an installation token, cached.

https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import jwt
from github import Auth, Github

from reviewer.github.client import retry_policy
from reviewer.github.settings import AppSettings, InvalidSetting

# GitHub rejects a JWT whose lifetime exceeds 10 minutes; clocks drift, so issue it
# backdated by 60 s and valid for 9 minutes from now.
JWT_BACKDATE = 60
JWT_LIFETIME = 9 * 60
# Installation tokens live one hour; renew them this long before they expire.
TOKEN_MARGIN = 5 * 60


def app_jwt(app_id: str, private_key: str, now: float | None = None) -> str:
    """A JWT signed with the app's key (RS256), ``iss`` = app id."""
    issued = int(now if now is not None else time.time())
    payload = {"iat": issued - JWT_BACKDATE, "exp": issued + JWT_LIFETIME, "iss": str(app_id)}
    try:
        return jwt.encode(payload, private_key, algorithm="RS256")
    except jwt.InvalidKeyError:
        # PyJWT says "Could not parse the provided public key", which sends operators after
        # the wrong key. Name the setting instead (never its text); `worker` checks it at
        # start-up, so this only happens to a process started some other way.
        raise InvalidSetting("the GitHub App private key (GITHUB_PRIVATE_KEY or "
                             "GITHUB_PRIVATE_KEY_PATH) is not a usable RSA private key") from None


@dataclass
class _Token:
    value: str
    expires_at: float


class InstallationTokens:
    """Installation tokens per installation, reused until shortly before they expire."""

    def __init__(self, settings: AppSettings) -> None:
        self._settings = settings
        self._tokens: dict[int, _Token] = {}
        self._lock = threading.Lock()
        self.issued = 0  # how many tokens were bought (for tests and metrics)
        self._bot_login: str | None = None

    def bot_login(self) -> str:
        """The login GitHub gives this app's comments (``<slug>[bot]``), read once from
        ``GET /app``: whose comments are the app's is GitHub's word, never a marker's."""
        with self._lock:
            if self._bot_login is None:
                app_client = Github(
                    base_url=self._settings.api_url, retry=retry_policy(),
                    auth=Auth.AppAuthToken(app_jwt(self._settings.app_id, self._settings.private_key)))
                _, app = app_client.requester.requestJsonAndCheck("GET", "/app")
                self._bot_login = f"{app['slug']}[bot]"
            return self._bot_login

    def token(self, installation_id: int) -> str:
        """A valid token for the installation, from the cache when possible."""
        with self._lock:
            cached = self._tokens.get(installation_id)
            if cached and cached.expires_at - TOKEN_MARGIN > time.time():
                return cached.value
            app_client = Github(
                base_url=self._settings.api_url, retry=retry_policy(),
                auth=Auth.AppAuthToken(app_jwt(self._settings.app_id, self._settings.private_key)))
            # https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app
            _, grant = app_client.requester.requestJsonAndCheck(
                "POST", f"/app/installations/{installation_id}/access_tokens")
            expires = _parse_time(grant.get("expires_at")) or time.time() + 3600
            token = grant["token"]
            self._tokens[installation_id] = _Token(token, expires)
            self.issued += 1
            return token


def _parse_time(value: str | None) -> float | None:
    if not value:
        return None
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
