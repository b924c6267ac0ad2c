"""A pull request that writes secrets out in a template, a Terraform module and a Serverless
service, reviewed by the real app: the findings reach the check run and the review comments,
and no secret reaches GitHub (any request's body) or the app's logs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.harness import App, git, keypair, org_repo, wait_for
from tests.e2e.standin import GitHubStandIn
from tests.rules.test_no_plaintext_secrets import SECRETS, SERVICE, TEMPLATE, TERRAFORM

OWNER, REPO, NUMBER, INSTALLATION, APP_ID = "acme", "orders", 21, 4321, "1234"
KEY = keypair()


def test_no_secret_reaches_github_or_the_logs(tmp_path: Path) -> None:
    repo = tmp_path / "orders"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("orders\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    for folder, name, text in (("stack", "app.yaml", TEMPLATE), ("infra", "main.tf", TERRAFORM),
                               ("svc", "serverless.yml", SERVICE)):
        (repo / folder).mkdir()
        (repo / folder / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "secrets")
    gh = GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION)
    url = gh.start()
    gh.add_pull(OWNER, REPO, NUMBER, "main", "feature", repo)
    gh.add_repo(OWNER, ".github", org_repo(tmp_path / "org"))
    app = App(url, APP_ID, KEY[0], tmp_path / "data")
    try:
        app.start_web()
        app.start_worker()
        head = gh.pull(OWNER, REPO, NUMBER).head_sha
        status, _ = app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
        assert status == 202
        [run] = wait_for(lambda: [r for r in gh.check_runs_for(head, "policy-reviewer")
                                  if r["status"] == "completed"], 60, "the check run")
        assert run["conclusion"] == "failure"
        comments = gh.review_comments_for(OWNER, REPO, NUMBER)
        secrets = [c for c in comments if "no-plaintext-secrets" in c["body"]]
        assert {c["path"] for c in secrets} == {"stack/app.yaml", "infra/main.tf", "svc/serverless.yml"}
        assert "no-plaintext-secrets" in run["output"]["summary"]
        sent = json.dumps([c["json"] for c in gh.calls if c["json"] is not None])
        logs = app.logs_text()
        assert [s for s in SECRETS if s in sent or s in logs] == []
        # Nor what the app keeps (its queue, the review page's records).
        kept = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
        assert [s for s in SECRETS if s.encode() in kept] == []
        assert gh.violations == [], gh.violations
    finally:
        app.stop()
        gh.stop()
