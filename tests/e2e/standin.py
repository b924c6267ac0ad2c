"""A local stand-in for the parts of api.github.com a GitHub App reviewer uses.

It is a real HTTP server (werkzeug, background thread) that:

* checks every request against GitHub's own OpenAPI description
  (shared/corpus/github/openapi): unknown method/path -> 404, request body not
  matching the operation's JSON schema -> 422, bad integer/enum query
  parameters -> 422; each of these is recorded in ``violations``;
* authenticates like GitHub Apps do: an RS256 JWT (checked with the app's public
  key) buys an installation token, and /repos/... needs such a token;
* answers pull-request, contents, blob and tree requests from a real git
  repository, and keeps check runs, reviews, review comments, issue comments and
  commit statuses in memory, with GitHub's own rules (annotations appended on
  update, 50 per request, review comments only on lines of the diff, ...);
* injects failures on demand (``fail_rate``, ``rate_limit_every``, ``latency``)
  without changing any state for a failed request (``fail_after_rate``: the write
  happens, then 502 — for testing that retries do not duplicate).

``violations`` are what the app must never do (contract, auth); ``rejections`` are
refusals GitHub itself would give for what a valid request refers to (a review
comment on a line outside the diff, an unknown commit); ``response_problems`` are the
stand-in's own answers not matching the description (bugs in the stand-in).

Response bodies start from the OpenAPI example for the operation and are then
overwritten with real values, so clients such as PyGithub parse them.

Typical use::

    with GitHubStandIn(app_id=1234, public_key_pem=pub) as gh:
        gh.add_pull("o", "r", 1, "main", "feature", repo_path)
        ...  # point the app at gh.base_url, deliver gh.pull_request_event(...)
        assert gh.violations == []
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import math
import random
import re
import secrets
import string
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Self
from urllib.parse import quote, urlencode

import jsonschema
import jwt
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.e2e.standin_admin import AdminEndpoints
from tests.e2e.standin_graphql import GraphQLEndpoint

CORPUS_DIR = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "github"
OPENAPI_DIR = CORPUS_DIR / "openapi"
WEBHOOK_DIR = CORPUS_DIR / "webhooks"
SUBSET_SPEC = OPENAPI_DIR / "api.github.com.app-subset.json"
FULL_SPEC = OPENAPI_DIR / "api.github.com.json"

DOCS = "https://docs.github.com/rest"
# Requests that create content, which GitHub paces (its secondary rate limits).
CONTENT_CREATING = {"pulls/create-review", "pulls/create-review-comment",
                    "pulls/create-reply-for-review-comment", "issues/create-comment"}
BOT_LOGIN = "policy-reviewer[bot]"
MAX_ANNOTATIONS_PER_REQUEST = 50
MAX_OUTPUT_TEXT = 65535
MAX_LISTED_FILES = 3000  # https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files
CONTENTS_INLINE_LIMIT = 1024 * 1024  # larger files come back with encoding "none"

_HTTP_METHODS = ("get", "put", "post", "patch", "delete")
_PARAM = re.compile(r"\{([^}]+)\}")
# Example objects in the OpenAPI description and the webhook payloads name these repositories.
_EXAMPLE_REPO_URL = re.compile(
    r"(https://api\.github\.com/repos/|https://github\.com/)"
    r"(?:octocat|github|Codertocat)/(?:Hello-World|hello-world|example)(?=$|[/?#{])")


def utc_iso(ts: float | None = None) -> str:
    """GitHub's timestamp format: 2024-01-31T12:00:00Z."""
    return datetime.fromtimestamp(time.time() if ts is None else ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(body: bytes, secret: str) -> str:
    """The X-Hub-Signature-256 header GitHub sends with a webhook delivery."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_headers(event: str, body: bytes, secret: str, *, app_id: int | str | None = None) -> dict[str, str]:
    """Headers of a webhook delivery of ``body`` (already serialised) for ``event``."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/standin",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(body, secret),
    }
    if app_id is not None:
        headers["X-GitHub-Hook-Installation-Target-Type"] = "integration"
        headers["X-GitHub-Hook-Installation-Target-ID"] = str(app_id)
    return headers


def generate_app_keypair(bits: int = 2048) -> tuple[str, str]:
    """(private PEM, public PEM) for a test GitHub App."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def _stable_id(*parts: Any) -> int:
    return int(hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()[:7], 16) + 1000


def _node_id(kind: str, ident: int) -> str:
    return base64.b64encode(f"0:{kind}{ident}".encode()).decode()


def _rewrite(obj: Any, root: str, full_name: str | None) -> Any:
    """Point the URLs of an example object at the stand-in (and at ``full_name``)."""
    if isinstance(obj, str):
        if full_name:
            obj = _EXAMPLE_REPO_URL.sub(lambda m: m.group(1) + full_name, obj)
        return obj.replace("https://api.github.com", root)
    if isinstance(obj, dict):
        return {k: _rewrite(v, root, full_name) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rewrite(v, root, full_name) for v in obj]
    return obj


# --------------------------------------------------------------------------- OpenAPI


def openapi_to_jsonschema(node: Any, lookup: Callable[[str], Any] | None = None,
                          _stack: tuple[str, ...] = ()) -> Any:
    """An OpenAPI 3.0 schema object as a JSON schema (draft 4): ``$ref``s into the
    document are inlined (``lookup`` resolves them), ``nullable: true`` becomes a
    ``"null"`` type (and ``None`` in an ``enum``), annotations are dropped."""
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if lookup is None or ref in _stack:  # a recursive schema: accept anything below here
            return {}
        return openapi_to_jsonschema(lookup(ref), lookup, _stack + (ref,))
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {k: openapi_to_jsonschema(v, lookup, _stack) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = openapi_to_jsonschema(value, lookup, _stack)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [openapi_to_jsonschema(v, lookup, _stack) for v in value]
        elif key in ("example", "examples", "discriminator", "xml", "externalDocs", "readOnly",
                     "writeOnly", "deprecated", "description") or key.startswith("x-"):
            continue
        else:
            out[key] = value
    if out.pop("nullable", False):
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif isinstance(kind, list):
            if "null" not in kind:
                out["type"] = [*kind, "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@dataclass
class Operation:
    spec: OpenAPISpec
    method: str  # lower case
    template: str
    raw: dict
    params: list[dict]  # resolved parameter objects
    regex: re.Pattern
    groups: dict[str, str]  # regex group -> parameter name
    literal_len: int

    @property
    def operation_id(self) -> str:
        return self.raw.get("operationId", f"{self.method} {self.template}")

    def param(self, name: str, where: str) -> dict | None:
        return next((p for p in self.params if p["name"] == name and p["in"] == where), None)

    def request_schema(self) -> tuple[Any, bool] | None:
        """(JSON schema of the JSON request body, required) or None."""
        body = self.raw.get("requestBody")
        if not body:
            return None
        body = self.spec.resolve(body)
        media = body.get("content", {}).get("application/json")
        if not media or "schema" not in media:
            return None
        return self.spec.json_schema(media["schema"]), bool(body.get("required"))

    def success(self) -> tuple[int, Any]:
        """(first 2xx status, its first JSON example value or None)."""
        for code, resp in sorted(self.raw.get("responses", {}).items()):
            if code.startswith("2"):
                resp = self.spec.resolve(resp)
                media = resp.get("content", {}).get("application/json", {})
                for example in media.get("examples", {}).values():
                    return int(code), copy.deepcopy(self.spec.resolve(example).get("value"))
                return int(code), copy.deepcopy(media.get("example"))
        return 200, None

    def response_example(self, status: int) -> Any:
        resp = self.raw.get("responses", {}).get(str(status))
        if not resp:
            return None
        media = self.spec.resolve(resp).get("content", {}).get("application/json", {})
        for example in media.get("examples", {}).values():
            return copy.deepcopy(self.spec.resolve(example).get("value"))
        return copy.deepcopy(media.get("example"))

    def response_validator(self, status: int) -> jsonschema.protocols.Validator | None:
        resp = self.raw.get("responses", {}).get(str(status))
        if not resp:
            return None
        media = self.spec.resolve(resp).get("content", {}).get("application/json")
        if not media or "schema" not in media:
            return None
        return self.spec.validator(media["schema"])


class OpenAPISpec:
    """One OpenAPI document: operations by method + path, schemas as JSON schema."""

    _loaded: ClassVar[dict[Path, OpenAPISpec]] = {}
    _load_lock = threading.Lock()

    @classmethod
    def load(cls, path: Path) -> OpenAPISpec:
        path = Path(path).resolve()
        with cls._load_lock:
            if path not in cls._loaded:
                cls._loaded[path] = cls(json.loads(path.read_text()), path)
            return cls._loaded[path]

    def __init__(self, doc: dict, source: Path | None = None):
        self.doc = doc
        self.source = source
        self._validators: dict[int, Any] = {}
        self._lock = threading.Lock()
        self.operations: list[Operation] = []
        for template, item in doc.get("paths", {}).items():
            common = [self.resolve(p) for p in item.get("parameters", [])]
            for method in _HTTP_METHODS:
                if method not in item:
                    continue
                raw = item[method]
                own = [self.resolve(p) for p in raw.get("parameters", [])]
                names = {(p["name"], p["in"]) for p in own}
                params = own + [p for p in common if (p["name"], p["in"]) not in names]
                multi = {p["name"] for p in params if p.get("in") == "path" and p.get("x-multi-segment")}
                regex, groups, literal = self._compile(template, multi)
                self.operations.append(Operation(self, method, template, raw, params, regex, groups, literal))

    @staticmethod
    def _compile(template: str, multi: set[str]) -> tuple[re.Pattern, dict[str, str], int]:
        parts, groups, pos, literal = [], {}, 0, 0
        for i, m in enumerate(_PARAM.finditer(template)):
            text = template[pos:m.start()]
            parts.append(re.escape(text))
            literal += len(text)
            group = f"p{i}"
            groups[group] = m.group(1)
            parts.append(f"(?P<{group}>{'.+' if m.group(1) in multi else '[^/]+'})")
            pos = m.end()
        parts.append(re.escape(template[pos:]))
        literal += len(template) - pos
        return re.compile("".join(parts)), groups, literal

    def lookup(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise KeyError(f"external $ref not supported: {ref}")
        node: Any = self.doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            node = self.lookup(node["$ref"])
        return node

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        best = None
        for op in self.operations:
            if op.method != method:
                continue
            m = op.regex.fullmatch(path)
            if m and (best is None or op.literal_len > best[0].literal_len):
                best = (op, {op.groups[g]: v for g, v in m.groupdict().items()})
        return best

    def json_schema(self, node: Any) -> Any:
        return openapi_to_jsonschema(node, self.lookup)

    def validator(self, node: Any) -> Any:
        with self._lock:
            if id(node) not in self._validators:
                self._validators[id(node)] = jsonschema.Draft4Validator(self.json_schema(node))
            return self._validators[id(node)]

    def example(self, name: str) -> Any:
        return copy.deepcopy(self.doc["components"]["examples"][name]["value"])


# --------------------------------------------------------------------------- git


class GitError(RuntimeError):
    pass


def git(path: Path | str, *args: str) -> bytes:
    proc = subprocess.run(["git", "--literal-pathspecs", "-c", "core.quotepath=off", "-C", str(path), *args],
                          capture_output=True, check=False)
    if proc.returncode:
        raise GitError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def git_rev(path: Path | str, ref: str, kind: str = "commit") -> str | None:
    """Full sha of ``ref`` peeled to ``kind``, or None."""
    if not ref or ref.startswith("-"):
        return None
    try:
        return git(path, "rev-parse", "--verify", "--quiet", f"{ref}^{{{kind}}}").decode().strip() or None
    except GitError:
        return None


def git_init(path: Path | str, branch: str = "main") -> Path:
    """A new repository at ``path`` (test helper)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    git(path, "config", "user.name", "Stand In")
    git(path, "config", "user.email", "standin@example.com")
    git(path, "config", "commit.gpgsign", "false")
    return path


