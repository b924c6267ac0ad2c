"""Prometheus metrics, shared by gunicorn's workers and the queue workers.

Each process writes its samples to files in PROMETHEUS_MULTIPROC_DIR (default: a folder in
the data directory) and /metrics adds them up, so a scrape sees deliveries counted by every
web worker and jobs run by every queue worker. Labels never carry secrets or payloads.
"""

from __future__ import annotations

import os
from pathlib import Path

_DIR = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    str(Path(os.environ.get("POLICY_REVIEWER_DATA", "var")).resolve() / "metrics"))
Path(_DIR).mkdir(parents=True, exist_ok=True)

from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram,  # noqa: E402
                               generate_latest, multiprocess, values)

# prometheus_client picks its value store when first imported; if something imported it
# before the folder was set, pick again so these metrics are shared between processes.
values.ValueClass = values.get_value_class()

DELIVERIES = Counter("policy_reviewer_deliveries_total", "Webhook deliveries by event and outcome",
                     ["event", "outcome"])
QUEUE_DEPTH = Gauge("policy_reviewer_queue_depth", "Jobs waiting in the queue",
                    multiprocess_mode="mostrecent")
JOB_SECONDS = Histogram("policy_reviewer_job_seconds", "Time to review a pull request",
                        buckets=(0.5, 1, 2, 3, 5, 10, 30, 60, 120, 300))
JOBS = Counter("policy_reviewer_jobs_total", "Review jobs by outcome", ["outcome"])
GITHUB_CALLS = Counter("policy_reviewer_github_calls_total",
                       "GitHub API responses by status class (after retries)", ["status"])
GITHUB_GRAPHQL_POINTS = Counter("policy_reviewer_github_graphql_points_total",
                                "GraphQL rate-limit points spent (a budget separate from REST's)")
GITHUB_RATE_REMAINING = Gauge("policy_reviewer_github_rate_remaining",
                              "What GitHub last said is left of a rate limit", ["resource"],
                              multiprocess_mode="mostrecent")
GITHUB_RETRIES = Counter("policy_reviewer_github_retries_total",
                         "GitHub API failures that were retried, by status or error", ["reason"])


def render() -> bytes:
    """All processes' metrics in the Prometheus text format."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=_DIR)
    return generate_latest(registry)
