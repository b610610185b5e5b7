"""How fast the instrument library scores a form (pure Python, no I/O)."""

from __future__ import annotations

import time

from shared.instruments import get_instrument
from tests.bench.figures import Figure

FORMS = {
    "phq9": [1, 2, 0, 3, 1, 0, 2, 1, 1],
    "audit": [2, 1, 0, 1, 0, 2, 0, 1, 2, 0],
    "pcl5": [2] * 20,
    "cssrs_screen": [True, True, True, False, False, True],
}


def figures(repeats: int = 20_000) -> list[Figure]:
    return [
        Figure(f"scoring {result['benchmark'].split('.')[1]} (no I/O)", result["per_second"], "forms/s")
        for result in run(repeats)
    ]


def run(repeats: int = 20_000) -> list[dict]:
    results = []
    for code, answers in FORMS.items():
        instrument = get_instrument(code)
        extras = {"q6_recent": False} if code == "cssrs_screen" else {}
        started = time.perf_counter()
        for _ in range(repeats):
            instrument.score(answers, extras)
        elapsed = time.perf_counter() - started
        results.append(
            {
                "benchmark": f"score.{code}",
                "per_second": round(repeats / elapsed),
                "microseconds_each": round(elapsed / repeats * 1e6, 1),
            }
        )
    return results
