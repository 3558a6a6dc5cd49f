"""gunicorn for a province's server, behind nginx (deploy/nginx/bangfu.conf).

    gunicorn --config deploy/gunicorn.conf.py

Read from the environment (the systemd unit's EnvironmentFile), with defaults for a server:
BANGFU_BIND (where nginx reaches it), BANGFU_WORKERS, BANGFU_LOG_FORMAT (json: gunicorn's own
records as JSON lines, like the app's).
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"

# A unix socket in systemd's RuntimeDirectory: only nginx (in the bangfu group) reaches it,
# no other local account and no other machine. umask 007: the socket is srwxrwx---.
bind = os.environ.get("BANGFU_BIND", "unix:/run/bangfu/gunicorn.sock")
umask = 0o007

# Synchronous workers: nginx buffers each request and answer whole, so a slow phone on a
# village's network holds nginx's memory, not a worker.
workers = int(os.environ.get("BANGFU_WORKERS", 2 * multiprocessing.cpu_count() + 1))
# Imports, exports and handbooks run in the background worker; the slowest requests are a
# province's reports and an upload's arrival from nginx. 120 s, below nginx's 130 s, so that
# a stuck request is ended here (and logged) rather than cut by nginx.
timeout = 120
graceful_timeout = 30
keepalive = 5
# A worker is replaced after a while, so that memory a big report took is given back.
max_requests = 2000
max_requests_jitter = 200

# No access log: nginx writes one, and the app logs each request with its id
# (bangfu.request). gunicorn's own records (workers started, timed out) go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
if os.environ.get("BANGFU_LOG_FORMAT") == "json":
    _console = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stderr",
    }
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "bangfu.core.logs.JsonFormatter"}},
        "handlers": {"console": _console, "error_console": _console},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
    }
