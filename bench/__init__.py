"""Benchmarks: `python -m bench NAME [options]` prints its figures as JSON on stdout."""
