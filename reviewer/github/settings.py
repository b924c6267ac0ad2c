"""The GitHub App's settings, from the environment (DESIGN.md "Interfaces").

Every error here names the variable at fault and never shows its value: these messages end
up in terminals, process managers' logs and crash reports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


class SettingError(Exception):
    """A setting is missing or unusable; the message names it (never its value)."""


class MissingSetting(SettingError):
    """A required environment variable is absent or cannot be read."""


class InvalidSetting(SettingError):
    """An environment variable is set but its value cannot work."""


@dataclass(frozen=True)
class AppSettings:
    """What the app needs to talk to GitHub. ``repr`` never shows the secrets."""

    app_id: str
    api_url: str
    private_key: str = field(repr=False)
    webhook_secret: str = field(repr=False)


def webhook_secret(env: dict[str, str] | None = None) -> str:
    """GITHUB_WEBHOOK_SECRET, the only secret the web process needs."""
    secret = (os.environ if env is None else env).get("GITHUB_WEBHOOK_SECRET", "")
    if not secret:
        raise MissingSetting("GITHUB_WEBHOOK_SECRET is not set: the app refuses to accept "
                             "deliveries it cannot verify")
    return secret


def from_environment(env: dict[str, str] | None = None, need_key: bool = True) -> AppSettings:
    """Read GITHUB_* variables; the webhook secret is always required.

    With ``need_key=False`` the private key is not read at all (``private_key`` is empty):
    a process that never signs a JWT must not fail on a key file it cannot read.
    """
    env = dict(os.environ if env is None else env)
    secret = webhook_secret(env)
    key = ""
    if need_key:
        key = _private_key(env)
        if not env.get("GITHUB_APP_ID", ""):
            raise MissingSetting("GITHUB_APP_ID is not set")
    api_url = env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    return AppSettings(app_id=env.get("GITHUB_APP_ID", ""), api_url=api_url, private_key=key,
                       webhook_secret=secret)


def app_credentials(env: dict[str, str] | None = None) -> AppSettings:
    """GITHUB_APP_ID, the private key and GITHUB_API_URL, without the webhook secret.

    For commands that act as the app but never receive a delivery (``doctor``): asking for
    the webhook secret there would only push operators to copy one more secret around.
    """
    env = dict(os.environ if env is None else env)
    key = _private_key(env)
    if not env.get("GITHUB_APP_ID", ""):
        raise MissingSetting("GITHUB_APP_ID is not set")
    api_url = env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    return AppSettings(app_id=env["GITHUB_APP_ID"], api_url=api_url, private_key=key, webhook_secret="")


def _private_key(env: dict[str, str]) -> str:
    key = env.get("GITHUB_PRIVATE_KEY", "")
    if not key and env.get("GITHUB_PRIVATE_KEY_PATH"):
        try:
            with open(env["GITHUB_PRIVATE_KEY_PATH"], encoding="utf-8") as handle:
                key = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not a text file"
            raise MissingSetting(f"GITHUB_PRIVATE_KEY_PATH cannot be read: {reason}") from None
    if not key:
        raise MissingSetting("GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH is not set")
    return key


def check_private_key(settings: AppSettings, env: dict[str, str] | None = None) -> None:
    """Raise InvalidSetting unless the app's key parses as an unencrypted RSA private key.

    Otherwise a bad key is only noticed when a job signs its first JWT, and then every job
    fails with PyJWT's "Could not parse the provided public key". The worker calls this once
    at start-up (it costs tens of milliseconds, too much for every job). ``env`` (default
    os.environ) only tells which variable the key came from, for the message. The message
    says what is wrong with the key, never any of its text.
    """
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    env = os.environ if env is None else env
    source = "GITHUB_PRIVATE_KEY" if env.get("GITHUB_PRIVATE_KEY") else "GITHUB_PRIVATE_KEY_PATH"
    problem = ""
    text = settings.private_key.strip()
    if "\\n" in text and "\n" not in text:
        # A common slip when a multi-line value is pasted into a one-line variable.
        problem = "its line breaks are written as \\n; store the key with real line breaks"
    elif "-----BEGIN" not in text:
        problem = "it is not PEM text (a '-----BEGIN RSA PRIVATE KEY-----' block)"
    else:
        try:
            key = load_pem_private_key(text.encode(), password=None)
        except TypeError:
            problem = "it is encrypted with a passphrase; use the key as GitHub generated it"
        except Exception:  # noqa: BLE001 - cryptography raises several types; all mean "unusable"
            problem = "it does not parse as a PEM private key (truncated or altered?)"
        else:
            if not isinstance(key, RSAPrivateKey):
                problem = "it is not an RSA key (GitHub App keys are RSA)"
    if problem:
        raise InvalidSetting(f"{source} is not a usable GitHub App private key: {problem}")


@dataclass(frozen=True)
class PageSettings:
    """The review page's settings: where the app is reached and its GitHub OAuth client."""

    public_url: str
    client_id: str
    client_secret: str = field(repr=False)
    secret_key: str = field(repr=False)
    api_url: str = "https://api.github.com"

    @property
    def web_url(self) -> str:
        """Where people sign in: github.com for api.github.com, the host itself for
        Enterprise Server (``https://HOST/api/v3``), else the API's own address."""
        if self.api_url == "https://api.github.com":
            return "https://github.com"
        return self.api_url.removesuffix("/api/v3")


# Flask signs the session cookie with SECRET_KEY; shorter keys are guessable.
MIN_SECRET_KEY = 32


def page_settings(env: dict[str, str] | None = None) -> PageSettings | None:
    """PUBLIC_URL and the OAuth client, or None when PUBLIC_URL is not set (no review page).

    With PUBLIC_URL set, GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET and SECRET_KEY are required:
    a page that cannot check who is reading must not be served.
    """
    env = dict(os.environ if env is None else env)
    public = env.get("PUBLIC_URL", "").rstrip("/")
    if not public:
        return None
    if not public.startswith(("https://", "http://")):
        raise InvalidSetting("PUBLIC_URL must be an http(s) address")
    for name in ("GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "SECRET_KEY"):
        if not env.get(name):
            raise MissingSetting(f"{name} is not set: the review page (PUBLIC_URL) needs it")
    if len(env["SECRET_KEY"]) < MIN_SECRET_KEY:
        raise InvalidSetting(f"SECRET_KEY is too short: use at least {MIN_SECRET_KEY} random characters")
    return PageSettings(public, env["GITHUB_CLIENT_ID"], env["GITHUB_CLIENT_SECRET"], env["SECRET_KEY"],
                        env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"))
