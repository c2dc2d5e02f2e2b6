"""Runbook links: only repository paths or https URLs become links, so a catalog entry cannot
inject a javascript: or data: URL into a report."""

from __future__ import annotations

import re

_SAFE_PATH = re.compile(r"^[A-Za-z0-9_./-]+$")


def runbook_href(runbook: str) -> str | None:
    if runbook.startswith("https://"):
        return runbook
    if _SAFE_PATH.match(runbook) and ".." not in runbook and not runbook.startswith("/"):
        return runbook
    return None
