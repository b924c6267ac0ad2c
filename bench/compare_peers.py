#!/usr/bin/env python3
"""Benchmark policy-reviewer against its peers (checkov, cfn-lint).

Self-setting-up; everything it downloads or builds lives in bench/.cache/
(git-ignored):

1. corpus: the sdist of the *installed* cfn-lint version is fetched with
   ``pip download --no-deps --no-binary :all:`` and the templates under its
   ``test/fixtures/templates/good/`` tree (YAML/JSON, <= 1 MB) are copied to
   bench/.cache/corpus/ keeping their relative paths.
2. checkov: installed into its own venv, bench/.cache/checkov-venv (checkov
   pins its own cfn-lint, so it must not touch the main environment).
3. every tool is run as a child process over the whole corpus once, and once
   per template for a fixed random sample of templates.

Measurement: wall time is ``time.perf_counter`` around spawn -> reap.  Peak
memory comes from ``os.wait4``'s rusage (``ru_maxrss``, the same kernel figure
GNU ``/usr/bin/time -f %M`` prints, without needing that package): the largest
RSS of the child or of any descendant it reaped.  Because checkov can fan out
to worker processes, the script also samples the summed RSS of the whole
process tree from /proc every 50 ms ("tree MB"); the targets use ru_maxrss.

Usage:  python bench/compare_peers.py [--limit N] [--sample N] [--skip-checkov]
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import time
import venv
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------
# Configuration: the commands under test.  The corpus path (folder, or one
# template for per-template runs) is appended as the last argument.
# --------------------------------------------------------------------------
OURS_FAST_CMD = [sys.executable, "-m", "reviewer.cli", "scan", "--format", "json",
                 "--disable", "template-valid"]
OURS_FULL_CMD = [sys.executable, "-m", "reviewer.cli", "scan", "--format", "json"]
OURS_OK_EXIT = {0, 1}            # 1 = findings, 2 = usage error
# checkov: -d DIR for the folder run, -f FILE per template. --skip-download
# stops it trying to reach Prisma Cloud for guidelines (no internet here;
# without it checkov may spend time on network timeouts).
CHECKOV_ARGS = ["--framework", "cloudformation", "--quiet", "--compact", "-o", "json",
                "--skip-download"]
CHECKOV_OK_EXIT = {0, 1}         # 1 = failed checks
# cfn-lint: the main environment's; templates are passed as an explicit list.
# Exit codes are a bitmask: 2 error, 4 warning, 8 informational; 1 is a crash.
def _cfnlint_exe() -> str:
    beside = Path(sys.executable).parent / "cfn-lint"
    return str(beside) if beside.exists() else (shutil.which("cfn-lint") or "cfn-lint")


CFNLINT_CMD = [_cfnlint_exe(), "--format", "json", "--"]

TEMPLATE_SUFFIXES = {".yaml", ".yml", ".json", ".template"}
MAX_TEMPLATE_BYTES = 1_000_000
FIXTURE_SUBTREES = ["test/fixtures/templates/good"]
EXTRA_SUBTREES = ["test/fixtures/templates/quickstart", "test/fixtures/templates/public"]

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
CACHE = BENCH_DIR / ".cache"
CORPUS = CACHE / "corpus"
CHECKOV_VENV = CACHE / "checkov-venv"
RUNS = CACHE / "runs"


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Setup
# --------------------------------------------------------------------------
def cfnlint_version() -> str:
    try:
        return importlib.metadata.version("cfn-lint")
    except importlib.metadata.PackageNotFoundError:
        sys.exit("cfn-lint is not installed in this environment (pip install cfn-lint)")


def build_corpus(limit: int | None, extra: bool) -> list[Path]:
    version = cfnlint_version()
    subtrees = FIXTURE_SUBTREES + (EXTRA_SUBTREES if extra else [])
    stamp = {"cfn-lint": version, "subtrees": subtrees, "limit": limit,
             "max_bytes": MAX_TEMPLATE_BYTES}
    stamp_file = CACHE / "corpus.stamp.json"
    if CORPUS.is_dir() and stamp_file.is_file() and json.loads(stamp_file.read_text()) == stamp:
        files = sorted(p for p in CORPUS.rglob("*") if p.is_file())
        log(f"corpus: reusing {len(files)} templates from cfn-lint {version} sdist")
        return files

    dl = CACHE / "downloads"
    dl.mkdir(parents=True, exist_ok=True)
    sdists = sorted(dl.glob(f"cfn_lint-{version}.tar.gz")) + sorted(dl.glob(f"cfn-lint-{version}.tar.gz"))
    if not sdists:
        log(f"corpus: pip download cfn-lint=={version} (sdist)")
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "--disable-pip-version-check", "-q", "-d", str(dl), f"cfn-lint=={version}"],
                       check=True)
        sdists = sorted(dl.glob(f"cfn*lint-{version}.tar.gz"))
    if not sdists:
        sys.exit(f"pip download produced no cfn-lint {version} sdist in {dl}")
    sdist = sdists[0]

    src = CACHE / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir()
    with tarfile.open(sdist) as tf:
        members = [m for m in tf.getmembers()
                   if any(f"/{t}/" in m.name for t in subtrees) and (m.isfile() or m.isdir())]
        try:
            tf.extractall(src, members=members, filter="data")
        except TypeError:  # Python without extraction filters
            tf.extractall(src, members=members)
    roots = list(src.iterdir())
    if len(roots) != 1:
        sys.exit(f"unexpected sdist layout in {sdist}")
    root = roots[0]

    candidates: list[tuple[Path, Path]] = []
    skipped_big = 0
    for sub in subtrees:
        base = root / sub
        if not base.is_dir():
            log(f"corpus: {sub} not in sdist, skipped")
            continue
        for p in sorted(base.rglob("*")):
            if not p.is_file() or p.suffix.lower() not in TEMPLATE_SUFFIXES:
                continue
            if p.stat().st_size > MAX_TEMPLATE_BYTES:
                skipped_big += 1
                continue
            rel = p.relative_to(base)
            if len(subtrees) > 1:
                rel = Path(Path(sub).name) / rel
            candidates.append((p, rel))
    if limit is not None:
        candidates = candidates[:limit]

    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    for p, rel in candidates:
        dest = CORPUS / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, dest)
    stamp_file.write_text(json.dumps(stamp))
    log(f"corpus: {len(candidates)} templates from {sdist.name} ({skipped_big} skipped > 1 MB)")
    return sorted(p for p in CORPUS.rglob("*") if p.is_file())


def setup_checkov() -> tuple[Path | None, str]:
    """Return (path to checkov executable, version) or (None, reason)."""
    exe = CHECKOV_VENV / "bin" / "checkov"
    ok_stamp = CHECKOV_VENV / ".installed"
    if not (exe.exists() and ok_stamp.exists()):
        log("checkov: creating venv and running pip install checkov (several minutes)...")
        try:
            if CHECKOV_VENV.exists():
                shutil.rmtree(CHECKOV_VENV)
            venv.EnvBuilder(with_pip=True, clear=True).create(CHECKOV_VENV)
            py = CHECKOV_VENV / "bin" / "python"
            logf = CACHE / "checkov-install.log"
            with open(logf, "w") as fh:
                r = subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check",
                                    "checkov"], stdout=fh, stderr=subprocess.STDOUT)
            if r.returncode != 0 or not exe.exists():
                tail = logf.read_text(errors="replace").strip().splitlines()[-15:]
                return None, f"pip install checkov failed (exit {r.returncode}); see {logf}:\n  " + \
                    "\n  ".join(tail)
            ok_stamp.write_text("ok\n")
        except Exception as exc:  # noqa: BLE001 - report and carry on
            return None, f"could not set up checkov venv: {exc!r}"
    try:
        ver = subprocess.run([str(exe), "--version"], capture_output=True, text=True,
                             timeout=300).stdout.strip()
    except Exception as exc:  # noqa: BLE001
        return None, f"checkov --version failed: {exc!r}"
    return exe, ver


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------
@dataclass
class RunResult:
    ok: bool
    wall: float           # seconds
    maxrss_kb: int        # ru_maxrss of child and reaped descendants
    tree_kb: int          # sampled peak of summed RSS over the process tree
    rc: int
    error: str = ""


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _tree_rss_kb(root: int) -> int:
    """Summed RSS of root and all its descendants, from /proc/<pid>/stat."""
    kids: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as fh:
                raw = fh.read()
        except OSError:
            continue
        fields = raw[raw.rfind(b")") + 2:].split()   # after "(comm)": state ppid ...
        try:
            ppid, pages = int(fields[1]), int(fields[21])
        except (IndexError, ValueError):
            continue
        pid = int(d)
        rss[pid] = pages * _PAGE_KB
        kids.setdefault(ppid, []).append(pid)
    total, stack = 0, [root]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(kids.get(p, []))
    return total


TREE_SAMPLE_S = 0.05   # /proc scan interval; 0 disables tree sampling (--no-tree)


def run_measured(cmd: list[str], ok_exit, out_stem: Path, *, timeout: float,
                 env: dict | None = None, cwd: Path | None = None,
                 expect_json: bool = True) -> RunResult:
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    out_path, err_path = out_stem.with_suffix(".out"), out_stem.with_suffix(".err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    env=env, cwd=cwd, start_new_session=True)
        except OSError as exc:
            return RunResult(False, 0.0, 0, 0, -1, f"cannot start {cmd[0]}: {exc}")
        tree_peak, next_sample, timed_out = 0, t0 + TREE_SAMPLE_S, False
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if TREE_SAMPLE_S and now >= next_sample:
                tree_peak = max(tree_peak, _tree_rss_kb(proc.pid))
                next_sample = now + TREE_SAMPLE_S
            if now - t0 > timeout and not timed_out:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.001)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from re-waiting
    rc = proc.returncode
    maxrss = ru.ru_maxrss
    result = RunResult(True, wall, maxrss, max(tree_peak, 0), rc)
    stderr_tail = err_path.read_text(errors="replace").strip()[-800:]
    if timed_out:
        result.ok, result.error = False, f"timed out after {timeout:.0f}s"
    elif not ok_exit(rc):
        result.ok, result.error = False, f"exit code {rc}: {stderr_tail or '(no stderr)'}"
    elif expect_json:
        text = out_path.read_text(errors="replace").strip()
        try:
            json.loads(text)
        except ValueError:
            result.ok = False
            result.error = (f"exit code {rc} but stdout is not JSON "
                            f"({text[:200]!r}); stderr: {stderr_tail or '(none)'}")
    return result


@dataclass
class Tool:
    name: str
    folder_cmd: list[str]                 # run over the whole corpus
    file_cmd: callable                    # template path -> argv
    ok_exit: callable
    env: dict | None = None
    cwd: Path | None = None
    note: str = ""
    folder: RunResult | None = None
    per_file: list[RunResult] = field(default_factory=list)
    error: str = ""


def ours_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_DIR), env.get("PYTHONPATH")]))
    return env


def make_tools(corpus_files: list[Path], checkov_exe: Path | None) -> list[Tool]:
    rel = [str(p.relative_to(CORPUS)) for p in corpus_files]
    tools = [
        Tool("ours (no template-valid)", OURS_FAST_CMD + [str(CORPUS)],
             lambda f: OURS_FAST_CMD + [str(f)], lambda rc: rc in OURS_OK_EXIT,
             env=ours_env(), cwd=REPO_DIR),
        Tool("ours (full)", OURS_FULL_CMD + [str(CORPUS)],
             lambda f: OURS_FULL_CMD + [str(f)], lambda rc: rc in OURS_OK_EXIT,
             env=ours_env(), cwd=REPO_DIR),
    ]
    if checkov_exe is not None:
        tools.append(Tool("checkov", [str(checkov_exe), "-d", str(CORPUS)] + CHECKOV_ARGS,
                          lambda f: [str(checkov_exe), "-f", str(f)] + CHECKOV_ARGS,
                          lambda rc: rc in CHECKOV_OK_EXIT, cwd=CACHE))
    # cfn-lint gets relative paths with cwd=CORPUS (keeps argv short).
    tools.append(Tool("cfn-lint", CFNLINT_CMD + rel,
                      lambda f: CFNLINT_CMD + [str(f)],
                      lambda rc: rc >= 0 and rc & 1 == 0, cwd=CORPUS))
    return tools


def measure(tool: Tool, sample: list[Path], timeout: float) -> None:
    slug = "".join(c if c.isalnum() else "_" for c in tool.name)
    log(f"{tool.name}: whole-corpus run")
    tool.folder = run_measured(tool.folder_cmd, tool.ok_exit, RUNS / slug / "folder",
                               timeout=timeout, env=tool.env, cwd=tool.cwd)
    if not tool.folder.ok:
        tool.error = tool.folder.error
        log(f"{tool.name}: FAILED: {tool.error}")
    log(f"{tool.name}: {len(sample)} per-template runs")
    for i, f in enumerate(sample):
        r = run_measured(tool.file_cmd(f), tool.ok_exit, RUNS / slug / f"file{i:03d}",
                         timeout=timeout, env=tool.env, cwd=tool.cwd)
        tool.per_file.append(r)
        if not r.ok:
            if not tool.error:
                tool.error = f"per-template run on {f.relative_to(CORPUS)}: {r.error}"
            if i == 0 and not tool.folder.ok:
                log(f"{tool.name}: first per-template run failed too; skipping the rest")
                break


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
def summarise(tool: Tool, n_templates: int) -> dict:
    f = tool.folder
    good = [r for r in tool.per_file if r.ok]
    return {
        "tool": tool.name,
        "templates": n_templates,
        "ok": bool(f and f.ok),
        "total_s": f.wall if f and f.ok else None,
        "ms_per_template": 1000 * f.wall / n_templates if f and f.ok and n_templates else None,
        "median_ms_single": 1000 * statistics.median(r.wall for r in good) if good else None,
        "single_runs_ok": f"{len(good)}/{len(tool.per_file)}",
        "peak_rss_mb": max([r.maxrss_kb for r in ([f] if f and f.ok else []) + good],
                           default=0) / 1024 or None,
        "peak_tree_mb": max([r.tree_kb for r in ([f] if f and f.ok else []) + good],
                            default=0) / 1024 or None,
        "error": tool.error,
    }


def fmt(v, spec=".1f", unit="") -> str:
    return "n/a" if v is None else format(v, spec) + unit


def print_report(rows: list[dict], notes: list[str]) -> None:
    hdr = ["tool", "templates", "total s", "ms/template", "median ms (1 tmpl)", "single ok",
           "peak RSS MB", "tree MB"]
    table = [[r["tool"], str(r["templates"]), fmt(r["total_s"], ".2f"), fmt(r["ms_per_template"]),
              fmt(r["median_ms_single"], ".0f"), r["single_runs_ok"], fmt(r["peak_rss_mb"]),
              fmt(r["peak_tree_mb"])] for r in rows]
    widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(hdr)]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                    for i, (c, w) in enumerate(zip(cells, widths)))
    print()
    print(line(hdr))
    print(line(["-" * w for w in widths]))
    for t in table:
        print(line(t))

    by = {r["tool"]: r for r in rows}

    def ratio(a, b, key):
        x, y = by.get(a, {}).get(key), by.get(b, {}).get(key)
        return x / y if x and y else None

    def verdict(v, ok):
        return "n/a" if v is None else ("PASS" if ok(v) else "FAIL")

    print("\nTargets (whole-corpus ms/template; per-template medians in brackets):")
    r1 = ratio("checkov", "ours (no template-valid)", "ms_per_template")
    r1s = ratio("checkov", "ours (no template-valid)", "median_ms_single")
    print(f"  checkov / ours(no template-valid) = {fmt(r1, '.1f', 'x')} [{fmt(r1s, '.1f', 'x')}]"
          f"  target >= 20x   {verdict(r1, lambda v: v >= 20)}")
    r2 = ratio("ours (full)", "cfn-lint", "ms_per_template")
    r2s = ratio("ours (full)", "cfn-lint", "median_ms_single")
    print(f"  ours(full) / cfn-lint             = {fmt(r2, '.2f')}   [{fmt(r2s, '.2f')}]"
          f"  target <= 1.25  {verdict(r2, lambda v: v <= 1.25)}")
    mems = [by[t]["peak_rss_mb"] for t in ("ours (no template-valid)", "ours (full)")
            if t in by and by[t]["peak_rss_mb"]]
    mem = max(mems) if mems else None
    print(f"  ours peak RSS                     = {fmt(mem, '.1f', ' MB')}"
          f"  target < 300 MB  {verdict(mem, lambda v: v < 300)}")

    failed = [r for r in rows if r["error"]]
    if failed or notes:
        print("\nNotes:")
        for n in notes:
            print(f"  - {n}")
        for r in failed:
            print(f"  - {r['tool']} failed: {r['error']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None,
                    help="use at most N templates (default: all good templates)")
    ap.add_argument("--sample", type=int, default=30,
                    help="templates run one by one per tool (default 30)")
    ap.add_argument("--skip-checkov", action="store_true", help="do not install or run checkov")
    ap.add_argument("--extra", action="store_true",
                    help="also include cfn-lint's quickstart/ and public/ fixture templates")
    ap.add_argument("--seed", type=int, default=1, help="seed for choosing the sample")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per child run")
    ap.add_argument("--only", action="append", default=None,
                    help="run only tools whose name contains this (repeatable)")
    ap.add_argument("--no-tree", action="store_true",
                    help="do not sample process-tree RSS from /proc (less overhead)")
    ap.add_argument("--json-out", type=Path, help="also write results as JSON here")
    args = ap.parse_args(argv)

    global TREE_SAMPLE_S
    if args.no_tree:
        TREE_SAMPLE_S = 0
    CACHE.mkdir(parents=True, exist_ok=True)
    files = build_corpus(args.limit, args.extra)
    if not files:
        sys.exit("empty corpus")
    sample = sorted(random.Random(args.seed).sample(files, min(args.sample, len(files))))

    notes = [f"corpus: {len(files)} templates from cfn-lint {cfnlint_version()} "
             f"test fixtures ({CORPUS}); per-template sample: {len(sample)} (seed {args.seed})",
             "peak RSS = os.wait4 ru_maxrss (largest single process); tree MB = summed RSS of "
             "the process tree sampled from /proc every 50 ms"]
    checkov_exe = None
    if args.skip_checkov:
        notes.append("checkov skipped (--skip-checkov)")
    elif not args.only or any("checkov" in o for o in args.only):
        checkov_exe, info = setup_checkov()
        notes.append(f"checkov {info}" if checkov_exe else f"checkov unavailable: {info}")
        if checkov_exe is None:
            log(f"checkov unavailable: {info}")

    tools = make_tools(files, checkov_exe)
    if args.only:
        tools = [t for t in tools if any(o in t.name for o in args.only)]
    if RUNS.exists():
        shutil.rmtree(RUNS)
    for t in tools:
        measure(t, sample, args.timeout)

    rows = [summarise(t, len(files)) for t in tools]
    print_report(rows, notes)
    if args.json_out:
        args.json_out.write_text(json.dumps({"rows": rows, "notes": notes}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
