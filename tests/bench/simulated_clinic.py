"""The clinic simulator as the benchmark's background load: `BENCH_BACKGROUND=tests.bench.simulated_clinic:load`.

Clients go through the public APIs at a steady open-loop rate (calls a second, `BENCH_CLINIC_RATE`,
4 by default) until the latency run stops it; its summary (calls by outcome, latency by call type)
goes into the results beside the figures.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from shared.config import SERVICES
from simulator.clinic import Clinic, Endpoints, Tokens
from simulator.transport import UrllibTransport
from tests.support.stack import Stack

SEED = 13
CLIENTS = 100


def load(stack: Stack, stop: threading.Event) -> dict[str, Any]:
    rate = float(os.environ.get("BENCH_CLINIC_RATE", "4"))
    endpoints = Endpoints({service: stack.url(service) for service in SERVICES})
    clinic = Clinic(SEED, UrllibTransport(), endpoints, Tokens(stack.env["IPT_JWT_SECRET"]))
    # Enough clients for the longest latency run (a client's course is some 60 calls); the run's
    # clinicians (one for every four clients) are set up before the load starts.
    summary = clinic.run(clients=CLIENTS, rate=rate, stop=stop)
    return {"kind": "clinic simulator, open loop", "calls_per_second": rate} | summary.as_dict()
