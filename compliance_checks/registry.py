"""Finds the checks: one class per file under ``checks/<service>/``, the id being the file name."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import replace
from functools import cache
from pathlib import Path

from compliance_checks.core import Check

CHECKS_DIR = Path(__file__).resolve().parent / "checks"


class RegistryError(RuntimeError):
    """A check file does not follow the contract (one Check subclass, metadata, scenarios)."""


def _load(module_name: str, service: str, check_id: str) -> type[Check]:
    module = importlib.import_module(module_name)
    classes = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj) and issubclass(obj, Check) and obj is not Check and obj.__module__ == module.__name__
    ]
    if len(classes) != 1:
        raise RegistryError(f"{module_name}: expected exactly one Check subclass, found {len(classes)}")
    cls = classes[0]
    metadata = getattr(cls, "metadata", None)
    if metadata is None:
        raise RegistryError(f"{module_name}: {cls.__name__} declares no metadata")
    if not metadata.permissions:
        raise RegistryError(f"{module_name}: {cls.__name__} declares no IAM permissions")
    if "Scenarios" not in (cls.__doc__ or ""):
        raise RegistryError(f"{module_name}: {cls.__name__}'s docstring lists no Scenarios")
    cls.id = check_id
    cls.metadata = replace(metadata, service=service)
    return cls


@cache
def all_checks() -> dict[str, type[Check]]:
    """Every check, by id, in a stable order."""
    found: dict[str, type[Check]] = {}
    for service_dir in sorted(p for p in CHECKS_DIR.iterdir() if p.is_dir() and not p.name.startswith("_")):
        for info in sorted(pkgutil.iter_modules([str(service_dir)]), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            if info.name in found:
                raise RegistryError(f"two checks are named {info.name}")
            module_name = f"compliance_checks.checks.{service_dir.name}.{info.name}"
            found[info.name] = _load(module_name, service_dir.name, info.name)
    return found


def get(check_id: str) -> type[Check]:
    checks = all_checks()
    if check_id not in checks:
        raise KeyError(check_id)
    return checks[check_id]
