"""Bad usage in one line, for every command line of the repository (audit, runbooks, sandbox).

argparse prints its whole usage block before the error, and a value with a newline or an escape
sequence in it can break a message over several lines or repaint the terminal. CI logs and
scripts read one line better, and the house rule for bad input is one line on stderr and exit 2.
This module depends on nothing in the repository so that every command line can import it.
"""

from __future__ import annotations

import argparse
import unicodedata
from typing import NoReturn

USAGE_ERROR = 2
# Control and format characters (newlines, ESC, bidi overrides) and line/paragraph separators.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}


def one_line(text: object) -> str:
    """``text`` on one line, every control or format character shown as its escape (``\\n``, ``\\x1b``)."""
    return "".join(
        char.encode("unicode_escape").decode("ascii") if unicodedata.category(char) in _INVISIBLE else char
        for char in str(text)
    ).strip()


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line naming the help, exit code 2.

    Subcommand parsers made with ``add_subparsers().add_parser`` are of the same class.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {one_line(message)} (see `{self.prog} --help`)\n")
