"""Probe of the TWS client and poller against Stoplight Prism mocks of the product's spec.

``mock`` starts Prism and a recording proxy in front of it, ``calls`` drives ``TWSClient``
and classifies each call, ``poll`` runs ``resync-flows poll --once`` against a mock.
``python -m bench.prism_probe`` is the command line.
"""
