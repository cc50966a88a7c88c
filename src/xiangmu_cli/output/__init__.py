"""Rendering: documents of tables (rich, md, plain, csv, json, html, xlsx), the views that turn
the library's rows into documents, and problem messages as text.

Imports the layers below it (``base`` … ``history``).
"""
