"""Forms with a growing number of rows (people, life events): how many to show, and which were filled."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from shared.staff_ui.forms import text

MAX_ROWS = 30


def row_count(form: MultiDict, key: str, minimum: int) -> int:
    try:
        count = int(form.get(key, minimum))
    except ValueError:
        count = minimum
    return max(minimum, min(count, MAX_ROWS))


def filled_rows(form: MultiDict, prefix: str, fields: tuple[str, ...], count: int) -> tuple[list[dict], list[int]]:
    """Non-empty rows as dicts, with the on-screen index of each (empty rows are ignored)."""
    rows, positions = [], []
    for index in range(count):
        row = {name: text(form, f"{prefix}.{index}.{name}") for name in fields}
        if any(row.values()):
            rows.append(row)
            positions.append(index)
    return rows, positions
