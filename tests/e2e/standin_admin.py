"""The stand-in's answers about the app's own wiring, for ``policy-reviewer doctor``.

A mixin of ``GitHubStandIn`` (its own file, so that the two grow apart without conflicts):

* ``GET /app`` and ``GET /app/installations`` carry the permissions and events set here
  (by default, those ``github-app-manifest.json`` asks for, all accepted);
* ``GET /app/hook/config`` and ``GET /app/hook/deliveries`` (full description only);
* ``GET /repos/{o}/{r}/rules/branches/{branch}``: the active rules set with ``set_branch_rules``;
* ``GET /repos/{o}/{r}/branches/{branch}/protection/required_status_checks``: 403 unless the
  installation has Administration (read), as on GitHub; 404 when the branch is not protected;
* ``GET /repos/{o}/{r}`` of a repository the token cannot see is a 404 recorded as a
  rejection, not a violation: asking whether a repository is visible is what doctor is for.

Every answer is checked against the OpenAPI description like the stand-in's others.
"""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.e2e.standin import Operation, Reply, _Ctx

MANIFEST = Path(__file__).resolve().parents[2] / "github-app-manifest.json"
# Operations whose 404 for an unseen repository is an answer, not the app's mistake.
PROBES = frozenset({"repos/get"})


def _s() -> Any:
    # The stand-in module imports this one; its helpers are looked up when a request comes.
    from tests.e2e import standin
    return standin


