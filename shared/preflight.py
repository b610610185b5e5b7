"""Checks made before `make run` starts anything: every port the local platform listens on is free.

Without them a second `make run` (or any program holding, say, 8001) lets honcho start half the
processes, one of them dies on "address already in use", and honcho stops the rest with an error
buried in the interleaved logs. `ipt check-ports` names each taken port instead, and how to free it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping

from shared.config import DEFAULT_PORTS, SERVICES, worker_count
from shared.monitoring import ALERTMANAGER_PORT, PROMETHEUS_PORT
from shared.worker import WORKER_METRICS_OFFSET, worker_metrics_port

MAX_PORT = 65535
# The infrastructure `make run` starts (deploy/local/kafka.sh and mongo.sh, the local stand-ins
# for an e-mail relay and an SMS provider, Prometheus and Alertmanager), by name: (variable, default).
INFRASTRUCTURE_PORTS: dict[str, tuple[str, int]] = {
    "kafka": ("KAFKA_PORT", 9092),
    "kafka controller": ("KAFKA_CONTROLLER_PORT", 9093),
    "mongo": ("MONGO_PORT", 27017),
    "mail sink": ("SMTP_PORT", 1025),
    "sms stand-in": ("SMS_PORT", 8025),
    # The local monitoring stack (deploy/local/prometheus.sh and alertmanager.sh): Alertmanager is
    # moved off its usual 9093, which is Kafka's controller here.
    "prometheus": ("PROMETHEUS_PORT", PROMETHEUS_PORT),
    "alertmanager": ("ALERTMANAGER_PORT", ALERTMANAGER_PORT),
}


def port_variable(service: str) -> str:
    """The variable that sets `service`'s web port (its worker's metrics port follows it)."""
    return f"{service.upper()}_PORT"


def required_ports(env: Mapping[str, str]) -> dict[str, int]:
    """Every port `make run` listens on, by a name fit for a message: infrastructure, web, worker metrics.

    Read the way the processes read them (shared.config.Settings, the Procfile, the deploy scripts);
    a value that is not a number raises ValueError naming the variable.
    """
    ports = {name: _port(env, variable, default) for name, (variable, default) in INFRASTRUCTURE_PORTS.items()}
    workers = worker_count(env)
    for service in SERVICES:
        variable = port_variable(service)
        web = _port(env, variable, DEFAULT_PORTS[service])
        highest = worker_metrics_port(web, workers)
        if highest > MAX_PORT:
            room = highest - web
            raise ValueError(
                f"{variable}={web} leaves no room for its workers' metrics ports (up to {variable} + "
                f"{room}); use a port up to {MAX_PORT - room}"
            )
        ports[f"{service} web"] = web
        ports[f"{service} worker metrics"] = web + WORKER_METRICS_OFFSET
        for instance in range(2, workers + 1):
            ports[f"{service} worker {instance} metrics"] = worker_metrics_port(web, instance)
    return ports


def variable_for(name: str) -> str:
    """The environment variable that moves the port `required_ports` calls `name`."""
    if name in INFRASTRUCTURE_PORTS:
        return INFRASTRUCTURE_PORTS[name][0]
    return port_variable(name.split()[0])


def taken_ports(ports: Mapping[str, int], host: str = "127.0.0.1") -> list[tuple[str, int]]:
    """(name, port) for each port that cannot be bound on `host`, in the order given.

    The probe binds as the platform's servers do (gunicorn, Kafka, the database and the metrics
    server all set SO_REUSEADDR), so it fails exactly when they would: when something listens on
    the port. Without SO_REUSEADDR, Linux also refuses a port that only has connections in
    TIME_WAIT from a run stopped a moment ago, which the servers themselves bind without trouble.
    """
    taken = []
    for name, port in ports.items():
        if not _can_bind(host, port):
            taken.append((name, port))
    return taken


def clashes(ports: Mapping[str, int]) -> list[tuple[int, list[str]]]:
    """Ports that the configuration gives to more than one process, with their names."""
    names_by_port: dict[int, list[str]] = {}
    for name, port in ports.items():
        names_by_port.setdefault(port, []).append(name)
    return [(port, names) for port, names in names_by_port.items() if len(names) > 1]


def describe_taken(name: str, port: int) -> str:
    """The line `ipt check-ports` prints for a taken port: what it is for and how to get past it."""
    variable = variable_for(name)
    how = f"set {variable} to another port"
    if name.endswith(" worker metrics"):
        how += f" (the worker's metrics port is {variable} + {WORKER_METRICS_OFFSET})"
    return f"port {port} ({name}) is already in use — is the platform already running? Stop it, or {how}."


def _port(env: Mapping[str, str], variable: str, default: int) -> int:
    value = env.get(variable) or str(default)
    try:
        port = int(value)
    except ValueError:
        raise ValueError(f"{variable}={value!r} is not a port number") from None
    if not 0 < port <= MAX_PORT:
        raise ValueError(f"{variable}={value!r} is not a port number (1-{MAX_PORT})")
    return port


def _can_bind(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name == "posix":  # elsewhere SO_REUSEADDR would let the probe share a listener's port
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:  # in use above all; a privileged port or an absent address would fail the server too
            return False
    return True
