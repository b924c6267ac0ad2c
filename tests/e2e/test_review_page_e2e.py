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

import re

import pytest
import requests

from tests.e2e.harness import App, billing_repo, git, keypair, org_repo, wait_for
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
    gh.add_pull(OWNER, REPO, NUMBER, "main", "feature", repo, title="Archive invoices <nightly>")
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
    yield {"gh": gh, "app": app, "tmp": tmp_path, "repo": repo}
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
        browser.get(link)  # -> /login, a button that starts sign-in
        wait_for(lambda: "/login" in browser.current_url, 30, "the sign-in page")
        browser.find_element("id", "go").click()  # -> the stand-in's authorize -> /oauth/callback
        wait_for(lambda: "/reviews/" in browser.current_url and "New findings" in browser.page_source,
                 30, "the review page after signing in")
        text = browser.find_element("tag name", "body").text
        assert f"{OWNER}/{REPO} #{NUMBER}" in text and "Signed in as reader" in text
        assert "no-wildcard-actions" in text and "stacks/billing.yaml:63" in text
        assert "ArchiveRole" in text and "Permission delta" in text
        assert "Accepted for this commit" in text
        assert "@sam accepted no-wildcard-actions on ArchiveRole" in text and "Data team signed off, OPS-7" in text
        assert "Rules that applied" in text
        # What blocks, at a glance; the pull request's title and links to it, files and threads.
        assert "Archive invoices <nightly>" in text and "blocks this change" in text
        assert "accepted: does not block" in text
        assert "new (" in text and "blocking)" in text
        anchors = {a.get_attribute("href") for a in browser.find_elements("tag name", "a")}
        web = gh.base_url  # GitHub's web address: here the stand-in's
        assert f"{web}/{OWNER}/{REPO}/pull/{NUMBER}" in anchors
        head = gh.pull(OWNER, REPO, NUMBER).head_sha
        assert f"{web}/{OWNER}/{REPO}/blob/{head}/stacks/billing.yaml#L63" in anchors
        assert any(f"/pull/{NUMBER}#discussion_r" in a for a in anchors if a)
        # The permission delta shows the riskiest actions and folds the rest away.
        assert "and " in text and "more" in text
        assert browser.execute_script(
            "return [...document.querySelectorAll('details')].some(d => !d.open && "
            "d.textContent.includes('kms:'))")
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
    answer = sign_in(stranger, link)
    assert answer.status_code == 404 and "Not found" in answer.text
    assert "no-wildcard-actions" not in answer.text
    assert answer.headers["Cache-Control"] == "private, no-store"
    # Not signed in at all: sent to sign in, never shown the review.
    first = requests.get(link, timeout=30, allow_redirects=False)
    assert first.status_code == 302 and first.headers["Location"].startswith("/login?")
    # The session cookie never shows the person's GitHub token.
    assert not any("ghu_" in c.value for c in stranger.cookies)
    assert gh.violations == [], gh.violations


def sign_in(session: requests.Session, link: str) -> requests.Response:
    """Open ``link`` and press the sign-in button, as a browser would."""
    page = session.get(link, timeout=30)
    assert "/login" in page.url and "<form method=post" in page.text
    token = re.search(r'name=csrf value="([^"]+)"', page.text).group(1)
    target = re.search(r'name="next" value="([^"]*)"', page.text).group(1)
    base = link.split("/reviews/")[0]
    return session.post(base + "/login", data={"csrf": token, "next": target}, timeout=30)


def test_sign_out_ends_the_session_and_names_are_case_insensitive(world: dict[str, Any]) -> None:
    gh, app = world["gh"], world["app"]
    run = _reviewed(gh, app)
    link = run["details_url"]
    gh.browser_user = "reader"
    person = requests.Session()
    assert sign_in(person, link).status_code == 200
    # GitHub's names are case-insensitive: the same review whatever the case in the address.
    shouted = person.get(f"{app.url}/reviews/ACME/Billing/{NUMBER}", timeout=30)
    assert shouted.status_code == 200 and "no-wildcard-actions" in shouted.text
    captured = dict(person.cookies)
    # Another site's form cannot sign the person out: no token, refused.
    assert requests.post(f"{app.url}/logout", cookies=captured, timeout=30).status_code == 403
    assert person.get(link, timeout=30, allow_redirects=False).status_code == 200
    page = person.get(f"{app.url}/logout", timeout=30)
    token = re.search(r'name=csrf value="([^"]+)"', page.text).group(1)
    assert "Signed out" in person.post(f"{app.url}/logout", data={"csrf": token}, timeout=30).text
    # The cookie captured before sign-out opens nothing any more.
    replay = requests.get(link, cookies=captured, timeout=30, allow_redirects=False)
    assert replay.status_code == 302 and replay.headers["Location"].startswith("/login?")


def test_the_page_never_contradicts_the_pull_request(world: dict[str, Any]) -> None:
    """The newest commit's review failed: the page says so first, and shows the last good
    review below as an older commit's; the failed check links to the page too."""
    gh, app, repo = world["gh"], world["app"], world["repo"]
    first = _reviewed(gh, app)
    (repo / "README.md").write_text("billing\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "readme")
    head = gh.refresh_pull(OWNER, REPO, NUMBER).head_sha
    gh.refuse_operations["pulls/list-files"] = 403  # every attempt fails
    app.deliver("pull_request", gh.pull_request_event("synchronize", OWNER, REPO, NUMBER))
    [failed] = wait_for(lambda: [r for r in gh.check_runs_for(head, "policy-reviewer")
                                 if r["status"] == "completed"], 120, "the failed review")
    assert failed["conclusion"] == "failure" and "could not review" in failed["output"]["title"]
    assert failed["details_url"] == first["details_url"]
    gh.browser_user = "reader"
    person = requests.Session()
    page = sign_in(person, first["details_url"])
    assert page.status_code == 200
    text = re.sub(r"<[^>]+>", "", page.text)
    assert f"Commit {head[:12]} could not be reviewed" in text
    assert "Last completed review, of an older commit" in text
    assert text.index("could not be reviewed") < text.index("Last completed review")
