"""The gunicorn worker every service runs: gunicorn's own threaded worker, except that a request it
refuses before the application sees it (a request line or headers too long, a malformed request)
is answered in JSON like every other error of the API, not with gunicorn's HTML page, and logged
without echoing what was sent.
"""

from __future__ import annotations

import json
import socket
from typing import Any

from gunicorn.http.errors import (
    ConfigurationProblem,
    ExpectationFailed,
    ForbiddenProxyRequest,
    LimitRequestHeaders,
    LimitRequestLine,
    ParseException,
    UnsupportedTransferCoding,
)
from gunicorn.util import write_nonblock
from gunicorn.workers.gthread import ThreadWorker

# Refusals of gunicorn's parser: status, reason, what the caller is told.
REFUSALS: tuple[tuple[type[Exception], int, str, str], ...] = (
    (LimitRequestLine, 414, "URI Too Long", "The request line is too long."),
    (LimitRequestHeaders, 431, "Request Header Fields Too Large", "The request headers are too large or too many."),
    (UnsupportedTransferCoding, 501, "Not Implemented", "The request's transfer coding is not supported."),
    (ExpectationFailed, 417, "Expectation Failed", "The request's Expect header cannot be met."),
    (ForbiddenProxyRequest, 403, "Forbidden", "The request came through a proxy that is not trusted."),
    (ParseException, 400, "Bad Request", "The request is not valid HTTP."),
)


def refusal_for(error: BaseException) -> tuple[int, str, str] | None:
    """What to answer, or None for gunicorn's own handling (errors of the server, not the caller)."""
    if isinstance(error, ConfigurationProblem):
        return None
    for kind, status, reason, message in REFUSALS:
        if isinstance(error, kind):
            return status, reason, message
    return None


def json_error_bytes(status: int, reason: str, message: str) -> bytes:
    body = json.dumps({"code": status, "status": reason, "message": message}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class JsonErrorWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn ships no type information
    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: BaseException) -> None:
        refusal = refusal_for(exc)
        if refusal is None:
            super().handle_error(req, client, addr, exc)
            return
        status, reason, message = refusal
        self.log.warning("Refused a malformed request (%s): %s", status, exc.__class__.__name__)
        try:
            write_nonblock(client, json_error_bytes(status, reason, message))
        except OSError:
            self.log.debug("Failed to send error message.")
