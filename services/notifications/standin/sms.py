"""A stand-in for an HTTP SMS provider (Twilio's Messages resource shape), for `make run` and tests.

    python -m services.notifications.standin.sms --port 8025 --store .local/sms

`POST /2010-04-01/Accounts/{account}/Messages.json` (form fields To, From, Body; basic auth) stores
each message as a JSON file in the store folder and answers 201 with a message sid. A request that
repeats an `I-Twilio-Idempotency-Token` gets the first answer and is stored once (the repeat is
noted in `repeats.jsonl`). To simulate an outage, `PUT /_standin/outage` with `{"status": 503}` makes
every message request fail with that status until `DELETE /_standin/outage`;
`GET /_standin/messages` lists what was stored. It listens on the loopback address only.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages\.json$")
IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"


class Store:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.outage: int | None = None
        self.by_token: dict[str, dict[str, object]] = {}
        for path in sorted(self.folder.glob("SM*.json")):
            stored = json.loads(path.read_text())
            if stored.get("idempotency_token"):
                self.by_token[str(stored["idempotency_token"])] = stored

    def accept(self, account: str, form: dict[str, str], token: str | None) -> dict[str, object]:
        with self.lock:
            if token and token in self.by_token:
                with (self.folder / "repeats.jsonl").open("a") as repeats:
                    repeats.write(json.dumps({"idempotency_token": token, "at": _now()}) + "\n")
                return self.by_token[token]
            message: dict[str, object] = {
                "sid": f"SM{uuid.uuid4().hex}",
                "account_sid": account,
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body"),
                "status": "queued",
                "idempotency_token": token,
                "date_created": _now(),
            }
            path = self.folder / f"{message['sid']}.json"
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(message, indent=2))
            temporary.replace(path)  # a reader never sees half a message
            if token:
                self.by_token[token] = message
            return message

    def messages(self) -> list[dict[str, object]]:
        found = [json.loads(path.read_text()) for path in self.folder.glob("SM*.json")]
        return sorted(found, key=lambda m: str(m["date_created"]))


def _now() -> str:
    return datetime.now(UTC).isoformat()


def handler_for(store: Store) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass  # request lines would print phone numbers

        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            match = MESSAGES.match(self.path)
            body = self._body()
            if match is None:
                self._answer(404, {"code": 20404, "message": "not found"})
                return
            if not self.headers.get("Authorization", "").startswith("Basic "):
                self._answer(401, {"code": 20003, "message": "authenticate"})
                return
            if store.outage is not None:
                self._answer(store.outage, {"code": 20500, "message": "simulated outage"})
                return
            form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
            if not form.get("To") or not form.get("Body"):
                self._answer(400, {"code": 21604, "message": "To and Body are required"})
                return
            self._answer(201, store.accept(match["account"], form, self.headers.get(IDEMPOTENCY_HEADER)))

        def do_PUT(self) -> None:  # noqa: N802
            if self.path != "/_standin/outage":
                self._answer(404, {"message": "not found"})
                return
            wanted = json.loads(self._body() or b"{}")
            store.outage = int(wanted.get("status", 503))
            self._answer(200, {"outage": store.outage})

        def do_DELETE(self) -> None:  # noqa: N802
            if self.path != "/_standin/outage":
                self._answer(404, {"message": "not found"})
                return
            store.outage = None
            self._answer(200, {"outage": None})

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/_standin/messages":
                self._answer(200, store.messages())
            elif self.path == "/_standin/outage":
                self._answer(200, {"outage": store.outage})
            else:
                self._answer(404, {"message": "not found"})

    return Handler


def serve(port: int, folder: Path, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), handler_for(Store(folder)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--store", type=Path, required=True, help="folder the messages are written to")
    args = parser.parse_args(argv)
    server = serve(args.port, args.store)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    import signal
    import sys

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    main()
