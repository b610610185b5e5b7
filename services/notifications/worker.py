"""Entry point of the notifications worker: `python -m services.notifications.worker`."""

from services.notifications.bootstrap import worker_spec
from shared.worker import run_worker

if __name__ == "__main__":
    run_worker(worker_spec())
