"""WSGI entry point: ``gunicorn app:app``."""

from reviewer.web import create_app

app = create_app()
