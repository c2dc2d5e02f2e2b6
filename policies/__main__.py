"""``python -m policies gate ...``: see policies/cli.py."""

import sys

from policies.cli import main

sys.exit(main())
