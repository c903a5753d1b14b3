"""`python -m scorecard_xl.cli`: the command line, as `scorecard-xl`."""

from scorecard_xl.cli.main import main

raise SystemExit(main())
