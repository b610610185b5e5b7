"""Runs every benchmark and prints one JSON line per measurement."""

from __future__ import annotations

import json
import sys

from tests.bench import alerts, pipeline, reports, scoring


def main() -> int:
    for result in [*scoring.run(), *pipeline.run(), *alerts.run(), *reports.run()]:
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
