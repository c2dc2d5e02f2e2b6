"""The auditor role's IAM policy, generated from the reads the checks make (metadata.permissions).

Each check's permissions are derived from its reads (``compliance_checks/services/reads.py``: the
operation each read names, where the read is defined), never written by hand, so the policy cannot
drift from the checks; the least-privilege test fails when a check calls an API whose action the
derivation missed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping

from compliance_checks.core import Check
from compliance_checks.iam_actions import is_read_only
from compliance_checks.sources import config

# What the runner itself reads, whatever the checks: the account id, the enabled regions for
# --region all, and AWS Config's items for --source config (the aggregate read for --config-aggregator).
RUNNER_PERMISSIONS = ("sts:GetCallerIdentity", "ec2:DescribeRegions", *config.PERMISSIONS)


class NotReadOnlyError(ValueError):
    """A check declares an action that is not read-only."""


def declared_actions(checks: Iterable[type[Check]]) -> set[str]:
    actions = set(RUNNER_PERMISSIONS)
    for check in checks:
        actions.update(check.metadata.permissions)
    return actions


def _sid(prefix: str) -> str:
    return "Read" + "".join(part.capitalize() for part in prefix.replace("_", "-").split("-"))


def policy_document(checks: Mapping[str, type[Check]]) -> dict:
    """An IAM policy: one statement per service prefix, actions sorted; refuses a non-read action."""
    actions = declared_actions(checks.values())
    writes = sorted(a for a in actions if not is_read_only(a))
    if writes:
        owners = sorted(cid for cid, c in checks.items() if set(c.metadata.permissions) & set(writes))
        raise NotReadOnlyError(f"not read-only: {', '.join(writes)} (declared by {', '.join(owners)})")
    grouped: dict[str, list[str]] = defaultdict(list)
    for action in sorted(actions):
        grouped[action.split(":", 1)[0]].append(action)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": _sid(prefix), "Effect": "Allow", "Action": grouped[prefix], "Resource": "*"}
            for prefix in sorted(grouped)
        ],
    }


def render(checks: Mapping[str, type[Check]]) -> str:
    return json.dumps(policy_document(checks), indent=2) + "\n"
