"""A pull request changing Terraform and a Serverless service, reviewed by the real app
(gunicorn and a worker) against the GitHub stand-in: the module's unchanged files are fetched,
comments land on the Terraform and serverless.yml lines with suggestions in each syntax, the
summary carries the permission delta of the Terraform role and of the service's shared role."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.e2e.harness import App, git, keypair, org_repo, wait_for
from tests.github_markdown import shown
from tests.e2e.standin import GitHubStandIn

OWNER, REPO, NUMBER, INSTALLATION, APP_ID = "acme", "orders", 9, 4343, "1234"
KEY = keypair()

VARIABLES = """\
variable "stage" {
  type = string
}

variable "queue_actions" {
  default = ["sqs:SendMessage", "sqs:Receive*"]
}
"""

MAIN = """\
resource "aws_iam_role" "worker" {
  name               = "worker-${var.stage}"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "worker" {
  statement {
    actions   = var.queue_actions
    resources = [aws_sqs_queue.jobs.arn]
  }
  statement {
    actions   = ["dynamodb:*"]
    resources = [aws_dynamodb_table.orders.arn]
  }
}

resource "aws_iam_role_policy" "worker" {
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.worker.json
}

resource "aws_lambda_function" "worker" {
  function_name = "orders-worker"
  role          = aws_iam_role.worker.arn
}
"""


SERVICE = """\
service: billing
provider:
  name: aws
  stage: ${opt:stage, 'dev'}
  iamRoleStatements:
    - Effect: Allow
      Action: ["sqs:SendMessage", "kms:*"]
      Resource: "*"
functions:
  charge:
    handler: charge.handler
    name: billing-charge
  refund:
    handler: refund.handler
"""


def stand_up(tmp_path: Path, repo: Path) -> tuple[GitHubStandIn, App]:
    """The stand-in serving ``repo``'s main..feature as pull request NUMBER, and the app."""
    gh = GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION)
    url = gh.start()
    gh.add_pull(OWNER, REPO, NUMBER, "main", "feature", repo)
    gh.add_repo(OWNER, ".github", org_repo(tmp_path / "org"))
    return gh, App(url, APP_ID, KEY[0], tmp_path / "data")


