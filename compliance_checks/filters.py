"""``--severity``, ``--service``, ``--status`` and ``--framework`` for ``list`` and ``audit``.

Severity, service and framework narrow what runs: the checks of that severity, the checks whose
resource type is of that service (``s3`` of ``AWS::S3::Bucket``), the controls that cite that
framework requirement (a SOC 2 criterion such as ``CC6.1`` or a Security Hub / FSBP control such as
``S3.17``, from references.yaml; ``soc2:CC6.1`` names the framework too). ``--status`` narrows
what the reports show, never what the exit code counts: a FAIL left out of view still exits 1.
A filter that matches nothing is a mistake (exit 2), never an empty, green run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from compliance_checks.catalog import REFERENCE_KINDS, Catalog, Control
from compliance_checks.core import Check, Status
from compliance_checks.reports.model import SEVERITY_ORDER, Finding, service_of
from compliance_checks.reports.store import FindingStore
from compliance_checks.runner import Selection, SelectionError, select

STATUSES = tuple(str(s) for s in Status)


class FilterError(ValueError):
    """A filter value that is not one the catalog knows, or filters that leave nothing."""


def _values(values: Sequence[str] | None) -> frozenset[str]:
    return frozenset(part.strip() for value in values or () for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Filters:
    severities: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    frameworks: frozenset[str] = frozenset()
    _checks: Mapping[str, type[Check]] = field(default_factory=dict, compare=False)

    @classmethod
    def parse(
        cls,
        severity: Sequence[str] | None = None,
        service: Sequence[str] | None = None,
        status: Sequence[str] | None = None,
        framework: Sequence[str] | None = None,
    ) -> Filters:
        severities = frozenset(v.lower() for v in _values(severity))
        statuses = frozenset(v.upper() for v in _values(status))
        for given, known, option in ((severities, SEVERITY_ORDER, "--severity"), (statuses, STATUSES, "--status")):
            unknown = sorted(given - set(known))
            if unknown:
                raise FilterError(f"{option}: unknown {', '.join(unknown)}; choose among {', '.join(known)}")
        return cls(severities, frozenset(v.lower() for v in _values(service)), statuses, _values(framework))

    @property
    def narrows_checks(self) -> bool:
        return bool(self.severities or self.services or self.frameworks)

    def control_matches(self, control: Control) -> bool:
        if not self.frameworks:
            return True
        cited = {ref for kind in REFERENCE_KINDS for ref in control.references.get(kind, ())}
        cited |= {f"{kind}:{ref}" for kind in REFERENCE_KINDS for ref in control.references.get(kind, ())}
        return bool(cited & self.frameworks)

    def check_matches(self, check: type[Check]) -> bool:
        metadata = check.metadata
        if self.severities and str(metadata.severity) not in self.severities:
            return False
        return not self.services or service_of(metadata.resource_type) in self.services

    def shown(self, findings: Iterable[Finding]) -> Any:
        """The findings --status shows: a list, or a filtered view of a store (read as it is written)."""

        def keep(finding: Finding) -> bool:
            return not self.statuses or str(finding.status) in self.statuses

        if isinstance(findings, FindingStore):
            return findings.where(keep)
        return [f for f in findings if keep(f)]


def narrow(catalog: Catalog, available: Mapping[str, type[Check]], base: Selection, filters: Filters) -> Selection:
    """The base selection (--checks/--controls) narrowed by the filters; FilterError when nothing is left."""
    if not filters.narrows_checks:
        return base
    controls = [c for c in base.controls if filters.control_matches(c)]
    if not controls:
        raise FilterError(f"--framework {', '.join(sorted(filters.frameworks))} is cited by none of the controls")
    checks = [c for c in base.checks if c in available and filters.check_matches(available[c])]
    checks = [c for c in checks if any(c in control.checks for control in controls)]
    severity_or_service = filters.severities or filters.services
    if (severity_or_service or not base.include_manual) and not checks:
        raise FilterError("no check matches --severity/--service (and the other filters); `list` shows the catalog")
    try:
        return select(
            catalog,
            available,
            check_ids=checks if severity_or_service or not base.include_manual else None,
            control_ids=[c.id for c in controls],
        )
    except SelectionError as exc:
        raise FilterError(str(exc)) from None
