"""Dataclasses to and from MongoDB documents, guided by their type hints.

Fields marked `metadata={"transient": True}` (raised domain events) are not stored.
BSON has datetimes but no plain dates, so a `date` is stored as its ISO string (which still
sorts and matches exactly) and a `datetime` as a BSON datetime.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.metadata.get("transient")
        }
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    return value


def decode(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return decode(options[0], value) if len(options) == 1 else value
    if origin in (list, tuple):
        (item_kind, *_) = typing.get_args(kind) or (Any,)
        items = [decode(item_kind, item) for item in value]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        (_, value_kind) = typing.get_args(kind)
        return {key: decode(value_kind, item) for key, item in value.items()}
    if kind is dict:
        return dict(value)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        known = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(**{name: decode(hints[name], item) for name, item in value.items() if name in known})
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    return value


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)
