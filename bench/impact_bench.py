"""Benchmark: a change to the organisation's rules, judged on every repository.

An installation of N repositories (default 200), each with a few templates, on the GitHub
stand-in with 50 ms per API call; a pull request to the organisation's .github repository
switches a rule on. Prints, for one and for two worker processes (2 threads each), the time
from the delivery to the impact in the check run, repositories per minute, and the GitHub
calls made.

Usage: .venv/bin/python bench/impact_bench.py [--repositories 200] [--latency 0.05] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import App, git, keypair, org_repo, wait_for  # noqa: E402
from tests.e2e.standin import FULL_SPEC, GitHubStandIn, OpenAPISpec  # noqa: E402
from tests.e2e.standin_graphql import schema as graphql_schema  # noqa: E402

FILES = {
    "stacks/queue.yaml": "Resources:\n  Orders{i}: {{Type: AWS::SQS::Queue, Properties: {{SqsManagedSseEnabled: true}}}}\n",
    "stacks/storage.yaml": "Resources:\n  Archive{i}: {{Type: AWS::S3::Bucket}}\n",
    "infra/main.tf": 'resource "aws_sqs_queue" "jobs" {{\n  name = "jobs-{i}-${{var.stage}}"\n}}\n',
}
OLD = "rules:\n  concurrency-limit: {enabled: true}\n"
NEW = "rules:\n  concurrency-limit: {enabled: true}\n  customer-managed-keys: {enabled: true}\n"


def installation(tmp: Path, count: int) -> tuple[GitHubStandIn, str, str, str]:
    private, public = keypair()
    gh = GitHubStandIn(app_id="1", public_key_pem=public, installation_id=1)
    OpenAPISpec.load(FULL_SPEC)  # the stand-in's own one-off costs, not the app's
    graphql_schema()
    url = gh.start()
    for i in range(count):
        path = tmp / f"service{i}"
        path.mkdir(parents=True)
        git(path, "init", "-q", "-b", "main")
        for name, text in FILES.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_text(text.format(i=i))
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", "service")
        gh.add_repo("acme", f"service{i}", path)
    org = org_repo(tmp / "org", {"config.yml": OLD})
    git(org, "checkout", "-q", "-b", "cmk")
    (org / "policy-reviewer" / "config.yml").write_text(NEW)
    git(org, "commit", "-qam", "require customer-managed keys")
    git(org, "checkout", "-q", "main")
    gh.add_repo("acme", ".github", org, default_branch="main")
    head = gh.add_pull("acme", ".github", 5, "main", "cmk").head_sha
    return gh, url, private, head


def run(workers: int, count: int, latency: float, tmp: Path) -> None:
    gh, url, private, head = installation(tmp / f"w{workers}", count)
    app = App(url, "1", private, tmp / f"data{workers}")
    app.start_web()
    for _ in range(workers):
        app.start_worker()
    time.sleep(5)  # let the workers start (and warm up) before the clock does
    gh.latency = latency
    gh.clear()
    started = time.perf_counter()
    app.deliver("pull_request", gh.pull_request_event("opened", "acme", ".github", 5))

    def done() -> list[dict]:
        return [r for r in gh.check_runs_for(head, "policy-reviewer")
                if "The rules as changed here" in ((r.get("output") or {}).get("summary") or "")]

    def reviewed() -> list[dict]:
        return [r for r in gh.check_runs_for(head, "policy-reviewer") if r["status"] == "completed"]

    wait_for(reviewed, 300, "the review")
    review_done = time.perf_counter() - started
    [final] = wait_for(done, 1800, "the impact")
    elapsed = time.perf_counter() - started
    summary = final["output"]["summary"]
    line = next(l for l in summary.splitlines() if l.startswith("The rules as changed here"))
    fan_out = elapsed - review_done
    operations = Counter(c.get("operation") or c["path"] for c in gh.calls)
    print(f"{workers} worker process(es) x 2 threads, {count} repositories, {latency * 1000:.0f} ms per call:")
    print(f"  review of the rule change: {review_done:.1f} s; impact done {elapsed:.1f} s after delivery")
    print(f"  repositories per minute: {count / elapsed * 60:.0f} (delivery to impact), "
          f"{count / fan_out * 60:.0f} (after the review)")
    print(f"  GitHub calls: {len(gh.calls)} ({sum(1 for c in gh.calls if c['path'].endswith('/graphql'))} GraphQL); "
          f"by operation: {', '.join(f'{op} {n}' for op, n in operations.most_common(8))}")
    print(f"  {line}")
    print(f"  contract violations: {len(gh.violations)}")
    app.stop()
    gh.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repositories", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for workers in [int(w) for w in args.workers.split(",")]:
            run(workers, args.repositories, args.latency, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
