"""What a secret looks like: names that say a value is one, values shaped like a known
credential, and how a value is masked so that no report ever repeats it.

Shared by ``no-plaintext-secrets`` and ``no-long-lived-credentials``. Every pattern here is
ours (not an admin's), anchored or bounded, and run on text cut to ``MAX_TEXT`` characters:
a repository's values cannot make the matching slow.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterable

# Longer values are cut before any pattern sees them: a credential is short, and a value of
# megabytes (an inlined certificate bundle, a minified policy) must not cost more.
MAX_TEXT = 8192
MASK = "********"

# The last words of a name that says its value is a secret (DB_PASSWORD, stripeSecretKey,
# github-token). The last words decide: DB_SECRET_ARN, TOKEN_TTL and PASSWORD_LENGTH name
# something about a secret, not the secret.
SECRET_ENDINGS: tuple[tuple[str, ...], ...] = (
    ("PASSWORD",), ("PASSWD",), ("PWD",), ("PASS",), ("PASSPHRASE",), ("SECRET",), ("TOKEN",),
    ("APIKEY",), ("API", "KEY"), ("ACCESS", "KEY"), ("SECRET", "KEY"), ("PRIVATE", "KEY"),
    ("AUTH", "KEY"), ("SIGNING", "KEY"), ("CLIENT", "KEY"), ("MASTER", "KEY"), ("APP", "KEY"),
    ("ENCRYPTION", "KEY"), ("CREDENTIALS",), ("CREDENTIAL",), ("CREDS",), ("AUTH",),
    ("SECRET", "ACCESS", "KEY"), ("CONNECTION", "STRING"), ("SIGNING", "SECRET"),
)
# A value shaped like this names where a secret is kept, not the secret.
_REFERENCE_VALUE = re.compile(
    r"^(?:arn:aws[\w-]{0,20}:|alias/|/[\w.-]{1,200}(?:/[\w.-]{1,200}){0,30}/?$|"
    r"(?:https?|s3|ssm|secretsmanager)://(?![^/@\s]{1,200}:[^/@\s]{1,200}@))")
_WORD = re.compile(r"[A-Z]{1,64}(?![a-z])|[A-Z]?[a-z]{1,64}|[0-9]{1,64}")

ACCESS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])")
# Values shaped like a known credential, whatever the name: (what it is, pattern).
CREDENTIAL_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", ACCESS_KEY_ID),
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z]{1,10} ){0,2}PRIVATE KEY( BLOCK)?-----")),
    ("a GitHub token", re.compile(r"(?<![\w])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})")),
    ("a GitLab token", re.compile(r"(?<![\w-])glpat-[A-Za-z0-9_-]{20,64}")),
    ("a Slack token", re.compile(r"(?<![\w-])xox[abposr]-[A-Za-z0-9-]{10,255}")),
    ("a Slack webhook URL", re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,20}/B[A-Z0-9]{6,20}/[A-Za-z0-9]{16,40}")),
    ("a Stripe secret key", re.compile(r"(?<![\w])(?:sk|rk)_live_[A-Za-z0-9]{16,255}")),
    ("a Google API key", re.compile(r"(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])")),
    ("a SendGrid API key", re.compile(r"(?<![\w.-])SG\.[\w-]{22}\.[\w-]{43}(?![\w-])")),
    ("an npm token", re.compile(r"(?<![\w])npm_[A-Za-z0-9]{36}(?![\w])")),
    ("an OpenAI or Anthropic API key", re.compile(r"(?<![\w-])sk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,255}")),
    ("a password in a connection URL", re.compile(
        r"(?<![\w+.-])[a-z][a-z0-9+.-]{1,20}://[^\s:/@${}]{1,100}:(?!\$\{|\{\{)[^\s@/${}]{1,200}@[\w.-]{1,253}")),
)
# AWS's documentation keys (AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY),
# and values that only stand in for a secret someone sets later.
_EXAMPLE = re.compile(r"EXAMPLE", re.IGNORECASE)
DEFAULT_PLACEHOLDERS = ("changeme", "change-me", "change_me", "replaceme", "replace-me",
                        "replace_me", "placeholder", "todo", "tbd", "dummy", "none", "null",
                        "undefined", "redacted", "n/a", "na", "empty", "unset", "notset",
                        "not-set", "false", "true", "disabled", "xxx", "secret", "password",
                        "token", "test", "example", "local", "required", "abc123", "123456",
                        "12345678", "foobar", "test123")
# Words that say a value stands in for the real one (YOUR-SECRET-HERE, REPLACE_ME,
# <insert token>), and runs that fill a value's place (AIzaXXXX, ****).
_STAND_IN_WORDS = frozenset(("YOUR", "REPLACE", "CHANGE", "CHANGEME", "PLACEHOLDER", "INSERT",
                             "ENTER", "TODO", "FIXME", "DUMMY", "FAKE", "SAMPLE", "EXAMPLE"))
_FILLER = re.compile(r"[xX]{4}|\*{3}|\.{3}|_{4}")


def name_words(name: str) -> tuple[str, ...]:
    """A name's words, upper-case: ``stripeSecretKey`` -> (STRIPE, SECRET, KEY)."""
    return tuple(w.upper() for w in _WORD.findall(name[:200]))


