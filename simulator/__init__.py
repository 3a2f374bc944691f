"""Fake Blue Current and Shell clouds for tests, the demo and benchmarks."""
