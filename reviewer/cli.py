"""The ``policy-reviewer`` command line.

Exit status: 0 when nothing fails the run, 1 when findings fail it, 2 for a usage or
configuration error (with a message naming the file, line and key).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import stat
import sys
from pathlib import Path
from typing import Sequence

from reviewer.config.errors import ConfigError
from reviewer.config.effective import InForce
from reviewer import logs
from reviewer.config.rulebook import DEFAULT_POLICIES, RuleSpec, load_rule_dir
from reviewer.config.settings import (REPOSITORY_CONFIG, REPOSITORY_RULES, Settings, load_settings)
from reviewer.engine.waivers import expiring
from reviewer.formats.paths import CANDIDATE_SUFFIXES
from reviewer.policies_cli import UsageError as AdminUsageError
from reviewer.report import Report

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".aws-sam", "cdk.out",
             ".tox", ".mypy_cache", ".pytest_cache"}


class UsageError(Exception):
    """A bad command line: exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                        help="output format (default: text)")
    common.add_argument("--policies", metavar="DIR", help="rule files (default: the shipped policies/)")
    common.add_argument("--config", metavar="FILE",
                        help=f"configuration file (default: {REPOSITORY_CONFIG} of the repository, if any)")
    common.add_argument("--org", metavar="DIR",
                        help="the organisation's folder: rule files and config.yml (locks, waivers)")
    common.add_argument("--disable", metavar="RULE", action="append", default=[],
                        help="switch a rule off for this run (repeatable)")
    common.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout")
    common.add_argument("--sarif", metavar="FILE", help="also write the report as SARIF here (CI)")
    common.add_argument("--summary", metavar="FILE",
                        help="also append the Markdown summary here (CI: $GITHUB_STEP_SUMMARY)")

    parser = argparse.ArgumentParser(prog="policy-reviewer", description=(
        "Review AWS CloudFormation/SAM templates and IAM policies against the organisation's rules."))
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scan = sub.add_parser("scan", parents=[common], help="evaluate files and folders")
    scan.add_argument("paths", nargs="+", metavar="PATH")

    diff = sub.add_parser("diff", parents=[common], help="review a local git change like a pull request")
    diff.add_argument("--base", required=True, metavar="REF", help="the branch the change goes into")
    diff.add_argument("--head", default="HEAD", metavar="REF", help="the change (default: HEAD)")
    diff.add_argument("--repo", default=".", metavar="DIR", help="the git repository (default: .)")
    diff.add_argument("--plan", metavar="FILE", help="head's Terraform plan, as terraform show -json writes it")

    serve = sub.add_parser("serve", help="run the web app and a worker on this machine")
    serve.add_argument("--bind", default="127.0.0.1:8000", help="address for gunicorn (default 127.0.0.1:8000)")
    serve.add_argument("--workers", type=int, default=2, help="queue worker threads (default 2)")
    worker = sub.add_parser("worker", help="run the queue consumer")
    worker.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")
    jobs = sub.add_parser("jobs", help="inspect and replay review jobs")
    jsub = jobs.add_subparsers(dest="action", required=True, metavar="ACTION")
    jsub.add_parser("dead", help="list jobs that kept failing")
    replay = jsub.add_parser("replay", help="queue a dead job again")
    replay.add_argument("job_id", metavar="ID")
    doctor = sub.add_parser("doctor", help="check the app's wiring on GitHub: permissions, events, "
                                           "required checks, merge queues, webhook")
    doctor.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")

    from reviewer.policies_cli import add_commands
    add_commands(sub, common)
    return parser


