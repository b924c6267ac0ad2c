"""Hostile clients and broken settings against the real processes (issue 7).

gunicorn is started as deployed (`gunicorn app:app` in the repository folder, which reads
gunicorn.conf.py, or `policy-reviewer serve` from elsewhere), clients are raw sockets, the
queue is real SQLite or a real redis-server. Time is only ever a bound: every wait has a
generous limit, GitHub's 10 seconds for a delivery's answer.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
from tests.app.test_app_settings import BAD_KEYS, KEY, key_lines
from tests.e2e.harness import ROOT, SECRET, App, free_port, sign, wait_for

GITHUB_LIMIT = 10  # seconds GitHub waits for an answer to a delivery
CORPUS = ROOT.parent / "shared" / "corpus" / "github" / "webhooks"


def pull_request_event() -> dict[str, Any]:
    payload = json.loads((CORPUS / "pull_request.opened.2.json").read_text())
    payload["installation"] = {"id": 42}
    return payload


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    # No GitHub is needed: nothing here gets as far as a review.
    web = App("http://127.0.0.1:9", "1234", KEY[0], tmp_path / "data")
    yield web
    web.stop()


def get(app: App, path: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(app.url + path, timeout=GITHUB_LIMIT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def start_serve(app: App, cwd: Path) -> None:
    """`policy-reviewer serve` from a folder without gunicorn.conf.py: its settings must
    come from its own --config, not from the working folder."""
    cwd.mkdir(parents=True, exist_ok=True)
    log = open(app.logs / "serve.log", "ab")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "reviewer.cli", "serve", "--bind",
                             f"127.0.0.1:{app.port}"], cwd=cwd, env=app.env, stdout=log,
                            stderr=subprocess.STDOUT)
    app.workers.append(proc)  # stopped with the app
    wait_for(app._healthy, 30, "serve to answer /healthz")


def run_cli(app: App, *args: str) -> subprocess.CompletedProcess[str]:
    """`policy-reviewer ARGS` that should exit at once; if it runs on (a regression), it and
    the gunicorn it may have started are stopped after a minute and the test fails."""
    proc = subprocess.Popen([sys.executable, "-m", "reviewer.cli", *args], cwd=ROOT, env=app.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"policy-reviewer {' '.join(args)} did not exit")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def raw_request(app: App, head: str, body: bytes = b"") -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", app.port), timeout=60)
    conn.sendall(head.encode("latin-1") + b"\r\n\r\n" + body)
    return conn


def status_of(conn: socket.socket) -> int:
    """The status code of the answer on ``conn`` (bounded by the socket's timeout)."""
    data = b""
    while b"\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0


@contextmanager
def stalled_bodies(app: App, count: int) -> Iterator[list[socket.socket]]:
    """``count`` deliveries that announce 100 kB and send 10 bytes of it, then wait."""
    conns = [raw_request(app, "POST /webhook HTTP/1.1\r\nHost: test\r\nX-GitHub-Event: pull_request\r\n"
                              "Content-Type: application/json\r\nContent-Length: 100000", b'{"action":')
             for _ in range(count)]
    try:
        yield conns
    finally:
        for conn in conns:
            conn.close()


# --- A. slow clients ---------------------------------------------------------------------

@pytest.mark.parametrize("how", ["procfile", "serve"])
def test_slow_bodies_do_not_hold_up_deliveries(app: App, tmp_path: Path, how: str) -> None:
    """Six clients sending bodies slowly (three for each of the two web processes) used to
    hold both sync workers: every delivery meanwhile passed GitHub's 10 seconds."""
    app.env["POLICY_REVIEWER_BODY_TIMEOUT"] = "600"  # only the worker class may save us here
    if how == "procfile":
        app.start_web()  # `gunicorn app:app --workers 2` in the repository folder
    else:
        start_serve(app, tmp_path / "elsewhere")
    with stalled_bodies(app, 6):
        status, body = app.deliver("pull_request", pull_request_event())
        assert (status, body) == (202, {"queued": 1})
        assert get(app, "/healthz") == (200, {"status": "ok"})
        assert get(app, "/readyz") == (200, {"status": "ready"})
    assert "Using worker: gthread" in app.logs_text()


def test_a_stalled_body_frees_its_thread_with_408(app: App) -> None:
    """More stalled clients than the two processes have threads: each is answered 408 once
    it has sent nothing for POLICY_REVIEWER_BODY_TIMEOUT, and deliveries get through."""
    app.env["POLICY_REVIEWER_BODY_TIMEOUT"] = "1"
    app.start_web()
    with stalled_bodies(app, 24) as conns:
        assert [status_of(conn) for conn in conns] == [408] * 24
        assert app.deliver("pull_request", pull_request_event())[0] == 202
    metrics = urllib.request.urlopen(app.url + "/metrics", timeout=GITHUB_LIMIT).read().decode()
    assert 'policy_reviewer_deliveries_total{event="pull_request",outcome="incomplete"} 24.0' in metrics


def test_oversized_request_line_and_headers_are_refused(app: App) -> None:
    app.start_web()
    for head in ("GET /healthz?" + "x" * 5000 + " HTTP/1.1\r\nHost: test",
                 "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: " + "y" * 9000,
                 "GET /healthz HTTP/1.1\r\nHost: test\r\n" + "\r\n".join(f"X-{i}: 1" for i in range(60))):
        conn = raw_request(app, head)
        assert status_of(conn) in (400, 414, 431)
        conn.close()
    assert get(app, "/healthz")[0] == 200


# --- C. malformed deliveries over real HTTP ----------------------------------------------

def test_chunked_30_mb_body_is_413(app: App) -> None:
    """No Content-Length: the size is only known while reading. Werkzeug's get_data() cut
    the body at 25 MB and the truncated body failed its signature (401)."""
    app.start_web()
    conn = raw_request(app, "POST /webhook HTTP/1.1\r\nHost: test\r\nX-GitHub-Event: pull_request\r\n"
                            "Content-Type: application/json\r\nTransfer-Encoding: chunked")
    chunk = b"x" * 65536
    sent = 0
    try:
        while sent < 30 * 2 ** 20:
            # Stop sending as soon as the server has answered, as a careful client does.
            if select.select([conn], [], [], 0)[0]:
                break
            conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        else:
            conn.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        # The server stopped reading (on a busy machine the send may block until the socket's
        # timeout before its answer is seen); the answer is what the test judges.
        pass
    assert status_of(conn) == 413
    assert sent > 25 * 2 ** 20  # the answer came once the limit was passed, not before
    conn.close()
    assert get(app, "/healthz")[0] == 200


def test_non_ascii_signature_and_deep_json_over_http(app: App) -> None:
    app.start_web()
    body = json.dumps(pull_request_event()).encode()
    conn = raw_request(app, "POST /webhook HTTP/1.1\r\nHost: test\r\nX-GitHub-Event: pull_request\r\n"
                            f"X-Hub-Signature-256: sha256=\u00e9\u00e9\r\nContent-Length: {len(body)}", body)
    assert status_of(conn) in (400, 401)
    deep = b"[" * 10_000 + b"]" * 10_000
    conn = raw_request(app, "POST /webhook HTTP/1.1\r\nHost: test\r\nX-GitHub-Event: pull_request\r\n"
                            f"X-Hub-Signature-256: {sign(deep)}\r\nContent-Length: {len(deep)}", deep)
    assert status_of(conn) == 400
    payload = pull_request_event()
    payload["repository"]["full_name"] = "../../app/installations"
    assert app.deliver("pull_request", payload)[0] == 400
    assert "Traceback" not in app.logs_text()


# --- B. settings: the key, the web process without it, a dead Redis -----------------------

@pytest.mark.parametrize("command", ["worker", "serve"])
@pytest.mark.parametrize("kind", list(BAD_KEYS))
def test_a_malformed_private_key_stops_worker_and_serve_at_start(app: App, kind: str,
                                                                 command: str) -> None:
    key = BAD_KEYS[kind]
    app.env["GITHUB_PRIVATE_KEY"] = key
    args = ["serve", "--bind", f"127.0.0.1:{app.port}"] if command == "serve" else ["worker"]
    proc = run_cli(app, *args)
    assert proc.returncode == 2, proc.stderr
    assert "GITHUB_PRIVATE_KEY is not a usable GitHub App private key" in proc.stderr
    shown = proc.stdout + proc.stderr
    assert not [line for line in key_lines(key) if line in shown]
    assert "Traceback" not in shown


def test_an_unreadable_key_file_stops_the_worker_not_the_web_process(app: App, tmp_path: Path) -> None:
    del app.env["GITHUB_PRIVATE_KEY"]
    app.env["GITHUB_PRIVATE_KEY_PATH"] = str(tmp_path / "no-such-key.pem")
    worker = run_cli(app, "worker")
    assert worker.returncode == 2
    assert "GITHUB_PRIVATE_KEY_PATH cannot be read" in worker.stderr
    app.start_web()  # waits for /healthz: the web process never reads the key
    assert app.deliver("pull_request", pull_request_event()) == (202, {"queued": 1})
    # A key file that is there but broken: the worker says so too.
    (tmp_path / "no-such-key.pem").write_text("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n")
    worker = run_cli(app, "worker")
    assert worker.returncode == 2
    assert "GITHUB_PRIVATE_KEY_PATH is not a usable GitHub App private key" in worker.stderr


def _no_secrets(app: App, *more: str, password: str = "") -> None:
    shown = app.logs_text() + "".join(more)
    assert SECRET not in shown
    assert not [line for line in key_lines(KEY[0]) if line in shown]
    if password:
        assert password not in shown


def test_redis_on_a_closed_port_is_503_and_not_ready(app: App) -> None:
    password = "closed-port-redis-password"
    app.env["REDIS_URL"] = f"redis://:{password}@127.0.0.1:{free_port()}/0"
    app.start_web()
    status, body = app.deliver("pull_request", pull_request_event(), delivery="closed-1")
    assert status == 503 and "redeliver" in body["error"]
    assert get(app, "/healthz") == (200, {"status": "ok"})
    status, ready = get(app, "/readyz")
    assert status == 503 and ready["reason"].startswith("queue storage unreachable: ConnectionError")
    metrics = urllib.request.urlopen(app.url + "/metrics", timeout=GITHUB_LIMIT).read().decode()
    assert 'policy_reviewer_deliveries_total{event="pull_request",outcome="queue_error"} 1.0' in metrics
    assert "could not queue delivery closed-1" in app.logs_text()
    _no_secrets(app, json.dumps(body), json.dumps(ready), metrics, password=password)


def _redis(port: int, password: str, folder: Path) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    assert binary
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(folder), "--requirepass", password],
                            stdout=subprocess.DEVNULL)
    import redis

    def pings() -> bool:
        try:
            return bool(redis.Redis(port=port, password=password).ping())
        except redis.RedisError:
            return False

    wait_for(pings, 20, "redis-server")
    return proc


