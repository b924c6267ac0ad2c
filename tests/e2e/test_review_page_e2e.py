"""The review page as a person sees it: headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium) signs in through the stand-in's OAuth and reads the
page the check run links to; a person who cannot read the repository gets a 404.

CI installs Chromium (.ci/run sets POLICY_REVIEWER_REQUIRE_BROWSER=1, so a missing browser
fails there instead of skipping).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from tests.e2e.harness import App, billing_repo, keypair, org_repo, wait_for
from tests.e2e.standin import GitHubStandIn

OWNER, REPO, NUMBER, INSTALLATION, APP_ID = "acme", "billing", 7, 4242, "1234"
KEY = keypair()
CLIENT_ID, CLIENT_SECRET = "Iv1.policyreviewer", "oauth-client-secret-for-tests"


def _chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


if _chromium() is None and not os.environ.get("POLICY_REVIEWER_REQUIRE_BROWSER"):
    pytest.skip("headless Chromium (Debian: chromium, chromium-driver) is not installed",
                allow_module_level=True)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    repo = billing_repo(tmp_path / "billing")
    org = org_repo(tmp_path / "org", {"config.yml": "approvers:\n  teams: [security]\n"})
    gh = GitHubStandIn(app_id=APP_ID, public_key_pem=KEY[1], installation_id=INSTALLATION)
    url = gh.start()
    gh.add_pull(OWNER, REPO, NUMBER, "main", "feature", repo)
    gh.add_repo(OWNER, ".github", org)
    gh.teams[(OWNER, "security")] = {"sam"}
    gh.oauth_clients[CLIENT_ID] = CLIENT_SECRET
    gh.readers[(OWNER, REPO)] = {"reader", "sam"}
    app = App(url, APP_ID, KEY[0], tmp_path / "data",
              extra_env={"GITHUB_CLIENT_ID": CLIENT_ID, "GITHUB_CLIENT_SECRET": CLIENT_SECRET,
                         "SECRET_KEY": "k" * 24 + "-review-page-tests"})
    app.env["PUBLIC_URL"] = app.url
    app.start_web()
    app.start_worker()
    yield {"gh": gh, "app": app, "tmp": tmp_path}
    app.stop()
    gh.stop()


def _browser(width: int, height: int) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    found = _chromium()
    assert found, "Chromium and chromedriver are required here"
    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(found[1]), options=options)


def _reviewed(gh: GitHubStandIn, app: App) -> dict[str, Any]:
    head = gh.pull(OWNER, REPO, NUMBER).head_sha
    app.deliver("pull_request", gh.pull_request_event("opened", OWNER, REPO, NUMBER))
    [run] = wait_for(lambda: [r for r in gh.check_runs_for(head, "policy-reviewer")
                              if r["status"] == "completed"], 90, "the review")
    # An approver accepts the s3:Get* finding, so the page has something on the record.
    [root] = [c for c in gh.review_comments_for(OWNER, REPO, NUMBER)
              if c["line"] == 63 and not c.get("in_reply_to_id")]
    app.deliver("pull_request_review_comment",
                gh.reply_event(root["id"], "sam", "/policy-reviewer accept Data team signed off, OPS-7"))
    runs = wait_for(lambda: [r for r in gh.check_runs_for(head, "policy-reviewer")
                             if r["status"] == "completed"][1:], 90, "the review after the acceptance")
    return runs[-1]


def test_the_review_page_in_a_browser(world: dict[str, Any]) -> None:
    gh, app, tmp = world["gh"], world["app"], world["tmp"]
    run = _reviewed(gh, app)
    link = run["details_url"]
    assert link == f"{app.url}/reviews/{OWNER}/{REPO}/{NUMBER}"

    gh.browser_user = "reader"
    browser = _browser(1280, 900)
    try:
        browser.get(link)  # -> /login -> the stand-in's authorize -> /oauth/callback -> the page
        wait_for(lambda: "/reviews/" in browser.current_url and "New findings" in browser.page_source,
                 30, "the review page after signing in")
        text = browser.find_element("tag name", "body").text
        assert f"{OWNER}/{REPO} #{NUMBER}" in text and "Signed in as reader" in text
        assert "no-wildcard-actions" in text and "stacks/billing.yaml:63" in text
        assert "ArchiveRole" in text and "Permission delta" in text
        assert "Accepted for this commit" in text
        assert "@sam accepted no-wildcard-actions on ArchiveRole" in text and "Data team signed off, OPS-7" in text
        assert "Rules that applied" in text and "shipped default" in text
        assert "<script" not in browser.page_source.lower()
        browser.save_screenshot(str(tmp / "review-page.png"))

        # A phone-sized window: nothing wider than the screen.
        browser.set_window_size(390, 844)
        browser.refresh()
        wait_for(lambda: "New findings" in browser.page_source, 30, "the page on a phone")
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        browser.save_screenshot(str(tmp / "review-page-phone.png"))
    finally:
        browser.quit()
    for shot in ("review-page.png", "review-page-phone.png"):
        assert (tmp / shot).stat().st_size > 10_000
        if os.environ.get("POLICY_REVIEWER_SCREENSHOTS"):
            target = Path(os.environ["POLICY_REVIEWER_SCREENSHOTS"])
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(tmp / shot, target / shot)

    # Someone who cannot read the repository: the same 404 as for nothing at all.
    gh.browser_user = "stranger"
    stranger = requests.Session()
    answer = stranger.get(link, timeout=30)
    assert answer.status_code == 404 and "Not found" in answer.text
    assert "no-wildcard-actions" not in answer.text
    assert answer.headers["Cache-Control"] == "private, no-store"
    # Not signed in at all: sent to sign in, never shown the review.
    first = requests.get(link, timeout=30, allow_redirects=False)
    assert first.status_code == 302 and first.headers["Location"].startswith("/login?")
    # The session cookie never shows the person's GitHub token.
    assert not any("ghu_" in c.value for c in stranger.cookies)
    assert gh.violations == [], gh.violations
