"""The supervisor's held listening sockets: addresses filled from the environment, as a shell would."""

from __future__ import annotations

import socket

import pytest

from shared import held_sockets


def test_variables_in_an_address_are_filled_from_the_environment():
    env = {"INTAKE_PORT": "8001", "HOST": "127.0.0.1"}
    assert held_sockets.expand("127.0.0.1:$INTAKE_PORT", env) == "127.0.0.1:8001"
    assert held_sockets.expand("${HOST}:$INTAKE_PORT", env) == "127.0.0.1:8001"
    assert held_sockets.expand("127.0.0.1:$MISSING", env) == "127.0.0.1:"


@pytest.mark.parametrize("address", ["127.0.0.1:", ":8001", "127.0.0.1:http", "127.0.0.1:70000", "8001"])
def test_an_address_without_a_host_and_a_port_is_refused(address):
    with pytest.raises(ValueError, match="host:port"):
        held_sockets.parse_address(address)


def test_the_server_is_told_the_socket_by_its_descriptor():
    with socket.socket() as listener:
        assert held_sockets.bind_option(listener) == f"fd://{listener.fileno()}"
