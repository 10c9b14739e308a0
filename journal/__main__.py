"""Allow `python -m journal`, the same as the `journal` command."""

from journal.cli import main

raise SystemExit(main())