def _version() -> str:
    from reviewer import __version__
    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors already
        return int(exc.code or 0)
    if args.command not in ("serve", "worker", "jobs"):
        logs.use_terminal()
    try:
        if args.command == "scan":
            return _scan(args)
        if args.command == "diff":
            return _diff(args)
        if args.command in ("serve", "worker", "jobs"):
            from reviewer import service
            return service.run(args)
        if args.command == "doctor":
            return _doctor(args)
        return _admin(args)
    except (ConfigError, UsageError, AdminUsageError) as exc:
        print(f"policy-reviewer: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `policy-reviewer scan . | head`
        return EXIT_OK


def _configure(args: argparse.Namespace, repo: Settings | None,
               repo_rules: dict[str, RuleSpec] | None = None) -> tuple[dict[str, RuleSpec], Settings]:
    """Shipped (or --policies) rules, the organisation's folder (--org), then the repository's
    configuration, and finally this run's --disable switches."""
    from reviewer.policies_cli import layers_in_force

    found = layers_in_force(getattr(args, "policies", None), getattr(args, "org", None), repo, repo_rules)
    rules, settings = found.rules, found.settings
    for rule_id in args.disable:
        if rule_id not in rules:
            raise UsageError(f'--disable {rule_id}: no such rule; known: {", ".join(sorted(rules))}')
        if rules[rule_id].locked:
            # A local run is the user's own; say plainly that a pull request will not agree.
            print(f"policy-reviewer: --disable {rule_id}: the rule is locked by the organisation; "
                  "it is off for this local run only, and the app still applies it to pull "
                  "requests (the app has no --disable)", file=sys.stderr)
        rules[rule_id] = _disabled(rules[rule_id])
    return rules, settings


def _disabled(spec: RuleSpec) -> RuleSpec:
    return dataclasses.replace(spec, enabled=False)


def _repository_root(root: Path) -> Path | None:
    """The nearest folder upwards with the repository's configuration, up to the git root."""
    for folder in [root.resolve(), *root.resolve().parents]:
        if (folder / REPOSITORY_CONFIG).is_file() or (folder / REPOSITORY_RULES).is_dir():
            return folder
        if (folder / ".git").exists():
            return None
    return None


def _repository_settings(args: argparse.Namespace, root: Path | None) -> Settings | None:
    if args.config:
        return load_settings(args.config)
    # Scanning a sub-folder still uses the repository's configuration.
    found = _repository_root(root) if root is not None else None
    if found is not None and (found / REPOSITORY_CONFIG).is_file():
        return load_settings(str(found / REPOSITORY_CONFIG))
    return None


def _repository_rules(root: Path | None) -> dict[str, RuleSpec]:
    found = _repository_root(root) if root is not None else None
    if found is None or not (found / REPOSITORY_RULES).is_dir():
        return {}
    return load_rule_dir(found / REPOSITORY_RULES)


def _today() -> dt.date:
    return dt.date.today()


def _emit(args: argparse.Namespace, report: Report) -> int:
    from reviewer.report import json_report, sarif, text

    renderer = {"text": text.render, "json": json_report.render, "sarif": sarif.render}[args.format]
    output = renderer(report)
    if getattr(args, "sarif", None):
        Path(args.sarif).write_text(sarif.render(report), encoding="utf-8")
    if getattr(args, "summary", None):
        from reviewer.report import markdown

        with open(args.summary, "a", encoding="utf-8") as handle:
            handle.write(f"## policy-reviewer: {markdown.title(report)}\n\n"
                         + markdown.summary(report, help_line=False) + "\n")
    if args.output:
        Path(args.output).write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return EXIT_FINDINGS if report.fails() else EXIT_OK


# ----------------------------------------------------------------------------- scan


def collect(paths: Sequence[str]) -> tuple[dict[str, bytes], str]:
    """Read candidate files under ``paths``; names are relative to a common root.

    Only regular files inside the given paths are read: a symlink out of the tree is not
    followed (a checkout must not make ``scan`` read ~/.aws), and a FIFO or device would
    block or never end.
    """
    files: dict[str, Path] = {}
    roots = [os.path.realpath(p) for p in paths]
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"{raw}: no such file or folder")
        if not path.is_dir():
            if _readable(path, roots, explicit=True):
                files[os.path.normpath(raw)] = path
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in sorted(filenames):
                if name.lower().endswith(CANDIDATE_SUFFIXES):
                    full = Path(dirpath) / name
                    if _readable(full, roots):
                        files[os.path.normpath(str(full))] = full
    root = os.path.commonpath([os.path.abspath(p) for p in paths]) if paths else "."
    if os.path.isfile(root):
        root = os.path.dirname(root)
    contents: dict[str, bytes] = {}
    for name, full in files.items():
        rel = os.path.relpath(os.path.abspath(name), root) if root else name
        contents[rel.replace(os.sep, "/")] = _read_limited(full)
    return contents, root


