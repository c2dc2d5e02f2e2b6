from __future__ import annotations

from collections.abc import Iterator

from compliance_checks.core import (
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Result,
    Severity,
    errored,
    failed,
    passed,
)
from compliance_checks.policy_eval import Statement, principal_is_everyone, statements
from compliance_checks.services import s3


def _tls_deny_problem(stmt: Statement, arn: str) -> str | None:
    """Why a statement is not the TLS-only deny, or None when it is."""
    if not stmt.denies or stmt.not_principals or not principal_is_everyone(stmt):
        return "not a Deny for Principal *"
    if stmt.not_actions or not any(a.strip().lower() in ("*", "s3:*") for a in stmt.actions):
        return f"denies only {list(stmt.actions) or list(stmt.not_actions)}, not s3:*"
    if not (stmt.covers_resource(arn) and stmt.covers_resource(f"{arn}/*") and stmt.covers_resource(f"{arn}/a/b")):
        return f"covers {list(stmt.resources) or list(stmt.not_resources)}, not both the bucket and its objects"
    keys = [(op, key) for op, block in stmt.conditions.items() for key in block]
    transport = [
        (op, key) for op, key in keys if op.lower() in ("bool", "boolifexists") and key.lower() == "aws:securetransport"
    ]
    if not transport or [v.lower() for v in stmt.condition(*transport[0]) or ()] != ["false"]:
        return "no Bool aws:SecureTransport = false condition"
    if len(keys) > 1:
        # Conditions are ANDed: any other condition narrows the deny below "every plaintext request".
        return f"aws:SecureTransport is combined with {[k for _, k in keys if k.lower() != 'aws:securetransport']}"
    return None


class S3BucketPolicyTlsOnly(Check):
    """Every bucket policy denies requests that do not use TLS (FSBP S3.5).

    The policy needs a statement that is a Deny for Principal "*" (or {"AWS": "*"}), on every S3
    action (``s3:*`` or ``*``; a deny of s3:PutObject alone does not do), covering both the bucket ARN
    and ``bucket/*`` (wildcards that cover both count), with exactly the condition
    ``Bool aws:SecureTransport = false``. A statement that adds another condition (say
    ``NumericLessThan s3:TlsVersion``) to the same block denies only requests meeting both, so it
    does not count; a separate TLS-version deny is welcome in addition but never instead. A bucket
    without a policy fails.

    Scenarios:
    - given a policy denying s3:* on the bucket and bucket/* to Principal * without TLS, then PASS
    - given a policy denying "*" on arn:aws:s3:::bucket* to {"AWS": "*"} without TLS, then PASS
    - given no bucket policy, then FAIL
    - given the deny covers only s3:PutObject, then FAIL
    - given the deny covers the bucket ARN but not bucket/*, then FAIL
    - given only a NumericLessThan s3:TlsVersion 1.2 deny, then FAIL
    - given the SecureTransport deny also requires NumericLessThan s3:TlsVersion in the same statement, then FAIL
    - given the TLS-only deny plus a separate TLS-version deny, then PASS
    - given GetBucketPolicy is denied, then ERROR for that bucket
    """

    metadata = CheckMetadata(
        title="Bucket policies deny requests without TLS",
        severity=Severity.HIGH,
        resource_type="AWS::S3::Bucket",
        rationale="LP-TX-1, LP-LOG-2: every bucket policy denies requests where aws:SecureTransport is false for "
        "Principal * on the bucket and its objects.",
        remediation='Add {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [bucket ARN, '
        'bucket ARN + "/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}} to the bucket policy '
        "(infra: SecureBucket's policy).",
        permissions=("s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy"),
    )

    def evaluate(self, ctx: CheckContext) -> Iterator[Result]:
        for bucket in s3.buckets(ctx.reader):
            try:
                policy = s3.policy(ctx.reader, bucket)
            except ReadError as error:
                yield errored(bucket.arn, error, region=bucket.region)
                continue
            if not policy:
                yield failed(bucket.arn, "no bucket policy, so plaintext requests are not denied", region=bucket.region)
                continue
            found = statements(policy)
            problems = {s.sid or f"statement {i + 1}": _tls_deny_problem(s, bucket.arn) for i, s in enumerate(found)}
            tls_only = [name for name, problem in problems.items() if problem is None]
            version_deny = any(s.denies and s.condition("NumericLessThan", "s3:TlsVersion") for s in found)
            evidence = {"tls_only_statements": tls_only, "tls_version_deny": version_deny}
            if tls_only:
                yield passed(
                    bucket.arn, f"denies plaintext requests ({', '.join(tls_only)})", region=bucket.region, **evidence
                )
            else:
                near = "; ".join(f"{n}: {p}" for n, p in problems.items() if p and p != "not a Deny for Principal *")
                message = "no statement denies every request without TLS" + (f" ({near})" if near else "")
                yield failed(bucket.arn, message, region=bucket.region, **evidence)
