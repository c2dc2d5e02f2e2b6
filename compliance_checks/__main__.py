"""``python -m compliance_checks audit|list|permissions``."""

import gc
import sys

from compliance_checks.cli import main

# The garbage collector, tuned for a batch run that keeps what it reads. An audit allocates many
# objects per request (botocore's requests and answers) and keeps every answer for the run (read
# once, shared between checks): with the default thresholds a 5,000-bucket audit collected a
# thousand times, and its full passes walked every answer kept (3 to 4 s of 47, measured with
# gc.callbacks). What is imported by now lives as long as the process: frozen, no pass walks it
# again; young collections are rarer (reference counting still frees everything without a cycle at
# once). At the end the heap is frozen again, so that the interpreter's final collections do not
# walk the whole account's answers on the way out.
gc.freeze()
gc.set_threshold(10_000, 50, 100)
code = main()
gc.freeze()
sys.exit(code)
