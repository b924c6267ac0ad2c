"""HTML responses of the review page and its sign-in: private, never framed, never sniffed."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app

from reviewer.web.page_html import message_page


def html(body: str, status: int = 200) -> Response:
    """An HTML page for one person's eyes."""
    response = Response(body, status=status, mimetype="text/html")
    # The page is one person's view: no shared cache may keep it for someone else.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Vary"] = "Cookie"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # frame-ancestors: no other site may frame the page (and trick a click on it).
    # form-action: the sign-in form posts here and is redirected on to GitHub's sign-in.
    page = current_app.config.get("PAGE")
    github = urlsplit(page.web_url) if page is not None else None
    origin = f" {github.scheme}://{github.netloc}" if github and github.netloc else ""
    response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; "
                                                   f"form-action 'self'{origin}; frame-ancestors 'none'")
    response.headers["X-Frame-Options"] = "DENY"  # the same, for browsers without CSP 2
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def not_found() -> Response:
    """The same answer for a review that does not exist and one the person cannot see."""
    return html(message_page("Not found", "There is no review here, or you cannot see it."), 404)
