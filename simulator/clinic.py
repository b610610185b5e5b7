"""The clinic: sets up its clinicians, then plays its clients' journeys, one after another (with a
few at a time) or open loop at a fixed rate, and sums up every call.

Open loop: request `k` is due at `start + k / rate`, whether or not earlier ones have been answered,
and its latency is measured from that intended time. A slow service therefore shows as latency
(the queue it causes is counted), rather than quietly lowering the rate the way a client that waits
for each answer would (coordinated omission).
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.auth import issue_token
from shared.config import DEFAULT_PORTS, SERVICES
from simulator.client_journey import ADMIN, Call, GaveUp, Journey, JourneyContext, Pause, Step, client_journey
from simulator.report import ERROR, EXPECTED_REFUSAL, OK, Recorder, Summary
from simulator.scenario import ClinicPlan, plan_clinic
from simulator.transport import Clock, RealClock, Response, Transport

TOKEN_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class Endpoints:
    """Each service's base URL."""

    urls: Mapping[str, str]

    @classmethod
    def local(cls, env: Mapping[str, str], **overrides: str | None) -> Endpoints:
        """The ports `make run` uses (INTAKE_PORT etc.), unless a base URL is given."""
        urls = {
            name: overrides.get(name) or f"http://127.0.0.1:{env.get(f'{name.upper()}_PORT', DEFAULT_PORTS[name])}"
            for name in SERVICES
        }
        return cls({name: url.rstrip("/") for name, url in urls.items()})

    def url(self, service: str, path: str) -> str:
        return f"{self.urls[service]}/api/v1{path}"


@dataclass
class Tokens:
    """Bearer tokens signed with the platform's secret, one per (role, user), made once."""

    secret: str
    _made: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def header(self, role: str, sub: str) -> dict[str, str]:
        with self._lock:
            if (role, sub) not in self._made:
                self._made[(role, sub)] = issue_token(self.secret, sub, role, TOKEN_LIFETIME)
            return {"Authorization": f"Bearer {self._made[(role, sub)]}"}


class _Running:
    """One journey in progress: its generator and the step it waits to take."""

    def __init__(self, index: int, journey: Journey, recorder: Recorder) -> None:
        self.index, self.journey, self.recorder = index, journey, recorder
        self.step: Step | None = None
        self.advance(None)

    def advance(self, response: Response | None) -> None:
        """Sends the answer in and keeps the next step; None once the journey has ended."""
        try:
            self.step = next(self.journey) if response is None else self.journey.send(response)
        except StopIteration as ended:
            self.step = None
            self.recorder.journey(str(ended.value))
        except GaveUp as stopped:
            self.step = None
            self.recorder.journey(f"gave_up_at_{stopped}")


