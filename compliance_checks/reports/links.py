"""Runbook links: only repository paths or https URLs become links, so a catalog entry cannot
inject a javascript: or data: URL into a report.

A catalog names runbooks by their path in the repository (``runbooks/x.md``). Where a report is
read decides what that path must be prefixed with, the report's ``runbook_base``: the relative way
from the report's folder back to the repository (``../..`` for reports/audit/, the default when the
runbooks are on disk), or the https URL of the repository's files (``--runbook-base-url``) for a
report that is handed on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_SAFE_PATH = re.compile(r"^[A-Za-z0-9_./-]+$")
# An https URL a link may start with: host, optional port, a path of unreserved characters (no
# spaces, quotes or parentheses, which would end an HTML attribute or a Markdown link early).
_SAFE_URL = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/%+-]*)?")


class LinkBaseError(ValueError):
    """A runbook base that is neither an https URL nor a relative path."""


def _safe_path(text: str) -> bool:
    return bool(_SAFE_PATH.match(text)) and not text.startswith("/")


def check_base(base: str) -> str:
    """``base`` when links may start with it (an https URL, or a relative path of safe characters)."""
    if not base or _SAFE_URL.fullmatch(base) or (_safe_path(base) and ":" not in base):
        return base
    raise LinkBaseError(f"{base!r} is not an https:// URL or a relative path")


def relative_base(repository: Path, report_dir: Path) -> str:
    """The relative path from ``report_dir`` to ``repository`` ("" when they are the same)."""
    relative = Path(os.path.relpath(repository.resolve(), report_dir.resolve())).as_posix()
    return "" if relative == "." else relative


def runbook_href(runbook: str, base: str = "") -> str | None:
    if runbook.startswith("https://"):
        return runbook
    if not (_safe_path(runbook) and ".." not in runbook):
        return None
    base = check_base(base)
    return f"{base.rstrip('/')}/{runbook}" if base else runbook


def absolute_runbook_urls(runbooks: tuple[str, ...], base: str = "") -> list[str]:
    """The runbook links that work wherever the report goes (https), for formats read in another
    tool (Security Hub, OCSF): a path relative to the report's folder means nothing there."""
    hrefs = (runbook_href(runbook, base) for runbook in runbooks)
    return [href for href in hrefs if href and href.startswith("https://")]
