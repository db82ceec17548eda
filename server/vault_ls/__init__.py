"""vault-ls: a language server for Obsidian-style Markdown vaults."""

__version__ = "0.1.0"
