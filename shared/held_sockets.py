"""Listening sockets the supervisor holds for the servers it runs (`# listen:` in the Procfile).

A server that is killed takes its listening socket with it, and until its replacement has bound
the port again every new connection is refused. When the supervisor owns the socket and hands it
to each run of the server (gunicorn's `--bind fd://N`), the port never closes: connections made
while the server restarts wait in the socket's backlog and are answered by the new server. This is
what systemd's socket activation does for a deployment; in Kubernetes the Service does the same.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Mapping

# Connections waiting while the server restarts (the kernel caps it at net.core.somaxconn).
BACKLOG = 2048
BIND_VARIABLE = "IPT_BIND"  # the Procfile's command binds ${IPT_BIND:-host:port}
_VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def expand(template: str, env: Mapping[str, str]) -> str:
    """`127.0.0.1:$INTAKE_PORT` with the variables filled from `env`, as the shell would."""
    return _VARIABLE.sub(lambda match: env.get(match.group(1) or match.group(2), ""), template)


def parse_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"a listen address is host:port, not {address!r}")
    return host, int(port)


def open_listener(address: str) -> socket.socket:
    """A listening TCP socket on `address`, bound as the servers bind (SO_REUSEADDR)."""
    host, port = parse_address(address)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(BACKLOG)
    except OSError as error:
        listener.close()
        raise OSError(error.errno, f"cannot listen on {address}: {error.strerror}") from error
    return listener


def bind_option(listener: socket.socket) -> str:
    """What the server is told to bind: the socket's file descriptor, inherited at that number."""
    return f"fd://{listener.fileno()}"
