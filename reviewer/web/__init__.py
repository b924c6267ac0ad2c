"""The Flask app: webhook (verify, deduplicate, enqueue, answer), health and metrics."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from reviewer.github.settings import webhook_secret

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

    from reviewer.web.health import blueprint as health
    from reviewer.web.webhook import blueprint as webhook

    app.register_blueprint(webhook)
    app.register_blueprint(health)
    return app
