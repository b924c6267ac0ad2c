"""The app's settings: what each process reads, and the private key's start-up check."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from reviewer.github.settings import (InvalidSetting, MissingSetting, check_private_key,
                                      from_environment, webhook_secret)
from tests.e2e.harness import keypair

KEY = keypair()
ENV = {"GITHUB_WEBHOOK_SECRET": "s", "GITHUB_APP_ID": "1"}


def _ec_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _encrypted_key() -> str:
    key = serialization.load_pem_private_key(KEY[0].encode(), password=None)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(b"passphrase")).decode()


BAD_KEYS = {
    "garbage": "this is not a key at all, just some text",
    "truncated": "\n".join(KEY[0].splitlines()[:12]),
    "one line with \\n": KEY[0].replace("\n", "\\n"),
    "altered": KEY[0].replace(KEY[0].splitlines()[5], KEY[0].splitlines()[5][::-1]),
    "elliptic curve": _ec_key(),
    "encrypted": _encrypted_key(),
}


def key_lines(key: str) -> list[str]:
    """The lines of a key that would give it away if they were shown anywhere."""
    return [line for line in key.replace("\\n", "\n").splitlines()
            if len(line) >= 16 and not line.startswith("-----")]


def test_the_web_side_reads_no_key() -> None:
    env = {**ENV, "GITHUB_PRIVATE_KEY_PATH": "/nonexistent/key.pem"}
    assert webhook_secret(env) == "s"
    assert from_environment(env, need_key=False).private_key == ""
    with pytest.raises(MissingSetting, match="GITHUB_PRIVATE_KEY_PATH cannot be read"):
        from_environment(env)


def test_a_good_key_passes_from_either_variable(tmp_path: Path) -> None:
    check_private_key(from_environment({**ENV, "GITHUB_PRIVATE_KEY": KEY[0]}),
                      {"GITHUB_PRIVATE_KEY": KEY[0]})
    path = tmp_path / "key.pem"
    path.write_text(KEY[0])
    env = {**ENV, "GITHUB_PRIVATE_KEY_PATH": str(path)}
    check_private_key(from_environment(env), env)


@pytest.mark.parametrize("kind,reason", [
    ("garbage", "it is not PEM text"),
    ("truncated", "it does not parse as a PEM private key"),
    ("altered", "it does not parse as a PEM private key"),
    ("one line with \\n", "its line breaks are written as \\n"),
    ("elliptic curve", "it is not an RSA key"),
    ("encrypted", "it is encrypted with a passphrase"),
])
def test_a_bad_key_is_named_and_explained_never_shown(kind: str, reason: str) -> None:
    env = {**ENV, "GITHUB_PRIVATE_KEY": BAD_KEYS[kind]}
    with pytest.raises(InvalidSetting) as caught:
        check_private_key(from_environment(env), env)
    message = str(caught.value)
    assert message.startswith("GITHUB_PRIVATE_KEY is not a usable GitHub App private key: " + reason)
    assert not [line for line in key_lines(BAD_KEYS[kind]) if line in message]


def test_a_job_with_a_bad_key_names_the_setting_not_a_public_key() -> None:
    from reviewer.github.auth import app_jwt

    with pytest.raises(InvalidSetting, match="GITHUB_PRIVATE_KEY") as caught:
        app_jwt("1", BAD_KEYS["truncated"])
    assert "public key" not in str(caught.value)
