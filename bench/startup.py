#!/usr/bin/env python3
"""How long `policy-reviewer scan` of one template takes as a whole process (a pre-commit
hook's cost), without template-valid. Prints the median and spread of N runs, and the
same for `python -c pass` as the floor no Python tool can go under.

Bytecode is compiled first and the runs are made with PYTHONDONTWRITEBYTECODE unset, as a
user's installation has it; a session or CI that sets it would measure compilation too.

    python bench/startup.py [--runs 20] [TEMPLATE]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "examples" / "billing" / "head" / "stacks" / "billing.yaml"


def timed(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        out.append((time.perf_counter() - start) * 1000)
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed: {proc.stderr.decode()[-500:]}")
    return out


def show(label: str, ms: list[float]) -> None:
    q = statistics.quantiles(ms, n=10)
    print(f"{label:<44} median {statistics.median(ms):6.1f} ms   p10 {q[0]:6.1f}   p90 {q[-1]:6.1f}"
          f"   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    compileall.compile_dir(str(ROOT / "reviewer"), quiet=1)
    cmd = [sys.executable, "-m", "reviewer.cli", "scan", "--disable", "template-valid",
           str(args.template)]
    timed(cmd, env, 2)  # warm the page cache and the action-count cache
    show("python -c pass (floor)", timed([sys.executable, "-c", "pass"], env, args.runs))
    show(f"scan {args.template.name} (no template-valid)", timed(cmd, env, args.runs))
    print("target: under 150 ms on this machine (issue 8)")


if __name__ == "__main__":
    main()
