"""docs/admin-guide.md is run: its files are written, its commands run, its output checked.

Markers in the guide (HTML comments, invisible when rendered) say what each block is:
``<!-- file: PATH -->`` before a block writes it to PATH; ``<!-- run: N -->`` before a ``sh``
block runs each line, which must exit N; ``<!-- output -->`` before a ``text`` block lists
lines the commands just run must print. Everything happens in order, in one folder.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "admin-guide.md"
MARKED = re.compile(r"<!-- (file: (?P<path>\S+)|run: (?P<code>\d+)|output) -->\n```[a-z]*\n(?P<body>.*?)```",
                    re.DOTALL)


def steps() -> list[tuple[str, str, str]]:
    out = []
    for match in MARKED.finditer(GUIDE.read_text(encoding="utf-8")):
        if match.group("path"):
            out.append(("file", match.group("path"), match.group("body")))
        elif match.group("code"):
            out.append(("run", match.group("code"), match.group("body")))
        else:
            out.append(("output", "", match.group("body")))
    return out


def test_the_guide_has_examples_of_every_admin_command() -> None:
    commands = " ".join(body for kind, _, body in steps() if kind == "run")
    for command in ("policies validate", "--config", "policies test", "explain",
                    "policies effective", "policies impact"):
        assert command in commands


def test_every_example_of_the_admin_guide_does_what_the_guide_says(tmp_path: Path) -> None:
    printed = ""
    for kind, arg, body in steps():
        if kind == "file":
            target = tmp_path / arg
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
        elif kind == "run":
            printed = ""
            for line in body.splitlines():
                words = shlex.split(line)
                assert words[0] == "policy-reviewer", line
                proc = subprocess.run([sys.executable, "-m", "reviewer.cli", *words[1:]],
                                      capture_output=True, text=True, cwd=tmp_path)
                printed += proc.stdout + proc.stderr
                assert proc.returncode == int(arg), (line, proc.stdout, proc.stderr)
        else:
            for expected in body.splitlines():
                if expected.strip():
                    assert expected.rstrip() in printed, (expected, printed)
