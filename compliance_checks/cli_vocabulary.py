"""What every command line of the repository says the same way: its name, its version, its width.

- ``prog``: help and errors name the command as it was run: ``leadping-audit`` when run as the
  installed console script, ``python -m compliance_checks`` otherwise (argparse's default is the
  file name, ``__main__.py`` under ``-m``).
- ``--version``: ``leadping-audit 0.1.0``, the installed package's version, on every command.
- ``output_width``: rich reads ``COLUMNS`` itself; piped output without ``COLUMNS`` is 160 columns
  wide rather than rich's 80, so that ARNs are not folded in a CI log.
- Format names: the console report is ``table`` everywhere (the gate also takes its old ``cli``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

PIPED_WIDTH = 160


def prog(installed: str, module: str, argv0: str | None = None) -> str:
    """``installed`` when the process runs as that console script, ``python -m module`` otherwise."""
    name = Path(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else "")).name
    return installed if name == installed else f"python -m {module}"


def add_version(parser: argparse.ArgumentParser, installed: str) -> None:
    # The one definition of the version: the installed package's, as every report's metadata names it.
    from compliance_checks.runner import tool_version

    parser.add_argument(
        "--version", action="version", version=f"{installed} {tool_version()}", help="print the version and exit"
    )


def output_width(stream: TextIO | None = None) -> int | None:
    """The width for rich: None (rich's own: the terminal's, or COLUMNS) on a terminal or with COLUMNS set,
    else PIPED_WIDTH."""
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", lambda: False)
    columns = os.environ.get("COLUMNS", "").strip()
    if isatty() or columns.isdigit():
        return int(columns) if columns.isdigit() and not isatty() else None
    return PIPED_WIDTH
