"""Rucher's benchmarks: ``python -m bench`` (``make bench``). See ``bench/run.py``."""