def git_commit(path: Path | str, files: dict[str, str | bytes | None], message: str = "change",
               branch: str | None = None) -> str:
    """Write ``files`` (None deletes) on ``branch`` (created from HEAD if new) and commit; the new sha."""
    path = Path(path)
    if branch is not None:
        exists = git_rev(path, f"refs/heads/{branch}") is not None
        git(path, "checkout", "-q", *([] if exists else ["-b"]), branch)
    for name, content in files.items():
        target = path / name
        if content is None:
            git(path, "rm", "-q", "--", name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
        git(path, "add", "--", name)
    git(path, "commit", "-q", "--allow-empty", "-m", message)
    return git_rev(path, "HEAD") or ""


@dataclass
class FileDiff:
    filename: str
    status: str  # added / removed / modified / renamed / copied / changed
    previous_filename: str | None
    sha: str | None
    additions: int
    deletions: int
    patch: str | None
    right_lines: set[int] = field(default_factory=set)  # head lines shown in the diff (added or context)
    left_lines: set[int] = field(default_factory=set)  # base lines shown in the diff (removed or context)
    right_pos: dict[int, int] = field(default_factory=dict)  # head line -> diff position
    left_pos: dict[int, int] = field(default_factory=dict)

    @property
    def positions(self) -> int:
        return len(self.patch.split("\n")) - 1 if self.patch else 0

    def diff_hunk(self, position: int) -> str:
        lines = (self.patch or "").split("\n")
        start = max((i for i in range(min(position, len(lines) - 1) + 1) if lines[i].startswith("@@")), default=0)
        return "\n".join(lines[start:position + 1])


_STATUS = {"A": "added", "D": "removed", "M": "modified", "R": "renamed", "C": "copied", "T": "changed"}
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _parse_patch(diff: FileDiff, lines: list[str]) -> None:
    start = next((i for i, line in enumerate(lines) if line.startswith("@@ ")), None)
    if start is None:  # binary, mode-only, empty file
        return
    hunk_lines = lines[start:]
    while hunk_lines and hunk_lines[-1] == "":
        hunk_lines.pop()
    diff.patch = "\n".join(hunk_lines)
    left = right = 0
    for pos, line in enumerate(hunk_lines):
        m = _HUNK.match(line)
        if m:
            left, right = int(m.group(1)), int(m.group(3))
            continue
        tag = line[:1]
        if tag == "+":
            diff.additions += 1
            diff.right_lines.add(right)
            diff.right_pos[right] = pos
            right += 1
        elif tag == "-":
            diff.deletions += 1
            diff.left_lines.add(left)
            diff.left_pos[left] = pos
            left += 1
        elif tag == " ":
            diff.right_lines.add(right)
            diff.left_lines.add(left)
            diff.right_pos[right] = pos
            diff.left_pos[left] = pos
            left += 1
            right += 1


def diff_files(path: Path | str, base: str, head: str) -> list[FileDiff]:
    """GitHub's "files" of a pull request: ``git diff -M base head`` per file."""
    base_tree = _tree_map(path, base)
    head_tree = _tree_map(path, head)
    fields = git(path, "diff", "--no-color", "--no-ext-diff", "-M", "--name-status", "-z", base, head).split(b"\0")
    entries: list[FileDiff] = []
    i = 0
    while i < len(fields) and fields[i]:
        code = fields[i].decode()
        letter = code[0]
        if letter in "RC":
            old, new = fields[i + 1].decode(errors="surrogateescape"), fields[i + 2].decode(errors="surrogateescape")
            i += 3
        else:
            old = new = fields[i + 1].decode(errors="surrogateescape")
            i += 2
        status = _STATUS.get(letter, "changed")
        sha = (base_tree if status == "removed" else head_tree).get(new if status != "removed" else old)
        entries.append(FileDiff(filename=new, status=status, previous_filename=old if letter in "RC" else None,
                                sha=sha, additions=0, deletions=0, patch=None))
    text = git(path, "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "-U3", base, head)
    sections = re.split(rb"^diff --git ", text, flags=re.MULTILINE)[1:]
    if len(sections) != len(entries):
        raise GitError(f"diff has {len(sections)} sections for {len(entries)} files")
    for entry, section in zip(entries, sections):
        _parse_patch(entry, section.decode("utf-8", errors="replace").split("\n"))
    return entries


def _tree_map(path: Path | str, commit: str) -> dict[str, str]:
    out = {}
    for record in git(path, "ls-tree", "-r", "-z", "--full-tree", commit).split(b"\0"):
        if record:
            meta, name = record.split(b"\t", 1)
            _mode, kind, sha = meta.decode().split()
            if kind == "blob":
                out[name.decode(errors="surrogateescape")] = sha
    return out


# --------------------------------------------------------------------------- state records


@dataclass
class RepoState:
    owner: str
    name: str
    path: Path
    default_branch: str
    installation_id: int | None
    id: int
    private: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass
class PullState:
    owner: str
    repo: str
    number: int
    base_ref: str
    head_ref: str
    base_sha: str  # merge base of base and head: what the files/diff are computed against
    base_tip_sha: str  # tip of the base branch: what GitHub reports as base.sha
    head_sha: str
    files: list[FileDiff]
    commits: int
    id: int
    title: str = "Pull request"
    body: str | None = None
    user_login: str = "octocat"
    state: str = "open"
    draft: bool = False
    created_at: str = field(default_factory=utc_iso)

    def file(self, name: str) -> FileDiff | None:
        return next((f for f in self.files if f.filename == name), None)


@dataclass
class Reply:
    status: int
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json; charset=utf-8"


class _Reject(Exception):
    def __init__(self, reply: Reply, violation: str | None = None, rejection: str | None = None):
        super().__init__(violation or rejection or str(reply.status))
        self.reply, self.violation, self.rejection = reply, violation, rejection


@dataclass
class _Ctx:
    req: Request
    op: Operation
    params: dict[str, str]
    query: dict[str, Any]
    body: Any
    root: str
    token: dict | None = None
    repo: RepoState | None = None
    jwt_claims: dict | None = None


def _error(status: int, message: str, **extra: Any) -> Reply:
    return Reply(status, {"message": message, "documentation_url": DOCS, "status": str(status), **extra})


def _bad_gateway() -> Reply:
    return Reply(502, raw=b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                          b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n",
                 content_type="text/html")


def _not_found() -> Reply:
    return _error(404, "Not Found")


def _unprocessable(*errors: Any, message: str = "Unprocessable Entity") -> Reply:
    return _error(422, message, errors=list(errors))


class _QuietHandler(WSGIRequestHandler):
    def log(self, *args: Any, **kwargs: Any) -> None:  # no request log on stderr
        pass


# --------------------------------------------------------------------------- the stand-in


class GitHubStandIn(AdminEndpoints):
    """See the module docstring. Attributes worth knowing:

    ``violations`` (contract/auth problems: the app did something GitHub would refuse
    or that the API description does not allow), ``rejections`` (requests GitHub
    itself would refuse for what they refer to, e.g. a review comment on a line that
    is not in the diff — an app may handle these on purpose), ``response_problems``
    (the stand-in's own responses not matching the API description: bugs here),
    ``calls``, ``tokens_issued``, ``check_runs``, ``reviews``, ``review_comments``,
    ``issue_comments``, ``statuses``, ``unmodelled`` (calls answered only from the example).
    Failure injection: ``fail_rate``, ``fail_after_rate``, ``rate_limit_every``, ``latency``.
    """

    def __init__(self, app_id: int | str = 1, public_key_pem: str | bytes | None = None, *,
                 repos: dict[str, Path | str] | None = None, installation_id: int | None = None,
                 seed: int = 0, token_ttl: float = 3600.0, bot_login: str = BOT_LOGIN,
                 app_slug: str = "policy-reviewer", spec_path: Path | str = SUBSET_SPEC,
                 full_spec_path: Path | str | None = FULL_SPEC, validate_responses: bool = True,
                 default_permissions: dict[str, str] | None = None):
        self.app_id = app_id
        self.public_key = self._public_key(public_key_pem)
        self.installation_id = installation_id
        self.token_ttl = token_ttl
        self.bot_login = bot_login
        self.app_slug = app_slug
        self.validate_responses = validate_responses
        self.default_permissions = default_permissions or {
            "checks": "write", "contents": "read", "metadata": "read", "pull_requests": "write",
            "statuses": "write", "issues": "write", "members": "read"}
        self.spec = OpenAPISpec.load(Path(spec_path))
        self._full_spec_path = Path(full_spec_path) if full_spec_path else None

        self.fail_rate = 0.0  # this share of requests fails with 502 before anything happens
        self.fail_after_rate = 0.0  # this share of writes happens, then answers 502 (tests idempotent retries)
        self.rate_limit_every = 0  # every Nth request: 403 primary rate limit, then 429 secondary, alternating
        self.latency = 0.0  # seconds added to every response
        # operation id -> status GitHub refuses it with (e.g. 403: a permission is missing)
        self.refuse_operations: dict[str, int] = {}
        # GitHub's pace for content-creating requests (about 80 a minute): (most, seconds).
        # Past it: 403 "secondary rate limit" with Retry-After, and nothing created.
        self.content_pace: tuple[int, float] | None = None
        self.graphql_down = False  # every GraphQL request: 502 (REST still answers)
        self._content_times: list[float] = []
        self.paced = 0  # requests refused for going too fast
        self._rng = random.Random(seed)
        self._request_count = 0
        self._rate_limit_count = 0

        self.violations: list[str] = []
        self.rejections: list[str] = []
        self.response_problems: list[str] = []
        self.unmodelled: list[str] = []
        self.calls: list[dict] = []
        self.tokens: dict[str, dict] = {}
        self.tokens_issued = 0
        self.repos: dict[tuple[str, str], RepoState] = {}
        self.pulls: dict[tuple[str, str, int], PullState] = {}
        self.check_runs: dict[int, dict] = {}
        self.reviews: dict[int, dict] = {}
        self.review_comments: dict[int, dict] = {}
        self.issue_comments: dict[int, dict] = {}
        self.statuses: list[dict] = []
        self.thread_events: list[dict] = []  # every resolve/unresolve, by whom
        self.comment_edits: list[dict] = []  # every edit of a review comment's body
        self.readers: dict[tuple[str, str], set[str]] = {}  # people (OAuth users) who can read a repository
        self.teams: dict[tuple[str, str], set[str]] = {}  # (org, team slug) -> members' logins
        # OAuth: the app's client (id -> secret), who is signed in to "GitHub" in the browser,
        # and codes handed out by /login/oauth/authorize.
        self.oauth_clients: dict[str, str] = {}
        self.browser_user: str | None = None
        self._oauth_codes: dict[str, dict] = {}
        self._lines_cache: dict[tuple[str, str, str], list[bytes] | None] = {}
        self._ids = iter(range(1001, 10**9))
        self.graphql = GraphQLEndpoint(self)
        self._init_admin()

        self._lock = threading.RLock()
        self._server = None
        self._thread: threading.Thread | None = None
        self.base_url: str | None = None
        for full_name, path in (repos or {}).items():
            owner, name = full_name.split("/", 1)
            self.add_repo(owner, name, path)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> str:
        if self._server is None:
            self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler)
            self.base_url = f"http://127.0.0.1:{self._server.server_port}"
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="github-standin", daemon=True)
            self._thread.start()
        return self.base_url  # type: ignore[return-value]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ set-up

    def add_repo(self, owner: str, repo: str, path: Path | str, *, default_branch: str | None = None,
                 installation_id: int | None = None, private: bool = False) -> RepoState:
        path = Path(path)
        if default_branch is None:
            default_branch = git(path, "symbolic-ref", "--short", "HEAD").decode().strip() or "main"
        state = RepoState(owner, repo, path, default_branch,
                          installation_id if installation_id is not None else self.installation_id,
                          _stable_id("repo", owner.lower(), repo.lower()), private)
        with self._lock:
            self.repos[(owner.lower(), repo.lower())] = state
        return state

    def add_pull(self, owner: str, repo: str, number: int, base_ref: str, head_ref: str,
                 repo_path: Path | str | None = None, *, title: str = "Pull request", body: str | None = None,
                 user_login: str = "octocat", draft: bool = False) -> PullState:
        """Register (or recompute, e.g. after new commits: synchronize) pull request ``number``."""
        with self._lock:
            state = self.repos.get((owner.lower(), repo.lower()))
            if repo_path is not None and (state is None or state.path != Path(repo_path)):
                state = self.add_repo(owner, repo, repo_path)
            if state is None:
                raise ValueError(f"no repository registered for {owner}/{repo}: give repo_path")
            head_sha = git_rev(state.path, head_ref)
            tip = git_rev(state.path, base_ref)
            if not head_sha or not tip:
                raise ValueError(f"cannot resolve {base_ref!r} / {head_ref!r} in {state.path}")
            merge_base = git(state.path, "merge-base", tip, head_sha).decode().strip()
            commits = int(git(state.path, "rev-list", "--count", f"{merge_base}..{head_sha}").decode())
            old = self.pulls.get((owner.lower(), repo.lower(), number))
            pull = PullState(owner, repo, number, _short_ref(base_ref), _short_ref(head_ref), merge_base, tip,
                             head_sha, diff_files(state.path, merge_base, head_sha), commits,
                             _stable_id("pull", owner.lower(), repo.lower(), number), title, body, user_login,
                             "open", draft, old.created_at if old else utc_iso())
            self.pulls[(owner.lower(), repo.lower(), number)] = pull
            return pull

    def refresh_pull(self, owner: str, repo: str, number: int, base_ref: str | None = None,
                     head_ref: str | None = None) -> PullState:
        """Recompute a registered pull request from its refs (after new commits: "synchronize")."""
        old = self.pull(owner, repo, number)
        return self.add_pull(owner, repo, number, base_ref or old.base_ref, head_ref or old.head_ref,
                             title=old.title, body=old.body, user_login=old.user_login, draft=old.draft)

    def pull(self, owner: str, repo: str, number: int) -> PullState:
        return self.pulls[(owner.lower(), repo.lower(), number)]

    def expire_tokens(self) -> None:
        with self._lock:
            for record in self.tokens.values():
                record["expires"] = time.time() - 1

    def issue_token(self, installation_id: int | None = None) -> str:
        """A valid installation token without going through the JWT exchange (tests)."""
        with self._lock:
            return self._new_token(installation_id if installation_id is not None else (self.installation_id or 1),
                                   dict(self.default_permissions), None)["token"]

    def clear(self) -> None:
        """Forget recorded calls and problems (state is kept)."""
        with self._lock:
            self.violations.clear()
            self.rejections.clear()
            self.response_problems.clear()
            self.unmodelled.clear()
            self.calls.clear()

    # ------------------------------------------------------------------ queries for tests

    def check_runs_for(self, head_sha: str, name: str | None = None) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(c) for c in self.check_runs.values()
                    if c["head_sha"] == head_sha and (name is None or c["name"] == name)]

    def reviews_for(self, owner: str, repo: str, number: int) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(r) for r in self.reviews.values() if _same_pull(r, owner, repo, number)]

    def review_comments_for(self, owner: str, repo: str, number: int) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(c) for c in self.review_comments.values() if _same_pull(c, owner, repo, number)]

    def calls_to(self, operation_id: str) -> list[dict]:
        with self._lock:
            return [c for c in self.calls if c.get("operation") == operation_id]

    @staticmethod
    def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.02) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            time.sleep(interval)

    # ------------------------------------------------------------------ webhook payloads

    sign = staticmethod(sign)

    def pull_request_event(self, action: str, owner: str, repo: str, number: int,
                           installation_id: int | None = None) -> dict:
        event = _load_event("pull_request", action, "opened")
        pull = self.pull(owner, repo, number)
        pr = event["pull_request"]
        event["action"] = action
        event["number"] = number
        pr.update(number=number, id=pull.id, state="closed" if action == "closed" else "open", draft=pull.draft,
                  title=pull.title, body=pull.body)
        for part, ref, sha in (("head", pull.head_ref, pull.head_sha), ("base", pull.base_ref, pull.base_tip_sha)):
            pr[part].update(ref=ref, sha=sha, label=f"{owner}:{ref}")
            self._adapt_repo(pr[part].get("repo"), owner, repo)
            if isinstance(pr[part].get("user"), dict):
                pr[part]["user"]["login"] = owner
        if action == "synchronize":
            event["after"] = pull.head_sha
        with self._lock:
            real = self._pull_json(self.base_url or "https://api.github.com", pull)
        for key, value in real.items():
            if key in pr and (key.endswith("url") or key == "_links"):
                pr[key] = value
        return self._finish_event(event, owner, repo, installation_id)

    def check_run_event(self, action: str, owner: str, repo: str, number: int,
                        installation_id: int | None = None, *, check_run_id: int | None = None,
                        name: str | None = None, identifier: str | None = None,
                        sender: str | None = None) -> dict:
        """A check run event; ``requested_action`` with the button's ``identifier``, clicked
        by ``sender``."""
        event = _load_event("check_run", action, "rerequested")
        if identifier is not None:
            event["requested_action"] = {"identifier": identifier}
        if sender is not None:
            event["sender"] = self._user_json(self.base_url or "https://api.github.com", sender)
        pull = self.pull(owner, repo, number)
        run = self.check_runs.get(check_run_id) if check_run_id is not None else None
        cr = event["check_run"]
        event["action"] = action
        head_sha = run["head_sha"] if run else pull.head_sha
        cr.update(head_sha=head_sha, name=(run or {}).get("name", name or self.app_slug),
                  pull_requests=[self._pr_ref(self.base_url or "https://api.github.com", pull)])
        if run:
            cr.update(id=run["id"], status=run["status"], conclusion=run["conclusion"],
                      external_id=run["external_id"], details_url=run["details_url"])
        cr["app"] = self._app_json(self.base_url or "https://api.github.com")
        suite = cr.get("check_suite") or {}
        suite.update(head_sha=head_sha, head_branch=pull.head_ref, after=head_sha,
                     pull_requests=cr["pull_requests"], app=cr["app"])
        suite.setdefault("id", _stable_id("suite", head_sha))
        cr["check_suite"] = suite
        return self._finish_event(event, owner, repo, installation_id)

    def check_suite_event(self, action: str, owner: str, repo: str, number: int,
                          installation_id: int | None = None) -> dict:
        event = _load_event("check_suite", action, "requested")
        pull = self.pull(owner, repo, number)
        cs = event["check_suite"]
        event["action"] = action
        cs.update(id=_stable_id("suite", pull.head_sha), head_sha=pull.head_sha, head_branch=pull.head_ref,
                  after=pull.head_sha, pull_requests=[self._pr_ref(self.base_url or "https://api.github.com", pull)],
                  app=self._app_json(self.base_url or "https://api.github.com"))
        if isinstance(cs.get("head_commit"), dict):
            cs["head_commit"]["id"] = pull.head_sha
            cs["head_commit"]["tree_id"] = git_rev(self._repo(owner, repo).path, pull.head_sha, "tree")
        return self._finish_event(event, owner, repo, installation_id)

    def merge_group_event(self, action: str, owner: str, repo: str, base_ref: str, head_ref: str,
                          installation_id: int | None = None) -> dict:
        """A ``merge_group`` delivery for the queue branch ``head_ref`` (a real branch of the
        repository, e.g. ``gh-readonly-queue/main/pr-7-<sha>``) on ``base_ref``."""
        state = self._repo(owner, repo)
        head = git_rev(state.path, head_ref)
        base = git_rev(state.path, f"{head_ref}~1")  # the queue builds each entry on the last
        if head is None or base is None:
            raise ValueError(f"cannot resolve {head_ref!r} in {state.path}")
        event = _load_event("merge_group", "checks_requested", "checks_requested")
        event["action"] = action
        group = event["merge_group"]
        group.update(head_sha=head, base_sha=base, head_ref=f"refs/heads/{head_ref}",
                     base_ref=f"refs/heads/{base_ref}")
        group["head_commit"]["id"] = head
        if action == "destroyed":
            event["reason"] = "dequeued"
        return self._finish_event(event, owner, repo, installation_id)

    def _finish_event(self, event: dict, owner: str, repo: str, installation_id: int | None) -> dict:
        state = self._repo(owner, repo)
        old_full_name = event["repository"]["full_name"]
        self._adapt_repo(event["repository"], owner, repo)
        inst = installation_id if installation_id is not None else (state.installation_id or self.installation_id or 1)
        event["installation"] = {"id": inst, "node_id": _node_id("Installation", inst)}
        root = self.base_url or "https://api.github.com"

        def fix(obj: Any) -> Any:
            if isinstance(obj, str):
                obj = obj.replace(f"/repos/{old_full_name}", f"/repos/{owner}/{repo}")
                obj = obj.replace(f"github.com/{old_full_name}", f"github.com/{owner}/{repo}")
                return _rewrite(obj, root, f"{owner}/{repo}")
            if isinstance(obj, dict):
                return {k: fix(v) for k, v in obj.items()}
            if isinstance(obj, list):
                return [fix(v) for v in obj]
            return obj

        return fix(event)

    def _adapt_repo(self, obj: Any, owner: str, repo: str) -> None:
        if not isinstance(obj, dict):
            return
        state = self._repo(owner, repo)
        obj.update(name=repo, full_name=f"{owner}/{repo}", id=state.id, default_branch=state.default_branch)
        if isinstance(obj.get("owner"), dict):
            obj["owner"]["login"] = owner

    # ------------------------------------------------------------------ HTTP plumbing

    def _wsgi(self, environ: dict, start_response: Callable) -> Any:
        return self._dispatch(Request(environ))(environ, start_response)

    def _dispatch(self, req: Request) -> Response:
        started = time.time()
        data = req.get_data(cache=True)
        call: dict[str, Any] = {"method": req.method, "path": req.path,
                                "query": {k: v[0] if len(v) == 1 else v for k, v in req.args.lists()},
                                "json": None, "status": None, "time": started, "operation": None}
        try:
            call["json"] = json.loads(data) if data.strip() else None
        except ValueError:
            call["json"] = None
        if self.latency:
            time.sleep(self.latency)
        try:
            reply = self._handle(req, data, call)
        except _Reject as rej:
            reply = rej.reply
            with self._lock:
                if rej.violation:
                    self.violations.append(rej.violation)
                if rej.rejection:
                    self.rejections.append(rej.rejection)
        except Exception as exc:  # noqa: BLE001 - a bug in the stand-in: answer 500, make the test fail loudly
            reply = _error(500, f"stand-in error: {exc!r}")
            with self._lock:
                self.violations.append(f"{req.method} {req.path}: stand-in raised {exc!r}")
        call["status"] = reply.status
        call["duration"] = time.time() - started
        with self._lock:
            self.calls.append(call)
        headers = {"x-github-api-version-selected": "2022-11-28", "x-github-request-id": uuid.uuid4().hex[:16].upper(),
                   "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999", "x-ratelimit-used": "1",
                   "x-ratelimit-reset": str(int(time.time()) + 3600), "x-ratelimit-resource": "core"}
        headers.update(reply.headers)
        if reply.raw is not None:
            body = reply.raw
        elif reply.payload is None and reply.status in (204, 304):
            body = b""
        else:
            body = json.dumps(reply.payload).encode()
        return Response(body, status=reply.status, headers=headers, content_type=reply.content_type)

    def _handle(self, req: Request, data: bytes, call: dict) -> Reply:
        method, path = req.method.lower(), req.path
        where = f"{req.method} {path}"
        if path in ("/graphql", "/api/graphql"):
            return self._graphql(req, data, call, where)
        if path == "/login/oauth/authorize":
            return self._oauth_authorize(req, call, where)
        if path == "/login/oauth/access_token":
            return self._oauth_token(req, call, where)
        found = self.spec.match(method, path)
        if found is None and re.fullmatch(r"/repos/[^/]+/[^/]+/contents/?", path):
            # the repository's root directory: GitHub answers it, the description has no such path
            found = self.spec.match(method, path.rstrip("/") + "/.")
            if found is not None:
                found[1]["path"] = ""
        if found is None and self._full_spec_path and self._full_spec_path.exists():
            found = OpenAPISpec.load(self._full_spec_path).match(method, path)
        if found is None:
            raise _Reject(_not_found(), f"{where}: no operation in GitHub's REST API description")
        op, params = found
        call["operation"] = op.operation_id
        where = f"{where} ({op.operation_id})"
        for name, value in params.items():
            schema = (op.param(name, "path") or {}).get("schema", {})
            if schema.get("type") == "integer" and not value.isdigit():
                raise _Reject(_not_found(), f"{where}: path parameter {name}={value!r} is not an integer")
        root = f"{req.scheme}://{req.host}"
        ctx = _Ctx(req, op, params, req.args.to_dict(), None, root)  # first value of each parameter
        self._authenticate(ctx, where)
        ctx.body = self._check_body(op, data, where)
        self._check_query(op, req, where)
        injected = self._inject()
        if injected is not None:
            call["injected"] = injected.status
            return injected
        if self.content_pace and op.operation_id in CONTENT_CREATING:
            most, window = self.content_pace
            with self._lock:
                now = time.monotonic()
                self._content_times = [t for t in self._content_times if now - t < window]
                if len(self._content_times) >= most:
                    self.paced += 1
                    call["injected"] = "secondary"
                    reply = _error(403, "You have exceeded a secondary rate limit and have been "
                                        "temporarily blocked from content creation. Please retry your "
                                        "request again later.")
                    reply.headers["Retry-After"] = str(math.ceil(window))
                    return reply
                self._content_times.append(now)
        refused = self.refuse_operations.get(op.operation_id)
        if refused is not None:
            # GitHub's answer to an installation that lacks a permission: nothing changes.
            call["injected"] = refused
            return _error(refused, "Resource not accessible by integration")
        with self._lock:
            if "owner" in params and "repo" in params and op.template.startswith("/repos/{owner}/{repo}"):
                ctx.repo = self.repos.get((params["owner"].lower(), params["repo"].lower()))
                if ctx.repo is None:
                    raise self._unseen(op, where, f"repository {params['owner']}/{params['repo']} is not "
                                                  "registered with the stand-in")
                self._check_repo_access(ctx, where)
            handler = getattr(self, "_op_" + re.sub(r"\W", "_", op.operation_id), None)
            if handler is None:
                reply = self._from_example(ctx)
                self.unmodelled.append(where)
            else:
                reply = handler(ctx)
            if self.validate_responses and reply.raw is None and 200 <= reply.status < 300:
                self._check_response(op, reply, where)
            if self.fail_after_rate and method != "get" and self._rng.random() < self.fail_after_rate:
                call["injected"] = "502-after-write"
                return _bad_gateway()  # the write happened; the client cannot know (retries duplicate it)
            return reply

    def _graphql(self, req: Request, data: bytes, call: dict, where: str) -> Reply:
        call["operation"] = "graphql"
        if self.graphql_down:
            call["injected"] = 502
            return _bad_gateway()
        if req.method != "POST":
            raise _Reject(_not_found(), f"{where}: GraphQL takes POST only")
        scheme, _, credential = req.headers.get("Authorization", "").partition(" ")
        with self._lock:
            record = self.tokens.get(credential.strip())
        if scheme.lower() not in ("token", "bearer") or record is None or record["expires"] <= time.time():
            raise _Reject(_error(401, "This endpoint requires you to be authenticated."),
                          f"{where}: needs a valid installation or user token")
        try:
            body = json.loads(data)
        except ValueError:
            raise _Reject(_error(400, "Problems parsing JSON"), f"{where}: body is not JSON")
        injected = self._inject()
        if injected is not None:
            call["injected"] = injected.status
            return injected
        with self._lock:
            answer, headers = self.graphql.answer(body, record, where)
        call["graphql"] = body.get("query") if isinstance(body, dict) else None
        return Reply(200, answer, headers)

    # ------------------------------------------------------------------ OAuth web flow (the review page)

    def _oauth_authorize(self, req: Request, call: dict, where: str) -> Reply:
        """GitHub's authorize page, already approved by whoever is ``browser_user``."""
        call["operation"] = "oauth/authorize"
        client, redirect_uri, state = (req.args.get(k, "") for k in ("client_id", "redirect_uri", "state"))
        if req.method != "GET" or client not in self.oauth_clients:
            raise _Reject(_error(404, "Not Found"), f"{where}: unknown OAuth client {client!r}")
        if not state:
            self.violations.append(f"{where}: no state parameter (CSRF protection)")
        if self.browser_user is None:
            return Reply(200, raw=b"<html><body>Sign in to GitHub</body></html>", content_type="text/html")
        code = secrets.token_hex(10)
        with self._lock:
            self._oauth_codes[code] = {"client": client, "login": self.browser_user,
                                       "redirect_uri": redirect_uri, "expires": time.time() + 600}
        target = f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"
        return Reply(302, raw=b"", headers={"Location": target}, content_type="text/html")

    def _oauth_token(self, req: Request, call: dict, where: str) -> Reply:
        """Trade a code for a user token (form or JSON body, as GitHub accepts both)."""
        call["operation"] = "oauth/access_token"
        form = dict(req.form) or (json.loads(req.get_data() or b"{}") if req.is_json else {})
        code = self._oauth_codes.pop(str(form.get("code", "")), None)
        client = str(form.get("client_id", ""))
        if self.oauth_clients.get(client) != form.get("client_secret"):
            self.violations.append(f"{where}: wrong client id or secret")
            return Reply(200, {"error": "incorrect_client_credentials"})
        if code is None or code["client"] != client or code["expires"] < time.time():
            return Reply(200, {"error": "bad_verification_code"})
        if form.get("redirect_uri") and form["redirect_uri"] != code["redirect_uri"]:
            return Reply(200, {"error": "redirect_uri_mismatch"})
        token = "ghu_" + secrets.token_hex(18)
        with self._lock:
            self.tokens[token] = {"token": token, "user": code["login"], "installation_id": None,
                                  "permissions": {}, "repositories": None, "expires": time.time() + 8 * 3600}
        return Reply(200, {"access_token": token, "token_type": "bearer", "scope": ""})

    def _op_users_get_authenticated(self, ctx: _Ctx) -> Reply:  # full description only
        token = ctx.token or {}
        if not token.get("user"):
            raise _Reject(_error(403, "Resource not accessible by integration"),
                          f"GET {ctx.req.path}: /user needs a user token, not an installation token")
        obj = self._user_json(ctx.root, token["user"])
        _status, example = ctx.op.success()
        base = _rewrite(example or {}, ctx.root, None) if isinstance(example, dict) else {}
        return Reply(200, {**base, **obj})

    # ------------------------------------------------------------------ review threads (GraphQL and tests)

    def thread_roots(self, owner: str, repo: str, number: int) -> list[dict]:
        """The first comment of each review thread of a pull request, oldest first."""
        return [c for c in self.review_comments.values()
                if _same_pull(c, owner, repo, number) and not c.get("in_reply_to_id")]

    def thread_comments(self, root_id: int) -> list[dict]:
        root = self.review_comments.get(root_id)
        replies = [c for c in self.review_comments.values() if c.get("in_reply_to_id") == root_id]
        return ([root] if root else []) + replies

    def add_thread_reply(self, root_id: int, author: str, body: str) -> dict:
        """A reply in a thread, by ``author`` (a person's login, or the app's bot login)."""
        with self._lock:
            root = self.review_comments[root_id]
            pull = self.pulls[(root["owner"].lower(), root["repo"].lower(), root["number"])]
            placed = {k: root[k] for k in ("path", "position", "line", "side", "start_line", "start_side",
                                           "diff_hunk")}
            comment = self._add_review_comment(pull, root["review_id"], root["commit_id"],
                                               placed | {"body": body}, utc_iso(), root["id"])
            comment["author"] = author
            return comment

    def add_thread_like(self, root_id: int, author: str, body: str) -> dict:
        """A new thread on the same line as ``root_id``'s, opened by ``author`` (another app's
        bot, say, copying the app's comment)."""
        with self._lock:
            root = self.review_comments[root_id]
            pull = self.pulls[(root["owner"].lower(), root["repo"].lower(), root["number"])]
            placed = {k: root[k] for k in ("path", "position", "line", "side", "start_line", "start_side",
                                           "diff_hunk")}
            comment = self._add_review_comment(pull, root["review_id"], root["commit_id"],
                                               placed | {"body": body}, utc_iso())
            comment["author"] = author
            return comment

    def reply_event(self, root_id: int, login: str, body: str) -> dict:
        """A person replies in a thread: the reply is stored, the webhook payload returned."""
        comment = self.add_thread_reply(root_id, login, body)
        with self._lock:
            pull = self.pulls[(comment["owner"].lower(), comment["repo"].lower(), comment["number"])]
            repo = self.repos[(pull.owner.lower(), pull.repo.lower())]
            root = "https://api.github.com"
            # The corpus has no example of this event; its documented shape is these keys.
            payload: dict[str, Any] = {"action": "created"}
            payload["comment"] = self._review_comment_json(root, comment)
            payload["pull_request"] = self._pull_json(root, pull)
            payload["repository"] = self._repo_json(root, repo)
            payload["sender"] = self._user_json(root, login)
            if repo.installation_id is not None:
                payload["installation"] = {"id": repo.installation_id, "node_id": _node_id("Installation", repo.installation_id)}
            return payload

    def set_thread_resolved(self, root_id: int, resolved: bool, login: str) -> None:
        """A person resolves or reopens a thread in the browser."""
        with self._lock:
            root = self.review_comments[root_id]
            root["resolved"] = resolved
            root["resolved_by"] = login if resolved else None
            self.thread_events.append({"thread": root_id, "resolved": resolved, "by": login})

    def line_changed_since(self, pull: PullState, comment: dict) -> bool:
        """Whether the commented line reads differently at the pull request's head (outdated)."""
        repo = self.repos[(pull.owner.lower(), pull.repo.lower())]
        line = comment.get("line")
        if comment["commit_id"] == pull.head_sha or not line:
            return False
        then = self._file_lines(repo.path, comment["commit_id"], comment["path"])
        now = self._file_lines(repo.path, pull.head_sha, comment["path"])
        if then is None or now is None:
            return True
        return then[line - 1: line] != now[line - 1: line]

    def _file_lines(self, path: Path, commit: str, name: str) -> list[bytes] | None:
        """A file's lines at a commit (commits never change, so this is kept)."""
        key = (str(path), commit, name)
        if key not in self._lines_cache:
            try:
                self._lines_cache[key] = git(path, "show", f"{commit}:{name}").split(b"\n")
            except GitError:
                self._lines_cache[key] = None
        return self._lines_cache[key]

    def readers_of(self, owner: str, repo: str) -> set[str]:
        return self.readers.get((owner.lower(), repo.lower()), set())

    def _check_body(self, op: Operation, data: bytes, where: str) -> Any:
        spec = op.request_schema()
        if not data.strip():
            if spec and spec[1]:
                raise _Reject(_error(400, "Problems parsing JSON"), f"{where}: request body is required")
            return None
        try:
            body = json.loads(data)
        except ValueError as exc:
            raise _Reject(_error(400, "Problems parsing JSON"), f"{where}: body is not JSON: {exc}")
        if spec is None:
            return body
        validator = jsonschema.Draft4Validator(spec[0])
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            best = jsonschema.exceptions.best_match(errors)
            at = "/".join(map(str, best.absolute_path)) or "(root)"
            message = f"Invalid request.\n\n{best.message} (at {at})"
            details = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors)
            raise _Reject(_error(422, message), f"{where}: request body does not match the schema: {details}")
        return body

    def _check_query(self, op: Operation, req: Request, where: str) -> None:
        for name, values in req.args.lists():
            param = op.param(name, "query")
            if param is None:
                continue
            schema = self.spec.resolve(param.get("schema", {}))
            for value in values:
                problem = None
                if schema.get("type") == "integer":
                    try:
                        int(value)
                    except ValueError:
                        problem = f"query parameter {name}={value!r} is not an integer"
                elif schema.get("type") == "boolean" and value not in ("true", "false"):
                    problem = f"query parameter {name}={value!r} is not a boolean"
                if "enum" in schema and value not in [str(e) for e in schema["enum"]]:
                    problem = f"query parameter {name}={value!r} is not one of {schema['enum']}"
                if problem:
                    raise _Reject(_error(422, f"Invalid request.\n\n{problem}"), f"{where}: {problem}")

    def _check_response(self, op: Operation, reply: Reply, where: str) -> None:
        validator = op.response_validator(reply.status)
        if validator is None:
            return
        errors = list(validator.iter_errors(reply.payload))
        if errors:
            best = jsonschema.exceptions.best_match(errors)
            self.response_problems.append(
                f"{where} -> {reply.status}: {best.message} (at {'/'.join(map(str, best.absolute_path))})")

    def _inject(self) -> Reply | None:
        with self._lock:
            self._request_count += 1
            every = self.rate_limit_every
            if every and self._request_count % every == 0:
                self._rate_limit_count += 1
                reset = int(time.time()) + 1
                if self._rate_limit_count % 2:
                    reply = _error(403, "API rate limit exceeded for installation. If you reach out to GitHub "
                                        "Support for help, please include the request ID.")
                    reply.headers.update({"x-ratelimit-remaining": "0", "x-ratelimit-used": "5000",
                                          "x-ratelimit-reset": str(reset)})
                else:
                    reply = _error(429, "You have exceeded a secondary rate limit. Please wait a few minutes "
                                        "before you try again.")
                    reply.headers["Retry-After"] = "1"
                return reply
            if self.fail_rate and self._rng.random() < self.fail_rate:
                return _bad_gateway()
        return None

    # ------------------------------------------------------------------ auth

    def _authenticate(self, ctx: _Ctx, where: str) -> None:
        header = ctx.req.headers.get("Authorization", "")
        scheme, _, credential = header.partition(" ")
        scheme, credential = scheme.lower(), credential.strip()
        template = ctx.op.template
        if template == "/rate_limit":
            return
        if template.startswith("/app") or ctx.op.operation_id == "apps/get-repo-installation":
            if scheme != "bearer" or credential.count(".") != 2:
                raise _Reject(_error(401, "A JSON web token could not be decoded"),
                              f"{where}: needs 'Authorization: Bearer <app JWT>', got {scheme or 'nothing'}")
            ctx.jwt_claims = self._verify_jwt(credential, where)
            return
        if scheme not in ("token", "bearer") or not credential:
            raise _Reject(_error(401, "Requires authentication"),
                          f"{where}: needs an installation token, got {scheme or 'no Authorization header'}")
        with self._lock:
            record = self.tokens.get(credential)
        if record is None:
            kind = "an app JWT" if credential.count(".") == 2 else "an unknown token"
            raise _Reject(_error(401, "Bad credentials"), f"{where}: {kind} where an installation token is needed")
        if record["expires"] <= time.time():
            raise _Reject(_error(401, "Bad credentials"), f"{where}: installation token expired")
        ctx.token = record

    def _verify_jwt(self, token: str, where: str) -> dict:
        def fail(reason: str) -> _Reject:
            return _Reject(_error(401, reason), f"{where}: JWT rejected: {reason}")

        if self.public_key is None:
            raise fail("the stand-in has no public key for the app")
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256":
                raise fail(f"JWT must be signed with RS256, not {header.get('alg')}")
            claims = jwt.decode(token, self.public_key, algorithms=["RS256"],
                                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                                         "verify_iss": False, "verify_aud": False,
                                         "require": ["iat", "exp", "iss"]})
        except jwt.InvalidTokenError as exc:
            raise fail(f"A JSON web token could not be decoded ({exc})")
        now = time.time()
        iat, exp = claims["iat"], claims["exp"]
        if not isinstance(iat, (int, float)) or not isinstance(exp, (int, float)):
            raise fail("'Issued at' and 'Expiration time' claims must be numbers")
        if str(claims["iss"]) != str(self.app_id):
            raise fail(f"'Issuer' claim ('iss') must be the app id {self.app_id}, not {claims['iss']!r}")
        if iat > now + 60:
            raise fail("'Issued at' claim ('iat') must be an Integer representing a time in the past")
        if exp <= now:
            raise fail("'Expiration time' claim ('exp') must be a numeric value representing the future time")
        if exp > now + 600 + 5 or exp <= iat:
            raise fail("'Expiration time' claim ('exp') is too far in the future (at most 10 minutes)")
        return claims

    def _check_repo_access(self, ctx: _Ctx, where: str) -> None:
        token, repo = ctx.token, ctx.repo
        if token is None or repo is None:
            return
        if token.get("user"):
            # A person's token: GitHub answers 404 for a repository they cannot read.
            if token["user"] not in self.readers_of(repo.owner, repo.name):
                raise _Reject(_not_found(), rejection=f"{where}: {token['user']} cannot read {repo.full_name}")
            return
        if (repo.installation_id is not None and token["installation_id"] != repo.installation_id) or \
                (token["repositories"] is not None and repo.name not in token["repositories"]):
            raise _Reject(_not_found(), f"{where}: token of installation {token['installation_id']} cannot see "
                                        f"{repo.full_name}")

    def _new_token(self, installation_id: int, permissions: dict, repositories: list[str] | None) -> dict:
        token = "ghs_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(36))
        record = {"token": token, "installation_id": installation_id, "permissions": permissions,
                  "repositories": repositories, "expires": time.time() + self.token_ttl}
        self.tokens[token] = record
        self.tokens_issued += 1
        return record

    @staticmethod
    def _public_key(pem: str | bytes | None) -> Any:
        if pem is None:
            return None
        from cryptography.hazmat.primitives import serialization

        data = pem.encode() if isinstance(pem, str) else pem
        if b"PRIVATE KEY" in data:
            return serialization.load_pem_private_key(data, password=None).public_key()
        return serialization.load_pem_public_key(data)

    # ------------------------------------------------------------------ JSON builders

    def _example(self, name: str, root: str, full_name: str | None = None) -> Any:
        return _rewrite(self.spec.example(name), root, full_name)

    def _user_json(self, root: str, login: str, kind: str = "User") -> dict:
        user = self.spec.example("pull-request")["user"]
        user = json.loads(json.dumps(user).replace("octocat", login.replace('"', "")))
        user = _rewrite(user, root, None)
        ident = _stable_id("user", login)
        user.update(login=login, id=ident, node_id=_node_id(kind, ident), type=kind, site_admin=False)
        return user

    def _bot_json(self, root: str) -> dict:
        return self._user_json(root, self.bot_login, "Bot")

    def _app_json(self, root: str) -> dict:
        app = self._example("integration", root)
        app.update(id=int(self.app_id) if str(self.app_id).isdigit() else self.app_id, slug=self.app_slug,
                   name=self.app_slug, html_url=f"https://github.com/apps/{self.app_slug}")
        self._admin_app(app)
        return app

    def _repo_json(self, root: str, repo: RepoState) -> dict:
        obj = _rewrite(self.spec.example("pull-request")["head"]["repo"], root, repo.full_name)
        obj.update(id=repo.id, node_id=_node_id("Repository", repo.id), name=repo.name, full_name=repo.full_name,
                   owner=self._user_json(root, repo.owner), private=repo.private, fork=False,
                   visibility="private" if repo.private else "public",
                   default_branch=repo.default_branch)
        return obj

    def _pr_ref(self, root: str, pull: PullState) -> dict:
        repo = self._repo(pull.owner, pull.repo)
        mini = {"id": repo.id, "url": f"{root}/repos/{repo.full_name}", "name": repo.name}
        return {"id": pull.id, "number": pull.number, "url": f"{root}/repos/{repo.full_name}/pulls/{pull.number}",
                "head": {"ref": pull.head_ref, "sha": pull.head_sha, "repo": mini},
                "base": {"ref": pull.base_ref, "sha": pull.base_tip_sha, "repo": mini}}

    def _pull_json(self, root: str, pull: PullState) -> dict:
        repo = self._repo(pull.owner, pull.repo)
        api, html = f"{root}/repos/{repo.full_name}", f"https://github.com/{repo.full_name}"
        obj = self._example("pull-request", root, repo.full_name)
        owner_user, repo_obj = self._user_json(root, repo.owner), self._repo_json(root, repo)
        n = pull.number
        obj.update(
            url=f"{api}/pulls/{n}", id=pull.id, node_id=_node_id("PullRequest", pull.id),
            html_url=f"{html}/pull/{n}", diff_url=f"{html}/pull/{n}.diff", patch_url=f"{html}/pull/{n}.patch",
            issue_url=f"{api}/issues/{n}", commits_url=f"{api}/pulls/{n}/commits",
            review_comments_url=f"{api}/pulls/{n}/comments", review_comment_url=f"{api}/pulls/comments{{/number}}",
            comments_url=f"{api}/issues/{n}/comments", statuses_url=f"{api}/statuses/{pull.head_sha}",
            number=n, state=pull.state, locked=False, title=pull.title, body=pull.body,
            user=self._user_json(root, pull.user_login), labels=[], milestone=None, active_lock_reason=None,
            created_at=pull.created_at, updated_at=pull.created_at, closed_at=None, merged_at=None,
            merge_commit_sha=None, assignee=None, assignees=[], requested_reviewers=[], requested_teams=[],
            head={"label": f"{repo.owner}:{pull.head_ref}", "ref": pull.head_ref, "sha": pull.head_sha,
                  "user": owner_user, "repo": repo_obj},
            base={"label": f"{repo.owner}:{pull.base_ref}", "ref": pull.base_ref, "sha": pull.base_tip_sha,
                  "user": owner_user, "repo": repo_obj},
            _links={"self": {"href": f"{api}/pulls/{n}"}, "html": {"href": f"{html}/pull/{n}"},
                    "issue": {"href": f"{api}/issues/{n}"}, "comments": {"href": f"{api}/issues/{n}/comments"},
                    "review_comments": {"href": f"{api}/pulls/{n}/comments"},
                    "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
                    "commits": {"href": f"{api}/pulls/{n}/commits"},
                    "statuses": {"href": f"{api}/statuses/{pull.head_sha}"}},
            author_association="OWNER", auto_merge=None, draft=pull.draft, merged=False, mergeable=True,
            rebaseable=True, mergeable_state="clean", merged_by=None,
            comments=sum(1 for c in self.issue_comments.values() if _same_pull(c, repo.owner, repo.name, n)),
            review_comments=sum(1 for c in self.review_comments.values() if _same_pull(c, repo.owner, repo.name, n)),
            maintainer_can_modify=False, commits=pull.commits,
            additions=sum(f.additions for f in pull.files), deletions=sum(f.deletions for f in pull.files),
            changed_files=len(pull.files))
        return obj

    def _file_json(self, root: str, repo: RepoState, pull: PullState, f: FileDiff) -> dict:
        ref = pull.base_sha if f.status == "removed" else pull.head_sha
        quoted = quote(f.filename)
        obj: dict[str, Any] = {
            "sha": f.sha, "filename": f.filename, "status": f.status, "additions": f.additions,
            "deletions": f.deletions, "changes": f.additions + f.deletions,
            "blob_url": f"https://github.com/{repo.full_name}/blob/{ref}/{quoted}",
            "raw_url": f"https://github.com/{repo.full_name}/raw/{ref}/{quoted}",
            "contents_url": f"{root}/repos/{repo.full_name}/contents/{quoted}?ref={ref}"}
        if f.patch is not None:
            obj["patch"] = f.patch
        if f.previous_filename is not None:
            obj["previous_filename"] = f.previous_filename
        return obj

    def _check_run_json(self, root: str, run: dict) -> dict:
        repo = self._repo(run["owner"], run["repo"])
        api = f"{root}/repos/{repo.full_name}"
        obj = self._example("check-run", root, repo.full_name)
        out = run["output"]
        obj.update(
            id=run["id"], node_id=_node_id("CheckRun", run["id"]), head_sha=run["head_sha"],
            external_id=run["external_id"], url=f"{api}/check-runs/{run['id']}",
            html_url=f"https://github.com/{repo.full_name}/runs/{run['id']}", details_url=run["details_url"],
            status=run["status"], conclusion=run["conclusion"], started_at=run["started_at"],
            completed_at=run["completed_at"], name=run["name"], check_suite={"id": run["check_suite_id"]},
            app=self._app_json(root),
            output={"title": out.get("title"), "summary": out.get("summary"), "text": out.get("text"),
                    "annotations_count": len(run["annotations"]),
                    "annotations_url": f"{api}/check-runs/{run['id']}/annotations"},
            pull_requests=[self._pr_ref(root, p) for p in self.pulls.values()
                           if p.head_sha == run["head_sha"] and (p.owner.lower(), p.repo.lower()) ==
                           (run["owner"].lower(), run["repo"].lower())])
        return obj

    def _review_json(self, root: str, review: dict) -> dict:
        obj = self._example("pull-request-review", root, f"{review['owner']}/{review['repo']}")
        api = f"{root}/repos/{review['owner']}/{review['repo']}"
        html = f"https://github.com/{review['owner']}/{review['repo']}/pull/{review['number']}"
        obj.update(id=review["id"], node_id=_node_id("PullRequestReview", review["id"]), user=self._bot_json(root),
                   body=review["body"] or "", state=review["state"], commit_id=review["commit_id"],
                   html_url=f"{html}#pullrequestreview-{review['id']}",
                   pull_request_url=f"{api}/pulls/{review['number']}",
                   _links={"html": {"href": f"{html}#pullrequestreview-{review['id']}"},
                           "pull_request": {"href": f"{api}/pulls/{review['number']}"}},
                   submitted_at=review["submitted_at"], author_association="NONE")
        if review["submitted_at"] is None:
            obj.pop("submitted_at", None)
        return obj

    def _review_comment_json(self, root: str, c: dict) -> dict:
        full = f"{c['owner']}/{c['repo']}"
        api, html = f"{root}/repos/{full}", f"https://github.com/{full}/pull/{c['number']}"
        obj = self._example("pull-request-review-comment-items", root, full)[0]
        obj.update(
            url=f"{api}/pulls/comments/{c['id']}", pull_request_review_id=c["review_id"], id=c["id"],
            node_id=_node_id("PullRequestReviewComment", c["id"]), diff_hunk=c["diff_hunk"], path=c["path"],
            position=c["position"], original_position=c["position"], commit_id=c["commit_id"],
            original_commit_id=c["commit_id"], body=c["body"],
            user=self._user_json(root, c["author"], "Bot" if c["author"].endswith("[bot]") else "User")
            if c.get("author", self.bot_login) != self.bot_login else self._bot_json(root),
            created_at=c["created_at"], updated_at=c["updated_at"], html_url=f"{html}#discussion_r{c['id']}",
            pull_request_url=f"{api}/pulls/{c['number']}", author_association="NONE",
            _links={"self": {"href": f"{api}/pulls/comments/{c['id']}"},
                    "html": {"href": f"{html}#discussion_r{c['id']}"},
                    "pull_request": {"href": f"{api}/pulls/{c['number']}"}},
            start_line=c["start_line"], original_start_line=c["start_line"], start_side=c["start_side"],
            line=c["line"], original_line=c["line"], side=c["side"], subject_type="line")
        if c.get("in_reply_to_id") is None:
            obj.pop("in_reply_to_id", None)
        else:
            obj["in_reply_to_id"] = c["in_reply_to_id"]
        return obj

    def _issue_comment_json(self, root: str, c: dict) -> dict:
        full = f"{c['owner']}/{c['repo']}"
        api = f"{root}/repos/{full}"
        obj = self._example("issue-comment", root, full)
        obj.update(id=c["id"], node_id=_node_id("IssueComment", c["id"]), url=f"{api}/issues/comments/{c['id']}",
                   html_url=f"https://github.com/{full}/pull/{c['number']}#issuecomment-{c['id']}",
                   issue_url=f"{api}/issues/{c['number']}", body=c["body"], user=self._bot_json(root),
                   created_at=c["created_at"], updated_at=c["updated_at"], author_association="NONE",
                   performed_via_github_app=self._app_json(root))
        return obj

    def _status_json(self, root: str, s: dict) -> dict:
        obj = self._example("status", root, f"{s['owner']}/{s['repo']}")
        obj.update(id=s["id"], node_id=_node_id("StatusContext", s["id"]),
                   url=f"{root}/repos/{s['owner']}/{s['repo']}/statuses/{s['sha']}", state=s["state"],
                   description=s["description"], target_url=s["target_url"], context=s["context"],
                   created_at=s["created_at"], updated_at=s["created_at"], creator=self._bot_json(root))
        return obj

    # ------------------------------------------------------------------ helpers for handlers

    def _repo(self, owner: str, repo: str) -> RepoState:
        return self.repos[(owner.lower(), repo.lower())]

    def _next_id(self) -> int:
        return next(self._ids)

    def _pull_of(self, ctx: _Ctx, where: str = "") -> PullState:
        number = int(ctx.params.get("pull_number") or ctx.params.get("issue_number"))
        pull = self.pulls.get((ctx.params["owner"].lower(), ctx.params["repo"].lower(), number))
        if pull is None:
            raise _Reject(_not_found(), f"{ctx.req.method} {ctx.req.path}: pull request #{number} is not "
                                        "registered with the stand-in")
        return pull

    def _paginate(self, ctx: _Ctx, items: list) -> tuple[list, dict[str, str]]:
        per_page = int(ctx.query.get("per_page") or 30)
        per_page = 30 if per_page <= 0 else min(per_page, 100)
        page = max(1, int(ctx.query.get("page") or 1))
        last = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page: page * per_page]

        def url(p: int) -> str:
            query = urlencode([*[(k, v) for k, v in ctx.req.args.items(multi=True) if k != "page"], ("page", p)])
            return f"{ctx.root}{quote(ctx.req.path)}?{query}"

        links = []
        if page < last:
            links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            links += [f'<{url(1)}>; rel="first"', f'<{url(min(page - 1, last))}>; rel="prev"']
        return chunk, ({"Link": ", ".join(links)} if links else {})

    def _resolve_commit(self, ctx: _Ctx, ref: str | None) -> str | None:
        assert ctx.repo is not None
        return git_rev(ctx.repo.path, ref or ctx.repo.default_branch)

    def _content_entry(self, ctx: _Ctx, path: str, kind: str, sha: str, size: int, ref: str) -> dict:
        full = ctx.repo.full_name  # type: ignore[union-attr]
        api, q = f"{ctx.root}/repos/{full}", quote(path)
        url = f"{api}/contents/{q}?ref={ref}"
        git_url = f"{api}/git/{'trees' if kind == 'dir' else 'blobs'}/{sha}"
        html_url = f"https://github.com/{full}/{'tree' if kind == 'dir' else 'blob'}/{ref}/{q}"
        return {"type": kind, "size": size, "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha,
                "url": url, "git_url": git_url, "html_url": html_url,
                "download_url": None if kind == "dir" else f"https://raw.githubusercontent.com/{full}/{ref}/{q}",
                "_links": {"self": url, "git": git_url, "html": html_url}}

    # ------------------------------------------------------------------ operations: apps

    def _op_apps_create_installation_access_token(self, ctx: _Ctx) -> Reply:
        installation_id = int(ctx.params["installation_id"])
        known = {r.installation_id for r in self.repos.values() if r.installation_id is not None}
        if self.installation_id is not None:
            known.add(self.installation_id)
        if known and installation_id not in known:
            raise _Reject(_not_found(), f"POST {ctx.req.path}: no installation {installation_id} of this app")
        body = ctx.body or {}
        permissions = body.get("permissions") or dict(self.default_permissions)
        repositories = body.get("repositories")
        record = self._new_token(installation_id, permissions, repositories)
        obj = self._example("installation-token", ctx.root)
        obj.update(token=record["token"], expires_at=utc_iso(record["expires"]), permissions=permissions,
                   repository_selection="selected" if repositories else "all")
        if repositories:
            obj["repositories"] = [self._repo_json(ctx.root, r) for r in self.repos.values()
                                   if r.name in repositories]
        else:
            obj.pop("repositories", None)
        return Reply(201, obj)

    def _op_repos_get(self, ctx: _Ctx) -> Reply:  # only in the full description
        _status, example = ctx.op.success()
        obj = _rewrite(example or {}, ctx.root, ctx.repo.full_name)  # type: ignore[union-attr]
        obj.update(self._repo_json(ctx.root, ctx.repo))  # type: ignore[arg-type]
        for key in ("parent", "source", "template_repository", "organization"):
            obj.pop(key, None)
        return Reply(200, obj)

    def _op_repos_get_commit(self, ctx: _Ctx) -> Reply:  # only in the full description
        sha = self._resolve_commit(ctx, ctx.params["ref"])
        if sha is None:
            raise _Reject(_unprocessable(message=f"No commit found for SHA: {ctx.params['ref']}"),
                          rejection=f"GET {ctx.req.path}: unknown commit")
        _status, example = ctx.op.success()
        obj = _rewrite(example or {}, ctx.root, ctx.repo.full_name)  # type: ignore[union-attr]
        obj.update(sha=sha, node_id=_node_id("Commit", _stable_id("commit", sha)),
                   url=f"{ctx.root}/repos/{ctx.repo.full_name}/commits/{sha}")  # type: ignore[union-attr]
        obj.pop("files", None)
        return Reply(200, obj)

    def _op_apps_get_authenticated(self, ctx: _Ctx) -> Reply:
        return Reply(200, self._app_json(ctx.root))

    def _installation_json(self, ctx: _Ctx, installation_id: int) -> dict:
        obj = self._example("installation", ctx.root)
        obj.update(id=installation_id, app_id=int(self.app_id) if str(self.app_id).isdigit() else obj["app_id"],
                   app_slug=self.app_slug, target_type="Organization")
        owner = next((r.owner for r in self.repos.values() if r.installation_id in (None, installation_id)), None)
        if owner:
            obj["account"] = self._user_json(ctx.root, owner, "Organization")
        # apps/list-installations describes the account as allOf [simple-user, enterprise]: give it both shapes
        obj["account"].update(name=obj["account"]["login"], slug=obj["account"]["login"],
                              created_at="2020-01-01T00:00:00Z", updated_at="2020-01-01T00:00:00Z")
        self._admin_installation(obj, installation_id)
        return obj

    def _op_apps_get_installation(self, ctx: _Ctx) -> Reply:
        return Reply(200, self._installation_json(ctx, int(ctx.params["installation_id"])))

    def _op_apps_get_repo_installation(self, ctx: _Ctx) -> Reply:
        inst = (ctx.repo.installation_id if ctx.repo else None) or self.installation_id or 1
        return Reply(200, self._installation_json(ctx, inst))

    def _op_apps_list_installations(self, ctx: _Ctx) -> Reply:
        ids = sorted({r.installation_id or self.installation_id or 1 for r in self.repos.values()}
                     or {self.installation_id or 1})
        items, headers = self._paginate(ctx, [self._installation_json(ctx, i) for i in ids])
        return Reply(200, items, headers)

    def _op_apps_list_repos_accessible_to_installation(self, ctx: _Ctx) -> Reply:
        token = ctx.token or {}
        repos = [r for r in self.repos.values()
                 if (r.installation_id is None or r.installation_id == token.get("installation_id"))
                 and (token.get("repositories") is None or r.name in token["repositories"])]
        items, headers = self._paginate(ctx, [self._repo_json(ctx.root, r) for r in repos])
        selection = self._installation_record(int(token.get("installation_id") or 0))["repository_selection"]
        return Reply(200, {"total_count": len(repos), "repositories": items,
                           "repository_selection": selection}, headers)

    def _op_repos_compare_commits_with_basehead(self, ctx: _Ctx) -> Reply:  # full description only
        basehead = ctx.params.get("basehead") or f"{ctx.params.get('base')}...{ctx.params.get('head')}"
        base_ref, _, head_ref = basehead.partition("...")
        repo = ctx.repo
        assert repo is not None
        base, head = git_rev(repo.path, base_ref), git_rev(repo.path, head_ref)
        if not base or not head:
            return _not_found()
        merge_base = git(repo.path, "merge-base", base, head).decode().strip()
        ahead = int(git(repo.path, "rev-list", "--count", f"{merge_base}..{head}").decode())
        behind = int(git(repo.path, "rev-list", "--count", f"{merge_base}..{base}").decode())
        _status, example = ctx.op.success()
        obj = _rewrite(copy.deepcopy(example or {}), ctx.root, repo.full_name)
        for key, sha in (("base_commit", base), ("merge_base_commit", merge_base)):
            commit = obj.get(key) or {}
            commit["sha"] = sha
            commit["url"] = f"{ctx.root}/repos/{repo.full_name}/commits/{sha}"
            obj[key] = commit
        status = "identical" if ahead == behind == 0 else (
            "ahead" if behind == 0 else "behind" if ahead == 0 else "diverged")
        # The commits (at most 250, as GitHub) and files (at most 300) from the merge base.
        log = git(repo.path, "log", "--reverse", "--format=%H%x1f%B%x1e", f"{merge_base}..{head}").decode()
        commits = []
        for entry in [e for e in log.split("\x1e") if e.strip()][:250]:
            sha, _, message = entry.strip().partition("\x1f")
            commits.append({"sha": sha, "node_id": _node_id("Commit", _stable_id("commit", sha)),
                            "url": f"{ctx.root}/repos/{repo.full_name}/commits/{sha}",
                            "html_url": f"https://github.com/{repo.full_name}/commit/{sha}",
                            "comments_url": f"{ctx.root}/repos/{repo.full_name}/commits/{sha}/comments",
                            "commit": {"message": message.strip(), "url": f"{ctx.root}/repos/{repo.full_name}/git/commits/{sha}",
                                       "author": None, "committer": None, "comment_count": 0,
                                       "tree": {"sha": sha, "url": f"{ctx.root}/repos/{repo.full_name}/git/trees/{sha}"}},
                            "author": None, "committer": None, "parents": []})
        range_pull = PullState(repo.owner, repo.name, 0, base_ref, head_ref, merge_base, base, head, [], 0, 0,
                               "", None, "", "open", False, utc_iso())
        files = [self._file_json(ctx.root, repo, range_pull, f)
                 for f in diff_files(repo.path, merge_base, head)[:300]]
        obj.update(status=status, ahead_by=ahead, behind_by=behind, total_commits=ahead,
                   commits=commits, files=files)
        return Reply(200, obj)

    _op_repos_compare_commits = _op_repos_compare_commits_with_basehead

    # ------------------------------------------------------------------ operations: pulls

    def _op_pulls_get(self, ctx: _Ctx) -> Reply:
        return Reply(200, self._pull_json(ctx.root, self._pull_of(ctx)))

    def _op_pulls_list_files(self, ctx: _Ctx) -> Reply:
        pull = self._pull_of(ctx)
        # GitHub lists at most 3,000 files of a pull request, whatever it holds.
        items, headers = self._paginate(ctx, pull.files[:MAX_LISTED_FILES])
        return Reply(200, [self._file_json(ctx.root, ctx.repo, pull, f) for f in items], headers)  # type: ignore

    def _op_pulls_list_reviews(self, ctx: _Ctx) -> Reply:
        pull = self._pull_of(ctx)
        reviews = [r for r in self.reviews.values() if _same_pull(r, pull.owner, pull.repo, pull.number)]
        items, headers = self._paginate(ctx, reviews)
        return Reply(200, [self._review_json(ctx.root, r) for r in items], headers)

    def _op_pulls_get_review(self, ctx: _Ctx) -> Reply:
        pull = self._pull_of(ctx)
        review = self.reviews.get(int(ctx.params["review_id"]))
        if review is None or not _same_pull(review, pull.owner, pull.repo, pull.number):
            return _not_found()
        return Reply(200, self._review_json(ctx.root, review))

    def _resolve_comment(self, ctx: _Ctx, pull: PullState, comment: dict, where: str) -> dict:
        """Where a review comment lands in the diff, or a 422 like GitHub's."""
        def reject(message: str) -> _Reject:
            return _Reject(_unprocessable(message), rejection=f"{where}: {message}: {json.dumps(comment)[:300]}")

        f = pull.file(comment["path"])
        if f is None:
            raise reject("Path could not be resolved")
        if comment.get("line") is None:
            position = comment.get("position")
            if position is None:
                raise reject("Line could not be resolved")
            if not 1 <= position <= f.positions or (f.patch or "").split("\n")[position].startswith("@@"):
                raise reject("Position could not be resolved")
            line = next((ln for ln, p in f.right_pos.items() if p == position), None)
            side = "RIGHT"
            if line is None:
                line = next((ln for ln, p in f.left_pos.items() if p == position), None)
                side = "LEFT"
            return {"path": f.filename, "position": position, "line": line, "side": side,
                    "start_line": None, "start_side": None, "diff_hunk": f.diff_hunk(position)}
        side = comment.get("side") or "RIGHT"
        start_side = comment.get("start_side") or (side if comment.get("start_line") is not None else None)
        for s in (side, start_side):
            if s not in (None, "LEFT", "RIGHT"):
                raise reject(f"Side {s!r} is not LEFT or RIGHT")
        line = comment["line"]
        lines = f.right_lines if side == "RIGHT" else f.left_lines
        if line not in lines:
            raise reject("Line could not be resolved")
        start_line = comment.get("start_line")
        if start_line is not None:
            start_lines = f.right_lines if start_side == "RIGHT" else f.left_lines
            if start_line not in start_lines:
                raise reject("Line could not be resolved")
            if start_side == side and start_line > line:
                raise reject("start_line must precede line")
        position = (f.right_pos if side == "RIGHT" else f.left_pos)[line]
        return {"path": f.filename, "position": position, "line": line, "side": side, "start_line": start_line,
                "start_side": start_side if start_line is not None else None, "diff_hunk": f.diff_hunk(position)}

    def _commit_of(self, ctx: _Ctx, pull: PullState, commit_id: str | None, where: str) -> str:
        if not commit_id:
            return pull.head_sha
        sha = git_rev(ctx.repo.path, commit_id)  # type: ignore[union-attr]
        if sha is None or not _is_ancestor(ctx.repo.path, sha, pull.head_sha):  # type: ignore[union-attr]
            message = f"No commit found for SHA: {commit_id}"
            raise _Reject(_unprocessable(message), rejection=f"{where}: {message}")
        return sha

    def _op_pulls_create_review(self, ctx: _Ctx) -> Reply:
        where = f"POST {ctx.req.path}"
        pull = self._pull_of(ctx)
        body = ctx.body or {}
        commit_id = self._commit_of(ctx, pull, body.get("commit_id"), where)
        placed = [self._resolve_comment(ctx, pull, c, where) | {"body": c["body"]} for c in body.get("comments") or []]
        event = body.get("event")
        state = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}.get(
            event or "", "PENDING")
        if state == "PENDING" and any(r["state"] == "PENDING" for r in self.reviews.values()
                                      if _same_pull(r, pull.owner, pull.repo, pull.number)):
            message = "User can only have one pending review per pull request"
            raise _Reject(_unprocessable(message), rejection=f"{where}: {message}")
        if state in ("CHANGES_REQUESTED", "COMMENTED") and not body.get("body"):
            # the description: "**Required** when using REQUEST_CHANGES or COMMENT for the event parameter"
            message = "Body is required when event is REQUEST_CHANGES or COMMENT"
            raise _Reject(_unprocessable(message), rejection=f"{where}: {message}")
        now = utc_iso()
        review = {"id": self._next_id(), "owner": pull.owner, "repo": pull.repo, "number": pull.number,
                  "body": body.get("body") or "", "state": state, "event": event, "commit_id": commit_id,
                  "submitted_at": None if state == "PENDING" else now}
        self.reviews[review["id"]] = review
        for c in placed:
            self._add_review_comment(pull, review["id"], commit_id, c, now)
        return Reply(200, self._review_json(ctx.root, review))

    def _add_review_comment(self, pull: PullState, review_id: int, commit_id: str, placed: dict, now: str,
                            in_reply_to: int | None = None) -> dict:
        comment = {"id": self._next_id(), "owner": pull.owner, "repo": pull.repo, "number": pull.number,
                   "review_id": review_id, "commit_id": commit_id, "created_at": now, "updated_at": now,
                   "in_reply_to_id": in_reply_to, **placed}
        self.review_comments[comment["id"]] = comment
        return comment

    def _op_pulls_create_review_comment(self, ctx: _Ctx) -> Reply:
        where = f"POST {ctx.req.path}"
        pull = self._pull_of(ctx)
        body = ctx.body or {}
        now = utc_iso()
        if body.get("in_reply_to") is not None:
            parent = self.review_comments.get(int(body["in_reply_to"]))
            if parent is None or not _same_pull(parent, pull.owner, pull.repo, pull.number):
                return _not_found()
            placed = {k: parent[k] for k in ("path", "position", "line", "side", "start_line", "start_side",
                                             "diff_hunk")}
            return Reply(201, self._review_comment_json(ctx.root, self._add_review_comment(
                pull, parent["review_id"], parent["commit_id"], placed | {"body": body["body"]}, now, parent["id"])))
        commit_id = self._commit_of(ctx, pull, body.get("commit_id"), where)
        if body.get("subject_type") == "file":
            f = pull.file(body.get("path", ""))
            if f is None:
                raise _Reject(_unprocessable("Path could not be resolved"), rejection=f"{where}: path not in diff")
            placed = {"path": f.filename, "position": None, "line": None, "side": None, "start_line": None,
                      "start_side": None, "diff_hunk": ""}
        else:
            placed = self._resolve_comment(ctx, pull, body, where)
        review = {"id": self._next_id(), "owner": pull.owner, "repo": pull.repo, "number": pull.number,
                  "body": "", "state": "COMMENTED", "event": "COMMENT", "commit_id": commit_id, "submitted_at": now}
        self.reviews[review["id"]] = review
        comment = self._add_review_comment(pull, review["id"], commit_id, placed | {"body": body["body"]}, now)
        return Reply(201, self._review_comment_json(ctx.root, comment))

    def _op_pulls_create_reply_for_review_comment(self, ctx: _Ctx) -> Reply:
        pull = self._pull_of(ctx)
        parent = self.review_comments.get(int(ctx.params["comment_id"]))
        if parent is None or not _same_pull(parent, pull.owner, pull.repo, pull.number):
            return _not_found()
        placed = {k: parent[k] for k in ("path", "position", "line", "side", "start_line", "start_side", "diff_hunk")}
        comment = self._add_review_comment(pull, parent["review_id"], parent["commit_id"],
                                           placed | {"body": ctx.body["body"]}, utc_iso(), parent["id"])
        return Reply(201, self._review_comment_json(ctx.root, comment))

    def _op_pulls_list_review_comments(self, ctx: _Ctx) -> Reply:
        pull = self._pull_of(ctx)
        comments = [c for c in self.review_comments.values() if _same_pull(c, pull.owner, pull.repo, pull.number)]
        if ctx.query.get("direction") == "desc":
            comments.reverse()
        items, headers = self._paginate(ctx, comments)
        return Reply(200, [self._review_comment_json(ctx.root, c) for c in items], headers)

    def _op_pulls_list_comments_for_review(self, ctx: _Ctx) -> Reply:
        pull = self._pull_of(ctx)
        review_id = int(ctx.params["review_id"])
        if review_id not in self.reviews:
            return _not_found()
        comments = [c for c in self.review_comments.values()
                    if c["review_id"] == review_id and _same_pull(c, pull.owner, pull.repo, pull.number)]
        items, headers = self._paginate(ctx, comments)
        out = []
        for c in items:  # this endpoint returns the "review-comment" shape: no line/side fields needed
            obj = self._review_comment_json(ctx.root, c)
            out.append(obj)
        return Reply(200, out, headers)

    def _op_pulls_get_review_comment(self, ctx: _Ctx) -> Reply:
        c = self.review_comments.get(int(ctx.params["comment_id"]))
        if c is None or (c["owner"].lower(), c["repo"].lower()) != (ctx.repo.owner.lower(), ctx.repo.name.lower()):  # type: ignore
            return _not_found()
        return Reply(200, self._review_comment_json(ctx.root, c))

    def _op_pulls_update_review_comment(self, ctx: _Ctx) -> Reply:
        c = self.review_comments.get(int(ctx.params["comment_id"]))
        if c is None:
            return _not_found()
        c.update(body=ctx.body["body"], updated_at=utc_iso())
        return Reply(200, self._review_comment_json(ctx.root, c))

    def _op_pulls_delete_review_comment(self, ctx: _Ctx) -> Reply:
        if self.review_comments.pop(int(ctx.params["comment_id"]), None) is None:
            return _not_found()
        return Reply(204)

    # ------------------------------------------------------------------ operations: contents and git data

    def _op_repos_get_content(self, ctx: _Ctx) -> Reply:
        repo = ctx.repo
        assert repo is not None
        ref = ctx.query.get("ref") or repo.default_branch
        commit = git_rev(repo.path, ref)
        if commit is None:
            return _error(404, f"No commit found for the ref {ref}")
        path = ctx.params["path"].strip("/")
        entry = _ls_entry(repo.path, commit, path)
        if entry is None:
            return _not_found()
        mode, kind, sha, size = entry
        if kind == "tree":
            children = []
            for cmode, ckind, csha, csize, name in _ls_tree(repo.path, sha):
                ctype = {"tree": "dir", "commit": "submodule"}.get(ckind, "symlink" if cmode == "120000" else "file")
                children.append(self._content_entry(ctx, f"{path}/{name}" if path else name, ctype, csha, csize, ref))
            return Reply(200, children)
        if kind != "blob":
            return _not_found()
        data = git(repo.path, "cat-file", "blob", sha)
        if "raw" in ctx.req.headers.get("Accept", ""):
            return Reply(200, raw=data, content_type="application/vnd.github.raw")
        obj = self._content_entry(ctx, path, "symlink" if mode == "120000" else "file", sha, size, ref)
        if mode == "120000":
            obj["target"] = data.decode(errors="replace")
        else:
            inline = size <= CONTENTS_INLINE_LIMIT
            obj["encoding"] = "base64" if inline else "none"
            obj["content"] = _b64_lines(data) if inline else ""
        return Reply(200, obj)

    def _op_git_get_blob(self, ctx: _Ctx) -> Reply:
        repo = ctx.repo
        assert repo is not None
        sha = git_rev(repo.path, ctx.params["file_sha"], "blob") if re.fullmatch(
            r"[0-9a-fA-F]{4,40}", ctx.params["file_sha"]) else None
        if sha is None:
            return _not_found()
        data = git(repo.path, "cat-file", "blob", sha)
        return Reply(200, {"sha": sha, "node_id": _node_id("Blob", _stable_id(sha)), "size": len(data),
                           "url": f"{ctx.root}/repos/{repo.full_name}/git/blobs/{sha}",
                           "content": _b64_lines(data), "encoding": "base64"})

    def _op_git_get_tree(self, ctx: _Ctx) -> Reply:
        repo = ctx.repo
        assert repo is not None
        tree = git_rev(repo.path, ctx.params["tree_sha"], "tree")
        if tree is None:
            return _not_found()
        recursive = "recursive" in ctx.query
        api = f"{ctx.root}/repos/{repo.full_name}/git"
        entries = []
        for mode, kind, sha, size, name in _ls_tree(repo.path, tree, recursive):
            item = {"path": name, "mode": mode, "type": kind, "sha": sha,
                    "url": f"{api}/{'trees' if kind == 'tree' else 'blobs'}/{sha}"}
            if kind == "blob":
                item["size"] = size
            entries.append(item)
        return Reply(200, {"sha": tree, "url": f"{api}/trees/{tree}", "tree": entries, "truncated": False})

    # ------------------------------------------------------------------ operations: checks

    def _op_checks_create(self, ctx: _Ctx) -> Reply:
        where = f"POST {ctx.req.path}"
        body = ctx.body
        repo = ctx.repo
        assert repo is not None
        sha = git_rev(repo.path, body["head_sha"]) if re.fullmatch(r"[0-9a-fA-F]{40}", body["head_sha"]) else None
        if sha is None:
            message = f"No commit found for SHA: {body['head_sha']}"
            raise _Reject(_unprocessable(message, message="Validation Failed"), rejection=f"{where}: {message}")
        output = body.get("output") or {}
        self._check_output(output, where)
        status = "completed" if body.get("conclusion") else body.get("status", "queued")
        if status == "completed" and not body.get("conclusion"):
            raise _Reject(_error(422, "Invalid request.\n\n\"conclusion\" wasn't supplied."),
                          f"{where}: status completed without a conclusion")
        now = utc_iso()
        run = {"id": self._next_id(), "owner": repo.owner, "repo": repo.name, "name": body["name"],
               "head_sha": sha, "status": status, "conclusion": body.get("conclusion"),
               "started_at": body.get("started_at") or now,
               "completed_at": (body.get("completed_at") or now) if status == "completed" else None,
               "details_url": body.get("details_url"), "external_id": body.get("external_id") or "",
               "output": {k: output.get(k) for k in ("title", "summary", "text")},
               "annotations": list(output.get("annotations") or []), "actions": list(body.get("actions") or []),
               "check_suite_id": _stable_id("suite", sha), "updates": 0}
        self.check_runs[run["id"]] = run
        return Reply(201, self._check_run_json(ctx.root, run))

    def _check_output(self, output: dict, where: str) -> None:
        annotations = output.get("annotations") or []
        if len(annotations) > MAX_ANNOTATIONS_PER_REQUEST:
            raise _Reject(_error(422, "Invalid request.\n\nOnly 50 annotations are allowed per request."),
                          f"{where}: {len(annotations)} annotations in one request (max 50)")
        for key in ("summary", "text"):
            if len(output.get(key) or "") > MAX_OUTPUT_TEXT:
                raise _Reject(_error(422, f"Invalid request.\n\noutput.{key} is too long (maximum is 65535 characters)"),
                              f"{where}: output.{key} has {len(output[key])} characters (max 65535)")

    def _run_of(self, ctx: _Ctx) -> dict:
        run = self.check_runs.get(int(ctx.params["check_run_id"]))
        if run is None or (run["owner"].lower(), run["repo"].lower()) != (ctx.repo.owner.lower(), ctx.repo.name.lower()):  # type: ignore
            raise _Reject(_not_found(), f"{ctx.req.method} {ctx.req.path}: no such check run")
        return run

    def _op_checks_get(self, ctx: _Ctx) -> Reply:
        return Reply(200, self._check_run_json(ctx.root, self._run_of(ctx)))

    def _op_checks_update(self, ctx: _Ctx) -> Reply:
        where = f"PATCH {ctx.req.path}"
        run = self._run_of(ctx)
        body = ctx.body or {}
        output = body.get("output")
        if output is not None:
            self._check_output(output, where)
        status = "completed" if body.get("conclusion") else body.get("status", run["status"])
        if status == "completed" and not (body.get("conclusion") or run["conclusion"]):
            raise _Reject(_error(422, "Invalid request.\n\n\"conclusion\" wasn't supplied."),
                          f"{where}: status completed without a conclusion")
        for key in ("name", "details_url", "external_id", "started_at"):
            if key in body:
                run[key] = body[key]
        if "actions" in body:
            run["actions"] = list(body["actions"])
        run["status"] = status
        if body.get("conclusion"):
            run["conclusion"] = body["conclusion"]
        if status == "completed":
            run["completed_at"] = body.get("completed_at") or run["completed_at"] or utc_iso()
        if output is not None:
            for key in ("title", "summary", "text"):
                if key in output:
                    run["output"][key] = output[key]
            run["annotations"].extend(output.get("annotations") or [])  # GitHub appends
        run["updates"] += 1
        return Reply(200, self._check_run_json(ctx.root, run))

    def _op_checks_list_annotations(self, ctx: _Ctx) -> Reply:
        run = self._run_of(ctx)
        blob_base = f"https://github.com/{ctx.repo.full_name}/blob/{run['head_sha']}"  # type: ignore[union-attr]
        items = [{"path": a["path"], "start_line": a["start_line"], "end_line": a["end_line"],
                  "start_column": a.get("start_column"), "end_column": a.get("end_column"),
                  "annotation_level": a["annotation_level"], "title": a.get("title"), "message": a["message"],
                  "raw_details": a.get("raw_details"), "blob_href": f"{blob_base}/{quote(a['path'])}"}
                 for a in run["annotations"]]
        chunk, headers = self._paginate(ctx, items)
        return Reply(200, chunk, headers)

    def _op_checks_list_for_ref(self, ctx: _Ctx) -> Reply:
        sha = self._resolve_commit(ctx, ctx.params["ref"])
        if sha is None:
            return _error(422, f"No commit found for SHA: {ctx.params['ref']}")
        runs = [r for r in self.check_runs.values()
                if r["head_sha"] == sha and (r["owner"].lower(), r["repo"].lower()) ==
                (ctx.repo.owner.lower(), ctx.repo.name.lower())  # type: ignore[union-attr]
                and ctx.query.get("check_name") in (None, r["name"])
                and ctx.query.get("status") in (None, r["status"])]
        runs.sort(key=lambda r: -r["id"])
        if ctx.query.get("filter", "latest") == "latest":
            seen, latest = set(), []
            for r in runs:
                if r["name"] not in seen:
                    seen.add(r["name"])
                    latest.append(r)
            runs = latest
        chunk, headers = self._paginate(ctx, runs)
        return Reply(200, {"total_count": len(runs), "check_runs": [self._check_run_json(ctx.root, r) for r in chunk]},
                     headers)

    # ------------------------------------------------------------------ operations: issue comments, statuses

    def _op_issues_list_comments(self, ctx: _Ctx) -> Reply:
        pull = self._pull_of(ctx)
        comments = [c for c in self.issue_comments.values() if _same_pull(c, pull.owner, pull.repo, pull.number)]
        chunk, headers = self._paginate(ctx, comments)
        return Reply(200, [self._issue_comment_json(ctx.root, c) for c in chunk], headers)

    def _op_issues_create_comment(self, ctx: _Ctx) -> Reply:
        pull = self._pull_of(ctx)
        now = utc_iso()
        c = {"id": self._next_id(), "owner": pull.owner, "repo": pull.repo, "number": pull.number,
             "body": ctx.body["body"], "created_at": now, "updated_at": now}
        self.issue_comments[c["id"]] = c
        return Reply(201, self._issue_comment_json(ctx.root, c))

    def _issue_comment_of(self, ctx: _Ctx) -> dict | None:
        c = self.issue_comments.get(int(ctx.params["comment_id"]))
        if c is None or (c["owner"].lower(), c["repo"].lower()) != (ctx.repo.owner.lower(), ctx.repo.name.lower()):  # type: ignore
            return None
        return c

    def _op_issues_get_comment(self, ctx: _Ctx) -> Reply:
        c = self._issue_comment_of(ctx)
        return Reply(200, self._issue_comment_json(ctx.root, c)) if c else _not_found()

    def _op_issues_update_comment(self, ctx: _Ctx) -> Reply:
        c = self._issue_comment_of(ctx)
        if c is None:
            return _not_found()
        c.update(body=ctx.body["body"], updated_at=utc_iso())
        return Reply(200, self._issue_comment_json(ctx.root, c))

    def _op_issues_delete_comment(self, ctx: _Ctx) -> Reply:
        c = self._issue_comment_of(ctx)
        if c is None:
            return _not_found()
        del self.issue_comments[c["id"]]
        return Reply(204)

    def _op_repos_create_commit_status(self, ctx: _Ctx) -> Reply:
        sha = self._resolve_commit(ctx, ctx.params["sha"])
        if sha is None:
            message = f"No commit found for SHA: {ctx.params['sha']}"
            raise _Reject(_unprocessable(message, message="Validation Failed"),
                          rejection=f"POST {ctx.req.path}: {message}")
        body = ctx.body
        s = {"id": self._next_id(), "owner": ctx.repo.owner, "repo": ctx.repo.name, "sha": sha,  # type: ignore
             "state": body["state"], "description": body.get("description"), "target_url": body.get("target_url"),
             "context": body.get("context") or "default", "created_at": utc_iso()}
        self.statuses.append(s)
        return Reply(201, self._status_json(ctx.root, s))

    def _statuses_for(self, ctx: _Ctx) -> tuple[str | None, list[dict]]:
        sha = self._resolve_commit(ctx, ctx.params["ref"])
        return sha, [s for s in reversed(self.statuses) if s["sha"] == sha and
                     (s["owner"].lower(), s["repo"].lower()) == (ctx.repo.owner.lower(), ctx.repo.name.lower())]  # type: ignore

    def _op_repos_list_commit_statuses_for_ref(self, ctx: _Ctx) -> Reply:
        _sha, statuses = self._statuses_for(ctx)
        chunk, headers = self._paginate(ctx, statuses)
        return Reply(200, [self._status_json(ctx.root, s) for s in chunk], headers)

    def _op_repos_get_combined_status_for_ref(self, ctx: _Ctx) -> Reply:
        sha, statuses = self._statuses_for(ctx)
        if sha is None:
            return _not_found()
        latest: dict[str, dict] = {}
        for s in statuses:
            latest.setdefault(s["context"], s)
        states = {s["state"] for s in latest.values()}
        state = "failure" if states & {"failure", "error"} else "pending" if "pending" in states or not states \
            else "success"
        obj = self._example("combined-commit-status", ctx.root, ctx.repo.full_name)  # type: ignore[union-attr]
        obj.update(state=state, sha=sha, total_count=len(latest),
                   statuses=[{k: v for k, v in self._status_json(ctx.root, s).items() if k != "creator"}
                             for s in latest.values()],
                   repository=self._repo_json(ctx.root, ctx.repo),  # type: ignore[arg-type]
                   commit_url=f"{ctx.root}/repos/{ctx.repo.full_name}/commits/{sha}",  # type: ignore
                   url=f"{ctx.root}/repos/{ctx.repo.full_name}/commits/{sha}/status")  # type: ignore
        return Reply(200, obj)

    def _op_teams_get_membership_for_user_in_org(self, ctx: _Ctx) -> Reply:  # full description only
        where = f"GET {ctx.req.path}"
        token = ctx.token or {}
        if token.get("permissions", {}).get("members") not in ("read", "write"):
            raise _Reject(_error(403, "Resource not accessible by integration"),
                          f"{where}: the installation has no organisation members permission")
        org, slug, login = ctx.params["org"], ctx.params["team_slug"], ctx.params["username"]
        members = self.teams.get((org.lower(), slug.lower()))
        if members is None or login.lower() not in {m.lower() for m in members}:
            return _not_found()
        return Reply(200, {"url": f"{ctx.root}/organizations/1/team/{_stable_id('team', slug)}/memberships/{login}",
                           "role": "member", "state": "active"})

    def _op_rate_limit_get(self, ctx: _Ctx) -> Reply:
        obj = self._example("rate-limit-overview", ctx.root)
        reset = int(time.time()) + 3600

        def fix(node: Any) -> None:
            if isinstance(node, dict):
                if "reset" in node:
                    node["reset"] = reset
                for value in node.values():
                    fix(value)

        fix(obj)
        return Reply(200, obj)

    # ------------------------------------------------------------------ anything else

    def _from_example(self, ctx: _Ctx) -> Reply:
        status, example = ctx.op.success()
        full = ctx.repo.full_name if ctx.repo else None
        if status == 204 or example is None:
            return Reply(status, None if status == 204 else {})
        return Reply(status, _rewrite(example, ctx.root, full))


