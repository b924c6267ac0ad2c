"""The review page's guards, in-process: settings, escaping, sign-in checks, no open redirect."""

from __future__ import annotations

import re
from typing import Any

import pytest

from reviewer.github.settings import InvalidSetting, MissingSetting, PageSettings, page_settings
from reviewer.web import create_app
from reviewer.web.page_html import page

LINKS = {"web": "https://github.com", "repository": "acme/billing", "number": 7}
ENV = {"PUBLIC_URL": "https://reviewer.example.com/", "GITHUB_CLIENT_ID": "Iv1.x",
       "GITHUB_CLIENT_SECRET": "s", "SECRET_KEY": "x" * 40}


def test_the_page_needs_its_oauth_client_and_a_long_secret_key() -> None:
    assert page_settings({}) is None  # no PUBLIC_URL: no page
    settings = page_settings(ENV)
    assert settings is not None and settings.public_url == "https://reviewer.example.com"
    assert settings.web_url == "https://github.com"
    assert "x" * 40 not in repr(settings) and "client_secret" not in repr(settings)
    for name in ("GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "SECRET_KEY"):
        with pytest.raises(MissingSetting, match=name):
            page_settings({k: v for k, v in ENV.items() if k != name})
    with pytest.raises(InvalidSetting, match="SECRET_KEY is too short"):
        page_settings({**ENV, "SECRET_KEY": "short"})
    ghes = PageSettings("https://r", "id", "s", "k" * 40, "https://ghe.example.com/api/v3")
    assert ghes.web_url == "https://ghe.example.com"


def hostile_record() -> dict[str, Any]:
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"\''
    finding = {"rule": evil, "severity": evil, "path": evil, "line": 1, "resource": evil,
               "message": evil, "waived": evil, "blocking": True}
    return {"repository": "acme/" + evil, "number": evil, "head": evil, "conclusion": evil,
            "title": evil, "at": 0, "incomplete": [evil],
            "new": {"items": [finding], "more": 0}, "fixed": {"items": [], "more": 0},
            "unchanged": {"items": [], "more": 0},
            "delta": [{"principal": evil, "path": evil, "added": [evil], "risks": {evil: [evil]},
                       "escalation": [evil], "more": 0,
                       "changes": [{"kind": evil, "headline": evil, "actions": [evil], "detail": evil,
                                    "line": evil, "base_line": evil}]}],
            "reach": [{"path": evil, "holder": evil, "kind": "reach", "new_holder": True,
                       "entries": [{"principal": evil, "actions": [evil], "conditions": [evil],
                                    "line": evil, "new": True}]}],
            "rule_changes": [evil], "accepted": [{"by": evil, "when": evil, "reason": evil, "what": evil}],
            "rules": [{"id": evil, "title": evil, "severity": evil, "enabled": True, "locked": True,
                       "layer": evil, "rationale": evil, "fix": evil, "tags": [evil],
                       "category": evil, "owner": evil, "url": "https://x/" + evil}],
            "expiring": [{"rule": evil, "where": evil, "expires": evil, "owner": evil, "source": evil}]}


def test_text_from_repositories_and_people_is_escaped_everywhere() -> None:
    record = hostile_record()
    record["pull_title"] = record["title"]
    record["new"]["items"][0].update(suggestion=record["title"], thread=5, end_line=1)
    state = {"head": "<b>other</b>", "state": "failed", "words": record["title"]}
    html = page(record, state, "<b>viewer</b>", '"><script>', LINKS)
    assert "<script" not in html and "<img" not in html and "<b>viewer" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror=alert(2)&gt;&quot;&#x27;" in html
    # A rule's page link stays inside its attribute, and the waivers' text is escaped too.
    assert 'href="https://x/&lt;script&gt;' in html and "Waivers expiring soon" in html


def test_rule_metadata_and_expiring_waivers_are_on_the_page() -> None:
    record = {"repository": "acme/billing", "number": 7, "head": "abc", "conclusion": "failure",
              "title": "t", "new": {"items": [{"rule": "queue-retention", "severity": "warning",
                                               "path": "q.yaml", "line": 2, "message": "m"}], "more": 0},
              "rules": [{"id": "queue-retention", "title": "Queues", "severity": "warning",
                         "enabled": True, "rationale": "why", "fix": "how", "tags": ["sqs", "reliability"],
                         "category": "resilience", "owner": "@acme/platform",
                         "url": "https://wiki.example.com/q", "used": True}],
              "expiring": [{"rule": "staged-names", "where": "legacy/**", "expires": "2026-12-01",
                            "owner": "@sam", "source": "config.yml:5"}]}
    html = page(record, None, "sam", "t", LINKS)
    assert "category: resilience · tags: sqs, reliability · owner: @acme/platform" in html
    assert '<a href="https://wiki.example.com/q" rel="noreferrer noopener">' in html
    assert "<code>staged-names</code> on legacy/**: expires 2026-12-01, owner @sam" in html


@pytest.fixture
def client() -> Any:
    app = create_app({"WEBHOOK_SECRET": "w", "PAGE": page_settings(ENV), "TESTING": True})
    app.secret_key = ENV["SECRET_KEY"]
    return app.test_client()


def form_token(client: Any, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200 and b"<form method=post" in answer.data
    return re.search(r'name=csrf value="([^"]+)"', answer.get_data(as_text=True)).group(1)


def test_a_link_to_sign_in_or_out_changes_nothing_by_itself(client: Any) -> None:
    """From another site, GET /login and GET /logout only show a button."""
    with client.session_transaction() as session:
        session.update(login="sam", sid="s1", since=0)
    for path in ("/login?next=/reviews/acme/billing/7", "/logout"):
        answer = client.get(path)
        assert answer.status_code == 200 and b"<button" in answer.data
        with client.session_transaction() as session:
            assert session.get("login") == "sam"  # nothing changed
    # A POST without this site's form token (another site's form) is refused.
    for path in ("/login", "/logout"):
        assert client.post(path, data={"next": "/reviews/acme/billing/7"}).status_code == 403
        with client.session_transaction() as session:
            assert session.get("login") == "sam"


def test_sign_in_goes_to_github_and_never_redirects_elsewhere(client: Any) -> None:
    token = form_token(client, "/login?next=/reviews/acme/billing/7")
    answer = client.post("/login", data={"csrf": token, "next": "/reviews/acme/billing/7"})
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("https://github.com/login/oauth/authorize?")
    assert "state=" in answer.headers["Location"]
    assert "redirect_uri=https%3A%2F%2Freviewer.example.com%2Foauth%2Fcallback" in answer.headers["Location"]
    with client.session_transaction() as session:
        assert session["next"] == "/reviews/acme/billing/7"
    for target in ("https://evil.example/", "//evil.example/reviews/a/b/1", "/reviews/a/b/1\n"):
        token = form_token(client, "/login")
        client.post("/login", data={"csrf": token, "next": target})
        with client.session_transaction() as session:
            assert session["next"] == ""


def test_a_callback_without_the_browsers_state_is_refused(client: Any) -> None:
    token = form_token(client, "/login?next=/reviews/acme/billing/7")
    client.post("/login", data={"csrf": token, "next": "/reviews/acme/billing/7"})
    answer = client.get("/oauth/callback?code=abc&state=forged")
    assert answer.status_code == 400 and b"Sign-in failed" in answer.data


def test_not_signed_in_means_sent_to_sign_in_and_bad_names_are_404(client: Any) -> None:
    answer = client.get("/reviews/acme/billing/7")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?next=")
    assert client.get("/reviews/acme/..%2F..%2Fetc/7").status_code == 404


def test_without_public_url_there_is_no_page() -> None:
    app = create_app({"WEBHOOK_SECRET": "w", "PAGE": None, "TESTING": True})
    assert app.test_client().get("/reviews/acme/billing/7").status_code == 404
    assert app.test_client().get("/login").status_code == 404


def test_the_impact_of_a_rule_change_is_listed_repository_by_repository() -> None:
    evil = "<script>x</script>"
    record = {"repository": "acme/.github", "number": 12, "head": "abc", "conclusion": "success",
              "title": "t", "rules": [],
              "impact": {"head": "abc", "headline": "adds 2 finding(s) (0 error(s)) in 1 repository",
                         "results": [
                             {"repo": "acme/orders", "added_count": 3, "removed_count": 0,
                              "added": [{"rule": "customer-managed-keys", "path": "q.yaml", "line": 2,
                                         "message": evil}], "removed": []},
                             {"repo": "acme/quiet", "added_count": 0, "removed_count": 0},
                             {"repo": evil, "error": "no rule"}]}}
    html = page(record, None, "sam", "t", LINKS)
    assert "<h2>Impact on the organisation's repositories</h2>" in html
    assert "adds 2 finding(s) (0 error(s)) in 1 repository" in html
    assert "<code>customer-managed-keys</code> q.yaml:2 &lt;script&gt;" in html
    assert "and 2 more added" in html  # 3 counted, 1 kept in the store
    assert "acme/quiet" not in html  # nothing changes there
    assert "&lt;script&gt;x&lt;/script&gt;</strong>: could not be reviewed: no rule" in html
    assert "<script>" not in html


def test_no_other_site_may_frame_a_page(client: Any) -> None:
    for answer in (client.get("/logout"), client.get("/reviews/acme/billing/0")):
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Frame-Options"] == "DENY"
