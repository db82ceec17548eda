"""LSP features: one module per feature, each a function of the vault, a note and a position
returning lsprotocol values (or None when nothing applies). Only ``convert`` knows about
position encodings; only ``server.py`` knows about pygls."""