def test_redis_that_goes_away_and_comes_back(app: App, tmp_path: Path) -> None:
    """While Redis is down the webhook answers 503 (GitHub can redeliver) and /readyz says
    why; once it is back, the same delivery is accepted: nothing was half-recorded."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server must be installed in CI")
        pytest.skip("redis-server is not installed")
    password = "real-redis-password-4711"
    port = free_port()
    server = _redis(port, password, tmp_path)
    try:
        app.env["REDIS_URL"] = f"redis://:{password}@127.0.0.1:{port}/0"
        app.start_web()
        assert app.deliver("pull_request", pull_request_event(), delivery="up-1")[0] == 202
        assert get(app, "/readyz") == (200, {"status": "ready"})
        server.terminate()
        server.wait(timeout=30)
        status, body = app.deliver("pull_request", pull_request_event(), delivery="down-1")
        assert status == 503
        status, ready = get(app, "/readyz")
        assert status == 503 and "queue storage unreachable" in ready["reason"]
        server = _redis(port, password, tmp_path)
        wait_for(lambda: get(app, "/readyz")[0] == 200, 30, "/readyz to see Redis again")
        # GitHub's redelivery of the refused delivery is taken, not called a duplicate.
        assert app.deliver("pull_request", pull_request_event(), delivery="down-1") == (202, {"queued": 1})
        _no_secrets(app, json.dumps(body), json.dumps(ready), password=password)
    finally:
        server.terminate()
        server.wait(timeout=30)
