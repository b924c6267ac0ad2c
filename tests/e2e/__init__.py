"""End-to-end tests against a local GitHub stand-in (see standin.py)."""
