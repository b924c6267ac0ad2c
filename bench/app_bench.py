"""Benchmark the GitHub App on this machine.

1. Ack latency: signed deliveries to the app under gunicorn at a steady rate (default 200/s
   for 30 s); prints p50/p99 latency and how many were accepted and recorded as jobs
   (none may be lost).
2. Pull requests changing N templates (default N = 1, 10 and 100), each reviewed against
   the GitHub stand-in with 50 ms latency per call: prints the GitHub API calls (REST and
   GraphQL, by operation), any call made twice, and the time from delivery to the completed
   check run; then a push that fixes half of the templates (threads resolved) and its calls.

Usage: .venv/bin/python bench/app_bench.py [--rate 200] [--seconds 30] [--templates 1,10,100]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import App, git, keypair, org_repo, sign, wait_for  # noqa: E402
from tests.e2e.standin import FULL_SPEC, GitHubStandIn, OpenAPISpec  # noqa: E402
from tests.e2e.standin_graphql import schema as graphql_schema  # noqa: E402

TEMPLATE = """\
Parameters:
  Stage: {{Type: String, AllowedValues: [dev, staging, prod]}}
Resources:
  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: sts:AssumeRole}}]
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [{action}]
                Resource: "*"
"""


def _sender(args: tuple[str, int, int, int, int, float]) -> list[tuple[float, int]]:
    """One load-generating process: deliveries n = first, first+step, ... at its share of the rate."""
    url, first, step, total, rate, start_at = args
    payload = json.loads((ROOT.parent / "shared/corpus/github/webhooks/pull_request.opened.1.json").read_text())
    payload["installation"] = {"id": 1}
    out: list[tuple[float, int]] = []
    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = []
        for n in range(first, total, step):
            head = dict(payload["pull_request"]["head"], sha=f"{n:040x}")
            body = json.dumps(dict(payload, pull_request=dict(payload["pull_request"], head=head))).encode()
            delay = start_at + n / rate - time.time()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(_post, url, body))
        out = [f.result() for f in futures]
    return out


def _post(url: str, body: bytes) -> tuple[float, int]:
    request = urllib.request.Request(url + "/webhook", data=body, method="POST", headers={
        "Content-Type": "application/json", "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": str(uuid.uuid4()), "X-Hub-Signature-256": sign(body)})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status = response.status
    except Exception:  # noqa: BLE001 - counted as lost
        status = 0
    return time.perf_counter() - started, status


def ack_latency(rate: int, seconds: int, tmp: Path, web_args: tuple[str, ...], workers: int,
                senders: int) -> None:
    from multiprocessing import Pool

    private, _ = keypair()
    app = App("http://127.0.0.1:9", "1", private, tmp, web_workers=workers, web_args=web_args)
    app.start_web()
    total = rate * seconds
    start_at = time.time() + 1
    # Several sender processes: one Python process juggling 200 requests a second measures
    # its own GIL more than the server.
    with Pool(senders) as pool:
        parts = pool.map(_sender, [(app.url, i, senders, total, rate, start_at) for i in range(senders)])
    wall = time.time() - start_at
    app.stop()
    from reviewer.jobs.store import SqliteStore
    recorded = len(SqliteStore(tmp / "jobs.db").jobs())
    latencies = sorted(lat for part in parts for lat, _ in part)
    statuses = Counter(status for part in parts for _, status in part)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(f"ack latency (gunicorn {' '.join(web_args) or 'gunicorn.conf.py'}, {workers} worker(s), {senders} sender "
          f"processes): {total} deliveries in {wall:.1f} s ({total / wall:.0f}/s): "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    print(f"  answers: {dict(statuses)}; recorded as jobs: {recorded} of {total}; "
          f"lost: {total - recorded}")


def pull_request_review(templates: int, latency: float, tmp: Path, verbose: bool = False) -> None:
    repo = tmp / f"repo{templates}"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for i in range(templates):
        (repo / f"stack{i}.yaml").write_text(TEMPLATE.format(i=i, action='"s3:GetObject"'))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    for i in range(templates):
        (repo / f"stack{i}.yaml").write_text(TEMPLATE.format(i=i, action='"s3:GetObject", "s3:Put*"'))
    git(repo, "commit", "-qam", "widen")
    private, public = keypair()
    gh = GitHubStandIn(app_id="1", public_key_pem=public, installation_id=1)
    OpenAPISpec.load(FULL_SPEC)  # the stand-in's own one-off costs, not the app's
    graphql_schema()
    url = gh.start()
    gh.add_pull("acme", "stacks", 1, "main", "feature", repo)
    gh.add_repo("acme", ".github", org_repo(tmp / f"org{templates}"))
    app = App(url, "1", private, tmp / f"pr{templates}")
    app.start_web()
    app.start_worker()
    time.sleep(5)  # let the worker start (and warm up) before the clock does
    gh.latency = latency
    print(f"pull request with {templates} changed template(s), {latency * 1000:.0f} ms per GitHub call:")
    head = gh.pull("acme", "stacks", 1).head_sha
    _review(gh, app, head, gh.pull_request_event("opened", "acme", "stacks", 1), "opened", verbose)
    # The author fixes half of the templates: their threads are resolved on the next review.
    for i in range(0, templates, 2):
        (repo / f"stack{i}.yaml").write_text(TEMPLATE.format(i=i, action='"s3:GetObject", "s3:PutObject"'))
    git(repo, "commit", "-qam", "narrow half")
    head = gh.refresh_pull("acme", "stacks", 1).head_sha
    _review(gh, app, head, gh.pull_request_event("synchronize", "acme", "stacks", 1), "push fixing half", verbose)
    resolved = sum(1 for e in gh.thread_events if e["resolved"])
    print(f"  threads resolved as fixed: {resolved} of {len(gh.thread_roots('acme', 'stacks', 1))}")
    app.stop()
    gh.stop()


def _review(gh: GitHubStandIn, app: App, head: str, event: dict, label: str, verbose: bool) -> None:
    gh.clear()
    started = time.perf_counter()
    started_wall = time.time()
    app.deliver("pull_request", event)
    wait_for(lambda: [r for r in gh.check_runs_for(head, "policy-reviewer") if r["status"] == "completed"],
             300, "the check run")
    elapsed = time.perf_counter() - started
    if verbose:
        for c in gh.calls:
            print(f"    {c['time'] - started_wall:6.2f} s  {c['method']:5} {c['path']}")
    calls = [(c["method"], c["path"], json.dumps(c.get("query") or {}, sort_keys=True),
              json.dumps(c.get("json"), sort_keys=True)) for c in gh.calls]
    twice = [k[:2] for k, n in Counter(calls).items() if n > 1]
    kinds = Counter("GraphQL" if c["path"].endswith("/graphql") else "REST" for c in gh.calls)
    operations = Counter(c.get("operation") or c["path"] for c in gh.calls)
    print(f"  {label}: {len(calls)} GitHub API calls ({kinds['REST']} REST, {kinds['GraphQL']} GraphQL; "
          f"target at most 10), made twice: {twice or 'none'}")
    print(f"    by operation: {', '.join(f'{op} {n}' for op, n in sorted(operations.items()))}")
    print(f"    delivery to completed check run: {elapsed:.2f} s; contract violations: {len(gh.violations)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--templates", default="1,10,100", help="comma-separated template counts")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--senders", type=int, default=4, help="load-generating processes")
    parser.add_argument("--gunicorn", default="",
                        help="extra gunicorn arguments for the ack test")
    parser.add_argument("--skip-review", action="store_true")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--verbose", action="store_true", help="print the review's call timeline")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="policy-reviewer-bench-"))
    if not args.skip_review:
        for count in (int(n) for n in args.templates.split(",")):
            pull_request_review(count, args.latency, tmp, args.verbose)
    ack_latency(args.rate, args.seconds, tmp / "ack", tuple(args.gunicorn.split()), args.web_workers,
                args.senders)
    return 0


if __name__ == "__main__":
    sys.exit(main())
