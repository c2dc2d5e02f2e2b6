"""LP-TX-1 / LP-LOG-2: a bucket policy denies every request made without TLS.

Scenarios:
- given a Deny for Principal "*" on s3:* with Bool aws:SecureTransport "false" on the bucket and
  bucket/*, then PASS
- given such a Deny on the bucket but not on its objects (or the reverse), then FAIL
- given a Deny that covers only s3:PutObject, or only some principals, then FAIL
- given a policy with no such Deny, then FAIL
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult


def _everyone(principal) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in lp.as_list(principal.get("AWS"))


def _denies_insecure_transport(condition) -> bool:
    if not isinstance(condition, dict):
        return False
    for operator in ("Bool", "BoolIfExists"):
        block = condition.get(operator) or {}
        values = [str(v).lower() for v in lp.as_list(block.get("aws:SecureTransport"))]
        if values == ["false"]:
            return True
    return False


def _covers_bucket_and_objects(resources) -> bool:
    resources = [str(r) for r in lp.as_list(resources)]
    if "*" in resources:
        return True
    buckets = {r for r in resources if "/" not in r.split(":::", 1)[-1]}
    objects = {r[: -len("/*")] for r in resources if r.endswith("/*")}
    return bool(buckets & objects)


class BucketPolicyTlsOnly(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="S3 bucket policy denies requests without TLS (aws:SecureTransport=false) on the bucket and objects",
            id="LP_S3_BUCKET_POLICY_TLS_ONLY",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_s3_bucket_policy"],
        )

    def evaluate(self, conf):
        policy = lp.document(conf.get("policy"))
        if policy is None:
            return CheckResult.FAILED, "the bucket policy is not a readable JSON document"
        for statement in lp.statements(policy):
            if (
                statement.get("Effect") == "Deny"
                and _everyone(statement.get("Principal"))
                and any(a in ("*", "s3:*") for a in lp.as_list(statement.get("Action")))
                and _denies_insecure_transport(statement.get("Condition"))
                and _covers_bucket_and_objects(statement.get("Resource"))
            ):
                return CheckResult.PASSED, ""
        return CheckResult.FAILED, "no statement denies s3:* to everyone without TLS on the bucket and bucket/*"


check = BucketPolicyTlsOnly()
