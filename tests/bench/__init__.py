"""Benchmarks (`make bench`): throughput and latency goals live here, not in timed tests."""
