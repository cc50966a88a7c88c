"""The figures of docs/metrics.md: a project's stage as of a date, the metrics, overdue items,
考评 and the monthly report, all as data (rows), never printed.

Imports ``base``, ``ledger`` and ``reading``.
"""
