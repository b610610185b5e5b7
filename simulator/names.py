"""Clearly fake names: fictional given names and a family name that always starts with "Sim-".

Nobody real is called "Sim-Larkspur"; staff reading a demo's work queue, and anyone reading the
database afterwards, can tell simulated clients from real ones at a glance.
"""

from __future__ import annotations

import random

FAMILY_PREFIX = "Sim-"

GIVEN_NAMES = (
    "Ada", "Bram", "Cleo", "Dario", "Edda", "Fenn", "Gus", "Hana", "Ivo", "Juno",
    "Kit", "Lior", "Mina", "Nico", "Odile", "Pax", "Quill", "Rosa", "Sol", "Tove",
    "Ulla", "Vale", "Wren", "Xan", "Yara", "Zeb",
)  # fmt: skip

FAMILY_ROOTS = (
    "Larkspur", "Quillon", "Marrow", "Fennick", "Ashgrove", "Brindle", "Cobbleton", "Dunmere",
    "Eldervale", "Foxley", "Gillow", "Harrowgate", "Inkwell", "Juniper", "Kestrel", "Lindqvale",
    "Mosswick", "Nettlefold", "Oakhollow", "Pebbleby", "Rookwood", "Saltmarsh", "Thistledown", "Umberly",
)  # fmt: skip


def fake_name(rng: random.Random) -> tuple[str, str]:
    """(given name, family name), the family name always "Sim-<fictional root>"."""
    return rng.choice(GIVEN_NAMES), FAMILY_PREFIX + rng.choice(FAMILY_ROOTS)


def is_simulated(family_name: str) -> bool:
    return family_name.startswith(FAMILY_PREFIX)
