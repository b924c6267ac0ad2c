"""The GitHub stand-in itself: contract checks, auth, git-backed answers, GitHub's rules, failure injection."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

pytest.importorskip("werkzeug")
pytest.importorskip("jwt")
pytest.importorskip("cryptography")
github = pytest.importorskip("github")
requests = pytest.importorskip("requests")

import jwt
from github import Auth, Github, GithubIntegration

from tests.e2e.standin import (
    SUBSET_SPEC,
    GitHubStandIn,
    OpenAPISpec,
    generate_app_keypair,
    git_commit,
    git_init,
    openapi_to_jsonschema,
    sign,
    webhook_headers,
)

pytestmark = pytest.mark.skipif(not SUBSET_SPEC.exists(), reason="shared/corpus/github/openapi is not there")

APP_ID = 4242
INSTALLATION = 77

A_YAML = "".join(f"line{i}\n" for i in range(1, 21))
A_YAML_HEAD = "".join("CHANGED\n" if i == 10 else f"line{i}\n" for i in range(1, 21)) + "added\n"
MOVED = "x\ny\nz\n" * 5


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return generate_app_keypair()


@pytest.fixture(scope="module")
def other_keys() -> tuple[str, str]:
    return generate_app_keypair()


@pytest.fixture(scope="module")
def repo_path(tmp_path_factory: pytest.TempPathFactory):
    """main: a.yaml, old.txt, move_me.txt; feature: edits a.yaml, adds new.yaml and extra files,
    removes old.txt, renames move_me.txt; then main moves on (so base tip != merge base)."""
    path = git_init(tmp_path_factory.mktemp("git") / "repo")
    git_commit(path, {"a.yaml": A_YAML, "old.txt": "old\n", "move_me.txt": MOVED, "dir/keep.txt": "keep\n"}, "init")
    extra = {f"extra/f{i}.txt": f"extra {i}\n" for i in range(5)}
    git_commit(path, {"a.yaml": A_YAML_HEAD, "new.yaml": "k: v\n", "old.txt": None, "move_me.txt": None,
                      "moved.txt": MOVED + "w\n", **extra}, "feature work", branch="feature")
    git_commit(path, {"later-on-main.txt": "main moved on\n"}, "main moves", branch="main")
    return path


@pytest.fixture
def gh(keys, repo_path):
    _private, public = keys
    with GitHubStandIn(app_id=APP_ID, public_key_pem=public, installation_id=INSTALLATION) as standin:
        standin.add_pull("o", "r", 1, "main", "feature", repo_path, title="Add things")
        yield standin


def app_jwt(private: str, *, iss=str(APP_ID), iat_offset: int = -60, exp_offset: int = 300, key=None) -> str:
    now = int(time.time())
    return jwt.encode({"iat": now + iat_offset, "exp": now + exp_offset, "iss": iss}, key or private,
                      algorithm="RS256")


def token_for(gh: GitHubStandIn, private: str) -> str:
    integration = GithubIntegration(auth=Auth.AppAuth(APP_ID, private), base_url=gh.base_url,
                                    seconds_between_requests=None, seconds_between_writes=None)
    return integration.get_access_token(INSTALLATION).token


def client(gh: GitHubStandIn, token: str, **kwargs) -> Github:
    """PyGithub without its default throttling (0.25 s per request, 1 s per write) and retries."""
    return Github(base_url=gh.base_url, auth=Auth.Token(token), seconds_between_requests=None,
                  seconds_between_writes=None, retry=None, lazy=True, **kwargs)


def api(gh: GitHubStandIn, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"token {token}"
    return requests.request(method, gh.base_url + path, headers=headers, timeout=5, **kwargs)


def review_comment(**fields):
    return {"body": "x", "event": "COMMENT", "comments": [{"path": "a.yaml", "body": "c", **fields}]}


# ----------------------------------------------------------------------------- contract


def test_unknown_endpoint_is_a_violation(gh):
    token = gh.issue_token(INSTALLATION)
    response = api(gh, "GET", "/repos/o/r/frobnicate", token)
    assert response.status_code == 404
    assert response.json()["message"] == "Not Found"
    assert len(gh.violations) == 1 and "/repos/o/r/frobnicate" in gh.violations[0]
    # a known path with a method it does not have is unknown too
    assert api(gh, "DELETE", "/repos/o/r/pulls/1", token).status_code == 404
    assert len(gh.violations) == 2


def test_bad_review_body_is_422_and_a_violation(gh):
    token = gh.issue_token(INSTALLATION)
    response = api(gh, "POST", "/repos/o/r/pulls/1/reviews", token, json=review_comment(line="x"))
    assert response.status_code == 422
    assert "'x' is not of type 'integer'" in response.json()["message"]
    assert len(gh.violations) == 1 and "comments/0/line" in gh.violations[0]
    assert gh.reviews == {} and gh.review_comments == {}


def test_bad_query_parameters_are_violations(gh):
    token = gh.issue_token(INSTALLATION)
    assert api(gh, "GET", "/repos/o/r/pulls/1/files?per_page=lots", token).status_code == 422
    head = gh.pull("o", "r", 1).head_sha
    assert api(gh, "GET", f"/repos/o/r/commits/{head}/check-runs?status=bogus", token).status_code == 422
    assert len(gh.violations) == 2
    assert api(gh, "GET", "/repos/o/r/pulls/x", token).status_code == 404  # integer path parameter
    assert len(gh.violations) == 3


def test_nullable_becomes_a_null_type():
    assert openapi_to_jsonschema({"type": "string", "nullable": True}) == {"type": ["string", "null"]}
    assert openapi_to_jsonschema({"type": "string", "enum": ["a"], "nullable": True}) == \
        {"type": ["string", "null"], "enum": ["a", None]}
    wrapped = openapi_to_jsonschema({"allOf": [{"type": "object"}], "nullable": True})
    assert wrapped == {"anyOf": [{"allOf": [{"type": "object"}]}, {"type": "null"}]}
    # a property called "nullable" is a property, not the keyword
    assert openapi_to_jsonschema({"type": "object", "properties": {"nullable": {"type": "boolean"}}}) == \
        {"type": "object", "properties": {"nullable": {"type": "boolean"}}}
    # in the real description: a pull request's body may be null, its title may not
    spec = OpenAPISpec.load(SUBSET_SPEC)
    op, _ = spec.match("get", "/repos/o/r/pulls/1")
    schema = spec.json_schema(spec.resolve(op.raw["responses"]["200"])["content"]["application/json"]["schema"])
    assert "null" in schema["properties"]["body"]["type"]
    assert schema["properties"]["title"]["type"] == "string"


def test_multi_segment_path_parameters_match(gh):
    spec = OpenAPISpec.load(SUBSET_SPEC)
    op, params = spec.match("get", "/repos/o/r/contents/dir/sub/file.txt")
    assert op.operation_id == "repos/get-content" and params["path"] == "dir/sub/file.txt"
    op, params = spec.match("get", "/repos/o/r/commits/heads/main/check-runs")
    assert op.operation_id == "checks/list-for-ref" and params["ref"] == "heads/main"
    op, params = spec.match("get", "/repos/o/r/pulls/comments/5")
    assert op.operation_id == "pulls/get-review-comment"


# ----------------------------------------------------------------------------- auth


def test_pygithub_app_auth_gets_a_token(gh, keys):
    private, _ = keys
    token = token_for(gh, private)
    assert token.startswith("ghs_") and gh.tokens_issued == 1
    call = gh.calls_to("apps/create-installation-access-token")[0]
    assert call["status"] == 201 and call["json"] == {"permissions": {}}
    # AppInstallationAuth (what an app worker uses) fetches its own token and uses it
    app_auth = Auth.AppAuth(APP_ID, private).get_installation_auth(INSTALLATION)
    g = Github(base_url=gh.base_url, auth=app_auth, seconds_between_requests=None, seconds_between_writes=None)
    repo = g.get_repo("o/r")  # not lazy: GET /repos/o/r is only in the full description, and modelled
    assert repo.full_name == "o/r" and repo.default_branch == "main"
    assert repo.get_pull(1).title == "Add things"
    assert gh.tokens_issued == 2
    assert gh.violations == [] and gh.response_problems == []


@pytest.mark.parametrize("case", ["wrong-key", "wrong-iss", "exp-too-far", "iat-in-future", "expired", "no-auth",
                                  "token-not-jwt"])
def test_jwt_is_checked(gh, keys, other_keys, case):
    private, _ = keys
    other_private, _ = other_keys
    credential = {
        "wrong-key": lambda: "Bearer " + app_jwt(private, key=other_private),
        "wrong-iss": lambda: "Bearer " + app_jwt(private, iss=str(APP_ID + 1)),
        "exp-too-far": lambda: "Bearer " + app_jwt(private, exp_offset=900),
        "iat-in-future": lambda: "Bearer " + app_jwt(private, iat_offset=120, exp_offset=300),
        "expired": lambda: "Bearer " + app_jwt(private, iat_offset=-700, exp_offset=-10),
        "no-auth": lambda: None,
        "token-not-jwt": lambda: "token " + gh.issue_token(INSTALLATION),
    }[case]()
    headers = {"Authorization": credential} if credential else {}
    issued = gh.tokens_issued
    response = api(gh, "POST", f"/app/installations/{INSTALLATION}/access_tokens", headers=headers)
    assert response.status_code == 401
    assert gh.tokens_issued == issued
    assert len(gh.violations) == 1


def test_jwt_lifetime_is_checked_like_github(gh, keys):
    """exp at most 10 minutes ahead; iat may be backdated (PyGithub backdates it 60 s)."""
    private, _ = keys
    jwt_ = app_jwt(private, iat_offset=-60, exp_offset=600)
    response = api(gh, "POST", f"/app/installations/{INSTALLATION}/access_tokens",
                   headers={"Authorization": f"Bearer {jwt_}"})
    assert response.status_code == 201
    body = response.json()
    assert body["repository_selection"] == "all" and body["permissions"]["checks"] == "write"
    assert body["expires_at"].endswith("Z")
    assert gh.violations == []


def test_repos_need_a_valid_installation_token(gh, keys):
    private, _ = keys
    assert api(gh, "GET", "/repos/o/r/pulls/1").status_code == 401
    assert api(gh, "GET", "/repos/o/r/pulls/1", "ghs_made_up").status_code == 401
    jwt_ = app_jwt(private)
    assert api(gh, "GET", "/repos/o/r/pulls/1", headers={"Authorization": f"Bearer {jwt_}"}).status_code == 401
    token = gh.issue_token(INSTALLATION)
    assert api(gh, "GET", "/repos/o/r/pulls/1", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    gh.expire_tokens()
    assert api(gh, "GET", "/repos/o/r/pulls/1", token).status_code == 401
    other = gh.issue_token(INSTALLATION + 1)
    assert api(gh, "GET", "/repos/o/r/pulls/1", other).status_code == 404  # not this installation's repository
    assert len(gh.violations) == 5


# ----------------------------------------------------------------------------- git-backed answers


@pytest.mark.filterwarnings("ignore:Argument lazy is deprecated:DeprecationWarning")
def test_pygithub_reads_pull_and_files(gh, repo_path):
    token = gh.issue_token(INSTALLATION)
    pull_state = gh.pull("o", "r", 1)
    g = Github(base_url=gh.base_url, auth=Auth.Token(token), seconds_between_requests=None)
    pr = g.get_repo("o/r", lazy=True).get_pull(1)  # deprecated spelling of Github(lazy=True), still works
    assert pr.number == 1 and pr.head.sha == pull_state.head_sha and pr.head.ref == "feature"
    assert pr.base.ref == "main" and pr.base.sha == pull_state.base_tip_sha != pull_state.base_sha
    assert pr.head.repo.full_name == "o/r" and pr.changed_files == 9
    files = {f.filename: f for f in pr.get_files()}
    assert set(files) == {"a.yaml", "new.yaml", "old.txt", "moved.txt", *(f"extra/f{i}.txt" for i in range(5))}
    assert files["a.yaml"].status == "modified" and (files["a.yaml"].additions, files["a.yaml"].deletions) == (2, 1)
    assert files["a.yaml"].patch.startswith("@@ -7,7 +7,7 @@ line6\n")
    assert "\n@@ -18,3 +18,4 @@ line17\n" in files["a.yaml"].patch
    assert "---" not in files["a.yaml"].patch and "+++" not in files["a.yaml"].patch
    assert files["a.yaml"].patch.split("\n")[4:6] == ["-line10", "+CHANGED"]
    assert files["new.yaml"].status == "added" and files["new.yaml"].patch == "@@ -0,0 +1 @@\n+k: v"
    assert files["old.txt"].status == "removed" and files["old.txt"].patch == "@@ -1 +0,0 @@\n-old"
    assert files["moved.txt"].status == "renamed" and files["moved.txt"].previous_filename == "move_me.txt"
    from tests.e2e.standin import git

    assert files["a.yaml"].sha == git(repo_path, "rev-parse", f"{pull_state.head_sha}:a.yaml").decode().strip()
    assert files["old.txt"].sha == git(repo_path, "rev-parse", f"{pull_state.base_sha}:old.txt").decode().strip()
    assert gh.violations == [] and gh.response_problems == []


def test_files_are_paginated_with_link_headers(gh):
    token = gh.issue_token(INSTALLATION)
    first = api(gh, "GET", "/repos/o/r/pulls/1/files?per_page=4", token)
    assert len(first.json()) == 4
    assert first.links["next"]["url"] == f"{gh.base_url}/repos/o/r/pulls/1/files?per_page=4&page=2"
    assert first.links["last"]["url"] == f"{gh.base_url}/repos/o/r/pulls/1/files?per_page=4&page=3"
    names, url = [], first.links["next"]["url"]
    names += [f["filename"] for f in first.json()]
    while url:
        page = requests.get(url, headers={"Authorization": f"token {token}"}, timeout=5)
        names += [f["filename"] for f in page.json()]
        url = page.links.get("next", {}).get("url")
    assert len(names) == len(set(names)) == 9
    assert "next" not in page.links and page.links["prev"]["url"].endswith("page=2")
    # default 30, capped at 100
    assert len(api(gh, "GET", "/repos/o/r/pulls/1/files", token).json()) == 9
    assert "Link" not in api(gh, "GET", "/repos/o/r/pulls/1/files?per_page=500", token).headers
    # PyGithub follows the links
    pr = client(gh, token, per_page=2).get_repo("o/r").get_pull(1)
    assert len(list(pr.get_files())) == 9
    assert len(gh.calls_to("pulls/list-files")) == 3 + 2 + 5
    assert gh.violations == []


def test_contents_and_blobs(gh):
    token = gh.issue_token(INSTALLATION)
    state = gh.pull("o", "r", 1)
    repo = client(gh, token).get_repo("o/r")
    head = repo.get_contents("a.yaml", ref=state.head_sha)
    assert head.decoded_content.decode() == A_YAML_HEAD and head.encoding == "base64"
    assert repo.get_contents("a.yaml", ref=state.base_sha).decoded_content.decode() == A_YAML
    assert repo.get_contents("dir/keep.txt", ref="main").decoded_content == b"keep\n"
    missing = api(gh, "GET", f"/repos/o/r/contents/new.yaml?ref={state.base_sha}", token)
    assert missing.status_code == 404 and missing.json()["message"] == "Not Found"
    with pytest.raises(github.UnknownObjectException):
        repo.get_contents("old.txt", ref=state.head_sha)
    blob = repo.get_git_blob(head.sha)
    assert blob.size == len(A_YAML_HEAD) and blob.encoding == "base64"
    listing = repo.get_contents("", ref="feature")
    assert {c.path for c in listing} >= {"a.yaml", "dir", "extra", "moved.txt"}
    raw = api(gh, "GET", "/repos/o/r/contents/a.yaml?ref=feature", token,
              headers={"Accept": "application/vnd.github.raw"})
    assert raw.content.decode() == A_YAML_HEAD
    assert gh.violations == [] and gh.response_problems == []  # a missing file is not a violation


# ----------------------------------------------------------------------------- checks


def annotation(n: int) -> dict:
    return {"path": "a.yaml", "start_line": 10, "end_line": 10, "annotation_level": "warning", "message": f"m{n}"}


def test_check_run_lifecycle_appends_annotations(gh):
    token = gh.issue_token(INSTALLATION)
    head = gh.pull("o", "r", 1).head_sha
    repo = client(gh, token).get_repo("o/r")
    run = repo.create_check_run("policy-reviewer", head, status="in_progress")
    assert run.status == "in_progress" and run.pull_requests[0].number == 1
    run.edit(output={"title": "t", "summary": "s1", "annotations": [annotation(i) for i in range(50)]})
    run.edit(conclusion="failure", output={"title": "t", "summary": "s2", "annotations": [annotation(50)]})
    assert (run.status, run.conclusion, run.output.summary, run.output.annotations_count) == \
        ("completed", "failure", "s2", 51)
    assert [a.message for a in run.get_annotations()][-2:] == ["m49", "m50"]
    assert [r.id for r in repo.get_commit(head).get_check_runs()] == [run.id]
    assert repo.get_check_run(run.id).conclusion == "failure"
    assert gh.check_runs_for(head)[0]["annotations"][0]["message"] == "m0"
    assert gh.violations == [] and gh.response_problems == []


def test_check_run_limits(gh):
    token = gh.issue_token(INSTALLATION)
    head = gh.pull("o", "r", 1).head_sha
    too_many = {"name": "n", "head_sha": head,
                "output": {"title": "t", "summary": "s", "annotations": [annotation(i) for i in range(51)]}}
    assert api(gh, "POST", "/repos/o/r/check-runs", token, json=too_many).status_code == 422
    too_long = {"name": "n", "head_sha": head, "output": {"title": "t", "summary": "s" * 65536}}
    assert api(gh, "POST", "/repos/o/r/check-runs", token, json=too_long).status_code == 422
    no_conclusion = {"name": "n", "head_sha": head, "status": "completed"}
    assert api(gh, "POST", "/repos/o/r/check-runs", token, json=no_conclusion).status_code == 422
    assert gh.check_runs == {} and len(gh.violations) == 3
    created = api(gh, "POST", "/repos/o/r/check-runs", token, json={"name": "n", "head_sha": head}).json()
    patch = {"status": "completed"}
    assert api(gh, "PATCH", f"/repos/o/r/check-runs/{created['id']}", token, json=patch).status_code == 422
    assert gh.check_runs[created["id"]]["status"] == "queued"
    unknown_sha = {"name": "n", "head_sha": "0" * 40}
    assert api(gh, "POST", "/repos/o/r/check-runs", token, json=unknown_sha).status_code == 422
    assert len(gh.rejections) == 1


# ----------------------------------------------------------------------------- reviews


def test_review_with_comments_on_diff_lines(gh):
    token = gh.issue_token(INSTALLATION)
    pr = client(gh, token).get_repo("o/r").get_pull(1)
    review = pr.create_review(body="Findings", event="COMMENT", comments=[
        {"path": "a.yaml", "line": 10, "side": "RIGHT", "body": "changed line"},
        {"path": "a.yaml", "line": 12, "body": "context line"},
        {"path": "a.yaml", "start_line": 9, "start_side": "RIGHT", "line": 11, "side": "RIGHT", "body": "range"},
        {"path": "a.yaml", "line": 10, "side": "LEFT", "body": "removed line"},
        {"path": "old.txt", "line": 1, "side": "LEFT", "body": "removed file"},
        {"path": "new.yaml", "line": 1, "body": "added file"},
    ])
    assert review.state == "COMMENTED" and review.user.login == "policy-reviewer[bot]"
    assert review.commit_id == gh.pull("o", "r", 1).head_sha
    comments = list(pr.get_review_comments())
    assert [(c.path, c.line, c.side) for c in comments] == [
        ("a.yaml", 10, "RIGHT"), ("a.yaml", 12, "RIGHT"), ("a.yaml", 11, "RIGHT"), ("a.yaml", 10, "LEFT"),
        ("old.txt", 1, "LEFT"), ("new.yaml", 1, "RIGHT")]
    assert comments[0].diff_hunk.endswith("+CHANGED") and comments[0].position == 5
    assert comments[2].start_line == 9
    assert [r.id for r in pr.get_reviews()] == [review.id]
    assert gh.violations == [] and gh.rejections == [] and gh.response_problems == []


@pytest.mark.parametrize("fields", [
    {"line": 1},  # unchanged line far from the hunk
    {"line": 10, "side": "LEFT", "start_line": 1, "start_side": "LEFT"},  # start outside the hunk
    {"line": 21, "side": "LEFT"},  # a.yaml's base has 20 lines
    {"line": 1, "path": "dir/keep.txt"},  # not a file of the pull request
])
def test_review_comment_outside_the_diff_is_422(gh, fields):
    token = gh.issue_token(INSTALLATION)
    response = api(gh, "POST", "/repos/o/r/pulls/1/reviews", token, json=review_comment(**fields))
    assert response.status_code == 422
    assert response.json()["message"] == "Unprocessable Entity"
    assert response.json()["errors"] in (["Line could not be resolved"], ["Path could not be resolved"])
    assert gh.reviews == {} and gh.review_comments == {}
    assert gh.violations == [] and len(gh.rejections) == 1  # GitHub's own refusal, not a contract violation


# ----------------------------------------------------------------------------- failure injection


def test_injected_502_creates_nothing(gh, keys):
    private, _ = keys
    token = gh.issue_token(INSTALLATION)
    head = gh.pull("o", "r", 1).head_sha
    gh.fail_rate = 1.0
    response = api(gh, "POST", "/repos/o/r/check-runs", token, json={"name": "n", "head_sha": head})
    assert response.status_code == 502 and "Bad Gateway" in response.text
    assert response.headers["Content-Type"].startswith("text/html")
    response = api(gh, "POST", "/repos/o/r/pulls/1/reviews", token, json={"body": "b", "event": "COMMENT"})
    assert response.status_code == 502
    issued = gh.tokens_issued
    jwt_ = app_jwt(private)
    assert api(gh, "POST", f"/app/installations/{INSTALLATION}/access_tokens",
               headers={"Authorization": f"Bearer {jwt_}"}).status_code == 502
    assert gh.check_runs == {} and gh.reviews == {} and gh.tokens_issued == issued
    gh.fail_rate = 0.0
    assert api(gh, "POST", "/repos/o/r/check-runs", token, json={"name": "n", "head_sha": head}).status_code == 201
    assert len(gh.check_runs) == 1 and gh.violations == []
    assert [c.get("injected") for c in gh.calls] == [502, 502, 502, None]


def test_fail_after_write_keeps_the_write(gh):
    token = gh.issue_token(INSTALLATION)
    head = gh.pull("o", "r", 1).head_sha
    gh.fail_after_rate = 1.0
    response = api(gh, "POST", "/repos/o/r/check-runs", token, json={"name": "n", "head_sha": head})
    assert response.status_code == 502 and len(gh.check_runs) == 1
    assert api(gh, "GET", "/repos/o/r/pulls/1", token).status_code == 200  # reads are not affected


def test_fail_rate_is_seeded_and_partial(gh):
    token = gh.issue_token(INSTALLATION)
    gh.fail_rate = 0.5
    statuses = [api(gh, "GET", "/repos/o/r/pulls/1", token).status_code for _ in range(20)]
    assert set(statuses) == {200, 502}


def test_rate_limit_injection_alternates_primary_and_secondary(gh):
    token = gh.issue_token(INSTALLATION)
    head = gh.pull("o", "r", 1).head_sha
    gh.rate_limit_every = 2
    responses = [api(gh, "POST", "/repos/o/r/check-runs", token, json={"name": f"n{i}", "head_sha": head})
                 for i in range(4)]
    assert [r.status_code for r in responses] == [201, 403, 201, 429]
    primary, secondary = responses[1], responses[3]
    assert primary.json()["message"].startswith("API rate limit exceeded")
    assert primary.headers["x-ratelimit-remaining"] == "0"
    assert int(primary.headers["x-ratelimit-reset"]) <= time.time() + 2
    assert secondary.headers["Retry-After"] == "1"
    assert secondary.json()["message"].startswith("You have exceeded a secondary rate limit")
    assert len(gh.check_runs) == 2


def test_latency(gh):
    token = gh.issue_token(INSTALLATION)
    gh.latency = 0.1
    started = time.monotonic()
    assert api(gh, "GET", "/repos/o/r/pulls/1", token).status_code == 200
    assert time.monotonic() - started >= 0.1


# ----------------------------------------------------------------------------- webhook helpers


def test_pull_request_event(gh):
    state = gh.pull("o", "r", 1)
    for action in ("opened", "synchronize", "reopened", "edited"):  # edited: no example, falls back to opened
        event = gh.pull_request_event(action, "o", "r", 1, INSTALLATION)
        assert event["action"] == action and event["number"] == 1
        assert event["installation"]["id"] == INSTALLATION
        assert event["repository"]["full_name"] == "o/r" and event["repository"]["owner"]["login"] == "o"
        pr = event["pull_request"]
        assert pr["number"] == 1 and pr["head"]["sha"] == state.head_sha and pr["head"]["ref"] == "feature"
        assert pr["base"]["sha"] == state.base_tip_sha and pr["base"]["ref"] == "main"
        assert pr["url"] == f"{gh.base_url}/repos/o/r/pulls/1"
    assert gh.pull_request_event("synchronize", "o", "r", 1)["after"] == state.head_sha


def test_check_events(gh):
    state = gh.pull("o", "r", 1)
    run_event = gh.check_run_event("rerequested", "o", "r", 1, INSTALLATION)
    assert run_event["check_run"]["head_sha"] == state.head_sha
    pr = run_event["check_run"]["pull_requests"][0]
    assert (pr["number"], pr["head"]["sha"], pr["head"]["ref"], pr["base"]["sha"], pr["base"]["ref"]) == \
        (1, state.head_sha, "feature", state.base_tip_sha, "main")
    assert run_event["installation"]["id"] == INSTALLATION and run_event["repository"]["full_name"] == "o/r"
    suite_event = gh.check_suite_event("requested", "o", "r", 1, INSTALLATION)
    suite = suite_event["check_suite"]
    assert suite["head_sha"] == state.head_sha and suite["pull_requests"][0]["number"] == 1
    assert suite_event["repository"]["owner"]["login"] == "o"


def test_sign_matches_github():
    body = json.dumps({"zen": "Keep it logically awesome."}).encode()
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert sign(body, "s3cret") == expected == GitHubStandIn.sign(body, "s3cret")
    headers = webhook_headers("pull_request", body, "s3cret")
    assert headers["X-Hub-Signature-256"] == expected and headers["X-GitHub-Event"] == "pull_request"


def test_refresh_after_new_commits(gh, repo_path, tmp_path):
    path = git_init(tmp_path / "repo2")
    git_commit(path, {"a.txt": "1\n"}, "init")
    git_commit(path, {"a.txt": "2\n"}, "change", branch="topic")
    first = gh.add_pull("o", "r2", 5, "main", "topic", path)
    git_commit(path, {"b.txt": "new\n"}, "more", branch="topic")
    second = gh.refresh_pull("o", "r2", 5)
    assert second.head_sha != first.head_sha and [f.filename for f in second.files] == ["a.txt", "b.txt"]
    token = gh.issue_token(INSTALLATION)
    assert api(gh, "GET", "/repos/o/r2/pulls/5", token).json()["head"]["sha"] == second.head_sha
    assert api(gh, "GET", "/repos/o/nope/pulls/5", token).status_code == 404
    assert len(gh.violations) == 1 and "not registered" in gh.violations[0]


def test_repo_registered_at_construction(keys, repo_path):
    standin = GitHubStandIn(app_id=APP_ID, public_key_pem=keys[0], repos={"acme/widgets": repo_path})
    pull = standin.add_pull("acme", "widgets", 3, "main", "feature")
    assert pull.base_sha != pull.base_tip_sha and len(pull.files) == 9
    assert standin.repos[("acme", "widgets")].default_branch == "main"  # the checked-out branch
    with pytest.raises(ValueError):
        standin.add_pull("acme", "gadgets", 1, "main", "feature")


def test_concurrent_requests(gh):
    from concurrent.futures import ThreadPoolExecutor

    token = gh.issue_token(INSTALLATION)
    head = gh.pull("o", "r", 1).head_sha
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda i: api(gh, "POST", "/repos/o/r/check-runs", token,
                                            json={"name": f"n{i}", "head_sha": head}).status_code, range(24)))
    assert codes == [201] * 24 and len({r["id"] for r in gh.check_runs.values()}) == 24
    assert len(gh.calls) == 24 and gh.violations == []


# --------------------------------------------------------------------------- GraphQL, threads, OAuth, teams


def _graphql(gh, token: str, query: str, variables: dict | None = None) -> dict:
    answer = requests.post(gh.base_url + "/graphql", json={"query": query, "variables": variables or {}},
                           headers={"Authorization": f"bearer {token}"}, timeout=10)
    assert answer.status_code == 200  # GitHub answers GraphQL errors with 200 too
    return answer.json()


def test_graphql_is_checked_against_githubs_schema(gh) -> None:
    token = gh.issue_token(INSTALLATION)
    bad = _graphql(gh, token, "{ repository(owner: \"o\", name: \"r\") { nope } }")
    assert "data" not in bad and "nope" in bad["errors"][0]["message"]
    assert any("nope" in v for v in gh.violations)
    gh.violations.clear()
    wrong_type = _graphql(gh, token, "query($n: String!) { repository(owner: \"o\", name: \"r\") "
                                     "{ pullRequest(number: $n) { id } } }", {"n": "1"})
    assert wrong_type["errors"] and gh.violations
    gh.violations.clear()
    good = _graphql(gh, token, 'query($e: String!) { rateLimit { cost remaining } repository(owner: "o", name: "r") '
                               '{ object(expression: $e) { ... on Blob { text byteSize isTruncated } } } }',
                    {"e": "feature:a.yaml"})
    assert good["data"]["repository"]["object"]["text"] == A_YAML_HEAD
    # Its own budget, per token; queries that do not validate are not charged.
    assert good["data"]["rateLimit"] == {"cost": 1, "remaining": 4999}
    assert gh.violations == []
    missing = _graphql(gh, token, '{ repository(owner: "o", name: "elsewhere") { id } }')
    assert missing["data"] == {"repository": None} and missing["errors"][0]["type"] == "NOT_FOUND"


def test_review_threads_resolution_and_replies(gh) -> None:
    token = gh.issue_token(INSTALLATION)
    posted = requests.post(gh.base_url + "/repos/o/r/pulls/1/comments", timeout=10,
                           headers={"Authorization": f"token {token}"},
                           json={"body": "ours <!-- policy-reviewer:0123456789abcdef -->", "path": "a.yaml",
                                 "line": 10, "side": "RIGHT", "commit_id": gh.pull("o", "r", 1).head_sha})
    assert posted.status_code == 201, posted.text
    comment_id = posted.json()["id"]
    gh.add_thread_reply(comment_id, "dev", "why?")
    query = ('{ repository(owner: "o", name: "r") { pullRequest(number: 1) { reviewThreads(first: 10) { nodes '
             '{ id isResolved resolvedBy { login } comments(first: 10) { nodes { body viewerDidAuthor author { login } } } } } } } }')
    [thread] = _graphql(gh, token, query)["data"]["repository"]["pullRequest"]["reviewThreads"]["nodes"]
    assert thread["isResolved"] is False
    assert [(c["viewerDidAuthor"], c["author"]["login"]) for c in thread["comments"]["nodes"]] == \
        [(True, "policy-reviewer"), (False, "dev")]
    done = _graphql(gh, token, "mutation($t: ID!) { resolveReviewThread(input: {threadId: $t}) "
                               "{ thread { isResolved resolvedBy { login } } } }", {"t": thread["id"]})
    # An app is no User: GitHub names nobody as the resolver.
    assert done["data"]["resolveReviewThread"]["thread"] == {"isResolved": True, "resolvedBy": None}
    gh.set_thread_resolved(comment_id, False, "dev")  # a person reopens it in the browser
    [again] = _graphql(gh, token, query)["data"]["repository"]["pullRequest"]["reviewThreads"]["nodes"]
    assert again["isResolved"] is False
    edit = _graphql(gh, token, "mutation($c: ID!) { updatePullRequestReviewComment(input: "
                               "{pullRequestReviewCommentId: $c, body: \"theirs\"}) { pullRequestReviewComment { id } } }",
                    {"c": _comment_node(gh, comment_id, reply=True)})
    assert edit["errors"] and "permission" in edit["errors"][0]["message"]  # nobody edits another's comment
    assert gh.violations == []


def _comment_node(gh, root_id: int, reply: bool) -> str:
    from tests.e2e.standin_graphql import comment_node_id

    ids = [c["id"] for c in gh.thread_comments(root_id)]
    return comment_node_id(ids[1] if reply else ids[0])


def test_oauth_and_team_membership(gh) -> None:
    gh.oauth_clients["Iv1.abc"] = "s3cret"
    gh.browser_user = "reader"
    gh.readers[("o", "r")] = {"reader"}
    answer = requests.get(gh.base_url + "/login/oauth/authorize", allow_redirects=False, timeout=10,
                          params={"client_id": "Iv1.abc", "redirect_uri": "http://app/cb", "state": "xyz"})
    assert answer.status_code == 302 and answer.headers["Location"].startswith("http://app/cb?code=")
    code = answer.headers["Location"].split("code=")[1].split("&")[0]
    wrong = requests.post(gh.base_url + "/login/oauth/access_token", timeout=10, headers={"Accept": "application/json"},
                          data={"client_id": "Iv1.abc", "client_secret": "nope", "code": code}).json()
    assert wrong == {"error": "incorrect_client_credentials"}
    gh.violations.clear()
    token = requests.post(gh.base_url + "/login/oauth/access_token", timeout=10, headers={"Accept": "application/json"},
                          data={"client_id": "Iv1.abc", "client_secret": "s3cret", "code": code}).json()
    assert token == {"error": "bad_verification_code"}  # a code is used once, even after a failure
    answer = requests.get(gh.base_url + "/login/oauth/authorize", allow_redirects=False, timeout=10,
                          params={"client_id": "Iv1.abc", "redirect_uri": "http://app/cb", "state": "xyz"})
    code = answer.headers["Location"].split("code=")[1].split("&")[0]
    token = requests.post(gh.base_url + "/login/oauth/access_token", timeout=10,
                          data={"client_id": "Iv1.abc", "client_secret": "s3cret", "code": code}).json()["access_token"]
    me = requests.get(gh.base_url + "/user", headers={"Authorization": f"token {token}"}, timeout=10)
    assert me.json()["login"] == "reader"
    assert requests.get(gh.base_url + "/repos/o/r", headers={"Authorization": f"token {token}"},
                        timeout=10).status_code == 200
    gh.readers[("o", "r")] = set()
    assert requests.get(gh.base_url + "/repos/o/r", headers={"Authorization": f"token {token}"},
                        timeout=10).status_code == 404
    installation = gh.issue_token(INSTALLATION)
    gh.teams[("o", "security")] = {"sam"}
    member = requests.get(gh.base_url + "/orgs/o/teams/security/memberships/sam",
                          headers={"Authorization": f"token {installation}"}, timeout=10)
    assert member.status_code == 200 and member.json()["state"] == "active"
    assert requests.get(gh.base_url + "/orgs/o/teams/security/memberships/dev",
                        headers={"Authorization": f"token {installation}"}, timeout=10).status_code == 404
    assert gh.violations == [], gh.violations