class Clinic:
    def __init__(
        self,
        seed: int,
        transport: Transport,
        endpoints: Endpoints,
        tokens: Tokens,
        clock: Clock | None = None,
        started: datetime | None = None,
        sessions_per_course: int = 12,
    ) -> None:
        self.seed, self.transport, self.endpoints, self.tokens = seed, transport, endpoints, tokens
        self.clock = clock or RealClock()
        self.started = (started or datetime.now(UTC)).replace(second=0, microsecond=0)
        self.sessions_per_course = sessions_per_course
        self.recorder = Recorder()
        self._stop = threading.Event()

    def plan(self, clients: int) -> ClinicPlan:
        # The run's minute tells its clinicians from an earlier run's, whose diaries would clash.
        run = f"{self.started:%Y%m%d%H%M}-"
        return plan_clinic(self.seed, clients, self.started.date(), run, self.sessions_per_course)

    def run(
        self,
        clients: int,
        rate: float | None = None,
        duration: float | None = None,
        concurrency: int = 4,
        stop: threading.Event | None = None,
    ) -> Summary:
        """`rate` calls a second open loop, or (None) as fast as `concurrency` clients at a time allow;
        `duration` seconds at most, or until `stop` is set (a background load for benchmarks)."""
        self._stop = stop or threading.Event()
        plan = self.plan(clients)
        began = self.clock.now()
        self._set_up(plan)
        context = JourneyContext(started=self.started, key=f"{self.seed}-{plan.run}")
        journeys = ((c.index, client_journey(c, context)) for c in plan.clients)  # made lazily, as each client arrives
        deadline = None if duration is None else began + duration
        if rate is None:
            self._closed_loop(journeys, concurrency, deadline)
        else:
            self._open_loop(journeys, rate, deadline)
        settings: dict[str, Any] = {
            "seed": self.seed,
            "clients": clients,
            "rate": rate,
            "duration": duration,
            "concurrency": None if rate is not None else concurrency,
            "sessions_per_course": self.sessions_per_course,
            "started": self.started.isoformat(),
        }
        return self.recorder.summary(self.clock.now() - began, settings)

    def _set_up(self, plan: ClinicPlan) -> None:
        """The run's clinicians: a profile in sessions and an address for alert e-mails."""
        for clinician in plan.clinicians:
            self._send(Call("add_clinician", "sessions", "POST", "/clinicians", *ADMIN, body=clinician.profile(),
                            tolerate=(409,)))  # fmt: skip
            email = {"email": f"{clinician.id}@sim.example.org"}
            self._send(Call("add_staff_email", "notifications", "PUT", f"/staff/{clinician.id}", *ADMIN, body=email))

    def _closed_loop(self, journeys: Iterator[tuple[int, Journey]], concurrency: int, deadline: float | None) -> None:
        lock = threading.Lock()

        def next_journey() -> tuple[int, Journey] | None:
            with lock:
                if self._over(deadline):
                    return None
                return next(journeys, None)

        def worker() -> None:
            while (taken := next_journey()) is not None:
                running = _Running(taken[0], taken[1], self.recorder)
                while running.step is not None and not self._over(deadline):
                    running.advance(self._take(running.step))
                if running.step is not None:
                    self.recorder.journey("stopped_at_deadline")

        if concurrency <= 1:
            worker()
            return
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _over(self, deadline: float | None) -> bool:
        return self._stop.is_set() or (deadline is not None and self.clock.now() >= deadline)

    def _take(self, step: Step) -> Response | None:
        if isinstance(step, Pause):
            self.clock.sleep(step.seconds)
            return Response(200)  # a pause answers nothing; the journey ignores it
        return self._send(step)

    def _open_loop(self, journeys: Iterator[tuple[int, Journey]], rate: float, deadline: float | None) -> None:
        """Dispatches call k at start + k/rate to the first journey ready for one (a new client when
        none is); answers come back on a pool of threads."""
        ready: deque[tuple[float, _Running]] = deque()  # (not before, journey)
        lock, arrivals_left = threading.Lock(), [True]
        in_flight = [0]
        start = self.clock.now()

        def answered(running: _Running, response: Response) -> None:
            running.advance(response)
            not_before = self.clock.now()
            if isinstance(running.step, Pause):  # a poll waits before it asks again
                not_before += running.step.seconds
                running.advance(Response(200))
            with lock:
                if running.step is not None:
                    ready.append((not_before, running))
                in_flight[0] -= 1

        def send(running: _Running, call: Call, intended: float) -> None:
            answered(running, self._send(call, intended=intended))

        with ThreadPoolExecutor(max_workers=max(4, min(64, int(rate * 2)))) as pool:
            for k in itertools.count():
                intended = start + k / rate
                if (deadline is not None and intended >= deadline) or self._stop.is_set():
                    break
                self.clock.sleep(intended - self.clock.now())
                with lock:
                    running = self._first_ready(ready, intended)
                    if running is None and arrivals_left[0]:
                        taken = next(journeys, None)
                        arrivals_left[0] = taken is not None
                        if taken is not None:
                            running = _Running(taken[0], taken[1], self.recorder)
                            if running.step is None:
                                continue
                    if running is None:
                        if not arrivals_left[0] and not ready and in_flight[0] == 0:
                            break  # every client has finished
                        self.recorder.unused_slot()
                        continue  # nobody is ready for this slot: it goes unused
                    in_flight[0] += 1
                assert isinstance(running.step, Call)  # noqa: S101 - pauses never wait in `ready`
                pool.submit(send, running, running.step, intended)
        for _unfinished in ready:  # the deadline came first; every call sent has been answered
            self.recorder.journey("stopped_at_deadline")

    @staticmethod
    def _first_ready(ready: deque[tuple[float, _Running]], at: float) -> _Running | None:
        for position, (not_before, running) in enumerate(ready):
            if not_before <= at:
                del ready[position]
                return running
        return None

    def _send(self, call: Call, intended: float | None = None) -> Response:
        sent = self.clock.now()
        response = self.transport.send(
            call.method,
            self.endpoints.url(call.service, call.path),
            headers=self.tokens.header(call.role, call.sub) | call.headers,
            json_body=call.body,
            params=call.params,
        )
        if response.status in call.expect:
            outcome = OK
        else:
            outcome = EXPECTED_REFUSAL if response.status in call.tolerate else ERROR
        due = sent if intended is None else intended
        self.recorder.call(call.name, response.status, outcome, self.clock.now() - due)
        return response
