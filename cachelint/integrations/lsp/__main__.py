from cachelint.integrations.lsp import main

raise SystemExit(main())
