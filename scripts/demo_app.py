"""The app's main job end to end on this machine, without a real GitHub App.

Starts the GitHub stand-in (tests/e2e/standin.py) with the bundled example repository and
pull request, runs the real app (gunicorn) and a real worker against it, delivers a signed
`pull_request.opened`, and prints the check run and review the app posted.
"""

from __future__ import annotations

import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import App, billing_repo, keypair, org_repo, wait_for  # noqa: E402
from tests.e2e.standin import GitHubStandIn  # noqa: E402

OWNER, REPO, NUMBER, APP_ID = "acme", "billing", 7, "1234"


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="policy-reviewer-demo-"))
    private, public = keypair()
    repo = billing_repo(tmp / "billing")
    gh = GitHubStandIn(app_id=APP_ID, public_key_pem=public, installation_id=1)
    url = gh.start()
    gh.add_pull(OWNER, REPO, NUMBER, "main", "feature", repo)
    gh.add_repo(OWNER, ".github", org_repo(tmp / "org"))
    app = App(url, APP_ID, private, tmp / "data")
    try:
        print(f"GitHub stand-in at {url}; app (gunicorn) and worker starting ...")
        app.start_web()
        app.start_worker()
        head = gh.pull(OWNER, REPO, NUMBER).head_sha
        status, body = app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
        print(f"delivered pull_request.opened for {OWNER}/{REPO}#{NUMBER}: HTTP {status} {body}")
        runs = wait_for(lambda: [r for r in gh.check_runs_for(head, "policy-reviewer")
                                 if r["status"] == "completed"], 90, "the check run")
        run = runs[0]
        print(f"\n== Check run 'policy-reviewer' on {head[:12]}: {run['conclusion']}")
        print(f"   {run['output']['title']}\n")
        print(textwrap.indent(run["output"]["summary"], "   "))
        comments = sorted(gh.review_comments_for(OWNER, REPO, NUMBER), key=lambda c: (c["path"], c["line"]))
        print(f"\n== Review: {len(gh.reviews_for(OWNER, REPO, NUMBER))} review, {len(comments)} inline comment(s)")
        from tests.github_markdown import shown

        for comment in comments:
            # As GitHub shows it: the app escapes what the pull request wrote.
            first = shown(comment["body"].split("\n\n")[0])
            print(f"   {comment['path']}:{comment['line']}  {first}")
        calls = len(gh.calls)
        print(f"\n{calls} GitHub API calls, {len(gh.violations)} contract violation(s)")
        return 0 if not gh.violations else 1
    finally:
        app.stop()
        gh.stop()


if __name__ == "__main__":
    sys.exit(main())
