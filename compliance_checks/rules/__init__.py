"""One rule per control that both the gate and the live audit judge.

Each module holds, for one kind of resource, a small typed model, the two adapters that build it
(``from_plan``: a Terraform-plan resource as the gate's Checkov checks receive it; ``from_aws``:
the API answers the live checks read) and the pure rule functions over the model. The gate's
checks (``policies/checks/``) and the live checks (``compliance_checks/checks/``) both call the
rule, so a semantic is decided once (Cloud Custodian's one filter, any source).

Standard library only, plus the project's other standard-library modules (``conventions``,
``policy_eval``, ``secret_detector``): Checkov's environment, where the project is not installed,
imports this package from the checkout (``policies/checks/lp_common.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Verdict:
    """A rule's judgement of one resource: compliant or not, why, and the evidence it rests on."""

    compliant: bool
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)


def comply(message: str, **evidence: Any) -> Verdict:
    return Verdict(True, message, evidence)


def violate(message: str, **evidence: Any) -> Verdict:
    return Verdict(False, message, evidence)
