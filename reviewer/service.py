"""`serve`, `worker` and `jobs`: run and operate the app."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

from reviewer.github.settings import SettingError, check_private_key, from_environment, page_settings

# gunicorn's settings for the web process (worker class, threads, timeouts, limits).
GUNICORN_CONF = Path(__file__).resolve().parent / "web" / "gunicorn_conf.py"


def run(args: argparse.Namespace) -> int:
    """Dispatch the service commands; a missing or unusable setting is exit 2 with its name."""
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "jobs":
            return _jobs(args)
        # Fail fast, naming the variable (never its value), before anything starts: a bad
        # key would otherwise only show when every job fails to sign its JWT.
        check_private_key(from_environment())
        page_settings()  # PUBLIC_URL without its OAuth client and SECRET_KEY: say so now
    except SettingError as exc:
        print(f"policy-reviewer: {exc}", file=sys.stderr)
        return 2
    if args.command == "worker":
        return consume(args.workers)
    # The factory, not app.py: `serve` must work from any folder, app.py is for Procfiles.
    # The same gunicorn settings as `web: gunicorn app:app` (whose gunicorn.conf.py imports
    # them), given explicitly: a gunicorn.conf.py in the current folder is not ours.
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "reviewer.web:create_app()",
                            "--config", str(GUNICORN_CONF), "--bind", args.bind,
                            "--access-logfile", "-"])
    try:
        return consume(args.workers)
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=30)


def consume(workers: int) -> int:
    """Run the huey consumer until stopped."""
    from huey.consumer import Consumer

    from reviewer.jobs.tasks import huey

    # An idle SQLite consumer polls; cap its back-off so a delivery waits at most ~0.25 s.
    Consumer(huey, workers=workers, worker_type="thread", periodic=True,
             check_worker_health=True, initial_delay=0.05, max_delay=0.25).run()
    return 0


def _jobs(args: argparse.Namespace) -> int:
    from reviewer.jobs.queue import store
    from reviewer.jobs.store import DEAD
    from reviewer.jobs.tasks import replay

    if args.action == "dead":
        dead = store().jobs(DEAD)
        for job in dead:
            first_line = job.error.splitlines()[0] if job.error else ""
            print(f"{job.id}\tattempts={job.attempts}\t{first_line}")
        if not dead:
            print("no dead jobs")
        return 0
    if not replay(args.job_id):
        print(f"policy-reviewer: no job {args.job_id}", file=sys.stderr)
        return 2
    print(f"queued {args.job_id} again")
    return 0
