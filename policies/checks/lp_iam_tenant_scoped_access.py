"""LP-AC-3: access to tenant data is scoped to the caller's business_id.

Tenant tables and buckets, the item and object actions, and the tenant variable come from the plan's
stack context (compliance_checks.conventions / policy_eval): the gate judges what the live check
iam_tenant_data_access_scoped judges, on the policies the program declares.

Scenarios:
- given DynamoDB item actions on a tenant table with (ForAllValues:)StringEquals
  dynamodb:LeadingKeys = ${aws:PrincipalTag/business_id}, then PASS
- given S3 object actions on a tenant bucket only under businesses/${aws:PrincipalTag/business_id}/*, then PASS
- given DynamoDB item actions on a tenant table (or on "*") without that condition, then FAIL
- given ForAllValues scoping that also allows Scan without a Null guard on dynamodb:LeadingKeys, then FAIL
- given S3 object actions on a whole tenant bucket (bucket/*, or "*"), then FAIL
- given statements that touch no tenant store, a break-glass policy or a permission boundary, then PASS
"""

import fnmatch

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult


def _covers(pattern: str, arn: str) -> bool:
    return fnmatch.fnmatchcase(arn, pattern)


def _leading_keys_problem(statement, variable: str, keyless) -> str:
    condition = statement.get("Condition") or {}
    for operator in ("ForAllValues:StringEquals", "StringEquals"):
        block = condition.get(operator) or {}
        if "dynamodb:LeadingKeys" not in block:
            continue
        values = [str(v).lower() for v in lp.as_list(block["dynamodb:LeadingKeys"])]
        if values != [variable.lower()]:
            return f"{operator} dynamodb:LeadingKeys is {values}, not [{variable}]"
        guarded = [str(v).lower() for v in lp.as_list((condition.get("Null") or {}).get("dynamodb:LeadingKeys"))]
        unguarded = [a for a in keyless if lp.grants(statement, a)]
        if operator.startswith("ForAllValues") and unguarded and guarded != ["false"]:
            return f"ForAllValues lets {unguarded} through without a partition key (no Null guard)"
        return ""
    return f"no dynamodb:LeadingKeys = {variable} condition"


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
        tables, buckets, prefix, variable, item_actions, keyless, object_actions = self.context(
            "tenant_tables",
            "tenant_buckets",
            "tenant_prefix",
            "tenant_variable",
            "dynamodb_item_actions",
            "dynamodb_keyless_actions",
            "s3_object_actions",
        )
        address = lp.address(conf)
        if lp.is_break_glass_only(self, address) or lp.is_permission_boundary(self, address):
            return CheckResult.PASSED, ""
        for document in documents:
            for statement in lp.statements(document):
                sid = statement.get("Sid", "(no Sid)")
                resources = [str(r) for r in lp.as_list(statement.get("Resource"))]
                if "NotResource" in statement:
                    resources = ["*"]
                if any(lp.grants(statement, a) for a in item_actions):
                    touched = [
                        t for t in tables if any(_covers(r, t) or _covers(r, f"{t}/index/any") for r in resources)
                    ]
                    problem = _leading_keys_problem(statement, variable, keyless) if touched else ""
                    if problem:
                        return CheckResult.FAILED, f"statement {sid} reaches tenant tables {touched}: {problem}"
                if any(lp.grants(statement, a) for a in object_actions):
                    for bucket in buckets:
                        scoped = f"arn:aws:s3:::{bucket}/{prefix}{variable}/"
                        probe = f"arn:aws:s3:::{bucket}/any-object"
                        for resource in resources:
                            if _covers(resource, probe) and not resource.startswith(scoped):
                                return CheckResult.FAILED, f"statement {sid} reaches {bucket} outside {scoped}*"
        return CheckResult.PASSED, ""


check = TenantScopedAccess()
