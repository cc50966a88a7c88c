"""The contract in code: the vocabulary, scalar spellings (amounts, dates, areas), the pydantic
models of xiangmu.yaml and the five ledgers, the problem catalogue, and the JSON schemas.

Imports only ``base``.
"""
