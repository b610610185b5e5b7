"""JSON logs with the correlation id; fields that could carry health information are dropped."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from shared import context

# Never logged, whatever a caller passes in `extra`: names, birth dates, contacts, answers, notes.
PHI_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "name",
        "date_of_birth",
        "dob",
        "email",
        "phone",
        "contact",
        "address",
        "answers",
        "notes",
        "note",
        "reason",
        "inventory",
        "free_text",
        "query",
    }
)
_STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        correlation = context.current_correlation_id()
        if correlation:
            entry["correlation_id"] = correlation
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            entry[key] = "[redacted]" if key in PHI_FIELDS else _plain(value)
        if record.exc_info and record.exc_info[0] is not None:
            # Exception type only: messages of database errors can echo document values.
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str)


def _plain(value: object) -> object:
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Client libraries log connection chatter (and kafka-python can log record contents at DEBUG).
    for noisy in ("pymongo", "werkzeug"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # kafka-python logs every refused connection at ERROR while a broker restarts; our own
    # retry loops report outages once, with context.
    logging.getLogger("kafka").setLevel(max(logging.ERROR, root.level))
    logging.getLogger("kafka.net").setLevel(logging.CRITICAL)
