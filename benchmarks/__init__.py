"""Benchmarks of the live audit (run with ``python -m benchmarks.<name>``)."""