def reviewed(gh: GitHubStandIn, app: App) -> dict[str, Any]:
    """Deliver pull_request.opened to the running app and wait for its finished check run."""
    head = gh.pull(OWNER, REPO, NUMBER).head_sha
    status, _ = app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    assert status == 202
    [run] = wait_for(lambda: [r for r in gh.check_runs_for(head, "policy-reviewer")
                              if r["status"] == "completed"], 60, "the check run")
    return run


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    repo = tmp_path / "orders"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / ".github").mkdir()
    (repo / ".github" / "policy-reviewer.yml").write_text("rules:\n  concurrency-limit: {enabled: false}\n")
    (repo / "infra").mkdir()
    (repo / "infra" / "variables.tf").write_text(VARIABLES)
    (repo / "infra" / "main.tf").write_text('locals {\n  service = "orders"\n}\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "orders module")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "infra" / "main.tf").write_text(textwrap.dedent(MAIN))
    (repo / "billing").mkdir()
    (repo / "billing" / "serverless.yml").write_text(SERVICE)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the worker")
    gh, app = stand_up(tmp_path, repo)
    yield {"gh": gh, "app": app, "repo": repo}
    app.stop()
    gh.stop()
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


def test_terraform_pull_request_is_reviewed_on_its_lines(world: dict[str, Any]) -> None:
    gh, app = world["gh"], world["app"]
    app.start_web()
    app.start_worker()
    run = reviewed(gh, app)
    assert run["conclusion"] == "failure"
    comments = gh.review_comments_for(OWNER, REPO, NUMBER)
    lines = sorted((c["path"], c["line"]) for c in comments)
    assert ("infra/main.tf", 22) in lines  # "dynamodb:*"
    assert ("infra/main.tf", 33) in lines  # function_name without the stage
    staged = next(c for c in comments if c["line"] == 33)
    assert '```suggestion\n  function_name = "orders-worker-${var.stage}"\n```' in staged["body"]
    # "sqs:Receive*" is written in variables.tf, which the pull request did not change: the
    # module was read whole, and the finding is in the summary, not on a line of the diff.
    assert not any(path == "infra/variables.tf" for path, _ in lines)
    summary = run["output"]["summary"]
    assert "sqs:Receive" in summary and "variables.tf" in summary
    delta = summary.split("Permission delta")[1]
    assert "aws_iam_role.worker" in delta
    # The Serverless service: kms:* in the provider's statements, the explicit function name,
    # and the generated role shared by both functions, each on its own line.
    assert ("billing/serverless.yml", 7) in lines
    assert ("billing/serverless.yml", 12) in lines
    assert ("billing/serverless.yml", 13) in lines
    named = next(c for c in comments if c["path"] == "billing/serverless.yml" and c["line"] == 12)
    assert '```suggestion\n    name: "billing-charge-${sls:stage}"\n```' in named["body"]
    assert "IamRoleLambdaExecution" in delta
    assert gh.violations == [], gh.violations + [app.logs_text()]
    assert gh.rejections == [], gh.rejections


SERVICE_WITH_PARTS = """\
service: ledger
custom:
  stage: ${opt:stage, 'dev'}
provider:
  name: aws
functions:
  post:
    handler: post.handler
resources:
  - ${file(resources/roles.yml)}
"""

ROLES = """\
Resources:
  LedgerRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ledger-${self:custom.stage}
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: ledger
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: %s
                Resource: arn:aws:dynamodb:${aws:region}:${aws:accountId}:table/ledger-${self:custom.stage}
"""


def test_a_changed_part_of_a_service_is_read_through_its_service(tmp_path: Path) -> None:
    """The pull request changes only resources/roles.yml, which serverless.yml includes: the
    app fetches the service, reads the part with the service's variables (so its role name
    carries the stage), and comments on the part's own line."""
    repo = tmp_path / "ledger"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "svc" / "resources").mkdir(parents=True)
    (repo / "svc" / "serverless.yml").write_text(SERVICE_WITH_PARTS)
    (repo / "svc" / "resources" / "roles.yml").write_text(ROLES % "dynamodb:GetItem")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ledger")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "svc" / "resources" / "roles.yml").write_text(ROLES % '"dynamodb:*"')
    git(repo, "commit", "-q", "-am", "more")
    gh = GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION)
    url = gh.start()
    gh.add_pull(OWNER, "ledger", 3, "main", "feature", repo)
    gh.add_repo(OWNER, ".github", org_repo(tmp_path / "org"))
    app = App(url, APP_ID, KEY[0], tmp_path / "data")
    try:
        app.start_web()
        app.start_worker()
        head = gh.pull(OWNER, "ledger", 3).head_sha
        status, _ = app.deliver("pull_request", gh.pull_request_event("opened", OWNER, "ledger", 3))
        assert status == 202
        [run] = wait_for(lambda: [r for r in gh.check_runs_for(head, "policy-reviewer")
                                  if r["status"] == "completed"], 60, "the check run")
        assert run["conclusion"] == "failure"
        comments = gh.review_comments_for(OWNER, "ledger", 3)
        assert [(c["path"], c["line"]) for c in comments] == [("svc/resources/roles.yml", 16)]
        assert "dynamodb:*" in shown(comments[0]["body"])
        summary = run["output"]["summary"]
        assert "staged-names" not in summary and "template-parse" not in summary
        assert "LedgerRole" in summary.split("Permission delta")[1]
        assert gh.violations == [], gh.violations + [app.logs_text()]
    finally:
        app.stop()
        gh.stop()


def test_a_plan_in_the_pull_request_is_read_whole_and_its_secrets_stay_out(tmp_path: Path) -> None:
    """A pull request adds a Terraform root and the plan its workflow committed beside it, over
    1 MB (GraphQL gives no text past 512 kB: the blob API does): the registry module's policy,
    which exists only in the plan, is commented at the module call under its full address, and
    the plan's sensitive password is in no comment and no summary."""
    import json

    billing = Path(__file__).parent.parent / "data" / "plans" / "ours" / "billing"
    plan = json.loads((billing / "tfplan.json").read_text())
    plan["variables"]["notes"] = {"value": "x" * (1200 * 1024)}  # an input nobody declared
    repo = tmp_path / "billing"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("billing\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "infra").mkdir()
    shutil.copy(billing / "main.tf", repo / "infra" / "main.tf")
    (repo / "infra" / "tfplan.json").write_text(json.dumps(plan, indent=2))
    assert (repo / "infra" / "tfplan.json").stat().st_size > 1024 * 1024
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "billing and its plan")
    gh, app = stand_up(tmp_path, repo)
    try:
        app.start_web()
        app.start_worker()
        run = reviewed(gh, app)
        assert run["conclusion"] == "failure"
        comments = gh.review_comments_for(OWNER, REPO, NUMBER)
        at_call = [c for c in comments if c["path"] == "infra/main.tf" and c["line"] == 32]
        assert any("on `module.iam.aws_iam_role_policy.this`" in c["body"] for c in at_call)
        assert not any(c["path"] == "infra/tfplan.json" for c in comments)
        summary = run["output"]["summary"]
        assert "template-parse" not in summary
        everything = summary + "".join(c["body"] for c in comments) + app.logs_text()
        assert "hunter2" not in everything
    finally:
        app.stop()
        gh.stop()


