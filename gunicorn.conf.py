"""Read by gunicorn from the working folder: `web: gunicorn app:app` (Procfile) runs with
the same settings that `policy-reviewer serve` passes explicitly. They live in the package,
in reviewer/web/gunicorn_conf.py, so both stay the same."""

import os
import sys

# The `gunicorn` script reads this file before it puts the working folder on sys.path.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from reviewer.web.gunicorn_conf import *  # noqa: E402,F401,F403
