"""Writing ledgers without losing a byte: the event commands' edits and xm fmt, round-trip and
atomic, under the ledger lock.

Imports the layers below it (``base`` … ``output``).
"""
