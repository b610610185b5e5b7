"""`ipt supervise`: runs a Procfile's processes and restarts whichever dies.

Each process runs in its own process group (so a stop or a kill reaches its children too), its
output prefixed with the time and its name. A process that exits is restarted after a backoff of
0.5 s, 1 s, 2 s … up to 10 s; the backoff starts again once a run has lasted a minute. Processes
named on a `# once:` comment line of the Procfile are one-shot by design (the ready banner) and are
never restarted. Servers named on a `# listen:` line (`name=host:$PORT`) get a listening socket the
supervisor opens once and holds (shared/held_sockets.py), in IPT_BIND, so a killed server's port keeps
taking connections until its replacement answers them. SIGINT or SIGTERM stops everything: SIGTERM
to each group, SIGKILL to those still there after the grace period.

Exit status: 128 + the signal's number when asked to stop; 1 when a process flaps (it died
`FLAP_LIMIT` times in a row, each run shorter than a minute); 0 when only one-shot processes were
asked for and all of them have finished.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket

# Not a finding (bandit B404): running the Procfile's commands is this module's purpose.
import subprocess  # nosec B404
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from shared import held_sockets

FIRST_DELAY = 0.5
MAX_DELAY = 10.0
# A run this long proves the process healthy: its next death starts the backoff again.
STEADY_SECONDS = 60.0
# Deaths in a row, each after a run shorter than STEADY_SECONDS, before the supervisor gives up.
FLAP_LIMIT = 30
GRACE_SECONDS = 10.0
TICK_SECONDS = 0.1

_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
_ONCE = re.compile(r"^#\s*once:\s*(.+)$")
_LISTEN = re.compile(r"^#\s*listen:\s*(.+)$")


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    command: str
    once: bool = False  # one-shot by design: never restarted
    env: Mapping[str, str] = field(default_factory=dict)  # added to the supervisor's environment
    listen: str | None = None  # host:port (variables allowed) of a socket the supervisor holds for it


def parse_procfile(text: str) -> list[ProcessSpec]:
    """`name: command` lines, in order; `# once: a b` marks processes that run once and
    `# listen: a=host:$PORT` servers whose listening socket the supervisor holds."""
    once: set[str] = set()
    listen: dict[str, str] = {}
    entries: list[tuple[str, str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if marked := _ONCE.match(line):
            once.update(marked.group(1).split())
        elif listening := _LISTEN.match(line):
            listen.update(_listen_entry(item) for item in listening.group(1).split())
        elif line and not line.startswith("#") and (entry := _LINE.match(line)):
            entries.append((entry.group(1), entry.group(2).strip()))
    names = [name for name, _ in entries]
    if len(set(names)) != len(names):
        raise ValueError("a process name appears twice in the Procfile")
    if unknown := once - set(names):
        raise ValueError(f"marked once but not in the Procfile: {', '.join(sorted(unknown))}")
    if unknown := set(listen) - set(names):
        raise ValueError(f"given a socket but not in the Procfile: {', '.join(sorted(unknown))}")
    return [ProcessSpec(name, command, once=name in once, listen=listen.get(name)) for name, command in entries]


def _listen_entry(item: str) -> tuple[str, str]:
    name, _, address = item.partition("=")
    if not name or ":" not in address:
        raise ValueError(f"a `# listen:` entry is name=host:port, not {item!r}")
    return name, address


def parse_scale(options: Iterable[str]) -> dict[str, int]:
    """`worker=2` options: the kind (a name, or the last part of names like `intake_worker`) and how many."""
    scale: dict[str, int] = {}
    for option in options:
        kind, _, count = option.partition("=")
        if not kind or not count.isdigit() or int(count) < 1:
            raise ValueError(f"--scale takes kind=count with a count of 1 or more, not {option!r}")
        scale[kind] = int(count)
    return scale


def expand(specs: Sequence[ProcessSpec], scale: Mapping[str, int], only: Sequence[str] = ()) -> list[ProcessSpec]:
    """The processes to run: those named in `only` (all when empty), each `kind` as many times as
    `scale` says (`intake_worker_1`, `intake_worker_2`, each with WORKER_INSTANCE=1, 2)."""
    known = {spec.name for spec in specs}
    if missing := [name for name in only if name not in known]:
        raise ValueError(f"not in the Procfile: {', '.join(missing)}")
    chosen = [spec for spec in specs if not only or spec.name in only]
    expanded: list[ProcessSpec] = []
    for spec in chosen:
        count = _scale_of(spec.name, scale)
        if count == 1 or spec.once:
            expanded.append(spec)
            continue
        expanded += [
            ProcessSpec(
                f"{spec.name}_{n}", spec.command, spec.once, {**spec.env, "WORKER_INSTANCE": str(n)}, spec.listen
            )
            for n in range(1, count + 1)
        ]
    return expanded


def _scale_of(name: str, scale: Mapping[str, int]) -> int:
    for kind, count in scale.items():
        if name == kind or name.endswith(f"_{kind}"):
            return count
    return 1


@dataclass
class RestartPolicy:
    """When a process that died comes back, and when it has died too often to keep trying."""

    first_delay: float = FIRST_DELAY
    max_delay: float = MAX_DELAY
    steady_seconds: float = STEADY_SECONDS
    flap_limit: int = FLAP_LIMIT
    short_runs: int = 0  # deaths in a row after short runs

    def died(self, ran_seconds: float) -> float:
        """Records a death after a run of `ran_seconds`; the delay before the next start."""
        if ran_seconds >= self.steady_seconds:
            self.short_runs = 0
        self.short_runs += 1
        delay: float = self.first_delay * 2.0 ** (self.short_runs - 1)
        return min(delay, self.max_delay)

    @property
    def flapping(self) -> bool:
        return self.short_runs >= self.flap_limit


@dataclass
class _Managed:
    spec: ProcessSpec
    policy: RestartPolicy
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart_at: float | None = None  # when a dead process is due to start again
    finished: bool = False  # a one-shot process that has run
    listener: socket.socket | None = None  # held for the whole run (`# listen:`)


class Supervisor:
    def __init__(
        self,
        specs: Sequence[ProcessSpec],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        out: IO[str] | None = None,
        grace: float = GRACE_SECONDS,
        pid_dir: Path | None = None,
        policy: Callable[[], RestartPolicy] = RestartPolicy,
    ) -> None:
        self.env = dict(os.environ if env is None else env)
        self.cwd = cwd
        self.out = out or sys.stdout
        self.grace = grace
        self.pid_dir = pid_dir
        self.managed = [_Managed(spec, policy()) for spec in specs]
        self.stop_signal: int | None = None
        self._width = max((len(spec.name) for spec in specs), default=6)
        self._out_lock = threading.Lock()

    # -- the loop ----------------------------------------------------------------------------
    def run(self) -> int:
        """Starts everything and keeps it running; the exit status (see the module's docstring)."""
        self._install_signals()
        try:
            self._open_listeners()
        except (OSError, ValueError) as error:
            self.say("supervisor", f"{error}: nothing started")
            self._close_listeners()
            return 1
        for managed in self.managed:
            self._start(managed)
        status = self._watch()
        self._stop_all()
        self._close_listeners()
        return status

    def request_stop(self, signum: int = signal.SIGTERM) -> None:
        self.stop_signal = signum

    def _install_signals(self) -> None:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda received, _frame: self.request_stop(received))

    def _watch(self) -> int:
        while self.stop_signal is None:
            now = time.monotonic()
            for managed in self.managed:
                exited = managed.process is not None and managed.process.poll() is not None
                if exited and self._ended(managed, now):
                    return 1
                if managed.restart_at is not None and now >= managed.restart_at:
                    self._start(managed)
            if all(m.finished for m in self.managed):
                return 0
            time.sleep(TICK_SECONDS)
        self.say("supervisor", f"stopping everything (signal {signal.Signals(self.stop_signal).name})")
        return 128 + self.stop_signal

    def _ended(self, managed: _Managed, now: float) -> bool:
        """Handles a process that exited; True when it flaps and the supervisor must give up."""
        process = managed.process
        if process is None:  # only called for a started process
            return False
        code, ran = process.returncode, now - managed.started_at
        self._kill_group(process.pid, signal.SIGKILL)  # what it left behind would hold its ports
        managed.process = None
        how = f"signal {-code}" if code < 0 else f"code {code}"
        if managed.spec.once:
            managed.finished = True
            self.say(managed.spec.name, f"finished with {how} (one-shot: not restarted)")
            return False
        delay = managed.policy.died(ran)
        if managed.policy.flapping:
            self.say(managed.spec.name, f"died with {how} {managed.policy.short_runs} times in a row: giving up")
            return True
        managed.restart_at = now + delay
        back = time.strftime("%H:%M:%S", time.localtime(time.time() + delay))
        self.say(managed.spec.name, f"died with {how} after {ran:.1f} s; restarting in {delay:g} s (at {back})")
        return False

    # -- processes ---------------------------------------------------------------------------
    def _open_listeners(self) -> None:
        for managed in self.managed:
            if managed.spec.listen is not None:
                address = held_sockets.expand(managed.spec.listen, {**self.env, **managed.spec.env})
                managed.listener = held_sockets.open_listener(address)

    def _close_listeners(self) -> None:
        for managed in self.managed:
            if managed.listener is not None:
                managed.listener.close()
                managed.listener = None

    def _start(self, managed: _Managed) -> None:
        managed.restart_at = None
        env = {**self.env, **managed.spec.env}
        held: tuple[int, ...] = ()
        if managed.listener is not None:
            env[held_sockets.BIND_VARIABLE] = held_sockets.bind_option(managed.listener)
            held = (managed.listener.fileno(),)
        # Not a finding (bandit B602/B603): the command line is the project's own Procfile.
        process = subprocess.Popen(  # noqa: S602 # nosec B602
            managed.spec.command,
            shell=True,
            cwd=self.cwd,
            env=env,
            pass_fds=held,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        managed.process, managed.started_at = process, time.monotonic()
        self._write_pid(managed.spec.name, process.pid)
        self.say(managed.spec.name, f"started (pid {process.pid})")
        reader = threading.Thread(target=self._copy_output, args=(managed.spec.name, process), daemon=True)
        reader.start()

    def _copy_output(self, name: str, process: subprocess.Popen[bytes]) -> None:
        if process.stdout is None:  # started with stdout=PIPE, so never
            return
        for raw in iter(process.stdout.readline, b""):
            self.say(name, raw.decode(errors="replace").rstrip("\n"))
        process.stdout.close()

    def _write_pid(self, name: str, pid: int) -> None:
        """The process group of each process (its leader's pid), for tools that inject faults."""
        if self.pid_dir is not None:
            self.pid_dir.mkdir(parents=True, exist_ok=True)
            (self.pid_dir / f"{name}.pid").write_text(f"{pid}\n")

    def _stop_all(self) -> None:
        running = [m.process for m in self.managed if m.process is not None and m.process.poll() is None]
        for process in running:
            self._kill_group(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while any(p.poll() is None for p in running) and time.monotonic() < deadline:
            time.sleep(TICK_SECONDS)
        for process in running:
            if process.poll() is None:
                self.say("supervisor", f"pid {process.pid} still running after {self.grace:g} s: SIGKILL")
            self._kill_group(process.pid, signal.SIGKILL)  # stragglers of a group whose leader left
            process.wait()
        self.say("supervisor", "everything stopped")

    @staticmethod
    def _kill_group(pgid: int, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):  # the whole group is gone already
            os.killpg(pgid, signum)

    def say(self, name: str, text: str) -> None:
        with self._out_lock:
            self.out.write(f"{time.strftime('%H:%M:%S')} {name:<{self._width}} | {text}\n")
            self.out.flush()


def main(procfile: Path, names: Sequence[str], scale: Sequence[str], grace: float, pid_dir: Path | None) -> int:
    scales = parse_scale(scale)
    specs = expand(parse_procfile(procfile.read_text()), scales, names)
    return Supervisor(specs, env=supervised_env(os.environ, scales), grace=grace, pid_dir=pid_dir).run()


def supervised_env(base: Mapping[str, str], scale: Mapping[str, int]) -> dict[str, str]:
    """The processes' environment: whoever watches the workers (Prometheus) learns how many each
    service runs from WORKERS, as `make run WORKERS=N` gives it."""
    return {**base, "WORKERS": str(scale.get("worker", 1))}