def _readable(path: Path, roots: list[str], explicit: bool = False) -> bool:
    """A regular file that lies inside the scanned paths (after following symlinks)."""
    real = os.path.realpath(path)
    if not explicit and not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots):
        print(f"policy-reviewer: skipped {path}: a link out of the scanned folder", file=sys.stderr)
        return False
    try:
        regular = stat.S_ISREG(os.stat(real).st_mode)
    except OSError:
        return False
    if not regular:
        print(f"policy-reviewer: skipped {path}: not a regular file", file=sys.stderr)
    return regular


def _read_limited(path: Path) -> bytes:
    from reviewer.formats.paths import MAX_FILE_BYTES, plan_limit

    # One byte past the limit tells the engine the file is too big without reading 50 MB;
    # a Terraform plan may be larger than any template.
    with open(path, "rb") as handle:
        head = handle.read(MAX_FILE_BYTES + 1)
        limit = plan_limit(str(path), head)
        return head + handle.read(limit + 1 - len(head)) if limit > MAX_FILE_BYTES and len(head) > MAX_FILE_BYTES else head


def _scan(args: argparse.Namespace) -> int:
    from reviewer.pipeline import evaluate

    files, root = collect(args.paths)
    rules, settings = _configure(args, _repository_settings(args, Path(root)),
                                 _repository_rules(Path(root)))
    evaluation = evaluate(files, rules, settings)
    return _emit(args, Report("scan", evaluation.findings, rules, fail_on=settings.fail_on,
                              expiring=expiring(settings, _today())))


# ----------------------------------------------------------------------------- diff


def _modules_of(paths: list[str]) -> list[str]:
    from reviewer.formats.paths import is_module_member

    return [p for p in paths if is_module_member(p)]


def _diff(args: argparse.Namespace) -> int:
    from reviewer import gitsource
    from reviewer.pipeline import review_change

    repo = Path(args.repo)
    try:
        base = gitsource.resolve(repo, args.base)
        head = gitsource.resolve(repo, args.head)
        fork = gitsource.merge_base(repo, base, head)
        change = gitsource.changed(repo, fork, head)
        # Both sides read the Terraform modules a file joins or leaves: what a module already
        # had is not new because a file was added to it.
        base_files = gitsource.read_files(repo, fork, change.base_paths + _modules_of(change.head_paths))
        head_files = gitsource.read_files(repo, head, change.head_paths + _modules_of(change.base_paths))
        context = (gitsource.read_context(repo, fork, base_files), gitsource.read_context(repo, head, head_files))
        # The configuration comes from the base: a change cannot loosen its own review.
        config_text = None if args.config else gitsource.read_files(
            repo, fork, [REPOSITORY_CONFIG]).get(REPOSITORY_CONFIG)
        rule_texts = gitsource.read_files(repo, fork, gitsource.list_folder(repo, fork, REPOSITORY_RULES))
    except gitsource.GitError as exc:
        raise UsageError(f"git: {exc}") from None
    repo_settings = None
    if args.config:
        repo_settings = load_settings(args.config)
    elif config_text is not None:
        from reviewer.config.settings import parse_settings
        repo_settings = parse_settings(f"{REPOSITORY_CONFIG}@{args.base}",
                                       config_text.decode("utf-8", "replace"))
    from reviewer.config.rulebook import parse_rule_text
    repo_rules = {}
    for path, text in sorted(rule_texts.items()):
        spec = parse_rule_text(f"{path}@{args.base}", text.decode("utf-8", "replace"))
        repo_rules[spec.id] = spec
    rules, settings = _configure(args, repo_settings, repo_rules)
    from reviewer.config.config_change import ConfigJudge
    from reviewer.policies_cli import below_repository

    below, _, org_settings = below_repository(args.policies, args.org)
    judge = ConfigJudge(below, org_settings, {p: t.decode("utf-8", "replace") for p, t in rule_texts.items()})
    review = review_change(base_files, head_files, change.renames, rules, settings, judge=judge,
                           plan=_plan_file(args.plan, repo) if args.plan else None, context=context)
    report = Report("diff", review.comparison.findings, rules, fixed=review.comparison.fixed, reach=review.reach,
                    delta=review.delta, rule_changes=review.rule_changes, fail_on=settings.fail_on, base=args.base, head=args.head,
                    expiring=expiring(settings, _today()))
    return _emit(args, report)


