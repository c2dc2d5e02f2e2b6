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

from lp_common import IDENTITY_POLICY_TYPES, CheckCategories, CheckResult, LeadpingCheck, identity_policy, rules


class NoPassRoleWildcard(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="No IAM policy grants iam:PassRole on every role",
            id="LP_IAM_NO_PASSROLE_WILDCARD",
            categories=[CheckCategories.IAM],
            supported_resources=IDENTITY_POLICY_TYPES,
        )

    def evaluate(self, conf):
        policy = identity_policy(conf, self.entity_type)
        if policy is None:
            return None
        if self.is_break_glass_only(conf) or self.is_permission_boundary(conf):
            return CheckResult.PASSED, ""
        return rules.iam.passrole_on_every_role([policy])


check = NoPassRoleWildcard()
