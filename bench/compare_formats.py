"""Terraform and Serverless Framework: our scan against checkov, on the same real files.

One run measures, per file (a ``.tf`` file; a ``serverless.yml``, alone in a folder because
checkov's serverless framework reads folders): our ``policy-reviewer scan PATH`` and
``checkov --framework terraform|serverless`` on the same path, each a fresh process (what a CI
job or pre-commit hook pays), and prints the medians and the ratio.
The files are the real ones under tests/data/real/ (terraform-aws-modules, serverless/examples).

For Terraform our figure is given twice: cold, with the file's entry removed from the HCL
cache first (tree-sitter and its HCL grammar are loaded and run), and warm, the same file read
again (what a pre-commit hook or a re-run CI job meets for the files that did not change).

checkov comes from bench/.cache/checkov-venv (compare_peers.py sets it up).

Usage:  python bench/compare_formats.py [--sample N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_peers import (REPO_DIR, RunResult, log, ours_env, run_measured,  # noqa: E402
                           setup_checkov)

REAL = REPO_DIR / "tests" / "data" / "real"
OURS = [sys.executable, "-m", "reviewer.cli", "scan", "--format", "json"]
CHECKOV = ["--quiet", "--compact", "-o", "json", "--skip-download"]


def terraform_units(sample: int) -> list[Path]:
    return _spread(sorted((REAL / "terraform").rglob("*.tf")), sample)


def serverless_units(sample: int, work: Path) -> list[Path]:
    """Each serverless.yml alone in a folder, so checkov reads one service."""
    services = sorted((REAL / "serverless").rglob("serverless.y*ml"))
    units = []
    for index, path in enumerate(_spread(services, sample)):
        unit = work / f"svc{index:03d}"
        unit.mkdir()
        shutil.copy(path, unit / path.name)
        units.append(unit)
    return units


def _spread(items: list[Path], sample: int) -> list[Path]:
    if len(items) <= sample:
        return items
    step = len(items) / sample
    return [items[int(i * step)] for i in range(sample)]


def forget(unit: Path) -> None:
    """Drop the HCL cache's entries for the files of a unit: the next run reads cold."""
    sys.path.insert(0, str(REPO_DIR))
    from reviewer.formats.hcl_cache import _path

    for path in [unit] if unit.is_file() else sorted(unit.rglob("*.tf")):
        _path(path.read_text(encoding="utf-8")).unlink(missing_ok=True)


def measure(units: list[Path], framework: str, checkov: Path | None, stem: Path) -> dict[str, list[RunResult]]:
    out: dict[str, list[RunResult]] = {"ours": [], "ours (warm)": [], "checkov": []}
    for index, unit in enumerate(units):
        forget(unit)
        out["ours"].append(run_measured(OURS + [str(unit)], lambda rc: rc in (0, 1),
                                        stem / f"ours-{framework}-{index}", timeout=120,
                                        env=ours_env(), cwd=REPO_DIR))
        if framework == "terraform":
            out["ours (warm)"].append(run_measured(OURS + [str(unit)], lambda rc: rc in (0, 1),
                                                   stem / f"warm-{framework}-{index}", timeout=120,
                                                   env=ours_env(), cwd=REPO_DIR))
        if checkov:
            out["checkov"].append(run_measured(
                [str(checkov), "-f" if unit.is_file() else "-d", str(unit), "--framework",
                 framework, *CHECKOV],
                lambda rc: rc in (0, 1), stem / f"checkov-{framework}-{index}", timeout=600,
                expect_json=False))
    return out


def report(name: str, results: dict[str, list[RunResult]]) -> None:
    theirs = [r.wall for r in results["checkov"] if r.ok]
    print(f"\n{name}: {len(results['ours'])} files")
    for label in ("ours", "ours (warm)"):
        runs = results[label]
        if not runs:
            continue
        times = [r.wall for r in runs if r.ok]
        failed = [r.error for r in runs if not r.ok]
        ratio = f"   {statistics.median(theirs) / statistics.median(times):5.1f}x faster than checkov" \
            if theirs and times else ""
        print(f"  {label:<12} median {statistics.median(times) * 1000:6.0f} ms   "
              f"max RSS {max(r.maxrss_kb for r in runs) / 1024:4.0f} MB{ratio}"
              + (f"   FAILED {len(failed)}: {failed[:1]}" if failed else ""))
    if theirs:
        print(f"  {'checkov':<12} median {statistics.median(theirs) * 1000:6.0f} ms   "
              f"max RSS {max(r.maxrss_kb for r in results['checkov']) / 1024:4.0f} MB")
    else:
        print("  checkov: not run")


def folder_report(name: str, folder: Path, pattern: str, framework: str, checkov: Path | None,
                  stem: Path) -> None:
    """One process over every file (cold HCL cache): the time per file, amortised."""
    files = sorted(folder.rglob(pattern))
    forget(folder) if framework == "terraform" else None
    ours = run_measured(OURS + [str(folder)], lambda rc: rc in (0, 1), stem / f"folder-{framework}",
                        timeout=600, env=ours_env(), cwd=REPO_DIR)
    print(f"\n{name}: {len(files)} files")
    print(f"  ours         {ours.wall:6.2f} s   {ours.wall / len(files) * 1000:6.1f} ms per file   "
          f"max RSS {ours.maxrss_kb / 1024:4.0f} MB" + ("" if ours.ok else f"   FAILED: {ours.error}"))
    if checkov:
        theirs = run_measured([str(checkov), "-d", str(folder), "--framework", framework, *CHECKOV],
                              lambda rc: rc in (0, 1), stem / f"folder-checkov-{framework}",
                              timeout=1800, expect_json=False)
        print(f"  checkov      {theirs.wall:6.2f} s   {theirs.wall / len(files) * 1000:6.1f} ms per file   "
              f"max RSS {theirs.maxrss_kb / 1024:4.0f} MB   ours is {theirs.wall / ours.wall:.1f}x faster"
              + ("" if theirs.ok else f"   FAILED: {theirs.error}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=15, help="files per format (default 15)")
    args = parser.parse_args()
    checkov, version = setup_checkov()
    log(f"checkov: {version if checkov else 'unavailable: ' + version}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        stem = work / "runs"
        tf = terraform_units(args.sample)
        sls = serverless_units(args.sample, work)
        report("Terraform (.tf files of terraform-aws-modules)",
               measure(tf, "terraform", checkov, stem))
        folder_report("Terraform, whole folder in one run", REAL / "terraform", "*.tf",
                      "terraform", checkov, stem)
        if sls:
            report("Serverless Framework (services of serverless/examples)",
                   measure(sls, "serverless", checkov, stem))
            folder_report("Serverless Framework, whole folder in one run", REAL / "serverless",
                          "serverless.y*ml", "serverless", checkov, stem)
        else:
            print("\nServerless Framework: no services under tests/data/real/serverless")


if __name__ == "__main__":
    main()
