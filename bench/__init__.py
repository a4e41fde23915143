"""Benchmarks, each printing ratios against a baseline measured in the same run.

Run them as modules from the repository root, e.g. ``.venv/bin/python -m bench.ingest``
(``make bench`` runs them all), so that they import the product packages and the test
corpora (``tests.*``) from the checkout without any path set-up.
"""
