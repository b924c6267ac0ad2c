"""The webhook: signatures, size, deduplication, routing; a real SQLite queue underneath."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
from pathlib import Path
from typing import Any, Iterator

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "github" / "webhooks"
SECRET = "s3cret-for-tests"


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("POLICY_REVIEWER_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    monkeypatch.delenv("REDIS_URL", raising=False)
    import reviewer.jobs.queue as queue
    import reviewer.jobs.tasks as tasks
    queue.store.cache_clear()
    importlib.reload(tasks)  # a queue in this test's data folder
    from reviewer.web import create_app
    yield create_app().test_client()
    queue.store.cache_clear()


def post(client: Any, event: str, payload: dict[str, Any] | bytes, delivery: str = "d-1",
         secret: str = SECRET) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    sig = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post("/webhook", data=body, headers={
        "X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": sig,
        "Content-Type": "application/json"})


def example(name: str) -> dict[str, Any]:
    """A real example payload, as delivered to an installed app (with its installation)."""
    payload = json.loads((CORPUS / name).read_text())
    payload.setdefault("installation", {"id": 42, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI="})
    return payload


def queued() -> list[Any]:
    from reviewer.jobs.queue import store
    return store().jobs()


def test_bad_or_missing_signature_is_refused_and_nothing_queued(client: Any) -> None:
    payload = example("pull_request.opened.1.json")
    assert post(client, "pull_request", payload, secret="wrong").status_code == 401
    response = client.post("/webhook", data=json.dumps(payload),
                           headers={"X-GitHub-Event": "pull_request"})
    assert response.status_code == 401
    assert queued() == []


def test_opened_is_queued_once_and_redelivery_is_ignored(client: Any) -> None:
    payload = example("pull_request.opened.1.json")
    first = post(client, "pull_request", payload, delivery="abc")
    assert first.status_code == 202 and first.json == {"queued": 1}
    again = post(client, "pull_request", payload, delivery="abc")
    assert again.status_code == 200 and again.json == {"duplicate": "abc"}
    [job] = queued()
    assert job.payload["number"] == payload["pull_request"]["number"]
    assert job.payload["head_sha"] == payload["pull_request"]["head"]["sha"]


def test_routing_of_real_example_payloads(client: Any) -> None:
    assert post(client, "ping", example("ping.none.1.json"), "p").status_code == 200
    assert post(client, "push", example("push.none.1.json"), "u").json == {"ignored": "push"}
    assert post(client, "pull_request", example("pull_request.closed.1.json"), "c").json == {"queued": 0}
    for name in ("pull_request.synchronize.1.json", "pull_request.reopened.1.json"):
        assert post(client, "pull_request", example(name), name).status_code == 202
    suite = example("check_suite.requested.1.json")
    assert post(client, "check_suite", suite, "s").status_code == 202


def test_payload_without_installation_is_ignored(client: Any) -> None:
    payload = example("pull_request.opened.1.json")
    del payload["installation"]
    assert post(client, "pull_request", payload).json == {"ignored": "no installation in the payload"}
    assert queued() == []


def test_body_over_25_mb_is_413(client: Any) -> None:
    response = client.post("/webhook", data=b"x" * (25 * 1024 * 1024 + 1),
                           headers={"X-GitHub-Event": "pull_request"})
    assert response.status_code == 413


def test_app_refuses_to_start_without_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer.github.settings import MissingSetting
    from reviewer.web import create_app

    monkeypatch.delenv("GITHUB_WEBHOOK_SECRET", raising=False)
    with pytest.raises(MissingSetting, match="GITHUB_WEBHOOK_SECRET"):
        create_app()


def test_metrics_count_deliveries(client: Any) -> None:
    post(client, "pull_request", example("pull_request.opened.1.json"), "m1", secret="bad")
    text = client.get("/metrics").data.decode()
    assert 'policy_reviewer_deliveries_total{event="pull_request",outcome="bad_signature"}' in text
    assert SECRET not in text


def test_queue_failure_answers_503_and_a_redelivery_is_accepted(client: Any) -> None:
    import reviewer.jobs.tasks as tasks

    payload = example("pull_request.opened.1.json")
    original = tasks.huey.storage.enqueue

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    tasks.huey.storage.enqueue = broken  # type: ignore[method-assign]  # the disk is full
    try:
        response = post(client, "pull_request", payload, delivery="d-503")
        assert response.status_code == 503
    finally:
        tasks.huey.storage.enqueue = original  # type: ignore[method-assign]
    [job] = queued()
    assert job.state == "dead" and "could not be queued" in job.error
    again = post(client, "pull_request", payload, delivery="d-503")
    assert again.status_code == 202 and again.json == {"queued": 1}
