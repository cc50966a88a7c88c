"""The bottom layer: reading and writing files safely (atomic writes, bounded reads of regular
files only, the ledger lock), resource limits and text made safe to show.

Imports nothing of xiangmu_cli.
"""
