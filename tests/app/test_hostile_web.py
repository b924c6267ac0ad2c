"""Hostile and broken inputs to the web app (issue 7), in process with a real SQLite queue,
and a real Redis URL on a port nobody listens on. Real gunicorn: tests/e2e/test_web_hostile_e2e.py.
"""

from __future__ import annotations

import copy
import importlib
import json
import logging
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.app.test_webhook import CORPUS, SECRET, client, example, post, queued  # noqa: F401
from tests.e2e.harness import free_port

SHA1 = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"


def _app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    """A test client of a fresh app with this environment (and its own queue)."""
    monkeypatch.setenv("POLICY_REVIEWER_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    monkeypatch.delenv("REDIS_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import reviewer.jobs.queue as queue
    import reviewer.jobs.tasks as tasks
    queue.store.cache_clear()
    importlib.reload(tasks)
    from reviewer.web import create_app
    return create_app().test_client()


@pytest.fixture
def dead_redis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    """The app on a REDIS_URL (with a password) whose port nobody listens on."""
    password = "redis-pass-" + "q7x9" * 4
    url = f"redis://:{password}@127.0.0.1:{free_port()}/0"
    yield _app(tmp_path, monkeypatch, REDIS_URL=url), password
    import reviewer.jobs.queue as queue
    queue.store.cache_clear()
    monkeypatch.delenv("REDIS_URL")
    import reviewer.jobs.tasks as tasks
    importlib.reload(tasks)  # later tests get a SQLite queue again


# --- C. malformed deliveries answer 4xx, never 500 -------------------------------------

def test_non_ascii_signature_header_is_401_not_500(client: Any) -> None:
    body = json.dumps(example("pull_request.opened.1.json")).encode()
    for header in ("sha256=é" + "0" * 63, "sha256=\u2603", "\u00e9\u00e9"):
        response = client.post("/webhook", data=body, headers={
            "X-GitHub-Event": "pull_request", "X-Hub-Signature-256": header})
        assert response.status_code == 401, header
    assert queued() == []


@pytest.mark.parametrize("body", [b'"hello"', b'"installation"', b"[]", b'["installation"]',
                                  b"42", b"null", b"true", b"\xff\xfe", b"{", b""])
def test_a_body_that_is_not_a_json_object_is_400(client: Any, body: bytes) -> None:
    response = post(client, "pull_request", body)
    assert response.status_code == 400, response.data
    assert queued() == []


@pytest.mark.parametrize("event,path,value,status", [
    ("pull_request", ("pull_request",), None, 400),
    ("pull_request", ("pull_request",), "7", 400),
    ("pull_request", ("pull_request", "head"), None, 400),
    ("pull_request", ("pull_request", "base"), [], 400),
    ("pull_request", ("repository",), None, 400),
    ("pull_request", ("installation",), None, 400),
    ("pull_request", ("installation",), 42, 400),
    ("pull_request", ("action",), ["opened"], 202),  # not an action we review: ignored
    ("check_suite", ("check_suite",), None, 400),
    ("check_suite", ("check_suite", "pull_requests"), {"number": 1}, 400),
    ("check_suite", ("check_suite", "pull_requests"), [None], 400),
    ("check_suite", ("check_suite", "pull_requests"), [{"number": 1}], 400),
    ("check_run", ("check_run",), None, 400),
    ("check_run", ("check_run", "pull_requests"), "all", 400),
])
def test_null_and_mistyped_objects_are_4xx_not_500(client: Any, event: str, path: tuple[str, ...],
                                                   value: Any, status: int) -> None:
    name = {"pull_request": "pull_request.opened.1.json", "check_suite": "check_suite.requested.1.json",
            "check_run": "check_run.rerequested.1.json"}[event]
    payload = example(name)
    target = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    response = post(client, event, payload)
    assert response.status_code == status, response.data
    assert queued() == []


def test_pull_request_null_is_400(client: Any) -> None:
    payload = example("pull_request.opened.1.json")
    payload["pull_request"] = None
    response = post(client, "pull_request", payload)
    assert response.status_code == 400
    assert response.json == {"error": "unexpected payload: pull_request is not an object"}


def test_json_nested_10000_deep_is_400(client: Any) -> None:
    for body in (b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000):
        response = post(client, "pull_request", body)
        assert response.status_code == 400, response.data
    assert queued() == []


def _mutate(payload: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    payload = copy.deepcopy(payload)
    where = {"full_name": payload["repository"], "number": payload["pull_request"],
             "head": payload["pull_request"]["head"], "base": payload["pull_request"]["base"],
             "installation": payload["installation"]}[field]
    where[{"full_name": "full_name", "number": "number", "head": "sha", "base": "sha",
           "installation": "id"}[field]] = value
    return payload


@pytest.mark.parametrize("field,value", [
    ("full_name", "Codertocat"), ("full_name", "../../orgs/x"), ("full_name", "acme/.."),
    ("full_name", "acme/."), ("full_name", "acme/billing/pulls"), ("full_name", "ac me/billing"),
    ("full_name", "acme/bill?ing"), ("full_name", "acme/bill#ing"), ("full_name", "acme/%2e%2e"),
    ("full_name", "-acme/billing"), ("full_name", "a" * 40 + "/billing"),
    ("full_name", "acme/" + "b" * 101), ("full_name", "acme/billing\n"), ("full_name", 7),
    ("number", 0), ("number", -1), ("number", "7"), ("number", True), ("number", 1.5),
    ("number", 2 ** 64), ("number", None),
    ("head", SHA1[:39]), ("head", SHA1 + "0"), ("head", "g" * 40), ("head", "main"),
    ("head", SHA1[:20] + "/../" + SHA1[:16]), ("head", None),
    ("base", "HEAD~1" + "0" * 34), ("base", 123),
    ("installation", "42/../../users"), ("installation", 0), ("installation", -5),
])
def test_identifiers_are_validated_before_anything_is_queued(client: Any, field: str,
                                                            value: Any) -> None:
    payload = _mutate(example("pull_request.opened.1.json"), field, value)
    response = post(client, "pull_request", payload, delivery=f"bad-{field}")
    assert response.status_code == 400, response.data
    assert "unexpected payload" in response.json["error"]
    assert queued() == []
    # A rejected delivery is not remembered: once fixed, GitHub's redelivery is accepted.
    fixed = post(client, "pull_request", example("pull_request.opened.1.json"), delivery=f"bad-{field}")
    assert fixed.status_code == 202


def test_check_suite_identifiers_are_validated(client: Any) -> None:
    payload = example("check_suite.requested.1.json")
    payload["check_suite"]["pull_requests"] = [{"number": 1, "base": {"sha": "x" * 40}}]
    assert post(client, "check_suite", payload).status_code == 400
    payload["check_suite"]["pull_requests"] = [{"number": 1, "base": {"sha": SHA1}}]
    payload["check_suite"]["head_sha"] = "not-a-sha"
    assert post(client, "check_suite", payload, delivery="2").status_code == 400
    assert queued() == []


def test_valid_names_and_sha256_commits_are_accepted(client: Any) -> None:
    """What GitHub does allow still passes: dots, underscores, a leading dot (`.github`),
    SHA-256 repositories; a sha in capitals is the same commit as in lower case."""
    sha256 = "AB" * 32
    names = ["acme/.github", "my-org/repo_name.v2", "octo_emu/x", "a/b", "A1-b2/-._"]
    for i, name in enumerate(names):
        payload = _mutate(example("pull_request.opened.1.json"), "full_name", name)
        payload = _mutate(payload, "head", sha256)
        assert post(client, "pull_request", payload, delivery=f"ok-{i}").status_code == 202, name
    jobs = queued()
    assert sorted(j.payload["repository"] for j in jobs) == sorted(names)
    assert {j.payload["head_sha"] for j in jobs} == {sha256.lower()}


def test_every_real_example_payload_passes_validation(client: Any) -> None:
    """GitHub's own example deliveries of the events we handle are never refused."""
    for path in sorted(CORPUS.glob("*.json")):
        event = path.name.split(".")[0]
        response = post(client, event, example(path.name), delivery=path.name)
        assert response.status_code in (200, 202), (path.name, response.data)


# --- B. the web process needs no key; a dead Redis is 503, not 500 ---------------------

@pytest.mark.parametrize("key_path", ["/nonexistent/app.pem", "/"])
def test_web_app_starts_and_queues_without_reading_an_unreadable_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key_path: str) -> None:
    monkeypatch.delenv("GITHUB_PRIVATE_KEY", raising=False)
    web = _app(tmp_path, monkeypatch, GITHUB_PRIVATE_KEY_PATH=key_path, GITHUB_APP_ID="1")
    assert web.get("/healthz").status_code == 200
    assert web.get("/readyz").status_code == 200
    response = post(web, "pull_request", example("pull_request.opened.1.json"))
    assert response.status_code == 202 and response.json == {"queued": 1}


def test_closed_redis_port_is_503_logged_counted_and_not_ready(
        dead_redis: tuple[Any, str], caplog: pytest.LogCaptureFixture) -> None:
    web, password = dead_redis
    caplog.set_level(logging.INFO)
    response = post(web, "pull_request", example("pull_request.opened.1.json"), delivery="r-down")
    assert response.status_code == 503
    assert response.json == {"error": "the queue is unavailable; redeliver this delivery later"}
    assert any("could not queue delivery r-down" in r.getMessage() and "ConnectionError" in r.getMessage()
               for r in caplog.records), caplog.text
    # Liveness stays ok (restarting the web process would not help); readiness says why not.
    assert web.get("/healthz").status_code == 200
    ready = web.get("/readyz")
    assert ready.status_code == 503 and ready.json["status"] == "unavailable"
    assert ready.json["reason"].startswith("queue storage unreachable: ConnectionError")
    metrics = web.get("/metrics").data.decode()
    assert 'policy_reviewer_deliveries_total{event="pull_request",outcome="queue_error"}' in metrics
    # No secret anywhere: answers, log, metrics.
    shown = "\n".join([caplog.text, response.data.decode(), ready.data.decode(), metrics])
    assert password not in shown and SECRET not in shown


def test_describe_takes_credentials_and_secrets_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer.web.errors import describe

    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "hush-hush-secret")
    error = ConnectionError("cannot reach redis://user:pa55word@db:6379/0 with hush-hush-secret")
    text = describe(error)
    assert "pa55word" not in text and "hush-hush-secret" not in text
    assert text.startswith("ConnectionError: cannot reach redis://***@db:6379/0")


def test_readyz_is_ready_on_sqlite(client: Any) -> None:
    assert client.get("/readyz").json == {"status": "ready"}
