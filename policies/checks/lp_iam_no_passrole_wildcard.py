"""LP-PA-1: no identity policy grants iam:PassRole on every role.

As the live check iam_no_passrole_wildcard: a statement counts when it allows iam:PassRole
(directly, or through iam:*, iam:Pass*, "*" or a NotAction that leaves it in) on "*", on every role
(arn:aws:iam::*:role/*, arn:aws:iam::<account>:role/*) or through NotResource, whatever its
conditions. The break-glass role is not judged (LP-PA-1 allows it full access), nor are permission
boundaries (they grant nothing).

Scenarios:
- given a policy that grants iam:PassRole on named role ARNs, or does not grant it, then PASS
- given a policy that grants iam:PassRole (or iam:*, iam:Pass*, *) on Resource "*", then FAIL
- given iam:PassRole on arn:aws:iam::<account>:role/*, or with a NotResource, then FAIL
- given a policy attached only to break-glass roles, then PASS
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult


def _every_role(resource: str) -> bool:
    if resource.strip() in ("*", "arn:*"):
        return True
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[2] in ("iam", "*") and parts[5].startswith(("*", "role/*"))


class NoPassRoleWildcard(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="No IAM policy grants iam:PassRole on every role",
            id="LP_IAM_NO_PASSROLE_WILDCARD",
            categories=[CheckCategories.IAM],
            supported_resources=lp.IDENTITY_POLICY_TYPES,
        )

    def evaluate(self, conf):
        documents = lp.identity_policy_documents(conf, self.entity_type)
        if not documents:
            return CheckResult.UNKNOWN, ""
        address = lp.address(conf)
        if lp.is_break_glass_only(self, address) or lp.is_permission_boundary(self, address):
            return CheckResult.PASSED, ""
        for document in documents:
            for statement in lp.statements(document):
                if not lp.grants(statement, "iam:PassRole"):
                    continue
                resources = [str(r) for r in lp.as_list(statement.get("Resource"))]
                if "NotResource" in statement or any(_every_role(r) for r in resources):
                    return CheckResult.FAILED, f"statement {statement.get('Sid', '(no Sid)')} passes any role"
        return CheckResult.PASSED, ""


check = NoPassRoleWildcard()
