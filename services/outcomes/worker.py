"""Entry point of the outcomes worker: `python -m services.outcomes.worker`."""

from services.outcomes.bootstrap import worker_spec
from shared.worker import run_worker

if __name__ == "__main__":
    run_worker(worker_spec())
