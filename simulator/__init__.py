"""A deterministic, seeded stream of synthetic clients through the platform's public HTTP APIs.

`Clinic(seed, transport, endpoints, tokens).run(clients=..., rate=...)` plays a clinic's referrals,
screenings, admissions and courses of sessions and returns a `Summary` of every call; `ipt simulate`
is the command line. Every name it registers is fictional and carries the "Sim-" family-name prefix.
"""

from simulator.clinic import Clinic, Endpoints, Tokens
from simulator.report import Summary
from simulator.transport import Response, Transport, UrllibTransport

__all__ = ["Clinic", "Endpoints", "Response", "Summary", "Tokens", "Transport", "UrllibTransport"]
