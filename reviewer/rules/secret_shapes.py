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
        r"(?<![\w+.-])[a-z][a-z0-9+.-]{1,20}://[^\s:/@${}]{1,100}:(?!\$\{|\{\{)[^\s@/${}]{1,200}@(?:[\w.-]{1,253}|\$\{)")),
)
# AWS's documentation keys (AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY),
# and values that only stand in for a secret someone sets later.
_EXAMPLE = re.compile(r"EXAMPLE", re.IGNORECASE)
DEFAULT_PLACEHOLDERS = ("changeme", "change-me", "change_me", "replaceme", "replace-me",
                        "replace_me", "placeholder", "todo", "tbd", "dummy", "none", "null",
                        "undefined", "redacted", "n/a", "na", "empty", "unset", "notset",
                        "not-set", "false", "true", "disabled", "xxx", "secret", "password",
                        "token", "test", "example", "local", "required", "abc123", "123456",
                        "12345678", "foobar", "test123", "string")
# Words that say a value stands in for the real one (YOUR-SECRET-HERE, REPLACE_ME,
# <insert token>), and runs that fill a value's place (AIzaXXXX, ****).
_STAND_IN_WORDS = frozenset(("YOUR", "REPLACE", "CHANGE", "CHANGEME", "PLACEHOLDER", "INSERT",
                             "ENTER", "TODO", "FIXME", "DUMMY", "FAKE", "SAMPLE", "EXAMPLE",
                             "SHOULD", "HERE", "GOES"))
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
        if match and not _stand_in(match.group(0)):
            return what
    return None


def _stand_in(found: str) -> bool:
    """A credential's shape filled with a stand-in: AWS's EXAMPLE keys, xxxx or one letter
    repeated (AKIAAAAAAAAAAAAAAAAA), words that say so (sk-proj-your-key-goes-here), or a
    connection URL whose password is one (postgres://user:password@localhost)."""
    if _EXAMPLE.search(found) or _FILLER.search(found) or _STAND_IN_WORDS.intersection(name_words(found[:200])):
        return True
    if re.search(r"(.)\1{11}", found):
        return True
    url = _URL_PASSWORD.search(found)
    return url is not None and not plain_value(url.group(1))


_URL_PASSWORD = re.compile(r"://[^\s:/@]{1,100}:([^\s@/]{1,200})@")
# The names of what a machine makes (a token, a key, credentials) ...
_MACHINE_ENDINGS = frozenset(("TOKEN", "KEY", "APIKEY", "AUTH", "CREDENTIALS", "CREDENTIAL", "CREDS"))
# ... which a value of plain words is not: a mode (AWS_IAM, basic), a header (x-api-key), a
# token type (Bearer), a key's kind (aws:kms), or a stand-in sentence (idunno).
_WORDS_ONLY = re.compile(r"[A-Za-z]{1,64}(?:[-_ .:/][A-Za-z]{1,64}){0,20}")
# A connection string says whether it holds a password (Password=...; Pwd=...).
_CONNECTION_PASSWORD = re.compile(r"(?:^|;)\s*(?:password|pwd)\s*=\s*([^;]{1,200})", re.IGNORECASE)


def secret_by_name(name: str, text: str, placeholders: Iterable[str] = DEFAULT_PLACEHOLDERS) -> bool:
    """Is a literal under a name that says secret one? Its value must be plain (see
    ``plain_value``), not the name itself written again (GITHUB_TOKEN: GITHUB_TOKEN), not plain
    words where the name is of something a machine makes, not a path or a key's kind where the
    name says secret (SECRET: prod/app/secret), and, for a connection string, one that holds
    a password."""
    value = text.strip()[:MAX_TEXT]
    words = name_words(name.rsplit("/", 1)[-1])
    if not says_secret(name) or not plain_value(value, placeholders):
        return False
    if name_words(value[:200]) == words:
        return False
    if words[-2:] == ("CONNECTION", "STRING") and "=" in value:
        password = _CONNECTION_PASSWORD.search(value)
        return password is not None and plain_value(password.group(1), placeholders)
    if _WORDS_ONLY.fullmatch(value):
        if words[-1] in _MACHINE_ENDINGS:
            return False
        if words[-1] == "SECRET" and re.search(r"[/:]", value):
            return False
    return True


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


# Hex digits of a secret's digest in its fingerprint. A fingerprint is published (comment
# markers, SARIF), and a long digest would let anyone confirm a guessed password offline; three
# digits (4,096 values) still tell a changed literal from the old one 4,095 times in 4,096,
# while a guess matches one in 4,096 of all candidates and confirms nothing.
DIGEST_DIGITS = 3


def fingerprint_value(where: str, text: str) -> str:
    """What a finding's fingerprint names for a secret: where it is and a few bits of a
    digest of it (a changed literal is a new exposure), never the value itself, nor enough
    of a digest to confirm a guess."""
    digest = hashlib.sha256(b"policy-reviewer/secret\x1f" + text.encode("utf-8", "replace")).hexdigest()
    return f"{where}:{digest[:DIGEST_DIGITS]}"
