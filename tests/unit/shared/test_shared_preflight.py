"""`make run` refuses at once, naming the port, when something already listens where it would."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from shared import cli, preflight
from shared.config import SERVICES
from shared.worker import WORKER_METRICS_OFFSET
from tests.support.infra import wait_for

ALL_PORT_VARIABLES = (
    "KAFKA_PORT",
    "KAFKA_CONTROLLER_PORT",
    "MONGO_PORT",
    "SMTP_PORT",
    "SMS_PORT",
    "INTAKE_PORT",
    "SESSIONS_PORT",
    "OUTCOMES_PORT",
    "NOTIFICATIONS_PORT",
)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A server socket listening on a port the system chose, as a running service would."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_of(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def test_a_port_something_listens_on_is_reported_with_its_name(listener):
    port = port_of(listener)
    assert preflight.taken_ports({"intake web": port}) == [("intake web", port)]


def test_a_free_port_is_not_reported_and_names_keep_their_order(listener):
    taken, free = port_of(listener), free_port()
    ports = {"sessions web": free, "intake web": taken}
    assert preflight.taken_ports(ports) == [("intake web", taken)]
    assert preflight.taken_ports({"sessions web": free}) == []


def test_a_listener_on_every_address_takes_the_loopback_port_too():
    with socket.socket() as server:
        server.bind(("0.0.0.0", 0))
        server.listen()
        port = port_of(server)
        assert preflight.taken_ports({"mongo": port}) == [("mongo", port)]


def test_connections_left_in_time_wait_by_a_stopped_run_do_not_block_a_restart():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = port_of(server)
        with socket.create_connection(("127.0.0.1", port)):
            accepted, _ = server.accept()
            accepted.close()  # the server closes first: its end of the connection waits in TIME_WAIT
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))  # what a probe without SO_REUSEADDR would see
    # The connection winds down on its own time: poll until it has, rather than sleep.
    wait_for(lambda: preflight.taken_ports({"intake web": port}) == [], 5, "the port to be reported free")


def test_required_ports_names_every_port_make_run_listens_on():
    ports = preflight.required_ports({})
    assert ports == {
        "kafka": 9092,
        "kafka controller": 9093,
        "mongo": 27017,
        "mail sink": 1025,
        "sms stand-in": 8025,
        "prometheus": 9090,
        "alertmanager": 9094,
        "intake web": 8001,
        "intake worker metrics": 8001 + WORKER_METRICS_OFFSET,
        "sessions web": 8002,
        "sessions worker metrics": 8002 + WORKER_METRICS_OFFSET,
        "outcomes web": 8003,
        "outcomes worker metrics": 8003 + WORKER_METRICS_OFFSET,
        "notifications web": 8004,
        "notifications worker metrics": 8004 + WORKER_METRICS_OFFSET,
    }


def test_required_ports_follow_the_environment():
    ports = preflight.required_ports({"INTAKE_PORT": "18001", "KAFKA_CONTROLLER_PORT": "19093", "MONGO_PORT": ""})
    assert ports["intake web"] == 18001
    assert ports["intake worker metrics"] == 18001 + WORKER_METRICS_OFFSET
    assert ports["kafka controller"] == 19093
    assert ports["mongo"] == 27017


def test_with_two_workers_the_second_workers_metrics_ports_are_checked_too():
    ports = preflight.required_ports({"WORKERS": "2"})
    assert ports["intake worker metrics"] == 8001 + WORKER_METRICS_OFFSET
    assert ports["intake worker 2 metrics"] == 8001 + WORKER_METRICS_OFFSET + 10
    assert len([name for name in ports if "worker" in name]) == 2 * len(SERVICES)
    assert preflight.variable_for("notifications worker 2 metrics") == "NOTIFICATIONS_PORT"
    # The defaults leave room for two workers without one port given to two processes.
    assert preflight.clashes(ports) == []


def test_a_second_workers_port_given_to_another_process_is_a_clash():
    ports = preflight.required_ports({"WORKERS": "2", "SESSIONS_PORT": str(8001 + WORKER_METRICS_OFFSET + 10)})
    assert (8111, ["intake worker 2 metrics", "sessions web"]) in [
        (port, sorted(names)) for port, names in preflight.clashes(ports)
    ]


def test_workers_must_be_a_count():
    with pytest.raises(ValueError, match="WORKERS"):
        preflight.required_ports({"WORKERS": "two"})
    with pytest.raises(ValueError, match="NOTIFICATIONS_PORT=65420"):
        preflight.required_ports({"WORKERS": "4", "NOTIFICATIONS_PORT": "65420"})


def test_a_port_that_is_not_a_number_names_its_variable():
    with pytest.raises(ValueError, match="SESSIONS_PORT"):
        preflight.required_ports({"SESSIONS_PORT": "80o2"})


def test_a_web_port_must_leave_room_for_its_worker_metrics_port():
    with pytest.raises(ValueError, match="NOTIFICATIONS_PORT=65500"):
        preflight.required_ports({"NOTIFICATIONS_PORT": "65500"})


def test_each_port_names_the_variable_that_moves_it():
    assert {name: preflight.variable_for(name) for name in preflight.required_ports({})} == {
        "kafka": "KAFKA_PORT",
        "kafka controller": "KAFKA_CONTROLLER_PORT",
        "mongo": "MONGO_PORT",
        "mail sink": "SMTP_PORT",
        "sms stand-in": "SMS_PORT",
        "prometheus": "PROMETHEUS_PORT",
        "alertmanager": "ALERTMANAGER_PORT",
        "intake web": "INTAKE_PORT",
        "intake worker metrics": "INTAKE_PORT",
        "sessions web": "SESSIONS_PORT",
        "sessions worker metrics": "SESSIONS_PORT",
        "outcomes web": "OUTCOMES_PORT",
        "outcomes worker metrics": "OUTCOMES_PORT",
        "notifications web": "NOTIFICATIONS_PORT",
        "notifications worker metrics": "NOTIFICATIONS_PORT",
    }


def bound(port: int) -> socket.socket | None:
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        return None
    return sock


@pytest.fixture
def free_stack(monkeypatch) -> dict[str, int]:
    """Every port variable pointed at a free port of its own (the defaults may be in use on this machine).

    A service's port is chosen only if its worker metrics port (port + offset) is free too. Every
    chosen port is held until all are chosen, so no two variables get the same one.
    """
    service_variables = {preflight.port_variable(service) for service in SERVICES}
    chosen: dict[str, int] = {}
    held: list[socket.socket] = []
    try:
        for variable in ALL_PORT_VARIABLES:
            for _attempt in range(50):
                sock = bound(0)
                assert sock is not None
                held.append(sock)
                port = port_of(sock)
                if variable not in service_variables:
                    break
                metrics = bound(port + WORKER_METRICS_OFFSET)
                if metrics is not None:
                    held.append(metrics)
                    break
            else:
                pytest.fail(f"no free port pair for {variable}")
            chosen[variable] = port
    finally:
        for sock in held:
            sock.close()
    for variable, port in chosen.items():
        monkeypatch.setenv(variable, str(port))
    return chosen


def test_check_ports_fails_naming_a_taken_port_and_what_to_do(free_stack, listener, monkeypatch, capsys):
    port = port_of(listener)
    monkeypatch.setenv("INTAKE_PORT", str(port))

    assert cli.main(["check-ports"]) == 1

    err = capsys.readouterr().err
    assert (
        f"port {port} (intake web) is already in use — is the platform already running? "
        "Stop it, or set INTAKE_PORT to another port."
    ) in err.splitlines()
    assert "sessions" not in err


def test_check_ports_names_a_taken_worker_metrics_port(free_stack, listener, monkeypatch, capsys):
    port = port_of(listener)
    monkeypatch.setenv("OUTCOMES_PORT", str(port - WORKER_METRICS_OFFSET))

    assert cli.main(["check-ports"]) == 1

    err = capsys.readouterr().err
    assert f"port {port} (outcomes worker metrics) is already in use" in err
    assert "set OUTCOMES_PORT to another port" in err


def test_check_ports_refuses_one_port_given_to_two_processes(free_stack, monkeypatch, capsys):
    monkeypatch.setenv("SESSIONS_PORT", str(free_stack["KAFKA_PORT"]))

    assert cli.main(["check-ports"]) == 1

    assert f"port {free_stack['KAFKA_PORT']} is set for more than one process: kafka, sessions web" in (
        capsys.readouterr().err
    )


def test_check_ports_is_silent_and_succeeds_when_every_port_is_free(free_stack, capsys):
    assert cli.main(["check-ports"]) == 0

    assert capsys.readouterr() == ("", "")
