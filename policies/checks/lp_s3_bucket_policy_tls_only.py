"""LP-TX-1 / LP-LOG-2: a bucket policy denies every request made without TLS.

Scenarios:
- given a Deny for Principal "*" on s3:* with Bool aws:SecureTransport "false" on the bucket and
  bucket/*, then PASS
- given such a Deny on the bucket but not on its objects (or the reverse), then FAIL
- given a Deny that covers only s3:PutObject, or only some principals, then FAIL
- given a policy with no such Deny, then FAIL
"""

from lp_common import CheckCategories, LeadpingCheck, rules


class BucketPolicyTlsOnly(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="S3 bucket policy denies requests without TLS (aws:SecureTransport=false) on the bucket and objects",
            id="LP_S3_BUCKET_POLICY_TLS_ONLY",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_s3_bucket_policy"],
        )

    def evaluate(self, conf):
        arn = rules.s3.bucket_arn(rules.plan.value(conf, "bucket"))
        return rules.s3.tls_only(rules.plan.document(conf.get("policy")) or "{}", arn)


check = BucketPolicyTlsOnly()
