"""gunicorn settings for the web process, shared by `gunicorn app:app` and `serve`.

The root gunicorn.conf.py (read by gunicorn from the working folder, so the Procfile's
`web: gunicorn app:app` picks it up) imports these names; `policy-reviewer serve` passes this
file with --config. Command-line flags and GUNICORN_CMD_ARGS still override any of them.

Why not gunicorn's defaults: a sync worker serves one connection at a time, from its request
line to its last body byte. Two clients sending bodies slowly held both workers, and every
delivery GitHub sent meanwhile passed its 10-second limit. gthread workers serve each
connection in a thread of a pool, so a slow client holds one thread, not a process, and idle
kept-alive connections wait in the worker's poller without one. The webhook also bounds the
wait for each piece of a body (POLICY_REVIEWER_BODY_TIMEOUT), so a client that stops sending
frees its thread. gunicorn does not time out slow headers: in production, put a buffering
reverse proxy in front as well (docs/deployment.md).
"""

import os

worker_class = "gthread"
# WEB_CONCURRENCY is the usual platform knob for the number of processes (gunicorn reads it
# too, but only when the config file does not set workers).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads per worker: concurrent requests in flight, slow ones included. A delivery takes
# milliseconds of CPU, so threads are cheap compared with processes.
threads = 8

# A worker whose main loop has not checked in for this long is killed and replaced. With
# gthread a slow request does not stop the main loop, so this only catches a wedged process.
timeout = 30
# On restart or shutdown, requests in flight get this long to finish (GitHub waits 10 s).
graceful_timeout = 20
# Seconds an idle kept-alive connection stays open (in the poller, without a thread).
keepalive = 5

# Requests are small: a webhook POST, a few GETs. Refuse oversized request lines and headers
# early (gunicorn answers 400) rather than buffering them. GitHub sends about 20 headers.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
