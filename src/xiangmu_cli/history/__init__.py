"""The ledgers through git: revisions, what changed by project (xm diff, xm log), the textconv
driver and the restatement check of sent figures.

Imports the layers below it (``base`` … ``figures``).
"""
