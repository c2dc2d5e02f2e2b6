"""The role the organization audit assumes in every member account (``audit --organization
--member-role NAME``): read-only, and only for the auditor.

- Its one policy is generated from what the checks declare (``compliance_checks.permissions``, the
  same document ``leadping-audit permissions`` prints), so it grants exactly the reads the audit
  makes and cannot drift from the checks; an action that is not read-only stops the program.
- Its trust names one principal, the auditor (a role or user ARN in the account the audit runs
  from), and requires the ``sts:ExternalId`` agreed with it: neither ``*`` nor an account root is
  accepted, so no one else in that account (and no confused deputy) can assume it.

Deployed to every account as one stack (the README's example, a CloudFormation StackSet or Pulumi
Deployments over each account's provider): ``infra/examples/audit_member_role``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from compliance_checks import permissions, registry
from infra.components._outputs import child, policy_json

DEFAULT_ROLE_NAME = "leadping-audit-member"
# A principal the role may trust: one IAM role or user (not "*", not an account root).
AUDITOR_PRINCIPAL = re.compile(r"arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(role|user)/[\w+=,.@/-]{1,512}")
# sts:AssumeRole's ExternalId: 2 to 1,224 of these characters.
EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}")
MIN_SESSION, MAX_SESSION = 3600, 43200  # IAM's bounds of a role's MaxSessionDuration


@dataclass(frozen=True)
class MemberAuditRoleArgs:
    auditor_principal: pulumi.Input[str]  # the auditor's role (or user) ARN
    external_id: pulumi.Input[str]
    role_name: str = DEFAULT_ROLE_NAME
    max_session_seconds: int = MIN_SESSION
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.auditor_principal, str) and not AUDITOR_PRINCIPAL.fullmatch(self.auditor_principal):
            raise ValueError(
                f"auditor_principal {self.auditor_principal!r} must be one IAM role or user ARN "
                "(arn:aws:iam::<account>:role/<name>); a wildcard or an account root would let others in"
            )
        if isinstance(self.external_id, str) and not EXTERNAL_ID.fullmatch(self.external_id):
            raise ValueError("external_id must be 2 to 1224 of letters, digits and +=,.@:/-_")
        if not re.fullmatch(r"[\w+=,.@-]{1,64}", self.role_name):
            raise ValueError(f"role_name {self.role_name!r} is not an IAM role name")
        if not MIN_SESSION <= self.max_session_seconds <= MAX_SESSION:
            raise ValueError(f"max_session_seconds must be {MIN_SESSION} to {MAX_SESSION}")


def member_trust(auditor_principal: str, external_id: str) -> dict[str, Any]:
    """The trust policy: the auditor only, with the agreed external id."""
    if not AUDITOR_PRINCIPAL.fullmatch(auditor_principal):
        raise ValueError(f"auditor_principal {auditor_principal!r} must be one IAM role or user ARN")
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AuditorWithExternalId",
                "Effect": "Allow",
                "Principal": {"AWS": auditor_principal},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
            }
        ],
    }


def read_policy() -> dict[str, Any]:
    """Every read the checks declare (``compliance_checks.permissions``); refuses a write."""
    return permissions.policy_document(registry.all_checks())


class MemberAuditRole(pulumi.ComponentResource):
    role: aws.iam.Role

    def __init__(self, name: str, args: MemberAuditRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("leadping:audit:MemberAuditRole", name, None, opts)
        self.role = aws.iam.Role(
            f"{name}-role",
            name=args.role_name,
            description="Leadping organization audit: read-only, assumed by the auditor with the external id",
            assume_role_policy=policy_json(member_trust, args.auditor_principal, args.external_id),
            max_session_duration=args.max_session_seconds,
            tags=args.tags,
            opts=child(self),
        )
        aws.iam.RolePolicy(
            f"{name}-read",
            role=self.role.id,
            policy=json.dumps(read_policy(), sort_keys=True),
            opts=child(self),
        )
        self.register_outputs({"role_arn": self.role.arn, "role_name": self.role.name})
