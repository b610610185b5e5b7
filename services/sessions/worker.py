"""Entry point of the sessions worker: `python -m services.sessions.worker`."""

from services.sessions.bootstrap import worker_spec
from shared.worker import run_worker

if __name__ == "__main__":
    run_worker(worker_spec())
