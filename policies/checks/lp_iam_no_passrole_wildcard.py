"""LP-PA-1: no identity policy grants iam:PassRole on "*".

Scenarios:
- given a policy that grants iam:PassRole on named role ARNs, or does not grant it, then PASS
- given a policy that grants iam:PassRole (or iam:*, iam:Pass*, *) on Resource "*", then FAIL
- given a NotResource statement that grants iam:PassRole, then FAIL (it covers every other role)
- given a policy attached only to break-glass roles, then PASS (the one role allowed "*" on "*")
"""

from checkov.common.models.enums import CheckCategories, CheckResult

import lp_common as lp

class NoPassRoleWildcard(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name='No IAM policy grants iam:PassRole on "*"',
            id="LP_IAM_NO_PASSROLE_WILDCARD",
            categories=[CheckCategories.IAM],
            supported_resources=lp.IDENTITY_POLICY_TYPES,
        )

    def evaluate(self, conf):
        documents = lp.identity_policy_documents(conf, self.entity_type)
        if not documents:
            return CheckResult.UNKNOWN, ""
        if lp.is_break_glass_only(self, lp.address(conf)):
            return CheckResult.PASSED, ""
        for document in documents:
            for statement in lp.statements(document):
                if not lp.grants(statement, "iam:PassRole"):
                    continue
                if "NotResource" in statement or "*" in lp.as_list(statement.get("Resource")):
                    return CheckResult.FAILED, f"statement {statement.get('Sid', '(no Sid)')} passes any role"
        return CheckResult.PASSED, ""


check = NoPassRoleWildcard()
