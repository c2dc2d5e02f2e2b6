"""LP-AC-3: access to tenant data is scoped to the caller's business_id.

Tenant tables and buckets come from the plan's stack context; the rule is the live check's
(compliance_checks.rules.iam.tenant_scoped, as iam_tenant_data_access_scoped applies it), on the
policies the program declares.

Scenarios:
- given DynamoDB item actions on a tenant table with (ForAllValues:)StringEquals
  dynamodb:LeadingKeys = ${aws:PrincipalTag/business_id}, then PASS
- given S3 object actions on a tenant bucket only under businesses/${aws:PrincipalTag/business_id}/*, then PASS
- given DynamoDB item actions on a tenant table (or on "*") without that condition, then FAIL
- given ForAllValues scoping that also allows Scan without a Null guard on dynamodb:LeadingKeys, then FAIL
- given S3 object actions on a whole tenant bucket (bucket/*, or "*"), then FAIL
- given statements that touch no tenant store, a break-glass policy or a permission boundary, then PASS
"""

from lp_common import IDENTITY_POLICY_TYPES, CheckCategories, CheckResult, LeadpingCheck, identity_policy, rules


class TenantScopedAccess(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Access to tenant tables and buckets is scoped by the caller's business_id tag",
            id="LP_IAM_TENANT_SCOPED_ACCESS",
            categories=[CheckCategories.IAM],
            supported_resources=IDENTITY_POLICY_TYPES,
        )

    def evaluate(self, conf):
        policy = identity_policy(conf, self.entity_type)
        if policy is None:
            return None
        tables, buckets = self.context("tenant_tables", "tenant_buckets")
        if self.is_break_glass_only(conf) or self.is_permission_boundary(conf):
            return CheckResult.PASSED, ""
        tables = [rules.iam.TenantStore(arn.rsplit("/", 1)[-1], arn) for arn in tables]
        buckets = [rules.iam.TenantStore(name, f"arn:aws:s3:::{name}") for name in buckets]
        return rules.iam.tenant_scoped([policy], tables, buckets) or (CheckResult.PASSED, "")


check = TenantScopedAccess()
