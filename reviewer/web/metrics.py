"""Prometheus metrics. Labels never carry secrets, tokens or payload content."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DELIVERIES = Counter("policy_reviewer_deliveries_total", "Webhook deliveries by event and outcome",
                     ["event", "outcome"])
QUEUE_DEPTH = Gauge("policy_reviewer_queue_depth", "Jobs waiting in the queue")
JOB_SECONDS = Histogram("policy_reviewer_job_seconds", "Time to review a pull request",
                        buckets=(0.5, 1, 2, 3, 5, 10, 30, 60, 120, 300))
JOBS = Counter("policy_reviewer_jobs_total", "Review jobs by outcome", ["outcome"])
GITHUB_CALLS = Counter("policy_reviewer_github_calls_total", "GitHub API calls by status class",
                       ["status"])
