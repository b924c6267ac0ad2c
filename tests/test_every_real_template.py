"""Every real template, every release (issue 17, point 18): every rule, ``template-valid``
included, over every template of cfn-lint's source distribution (good and bad), every file
under ``../shared/corpus/`` and the real Terraform and Serverless projects under ``tests/``.
Nothing may stop the review: no traceback, no "rule could not finish", no file left
unreviewed but those that truly cannot be read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.cli import collect
from reviewer.config.settings import Settings
from reviewer.pipeline import review_change
from tests.conftest import CORPUS, ROOT, shipped_rules

DATA = Path(__file__).parent / "data"
CFN_LINT = DATA / "cfn-lint" / "templates"
REAL = [DATA / "real" / "terraform", DATA / "real" / "serverless"]

# The files of these sets that are broken on purpose, and what makes each unreadable.
UNREADABLE = {
    "bad/core/config_invalid_json.json": "JSON syntax error",
    "bad/core/config_invalid_yaml.yaml": "YAML syntax error",
    "bad/core/parse_invalid_map.yaml": "mapping key must be a scalar",
    "bad/duplicate.json": "duplicate key",
    "bad/duplicate.yaml": "duplicate key",
    "bad/json_parse.json": "JSON syntax error",
    "bad/template.yaml": "YAML syntax error",
    "integration/yaml-alias-amplification.yaml": "alias bomb",
}


def _roots() -> list[Path]:
    roots = [CFN_LINT, *REAL]
    if CORPUS.is_dir():
        roots.append(CORPUS)
    elif os.environ.get("CI"):
        pytest.fail(f"the shared corpus is missing at {CORPUS}")
    return roots


def _incomplete(findings: list) -> list[str]:
    return [f"{f.path}:{f.start_line} {f.rule_id}: {f.message}" for f in findings
            if "not reviewed" in f.message or "could not finish" in f.message
            or f.rule_id == "review-incomplete" or "could not validate" in f.message]


@pytest.mark.parametrize("root", _roots(), ids=lambda p: str(p.relative_to(p.parents[1])))
def test_every_rule_finishes_on_every_file(root: Path) -> None:
    files, _ = collect([str(root)])
    assert len(files) > 20
    review = review_change({}, files, {}, shipped_rules(), Settings())
    findings = review.comparison.findings
    assert _incomplete(findings) == []
    unread = {f.path: f.message for f in findings if f.rule_id == "template-parse"}
    expected = UNREADABLE if root == CFN_LINT else {}
    assert set(unread) == set(expected), unread
    for path, reason in expected.items():
        assert reason in unread[path]
    # The review saw the files: templates judged, principals' grants worked out.
    assert review.delta and any(f.rule_id != "template-parse" for f in findings)


def test_the_cli_reads_them_all_without_a_traceback(tmp_path: Path) -> None:
    roots = [str(p) for p in _roots()]
    for fmt in ("text", "sarif"):
        out = tmp_path / f"report.{fmt}"
        result = subprocess.run([sys.executable, "-m", "reviewer.cli", "scan", "--format", fmt,
                                 "--disable", "template-valid", "-o", str(out), *roots],
                                capture_output=True, text=True, timeout=300, cwd=ROOT)
        assert result.returncode == 1, result.stderr[-2000:]
        assert "Traceback" not in result.stderr and "failed" not in result.stderr, result.stderr[-2000:]
        assert out.stat().st_size > 10_000
    sarif = json.loads((tmp_path / "report.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) > 500
