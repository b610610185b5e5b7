"""Malformed, oversized, deeply nested and badly encoded requests to the running services: each gets
a clear JSON 4xx (never a 500, never gunicorn's HTML page), and nothing of it is stored."""

from __future__ import annotations

import socket
import uuid

import pytest
import requests

from shared.config import SERVICES
from tests.e2e.test_first_slice import new_client


def raw_request(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {name.lower(): value for name, value in headers.items()}, body


@pytest.mark.parametrize("service", SERVICES)
def test_a_request_line_too_long_is_a_json_414(stack, service):
    path = "/api/v1/clients?q=" + "x" * 6000
    status, headers, body = raw_request(stack.ports[service], f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert status == 414
    assert headers["content-type"] == "application/json"
    assert b"too long" in body and b"xxxx" not in body


@pytest.mark.parametrize("service", SERVICES)
def test_headers_too_large_are_a_json_431(stack, service):
    padding = "".join(f"X-Pad-{n}: {'y' * 100}\r\n" for n in range(120))
    request = f"GET /healthz HTTP/1.1\r\nHost: x\r\n{padding}\r\n".encode()
    status, headers, _ = raw_request(stack.ports[service], request)
    assert status == 431
    assert headers["content-type"] == "application/json"


def test_a_request_that_is_not_http_is_a_json_400(stack):
    status, headers, _ = raw_request(stack.ports["intake"], b"GARBAGE\x01 / HTTP/9\r\n\r\n")
    assert status == 400
    assert headers["content-type"] == "application/json"


BAD_BODIES = {
    "nested 5,000 levels": "[" * 5000 + "]" * 5000,
    "a number of 5,000 digits": '{"given_name": ' + "9" * 5000 + "}",
    "not UTF-8": b'{"given_name": "\xff\xfe"}',
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_unreadable_json_is_a_json_400(stack, name):
    headers = {**stack.headers("intake"), "Content-Type": "application/json"}
    answer = requests.post(f"{stack.url('intake')}/api/v1/clients", data=BAD_BODIES[name], headers=headers, timeout=10)
    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["message"]


@pytest.mark.parametrize("text", ["\u0000", "\ud800", "\u202e", "\u0007"])
def test_names_with_what_is_not_text_are_refused_and_not_stored(stack, text):
    marker = uuid.uuid4().hex[:8]
    body = new_client(marker) | {"given_name": f"Ann{marker}{text}e"}
    url = f"{stack.url('intake')}/api/v1/clients"
    answer = requests.post(url, json=body, headers=stack.headers("intake"), timeout=10)
    assert answer.status_code == 422
    assert list(answer.json()["errors"]["json"]) == ["given_name"]
    found = requests.get(url, params={"query": f"Ann{marker}"}, headers=stack.headers("admin"), timeout=10)
    assert found.status_code == 200 and found.json() == []
