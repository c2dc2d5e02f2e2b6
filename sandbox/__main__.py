"""``python -m sandbox serve``."""

import gc
import sys

from sandbox.cli import main

code = main()
# The process ends here, after the server stopped: the deploy imported tens of thousands of
# pulumi_aws classes and moto holds the whole simulated account, and the final garbage collections
# would walk all of it (seconds, most of a slow stop). Freezing the heap skips that walk; atexit
# handlers still run, files are closed and streams flushed as usual.
gc.freeze()
sys.exit(code)