@pytest.mark.parametrize("graphql_down", [False, True], ids=["graphql", "rest"])
def test_a_new_root_sharing_an_untouched_roots_state_and_a_file_joining_a_module(tmp_path: Path,
                                                                                  graphql_down: bool) -> None:
    """The app compares a new root's backend with the roots the pull request did not touch
    (one tree listing, their Terraform read as context), and reads the module a new file
    joins on both sides, so that what the module already had is not new."""
    provider = 'provider "aws" {\n  region = "eu-west-1"\n}\n'
    backend = 'terraform {\n  backend "s3" {\n    bucket = "acme-state"\n    key    = "orders.tfstate"\n  }\n}\n'
    repo = tmp_path / "acme"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "orders").mkdir()
    (repo / "orders" / "main.tf").write_text(provider + backend)
    (repo / "jobs").mkdir()
    (repo / "jobs" / "queue.tf").write_text('resource "aws_sqs_queue" "old" {}\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "orders and jobs")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "billing").mkdir()
    (repo / "billing" / "main.tf").write_text(provider + backend)
    (repo / "jobs" / "topic.tf").write_text('resource "aws_sns_topic" "new" {}\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "billing copies orders; jobs gets a topic")
    gh, app = stand_up(tmp_path, repo)
    gh.graphql_down = graphql_down  # REST reads the same files, one call each
    try:
        app.start_web()
        app.start_worker()
        run = reviewed(gh, app)
        assert run["conclusion"] == "failure"
        summary = run["output"]["summary"]
        assert "root module billing keeps its state in the same place as root module orders" in summary
        assert "root module orders keeps" not in summary  # compared with, not judged
        assert any("/git/trees/" in c["path"] and "recursive" in (c.get("query") or {}) for c in gh.calls)
        comments = gh.review_comments_for(OWNER, REPO, NUMBER)
        assert [c["line"] for c in comments if "terraform-state-per-component" in c["body"]] == [5]
        # jobs' old queue was there before the topic joined its module: not a new finding.
        assert not any("queue.old" in c["body"] for c in comments)
        assert any("topic.new" in c["body"] and c["path"] == "jobs/topic.tf" for c in comments)
    finally:
        app.stop()
        gh.stop()


def test_when_github_will_not_list_the_repository_the_state_comparison_is_said_to_be_partial(tmp_path: Path) -> None:
    """A change that moves a backend, and GitHub refuses the tree listing that would show the
    other roots: the review is still published, with its findings, and says it is incomplete."""
    provider = 'provider "aws" {\n  region = "eu-west-1"\n}\n'
    backend = 'terraform {\n  backend "s3" {\n    bucket = "acme-state"\n    key    = "orders.tfstate"\n  }\n}\n'
    repo = tmp_path / "acme"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "orders").mkdir()
    (repo / "orders" / "main.tf").write_text(provider + backend)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "orders")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "billing").mkdir()
    (repo / "billing" / "main.tf").write_text(provider + backend + 'resource "aws_sns_topic" "t" {}\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "billing")
    gh, app = stand_up(tmp_path, repo)
    gh.refuse_operations["git/get-tree"] = 502
    try:
        app.start_web()
        app.start_worker()
        run = reviewed(gh, app)
        assert run["conclusion"] == "failure"
        assert "incomplete" in run["output"]["title"].lower()
        summary = run["output"]["summary"]
        assert "GitHub did not list the repository" in summary and "502" in summary
        assert "encryption-at-rest" in summary  # what could be reviewed was
    finally:
        app.stop()
        gh.stop()
