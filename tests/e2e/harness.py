"""Run the real app for end-to-end tests: gunicorn, a worker process, signed deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-webhook-secret"


def keypair() -> tuple[str, str]:
    """A fresh RSA key for the test app: (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def wait_for(condition: Callable[[], Any], timeout: float = 60, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class App:
    """gunicorn app:app plus `policy-reviewer worker`, as deployed."""

    def __init__(self, api_url: str, app_id: str, private_key: str, data: Path,
                 redis_url: str | None = None, web_workers: int = 2,
                 web_args: tuple[str, ...] = (), extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "GITHUB_API_URL": api_url, "GITHUB_APP_ID": app_id,
                    "GITHUB_PRIVATE_KEY": private_key, "GITHUB_WEBHOOK_SECRET": SECRET,
                    "POLICY_REVIEWER_DATA": str(data), "POLICY_REVIEWER_BACKOFF": "0.05",
                    "POLICY_REVIEWER_SECONDARY_WAIT": "1", "POLICY_REVIEWER_JOB_BACKOFF": "0.2",
                    # GitHub's pace (0.75 s between writes) would only slow the tests down.
                    "POLICY_REVIEWER_WRITE_GAP": "0.02",
                    "PYTHONPATH": str(ROOT)}
        # Each app has its own metrics folder (the test process may have set one for itself).
        self.env["PROMETHEUS_MULTIPROC_DIR"] = str(data / "metrics")
        self.env.update(extra_env or {})
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        else:
            self.env.pop("REDIS_URL", None)
        self.web_workers = web_workers
        self.web_args = web_args
        self.logs = data / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.web: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_web(self) -> None:
        self.web = self._spawn([sys.executable, "-m", "gunicorn", "app:app", "--bind",
                                f"127.0.0.1:{self.port}", "--workers", str(self.web_workers),
                                *self.web_args], "web")
        wait_for(self._healthy, 30, "gunicorn to answer /healthz")

    def start_worker(self) -> subprocess.Popen[bytes]:
        proc = self._spawn([sys.executable, "-m", "reviewer.cli", "worker", "--workers", "2"],
                           f"worker-{len(self.workers)}")
        self.workers.append(proc)
        return proc

    def settled(self) -> bool:
        """No job waiting or running (the review's housekeeping after its check is done)."""
        from reviewer.jobs.store import QUEUED, RUNNING, RedisStore, SqliteStore

        url = self.env.get("REDIS_URL")
        store = RedisStore(url) if url else SqliteStore(Path(self.env["POLICY_REVIEWER_DATA"]) / "jobs.db")
        return not store.jobs(QUEUED) and not store.jobs(RUNNING)

    def wait_settled(self, timeout: float = 60) -> None:
        wait_for(self.settled, timeout, "every job to finish")

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                return r.status == 200
        except (urllib.error.URLError, ConnectionError, OSError):
            return False

    def deliver(self, event: str, payload: dict[str, Any], delivery: str | None = None,
                secret: str = SECRET) -> tuple[int, dict[str, Any]]:
        body = json.dumps(payload).encode()
        request = urllib.request.Request(self.url + "/webhook", data=body, method="POST", headers={
            "Content-Type": "application/json", "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or str(uuid.uuid4()), "X-Hub-Signature-256": sign(body, secret)})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `policy-reviewer ARGS` with the app's environment (e.g. `jobs dead`)."""
        return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=60)

    def logs_text(self) -> str:
        return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')}" for p in sorted(self.logs.glob("*.log")))

    def stop(self) -> None:
        for proc in [*self.workers, self.web]:
            if proc and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in [*self.workers, self.web]:
            if proc:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=dev", "-c",
                           "user.email=dev@example.invalid", *args],
                          check=True, capture_output=True, text=True).stdout.strip()


def billing_repo(path: Path) -> Path:
    """The bundled example change as a real repository: main (base) and feature (head)."""
    import shutil

    example = ROOT / "examples" / "billing"
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    # shutil.copy, not copy2: a copied mtime equal to the index's lets git's stat cache take
    # a changed file of the same size for unchanged, and the change would vanish.
    shutil.copytree(example / "base", path, dirs_exist_ok=True, copy_function=shutil.copy)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "billing service")
    git(path, "checkout", "-q", "-b", "feature")
    for child in path.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(example / "head", path, dirs_exist_ok=True, copy_function=shutil.copy)
    git(path, "add", "-A", "--renormalize")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "archive and export invoices")
    return path


def org_repo(path: Path, files: dict[str, str] | None = None) -> Path:
    """The organisation's `.github` repository, with files under policy-reviewer/ if given."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    (path / "README.md").write_text("Organisation defaults\n")
    for name, text in (files or {}).items():
        target = path / "policy-reviewer" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "org defaults")
    return path
