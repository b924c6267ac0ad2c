"""The Flask app: webhook (verify, deduplicate, enqueue, answer), health and metrics."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from reviewer.github.settings import page_settings, webhook_secret

# GitHub caps webhook payloads at 25 MB.
# https://docs.github.com/en/webhooks/webhook-events-and-payloads#payload-cap
MAX_BODY = 25 * 1024 * 1024
# Seconds the webhook waits for each piece of a request body before answering 408. GitHub
# sends a whole delivery at once; only a stalled or hostile client waits this long.
BODY_TIMEOUT = float(os.environ.get("POLICY_REVIEWER_BODY_TIMEOUT", 10))


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; refuses to start without a webhook secret.

    The web process needs no other secret: it never reads the private key (GITHUB_PRIVATE_KEY
    or a file at GITHUB_PRIVATE_KEY_PATH), so a key it cannot read does not stop it.
    """
    app = Flask("policy-reviewer")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.config["BODY_TIMEOUT"] = BODY_TIMEOUT
    if test_config:
        app.config.update(test_config)
    if "WEBHOOK_SECRET" not in app.config:
        app.config["WEBHOOK_SECRET"] = webhook_secret()
    if "PAGE" not in app.config:
        # The review page, when PUBLIC_URL is set; a half-configured page refuses to start.
        app.config["PAGE"] = page_settings()
    if app.config["PAGE"] is not None:
        app.secret_key = app.config["PAGE"].secret_key
        app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                          SESSION_COOKIE_SECURE=app.config["PAGE"].public_url.startswith("https://"),
                          SESSION_COOKIE_NAME="policy_reviewer")

    from reviewer.web.health import blueprint as health
    from reviewer.web.review_page import blueprint as review_page
    from reviewer.web.sign_in import blueprint as sign_in
    from reviewer.web.webhook import blueprint as webhook

    app.register_blueprint(webhook)
    app.register_blueprint(health)
    app.register_blueprint(review_page)
    app.register_blueprint(sign_in)
    return app
