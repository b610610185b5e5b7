"""Gunicorn settings shared by the four web services (local stack and containers alike)."""

import os
import shutil

from prometheus_client import multiprocess

# Metric files from a previous run would be summed into this one: start from an empty directory.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _metrics_dir:
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, exist_ok=True)

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# gunicorn's threaded worker, answering what its parser refuses in JSON (shared/gunicorn_worker.py).
worker_class = "shared.gunicorn_worker.JsonErrorWorker"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Access logs would print paths and query strings, which can carry client ids and search terms;
# the app logs each request itself without them.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
limit_request_line = 4094


def child_exit(server, worker):  # noqa: ARG001 - gunicorn hook signature
    multiprocess.mark_process_dead(worker.pid)
