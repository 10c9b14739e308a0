"""Allow `python -m journal`, the same as the `journal` command."""

from journal.cli_launch import main

raise SystemExit(main())
