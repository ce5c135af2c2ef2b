"""`python -m fivesafes.analysis ...` (see cli.py)."""

import sys

from .cli import main

sys.exit(main())
