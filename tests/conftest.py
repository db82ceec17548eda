"""Shared test set-up: the note cache goes to a throw-away folder, never the user's."""

import os
import tempfile

os.environ.setdefault("VAULT_LS_CACHE_DIR", tempfile.mkdtemp(prefix="vault-ls-test-cache-"))
