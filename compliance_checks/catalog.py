"""The control catalog (catalog.yaml) and the reference list it cites (references.yaml).

The catalog maps each control of ``shared/CONTROLS.md`` to the live checks that assert it, the
gate policies that enforce it statically (and the Checkov categories whose built-in checks the gate
reports under it), its runbooks and its framework references. It is the only control map: the
runner reads it to turn a check's results into one finding per control, the gate to name the
control of each failure; ``list`` prints it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from compliance_checks.strict_yaml import InputError, load_yaml_file

PACKAGE_DIR = Path(__file__).resolve().parent
CATALOG_FILE = PACKAGE_DIR / "catalog.yaml"
REFERENCES_FILE = PACKAGE_DIR / "references.yaml"
REFERENCE_KINDS = ("security_hub", "soc2")

_CONTROL_KEYS = frozenset(
    {"id", "title", "statement", "checks", "manual", "policies", "gate_categories", "runbooks", "references"}
)


class CatalogError(ValueError):
    """catalog.yaml or references.yaml does not have the documented shape."""


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    statement: str
    checks: tuple[str, ...] = ()
    manual_evidence: str | None = None  # set for a control a person must evidence
    policies: tuple[str, ...] = ()
    gate_categories: tuple[str, ...] = ()
    runbooks: tuple[str, ...] = ()
    references: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def manual(self) -> bool:
        return self.manual_evidence is not None


@dataclass(frozen=True)
class Catalog:
    controls: tuple[Control, ...]

    def control(self, control_id: str) -> Control:
        for control in self.controls:
            if control.id == control_id:
                return control
        raise KeyError(control_id)

    @property
    def control_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.controls)

    @property
    def check_ids(self) -> tuple[str, ...]:
        """Every check the catalog names, once, in catalog order."""
        return tuple(dict.fromkeys(check for c in self.controls for check in c.checks))

    def controls_for_check(self, check_id: str) -> tuple[Control, ...]:
        return tuple(c for c in self.controls if check_id in c.checks)

    @property
    def control_by_policy(self) -> dict[str, str]:
        """Gate policy id -> the control it enforces."""
        return {policy: c.id for c in self.controls for policy in c.policies}

    @property
    def control_by_gate_category(self) -> dict[str, str]:
        """Checkov category (upper case) -> the control its built-in checks are reported under."""
        return {category.upper(): c.id for c in self.controls for category in c.gate_categories}


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise CatalogError(f"{where}: expected a list of non-empty strings, got {value!r}")
    if len(set(value)) != len(value):
        raise CatalogError(f"{where}: lists an entry twice")
    return tuple(value)


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{where}.{key}: required, a non-empty string")
    return " ".join(value.split())


def _control(entry: Any, index: int) -> Control:
    where = f"controls[{index}]"
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping")
    unknown = set(entry) - _CONTROL_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown keys {sorted(unknown)}")
    control_id = _text(entry, "id", where)
    where = f"{where} ({control_id})"
    checks = _strings(entry.get("checks"), f"{where}.checks")
    manual = entry.get("manual")
    evidence = None
    if manual is not None:
        if not isinstance(manual, dict):
            raise CatalogError(f"{where}.manual: expected a mapping with 'evidence'")
        evidence = _text(manual, "evidence", f"{where}.manual")
    references = entry.get("references") or {}
    if not isinstance(references, dict) or set(references) - set(REFERENCE_KINDS):
        raise CatalogError(f"{where}.references: a mapping with keys among {list(REFERENCE_KINDS)}")
    return Control(
        id=control_id,
        title=_text(entry, "title", where),
        statement=_text(entry, "statement", where),
        checks=checks,
        manual_evidence=evidence,
        policies=_strings(entry.get("policies"), f"{where}.policies"),
        gate_categories=_strings(entry.get("gate_categories"), f"{where}.gate_categories"),
        runbooks=_strings(entry.get("runbooks"), f"{where}.runbooks"),
        references={kind: _strings(references.get(kind), f"{where}.references.{kind}") for kind in REFERENCE_KINDS},
    )


def parse_catalog(document: Any) -> Catalog:
    if not isinstance(document, dict) or not isinstance(document.get("controls"), list):
        raise CatalogError("the catalog must be a mapping with a 'controls' list")
    controls = tuple(_control(entry, i) for i, entry in enumerate(document["controls"]))
    ids = [c.id for c in controls]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogError(f"controls listed twice: {duplicates}")
    for what in ("policies", "gate_categories"):
        owner: dict[str, str] = {}
        for control in controls:
            for name in getattr(control, what):
                if name.upper() in owner:
                    raise CatalogError(f"{what}: {name} is mapped to {owner[name.upper()]} and {control.id}")
                owner[name.upper()] = control.id
    return Catalog(controls)


def _load(path: Path) -> Any:
    try:
        return load_yaml_file(path)
    except InputError as exc:
        raise CatalogError(str(exc)) from None


@cache
def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    return parse_catalog(_load(path))


@cache
def load_references(path: Path = REFERENCES_FILE) -> Mapping[str, Mapping[str, str]]:
    """Reference kind -> id -> title."""
    document = _load(path)
    if not isinstance(document, dict):
        raise CatalogError(f"{path.name}: expected a mapping of reference kinds")
    found: dict[str, dict[str, str]] = {}
    for kind in REFERENCE_KINDS:
        entries = document.get(kind)
        if not isinstance(entries, dict):
            raise CatalogError(f"{path.name}: '{kind}' must map ids to {{title: ...}}")
        found[kind] = {}
        for ref_id, entry in entries.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("title"), str):
                raise CatalogError(f"{path.name}: {kind}.{ref_id} needs a title")
            found[kind][str(ref_id)] = " ".join(entry["title"].split())
    return found


def select_controls(catalog: Catalog, control_ids: Iterable[str]) -> tuple[Control, ...]:
    """The named controls, in catalog order; KeyError names the first unknown id."""
    wanted = list(dict.fromkeys(control_ids))
    for control_id in wanted:
        catalog.control(control_id)
    return tuple(c for c in catalog.controls if c.id in wanted)
