"""``python -m compliance_checks audit|list|permissions``."""

import sys

from compliance_checks.cli import main

sys.exit(main())
