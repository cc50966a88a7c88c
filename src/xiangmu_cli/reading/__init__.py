"""Reading a ledger repository: YAML (fast and positional), the loader and its record types,
the checks that make problems, and the result cache.

Imports ``base`` and ``ledger``.
"""
