from runbooks.cli import main

raise SystemExit(main())
