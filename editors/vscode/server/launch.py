"""Runs the vault-ls server this extension carries (server/lib, filled by scripts/bundle-server.mjs
at packaging time) with the user's own Python. The extension starts it as ``python -I launch.py``:
isolated, so an older vault-ls or pygls installed for that Python cannot shadow the bundled one."""

import os
import sys

if sys.version_info < (3, 11):
    sys.stderr.write(
        f"vault-ls needs Python 3.11 or newer; {sys.executable} is Python "
        f"{sys.version.split()[0]}. Set vault-ls.server.python to a newer one.\n"
    )
    raise SystemExit(3)

# At import, not under the guard below: the server's worker processes import this module again.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))

if __name__ == "__main__":
    from vault_ls.cli import main

    raise SystemExit(main())
