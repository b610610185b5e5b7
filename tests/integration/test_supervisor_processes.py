"""The supervisor with real (tiny) processes: a process that dies comes back, a one-shot one does
not, one that keeps dying makes it give up, and a stop reaches every process group, SIGKILL for
those that ignore SIGTERM."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
import urllib.request

from shared.supervisor import ProcessSpec, RestartPolicy, Supervisor
from tests.support.infra import free_port, wait_for


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def start(supervisor: Supervisor) -> tuple[threading.Thread, list[int]]:
    status: list[int] = []
    thread = threading.Thread(target=lambda: status.append(supervisor.run()), daemon=True)
    thread.start()
    return thread, status


def pid_of(pid_dir, name: str) -> int:
    return int((pid_dir / f"{name}.pid").read_text())


def test_a_killed_process_is_restarted_and_a_one_shot_one_is_not(tmp_path):
    out = io.StringIO()
    specs = [ProcessSpec("sleeper", "echo hello; exec sleep 60"), ProcessSpec("banner", "echo ready", once=True)]
    supervisor = Supervisor(specs, out=out, grace=2, pid_dir=tmp_path)
    thread, status = start(supervisor)
    first = wait_for(lambda: (tmp_path / "sleeper.pid").exists() and pid_of(tmp_path, "sleeper"), 10, "the start")
    wait_for(lambda: "banner" in out.getvalue() and "one-shot: not restarted" in out.getvalue(), 10, "the banner")
    os.kill(first, signal.SIGKILL)
    second = wait_for(lambda: pid_of(tmp_path, "sleeper") != first and pid_of(tmp_path, "sleeper"), 10, "a restart")
    assert alive(second)
    log = out.getvalue()
    assert "sleeper" in log and "died with signal 9" in log and "restarting in 0.5 s" in log
    assert sum("banner" in line and "| started" in line for line in log.splitlines()) == 1
    assert "| hello" in log
    supervisor.request_stop(signal.SIGTERM)
    thread.join(10)
    assert status == [128 + signal.SIGTERM]
    assert not alive(second)


def test_a_stop_kills_a_group_that_ignores_sigterm_after_the_grace_period(tmp_path):
    out = io.StringIO()
    # The child shell ignores SIGTERM, as does its own child: only SIGKILL ends the group.
    stubborn = "trap '' TERM; sleep 60 & echo $! > child.pid; wait"
    supervisor = Supervisor([ProcessSpec("stubborn", f"cd {tmp_path} && {stubborn}")], out=out, grace=1)
    thread, status = start(supervisor)
    child_file = tmp_path / "child.pid"
    child = wait_for(lambda: child_file.exists() and int(child_file.read_text()), 10, "the child to start")
    time.sleep(0.3)
    supervisor.request_stop(signal.SIGINT)
    thread.join(15)
    assert status == [128 + signal.SIGINT]
    assert "SIGKILL" in out.getvalue()
    # A signal is delivered, not obeyed on the spot: on a busy machine the child takes a moment to go.
    wait_for(lambda: not alive(child), 5, "the stubborn child to be killed")


def test_a_process_that_keeps_dying_makes_the_supervisor_give_up_with_status_1():
    out = io.StringIO()
    policy = lambda: RestartPolicy(first_delay=0.05, max_delay=0.1, flap_limit=3)  # noqa: E731
    supervisor = Supervisor([ProcessSpec("broken", "exit 3")], out=out, grace=1, policy=policy)
    thread, status = start(supervisor)
    thread.join(20)
    assert status == [1]
    assert "died with code 3 3 times in a row: giving up" in out.getvalue()


TINY_APP = """\
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""


def test_a_killed_servers_port_keeps_taking_connections_until_its_replacement_answers(tmp_path):
    port = free_port()
    (tmp_path / "tiny.py").write_text(TINY_APP)
    # This interpreter's gunicorn, whatever PATH holds.
    gunicorn = f"{sys.executable} -m gunicorn --chdir {tmp_path} --workers 1"
    command = f"exec {gunicorn} --bind ${{IPT_BIND:-127.0.0.1:{port}}} tiny:app"
    spec = ProcessSpec("web", command, listen=f"127.0.0.1:{port}")
    out = io.StringIO()
    supervisor = Supervisor([spec], out=out, grace=2, pid_dir=tmp_path / "pids")
    thread, status = start(supervisor)
    url = f"http://127.0.0.1:{port}/"
    wait_for(lambda: urllib.request.urlopen(url, timeout=5).read() == b"ok", 30, "the server")  # noqa: S310
    answers, errors, stop = [], [], threading.Event()

    def client() -> None:
        while not stop.is_set():
            try:
                answers.append(urllib.request.urlopen(url, timeout=30).read())  # noqa: S310
            except OSError as error:
                errors.append(error)
            time.sleep(0.02)

    calling = threading.Thread(target=client, daemon=True)
    calling.start()
    try:
        for _ in range(2):
            old = pid_of(tmp_path / "pids", "web")
            os.killpg(old, signal.SIGKILL)  # the server and its workers, as a crash would
            wait_for(lambda: pid_of(tmp_path / "pids", "web") != old, 20, "the supervisor to restart it")  # noqa: B023
            served = len(answers)
            wait_for(lambda: len(answers) > served + 3, 30, "answers from the new server")  # noqa: B023
    except TimeoutError:
        print(out.getvalue())  # what the supervisor and the servers said, beside the failure
        raise
    finally:
        stop.set()
        calling.join(40)
        supervisor.request_stop(signal.SIGTERM)
        thread.join(15)
    # A connection the killed server had already accepted drops with it (no one can answer that
    # request); a refused one is what the held socket prevents, and there must be none.
    refused = [repr(e) for e in errors if isinstance(getattr(e, "reason", e), ConnectionRefusedError)]
    assert refused == []
    assert len(errors) <= 2, [repr(e) for e in errors]  # at most the call in flight at each kill
    assert set(answers) == {b"ok"}
    assert status == [128 + signal.SIGTERM]
