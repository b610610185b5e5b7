"""`make chaos`: faults injected into a private stack under load, and what they cost (tests/chaos/run.py)."""