def says_secret(name: str) -> bool:
    """Does the name say that its value is a secret (by its last words)?"""
    words = name_words(name.rsplit("/", 1)[-1])
    return any(words[-len(ending):] == ending for ending in SECRET_ENDINGS if len(words) >= len(ending))


def credential_shape(text: str) -> str | None:
    """What known credential the text holds (``an AWS access key id``), or None."""
    text = text[:MAX_TEXT]
    for what, pattern in CREDENTIAL_SHAPES:
        match = pattern.search(text)
        if match and not _EXAMPLE.search(match.group(0)) and not _FILLER.search(match.group(0)):
            return what
    return None


def plain_value(text: str, placeholders: Iterable[str] = DEFAULT_PLACEHOLDERS) -> bool:
    """Could this literal be a secret written in plain text? Not when it is empty or a
    stand-in (``changeme``, ``<password>``, ``xxxx``), a reference to where the secret is
    kept (an ARN, a parameter path, a URL without a password), or not known until deployed
    (an unresolved ``${...}`` or ``{{resolve:...}}``)."""
    value = text.strip()[:MAX_TEXT]
    if len(value) < 4 or "${" in value or "{{" in value or "#{" in value:
        return False
    lowered = value.lower()
    if lowered in {p.lower() for p in placeholders} or len(set(value)) == 1:
        return False
    if value[0] in "<[(" and value[-1] in ">])":
        return False  # <your-password>, [secret]
    if _FILLER.search(value) or _STAND_IN_WORDS.intersection(name_words(value[:200])):
        return False
    if _SEQUENCES.fullmatch(value) and _ascending(value):
        return False  # abc123, xyz123, 12345678: a keyboard's stand-in
    if _EXAMPLE.search(value) and len(value) < 64:
        return False
    return _REFERENCE_VALUE.match(value) is None


def access_key_id_shaped(text: str) -> bool:
    """Is the text shaped like an AWS access key id, AWS's documentation key included (a key
    passed where a role should be is the problem, whether or not it is a real one)?"""
    return ACCESS_KEY_ID.search(text[:MAX_TEXT]) is not None


_SEQUENCES = re.compile(r"[a-zA-Z]{0,12}[0-9]{0,12}")


def _ascending(value: str) -> bool:
    """Is each run of letters and of digits a run of consecutive characters (abc, 123)?"""
    runs = re.findall(r"[a-zA-Z]{1,12}|[0-9]{1,12}", value)
    return all(all(ord(b) - ord(a) == 1 for a, b in zip(run.lower(), run.lower()[1:])) for run in runs)


def fingerprint_value(where: str, text: str) -> str:
    """What a finding's fingerprint names for a secret: where it is and a digest of it,
    never the value itself (a fingerprint is kept and shown, a secret must not be)."""
    digest = hashlib.sha256(b"policy-reviewer/secret\x1f" + text.encode("utf-8", "replace")).hexdigest()
    return f"{where}:{digest[:16]}"
