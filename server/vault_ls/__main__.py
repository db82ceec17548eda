from vault_ls.cli import main

raise SystemExit(main())
