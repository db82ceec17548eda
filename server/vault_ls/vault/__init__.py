"""The vault engine: parsing, the note model, the index, link resolution and checks.

Nothing in this package imports pygls or lsprotocol (tests/vault/test_layering.py holds it to that).
"""
