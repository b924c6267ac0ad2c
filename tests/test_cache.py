"""The cache that spares a cold CLI run work it did before (startup time, issue 8 point 6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK = """\
import sys
from reviewer.config.settings import parse_settings
from reviewer.config.errors import ConfigError
try:
    parse_settings("c.yml", sys.stdin.read())
    print("valid", "jsonschema" in sys.modules)
except ConfigError as exc:
    print("invalid", exc.key)
"""


def parse_in_child(text: str, cache: Path) -> str:
    proc = subprocess.run([sys.executable, "-c", CHECK], input=text, capture_output=True, text=True,
                          cwd=ROOT, env={"POLICY_REVIEWER_CACHE": str(cache), "PATH": "/usr/bin:/bin"},
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_a_config_that_validated_is_not_validated_again(tmp_path: Path) -> None:
    config = "organisation:\n  accounts: {dev: '111111111111'}\nrules:\n  staged-names: {severity: warning}\n"
    assert parse_in_child(config, tmp_path) == "valid True"  # checked, jsonschema imported
    assert parse_in_child(config, tmp_path) == "valid False"  # remembered: no import
    # Another text is checked afresh, and an invalid one is never remembered.
    broken = config.replace("severity: warning", "severty: warning")
    assert parse_in_child(broken, tmp_path) == "invalid rules.staged-names.severty"
    assert parse_in_child(broken, tmp_path) == "invalid rules.staged-names.severty"


def test_an_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert parse_in_child("rules: {}\n", blocker) == "valid True"
    assert parse_in_child("rules: {}\n", blocker) == "valid True"
