"""Finds the checks: one class per file under ``checks/<service>/``, the id being the file name."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import threading
from collections.abc import Iterator, Mapping
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
def _modules() -> dict[str, tuple[str, str]]:
    """Every check's id -> (its module, its service), in a stable order: from the file names alone."""
    found: dict[str, tuple[str, str]] = {}
    for service_dir in sorted(p for p in CHECKS_DIR.iterdir() if p.is_dir() and not p.name.startswith("_")):
        for info in sorted(pkgutil.iter_modules([str(service_dir)]), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            if info.name in found:
                raise RegistryError(f"two checks are named {info.name}")
            found[info.name] = (f"compliance_checks.checks.{service_dir.name}.{info.name}", service_dir.name)
    return found


_loaded: dict[str, type[Check]] = {}
_loading = threading.RLock()


def _check(check_id: str) -> type[Check]:
    with _loading:
        cls = _loaded.get(check_id)
        if cls is None:
            module_name, service = _modules()[check_id]
            cls = _loaded[check_id] = _load(module_name, service, check_id)
        return cls


class Available(Mapping[str, type[Check]]):
    """Every check by id, as ``all_checks``, each imported (and held to the contract) when first looked
    up: an audit of two checks (``--checks``) does not import the other 65 before its first read."""

    def __getitem__(self, check_id: str) -> type[Check]:
        if check_id not in _modules():
            raise KeyError(check_id)
        return _check(check_id)

    def __iter__(self) -> Iterator[str]:
        return iter(_modules())

    def __len__(self) -> int:
        return len(_modules())

    def __contains__(self, check_id: object) -> bool:
        return check_id in _modules()


def available() -> Available:
    return Available()


@cache
def all_checks() -> dict[str, type[Check]]:
    """Every check, by id, in a stable order."""
    return {check_id: _check(check_id) for check_id in _modules()}


def get(check_id: str) -> type[Check]:
    checks = all_checks()
    if check_id not in checks:
        raise KeyError(check_id)
    return checks[check_id]
