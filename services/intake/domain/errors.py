"""Domain errors carry field-level messages so the API can say exactly what is wrong."""
from __future__ import annotations


class RuleViolation(ValueError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()))
        self.errors = errors


class NotFound(LookupError):
    pass


class Conflict(RuntimeError):
    pass
