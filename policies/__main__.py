"""``python -m policies gate ...``: see policies/cli.py."""

import gc
import sys

from policies.cli import main

code = main()
# The process ends here: the render imported tens of thousands of pulumi_aws classes, and the final
# garbage collections would walk them all (about a second). Freezing the heap skips that walk;
# atexit handlers still run, files are closed and streams flushed as usual.
gc.freeze()
sys.exit(code)
