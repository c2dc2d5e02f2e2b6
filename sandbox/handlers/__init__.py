"""Resource handlers by type token, one module per AWS service (see ``base`` for the contract)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from sandbox.handlers.base import HANDLERS, Handler


@cache
def registry() -> dict[str, Handler]:
    """Every handler, after importing each service module once."""
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
        if info.name != "base" and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(HANDLERS)


def supported_types() -> list[str]:
    return sorted(registry())
