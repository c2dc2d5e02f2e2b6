"""The member audit role, alone: deploy it to every account the organization audit covers.

    pulumi stack init member-123456789012
    pulumi config set aws:region us-east-1
    pulumi config set auditorPrincipal arn:aws:iam::<auditor account>:role/<auditor role>
    pulumi config set externalId <the id agreed with the auditor>
    pulumi up    # with credentials of (or a provider assuming a role in) the member account

then, from the management account: ``leadping-audit audit --organization --member-role
leadping-audit-member --external-id <id> --region all``.
"""

import pulumi

from infra.components.audit_member_role import DEFAULT_ROLE_NAME, MemberAuditRole, MemberAuditRoleArgs

config = pulumi.Config()
member = MemberAuditRole(
    "audit-member",
    MemberAuditRoleArgs(
        auditor_principal=config.require("auditorPrincipal"),
        external_id=config.require("externalId"),
        role_name=config.get("roleName") or DEFAULT_ROLE_NAME,
        tags={"leadping:purpose": "organization-audit"},
    ),
)
pulumi.export("role_arn", member.role.arn)