# --------------------------------------------------------------------------- small helpers


def _short_ref(ref: str) -> str:
    return ref.removeprefix("refs/heads/")


def _same_pull(record: dict, owner: str, repo: str, number: int) -> bool:
    return (record["owner"].lower(), record["repo"].lower(), record["number"]) == (owner.lower(), repo.lower(), number)


def _is_ancestor(path: Path, ancestor: str, descendant: str) -> bool:
    return subprocess.run(["git", "-C", str(path), "merge-base", "--is-ancestor", ancestor, descendant],
                          capture_output=True, check=False).returncode == 0


def _b64_lines(data: bytes) -> str:
    """Base64 the way the contents API sends it: a newline after every 60 characters."""
    encoded = base64.b64encode(data).decode()
    return "".join(encoded[i:i + 60] + "\n" for i in range(0, len(encoded), 60))


def _ls_tree(path: Path, tree: str, recursive: bool = False) -> list[tuple[str, str, str, int, str]]:
    out = []
    args = ["ls-tree", "-z", "-l", *(["-r", "-t"] if recursive else []), tree]
    for record in git(path, *args).split(b"\0"):
        if record:
            meta, name = record.split(b"\t", 1)
            mode, kind, sha, size = meta.decode().split()
            out.append((mode, kind, sha, int(size) if size.isdigit() else 0, name.decode(errors="surrogateescape")))
    return out


def _ls_entry(path: Path, commit: str, file_path: str) -> tuple[str, str, str, int] | None:
    if not file_path:
        return "040000", "tree", git_rev(path, commit, "tree") or "", 0
    for record in git(path, "ls-tree", "-z", "-l", "--full-tree", commit, "--", file_path).split(b"\0"):
        if record:
            meta, name = record.split(b"\t", 1)
            if name.decode(errors="surrogateescape") == file_path:
                mode, kind, sha, size = meta.decode().split()
                return mode, kind, sha, int(size) if size.isdigit() else 0
    return None


def _load_event(event: str, action: str, fallback: str) -> dict:
    path = WEBHOOK_DIR / f"{event}.{action}.1.json"
    if not path.exists():
        path = WEBHOOK_DIR / f"{event}.{fallback}.1.json"
    return json.loads(path.read_text())
