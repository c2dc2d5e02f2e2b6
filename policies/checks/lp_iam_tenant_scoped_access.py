"""LP-AC-3: access to tenant data is scoped to the caller's business_id.

Tenant tables and buckets come from the plan's stack context (tagged leadping:tenant-data=true,
or tables keyed by business_id).

Scenarios:
- given DynamoDB item actions on a tenant table with ForAllValues:StringEquals
  dynamodb:LeadingKeys = ${aws:PrincipalTag/business_id}, then PASS
- given S3 object actions on a tenant bucket only under businesses/${aws:PrincipalTag/business_id}/*, then PASS
- given DynamoDB item actions on a tenant table (or on "*") without that condition, then FAIL
- given S3 object actions on a whole tenant bucket (bucket/*, or "*"), then FAIL
- given statements that touch no tenant store, then PASS
"""

import fnmatch

from checkov.common.models.enums import CheckCategories, CheckResult

import lp_common as lp

TENANT_TAG = "${aws:PrincipalTag/business_id}"
ITEM_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)
OBJECT_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion")


def _matches(pattern: str, arn: str) -> bool:
    return fnmatch.fnmatchcase(arn, pattern)


def _leading_keys_scoped(condition) -> bool:
    if not isinstance(condition, dict):
        return False
    for operator in ("ForAllValues:StringEquals", "ForAllValues:StringLike"):
        keys = (condition.get(operator) or {}).get("dynamodb:LeadingKeys")
        if keys is not None and lp.as_list(keys) == [TENANT_TAG]:
            return True
    return False


class TenantScopedAccess(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Access to tenant tables and buckets is scoped by the caller's business_id tag",
            id="LP_IAM_TENANT_SCOPED_ACCESS",
            categories=[CheckCategories.IAM],
            supported_resources=lp.IDENTITY_POLICY_TYPES,
        )

    def evaluate(self, conf):
        documents = lp.identity_policy_documents(conf, self.entity_type)
        if not documents:
            return CheckResult.UNKNOWN, ""
        tables, buckets, prefix = self.context("tenant_tables", "tenant_buckets", "tenant_prefix")
        for document in documents:
            for statement in lp.statements(document):
                sid = statement.get("Sid", "(no Sid)")
                resources = [str(r) for r in lp.as_list(statement.get("Resource"))]
                if "NotResource" in statement:
                    resources = ["*"]
                if any(lp.grants(statement, a) for a in ITEM_ACTIONS):
                    touched = [t for t in tables if any(_matches(r, t) for r in resources)]
                    if touched and not _leading_keys_scoped(statement.get("Condition")):
                        return CheckResult.FAILED, f"statement {sid} reaches tenant tables {touched} unscoped"
                if any(lp.grants(statement, a) for a in OBJECT_ACTIONS):
                    for bucket in buckets:
                        scoped = f"arn:aws:s3:::{bucket}/{prefix}{TENANT_TAG}/"
                        probe = f"arn:aws:s3:::{bucket}/any-object"
                        for resource in resources:
                            if _matches(resource, probe) and not resource.startswith(scoped):
                                return CheckResult.FAILED, f"statement {sid} reaches {bucket} outside {scoped}*"
        return CheckResult.PASSED, ""


check = TenantScopedAccess()
