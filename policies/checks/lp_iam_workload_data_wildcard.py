"""LP-AC-2: no workload policy grants "*" actions or "*" resources on a data service.

The rule is the live check's (compliance_checks.rules.iam.wildcard_data_access, as
iam_workload_role_no_wildcard_data_access applies it); which roles hold the policy comes from the
plan's stack context.

Scenarios:
- given statements that name the data-service actions and the resources a workload uses, then PASS
- given metadata reads (kms:DescribeKey, secretsmanager:GetRandomPassword) on "*", then PASS
- given actions that name no resource (kms:CreateKey, kms:GenerateRandom) on "*", then PASS: IAM
  authorises them only on "*", so "*" is no choice there (policy_eval.RESOURCELESS_ACTIONS)
- given an Allow of s3:* (or dynamodb:*, "*", or a NotAction), whatever the resource, then FAIL
- given an Allow of a data action (s3:GetObject, kms:Decrypt, kms:ScheduleKeyDeletion) on "*", an
  ARN naming every resource (table/*) or a NotResource, then FAIL
- given a policy of the break-glass role, a permission boundary or a non-workload role, then PASS
"""

from lp_common import IDENTITY_POLICY_TYPES, CheckCategories, CheckResult, LeadpingCheck, identity_policy, rules


class WorkloadDataWildcard(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name='Workload policies grant no "*" action and no "*" resource on data services',
            id="LP_IAM_WORKLOAD_DATA_WILDCARD",
            categories=[CheckCategories.IAM],
            supported_resources=IDENTITY_POLICY_TYPES,
        )

    def evaluate(self, conf):
        policy = identity_policy(conf, self.entity_type)
        if policy is None:
            return None
        if self.is_permission_boundary(conf) or not self.attached_to_workload(conf):
            return CheckResult.PASSED, ""
        return rules.iam.wildcard_data_access([policy])


check = WorkloadDataWildcard()