def _plan_file(given: str, repo: Path) -> tuple[str, bytes]:
    """``--plan FILE``: its name (relative to the repository when inside it) and bytes."""
    from reviewer.formats.terraform_plan import MAX_PLAN_BYTES

    path = Path(given)
    if not path.is_file():
        raise UsageError(f"--plan {given}: no such file")
    with open(path, "rb") as handle:
        content = handle.read(MAX_PLAN_BYTES + 1)
    real, root = os.path.realpath(path), os.path.realpath(repo)
    name = os.path.relpath(real, root) if real.startswith(root.rstrip(os.sep) + os.sep) else given
    return name.replace(os.sep, "/"), content


# ----------------------------------------------------------------------------- doctor


def _doctor(args: argparse.Namespace) -> int:
    """Read the app's wiring with its credentials and say what is wrong, each with its fix."""
    from reviewer.doctor import diagnose, exit_status
    from reviewer.doctor import render
    from reviewer.github.settings import SettingError, app_credentials, check_private_key

    try:
        settings = app_credentials()
        check_private_key(settings)
    except SettingError as exc:  # names the variable, never its value
        raise UsageError(str(exc)) from None
    public_url = os.environ.get("PUBLIC_URL", "").rstrip("/") or None
    from reviewer.github.wiring import read_wiring

    if os.environ.get("LOG_LEVEL", "").upper() != "DEBUG":
        import logging

        # PyGithub (once imported) logs each refused request to stderr; doctor reports them
        # itself, in its own words.
        logging.getLogger("github").setLevel(logging.CRITICAL)

    sections = diagnose(read_wiring(settings, public_url=public_url,
                                    client_id=os.environ.get("GITHUB_CLIENT_ID") or None))
    if args.format == "json":
        sys.stdout.write(render.as_json(sections))
    else:
        sys.stdout.write(render.text(sections, unicode=_can_write("✓✗→—")))
    return exit_status(sections)


def _can_write(marks: str) -> bool:
    try:
        marks.encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# ----------------------------------------------------------------------------- policies


def _admin(args: argparse.Namespace) -> int:
    from reviewer import policies_cli

    if args.command == "explain":
        return policies_cli.explain(_in_force(args), args.rule)
    directory = Path(args.directory) if getattr(args, "directory", None) else DEFAULT_POLICIES
    if args.action == "validate":
        return policies_cli.validate(directory, args.config)
    if args.action == "test":
        return policies_cli.test(directory)
    if args.action == "effective":
        return policies_cli.effective(_in_force(args), _today(), args.format)
    if args.action == "impact":
        from reviewer import impact_cli
        return impact_cli.run(args)
    from reviewer.report.docs import render_rules_markdown

    rules = load_rule_dir(directory)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(render_rules_markdown(rules), encoding="utf-8")
    print(f"wrote {args.output}")
    return EXIT_OK


def _in_force(args: argparse.Namespace) -> InForce:
    """The layers for ``explain`` and ``policies effective``: --config, or the repository's
    own configuration and rule files found from the current folder."""
    from reviewer.policies_cli import layers_in_force

    here = Path(".")
    return layers_in_force(args.policies, args.org, _repository_settings(args, here),
                           _repository_rules(here))


if __name__ == "__main__":
    sys.exit(main())
