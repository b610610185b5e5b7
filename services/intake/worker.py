"""Entry point of the intake worker: `python -m services.intake.worker`."""

from services.intake.bootstrap import worker_spec
from shared.worker import run_worker

if __name__ == "__main__":
    run_worker(worker_spec())
