"""Benchmarks: `python -m benchmarks [--quick]` prints one `name value unit` figure per line.

They measure; they never assert. Targets live in the issue tracker and the README.
"""
