from vault_ls.cli import main

if __name__ == "__main__":  # worker processes import this module again: they must not serve
    raise SystemExit(main())