class AdminEndpoints:
    """State and handlers; ``_init_admin`` is called from ``GitHubStandIn.__init__``."""

    def _init_admin(self) -> None:
        manifest = json.loads(MANIFEST.read_text())
        self.app_permissions: dict[str, str] = dict(manifest["default_permissions"])
        self.app_events: list[str] = list(manifest["default_events"])
        self.app_client_id: str | None = None
        # installation id -> overrides: permissions, events, repository_selection, account_type, suspended
        self.installation_settings: dict[int, dict[str, Any]] = {}
        self.hook_config: dict[str, Any] = {"content_type": "json", "insecure_ssl": "0", "secret": "********",
                                            "url": "https://policy-reviewer.example.com/webhook"}
        self.deliveries: list[dict[str, Any]] = []  # newest first, as GitHub lists them
        self.branch_rules: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        self.branch_protection: dict[tuple[str, str, str], list[tuple[str, int | None]]] = {}
        self.failing_operations: dict[str, int] = {}

    # ------------------------------------------------------------------ set-up

    def set_app_permissions(self, permissions: dict[str, str]) -> None:
        """What the app asks for (GET /app); installations keep theirs until set too."""
        self.app_permissions = dict(permissions)

    def set_app_events(self, events: list[str]) -> None:
        self.app_events = list(events)

    def set_installation(self, installation_id: int, *, permissions: dict[str, str] | None = None,
                         events: list[str] | None = None, repository_selection: str | None = None,
                         account_type: str | None = None, suspended: bool | None = None) -> None:
        """What one installation has accepted, and how it is installed."""
        record = self.installation_settings.setdefault(installation_id, {})
        for key, value in (("permissions", permissions), ("events", events),
                           ("repository_selection", repository_selection), ("account_type", account_type),
                           ("suspended", suspended)):
            if value is not None:
                record[key] = copy.deepcopy(value)

    def set_hook_config(self, url: str, insecure_ssl: str = "0") -> None:
        self.hook_config.update(url=url, insecure_ssl=insecure_ssl)

    def add_delivery(self, event: str, status_code: int, *, action: str | None = None, status: str | None = None,
                     guid: str | None = None, redelivery: bool = False, installation_id: int | None = None,
                     delivered_at: str = "2024-05-01T12:00:00Z") -> dict[str, Any]:
        """A delivery GitHub made (the newest so far)."""
        ident = self._next_id()  # type: ignore[attr-defined]
        item = {"id": ident, "guid": guid or str(uuid.uuid4()), "delivered_at": delivered_at,
                "redelivery": redelivery, "duration": 0.1,
                "status": status or ("OK" if 200 <= status_code < 300 else "Invalid HTTP Response: 502"),
                "status_code": status_code, "event": event, "action": action,
                "installation_id": installation_id, "repository_id": None, "throttled_at": None}
        self.deliveries.insert(0, item)
        return item

    def set_branch_rules(self, owner: str, repo: str, branch: str, rules: list[dict[str, Any]]) -> None:
        """The active rules GitHub lists for a branch (rulesets of the repository and the org)."""
        self.branch_rules[(owner.lower(), repo.lower(), branch)] = copy.deepcopy(rules)

    def set_branch_protection(self, owner: str, repo: str, branch: str,
                              checks: list[tuple[str, int | None]] | None) -> None:
        """Branch protection's required checks, (context, app id or None); None: not protected."""
        key = (owner.lower(), repo.lower(), branch)
        if checks is None:
            self.branch_protection.pop(key, None)
        else:
            self.branch_protection[key] = list(checks)

    def fail_operation(self, operation_id: str, status: int = 502) -> None:
        """Every call of one of this mixin's operations fails with ``status`` (502: a bad gateway)."""
        self.failing_operations[operation_id] = status

    @staticmethod
    def required_checks_rule(*checks: tuple[str, int | None], ruleset_id: int = 42,
                             source: str = "acme", organisation: bool = True) -> dict[str, Any]:
        """A ``required_status_checks`` rule as GitHub lists it."""
        items = [{"context": c} | ({"integration_id": i} if i is not None else {}) for c, i in checks]
        return {"type": "required_status_checks", "ruleset_id": ruleset_id, "ruleset_source": source,
                "ruleset_source_type": "Organization" if organisation else "Repository",
                "parameters": {"required_status_checks": items, "strict_required_status_checks_policy": False}}

    @staticmethod
    def merge_queue_rule(ruleset_id: int = 43, source: str = "acme") -> dict[str, Any]:
        """A ``merge_queue`` rule, with GitHub's default parameters."""
        return {"type": "merge_queue", "ruleset_id": ruleset_id, "ruleset_source": source,
                "ruleset_source_type": "Organization",
                "parameters": {"check_response_timeout_minutes": 60, "grouping_strategy": "ALLGREEN",
                               "max_entries_to_build": 5, "max_entries_to_merge": 5, "merge_method": "MERGE",
                               "min_entries_to_merge": 1, "min_entries_to_merge_wait_minutes": 5}}

    # ------------------------------------------------------------------ hooks for the stand-in's JSON

    def _admin_app(self, app: dict[str, Any]) -> None:
        app.update(permissions=dict(self.app_permissions), events=list(self.app_events))
        if self.app_client_id:
            app["client_id"] = self.app_client_id

    def _installation_record(self, installation_id: int) -> dict[str, Any]:
        """An installation's wiring: by default it accepted everything the app asks for."""
        record = {"permissions": dict(self.app_permissions), "events": list(self.app_events),
                  "repository_selection": "all", "account_type": "Organization", "suspended": False}
        record.update(copy.deepcopy(self.installation_settings.get(installation_id, {})))
        return record

    def _admin_installation(self, obj: dict[str, Any], installation_id: int) -> None:
        record = self._installation_record(installation_id)
        login = obj["account"]["login"]
        obj.update(permissions=record["permissions"], events=record["events"],
                   repository_selection=record["repository_selection"], target_type=record["account_type"],
                   suspended_at="2024-05-01T12:00:00Z" if record["suspended"] else None,
                   html_url=(f"https://github.com/organizations/{login}/settings/installations/{installation_id}"
                             if record["account_type"] == "Organization"
                             else f"https://github.com/settings/installations/{installation_id}"))
        obj["account"]["type"] = record["account_type"]

    def _unseen(self, op: Operation, where: str, reason: str) -> Exception:
        """The 404 for a repository the token cannot see: a violation, unless the operation
        is how a client asks whether it can see it."""
        s = _s()
        if op.operation_id in PROBES:
            return s._Reject(s._not_found(), rejection=f"{where}: {reason}")
        return s._Reject(s._not_found(), f"{where}: {reason}")

    # ------------------------------------------------------------------ operations

    def _failing(self, ctx: _Ctx) -> Reply | None:
        status = self.failing_operations.get(ctx.op.operation_id)
        if status is None:
            return None
        s = _s()
        return s._bad_gateway() if status == 502 else s._error(status, "Server Error")

    def _op_apps_get_webhook_config_for_app(self, ctx: _Ctx) -> Reply:  # full description only
        return self._failing(ctx) or _s().Reply(200, dict(self.hook_config))

    def _op_apps_list_webhook_deliveries(self, ctx: _Ctx) -> Reply:  # full description only
        failed = self._failing(ctx)
        if failed:
            return failed
        s = _s()
        per_page = max(1, min(int(ctx.query.get("per_page") or 30), 100))
        start = int(ctx.query.get("cursor") or 0)
        items = self.deliveries
        if ctx.query.get("status") in ("success", "failure"):
            ok = ctx.query["status"] == "success"
            items = [d for d in items if (200 <= d["status_code"] < 400) == ok]
        headers = {}
        if start + per_page < len(items):
            after = f"{ctx.root}/app/hook/deliveries?per_page={per_page}&cursor={start + per_page}"
            headers["Link"] = f'<{after}>; rel="next"'
        return s.Reply(200, copy.deepcopy(items[start:start + per_page]), headers)

    def _op_repos_get_branch_rules(self, ctx: _Ctx) -> Reply:  # full description only
        failed = self._failing(ctx)
        if failed:
            return failed
        repo = ctx.repo
        assert repo is not None
        rules = self.branch_rules.get((repo.owner.lower(), repo.name.lower(), ctx.params["branch"]), [])
        items, headers = self._paginate(ctx, copy.deepcopy(rules))  # type: ignore[attr-defined]
        return _s().Reply(200, items, headers)

    def _op_repos_get_status_checks_protection(self, ctx: _Ctx) -> Reply:  # full description only
        failed = self._failing(ctx)
        if failed:
            return failed
        s = _s()
        where = f"GET {ctx.req.path}"
        granted = self._installation_record((ctx.token or {}).get("installation_id") or 0)["permissions"]
        if granted.get("administration") not in ("read", "write"):
            raise s._Reject(s._error(403, "Resource not accessible by integration"),
                            rejection=f"{where}: the installation has no Administration permission")
        repo, branch = ctx.repo, ctx.params["branch"]
        assert repo is not None
        checks = self.branch_protection.get((repo.owner.lower(), repo.name.lower(), branch))
        if checks is None:
            return s._error(404, "Branch not protected")
        url = f"{ctx.root}/repos/{repo.full_name}/branches/{branch}/protection/required_status_checks"
        return s.Reply(200, {"url": url, "strict": False, "contexts": [c for c, _ in checks],
                             "checks": [{"context": c, "app_id": a} for c, a in checks],
                             "contexts_url": f"{url}/contexts"})
