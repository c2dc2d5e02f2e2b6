from __future__ import annotations

from dataclasses import replace

from compliance_checks.kit import (
    Check,
    CheckContext,
    CheckMetadata,
    Result,
    Severity,
    conventions,
    core,
    dynamodb,
    errored,
    iam,
    judge_each,
    map_each,
    rules,
    s3,
    verdict,
)


class IamTenantDataAccessScoped(Check):
    """Every policy statement that grants data-plane access to a tenant table or tenant bucket is
    limited to the caller's business.

    Tenant tables: tagged ``leadping:tenant-data=true`` or partitioned (HASH key) on business_id.
    Tenant buckets: tagged ``leadping:tenant-data=true``. A statement granting item actions (GetItem,
    Query, Scan, PutItem, PartiQL..., also through wildcards) on a tenant table or its indexes needs
    ``(ForAllValues:)StringEquals dynamodb:LeadingKeys = ${aws:PrincipalTag/business_id}``; with
    ForAllValues, Scan and PartiQLSelect (which carry no partition key, so the condition holds
    vacuously) also need ``Null dynamodb:LeadingKeys = false``. A statement granting object actions
    (read, write, delete, re-share contents) must cover only ``businesses/${aws:PrincipalTag/
    business_id}/...`` (``bucket/*`` or ``*`` fails). s3:ListBucket is not judged: it is authorised on
    the bucket, where no business prefix exists, and HeadBucket needs it.

    Judged: the inline, customer-managed and AWS-managed policies of workload roles (tagged
    ``leadping:workload``; every role when the account tags none), IAM users and groups, and each
    tenant bucket's policy. The break-glass role (LP-PA-1's administrator) is not judged, nor, in an
    account that tags its workload roles, AWS service roles (Backup, Firehose delivery...), which act
    on whole stores by design. Principals that reach no tenant data get no result.

    Scenarios:
    - given a role allowed dynamodb:GetItem/Query on a tenant table with ForAllValues LeadingKeys, then PASS
    - given a role allowed dynamodb:Query on a tenant table without a LeadingKeys condition, then FAIL
    - given a role allowed dynamodb:* on "*" and a table keyed on business_id (untagged), then FAIL
    - given a role allowed dynamodb:Scan with ForAllValues LeadingKeys but no Null guard, then FAIL
    - given a role allowed s3:GetObject on tenant-bucket/businesses/${aws:PrincipalTag/business_id}/*, then PASS
    - given a role allowed s3:GetObject on tenant-bucket/*, then FAIL
    - given a role allowed s3:PutObject on tenant-bucket/businesses/*, then FAIL
    - given an untagged service role with whole-table access in an account that tags workloads, then no result
    - given no role is tagged, then every role is judged
    - given a user allowed s3:GetObject on the whole tenant bucket, then FAIL
    - given only object metadata reads (GetObjectAcl) and s3:ListBucket, then no result
    - given a tenant bucket policy allowing a role s3:GetObject on bucket/*, then FAIL for the bucket
    - given a role allowed s3:GetObject on a bucket not tagged as tenant data, then no result
    - given GetAccountAuthorizationDetails is denied, then ERROR
    - given GetBucketTagging is denied for one bucket, then ERROR for that bucket
    """

    metadata = CheckMetadata(
        title="Access to tenant tables and buckets is scoped to the caller's business",
        severity=Severity.CRITICAL,
        resource_type="AWS::IAM::Role",
        rationale="LP-AC-3: customer data is separated by business context; a statement that reaches tenant "
        "data without the business_id condition or prefix lets one business's request read another's data.",
        remediation="Add Condition ForAllValues:StringEquals dynamodb:LeadingKeys = ${aws:PrincipalTag/"
        "business_id} to table statements and limit object statements to arn:aws:s3:::<bucket>/businesses/"
        "${aws:PrincipalTag/business_id}/* (infra: the tenant data access policies).",
    )

    def evaluate(self, ctx: CheckContext):
        tables = [
            rules.iam.TenantStore(t.name, t.arn)
            for t in dynamodb.readable(dynamodb.tables(ctx.reader))
            if t.tags.get(conventions.TENANT_DATA, "").lower() == conventions.TRUE
            or t.hash_key == conventions.TENANT_PARTITION_KEY
        ]
        tagged, unreadable = s3.buckets_tagged(ctx.reader, conventions.TENANT_DATA)
        buckets = [rules.iam.TenantStore(b.name, b.arn) for b in tagged]
        for bucket, error in unreadable.items():
            yield replace(errored(bucket.arn, error, region=bucket.region), resource_type="AWS::S3::Bucket")
        if not tables and not buckets:
            return
        principals = [*iam.workload_roles(ctx.reader), *iam.users(ctx.reader), *iam.groups(ctx.reader)]

        def principal_verdict(principal: iam.Principal) -> Result | None:
            policies = [rules.iam.Policy.of(p.label, p.document) for p in iam.policies_of(ctx.reader, principal)]
            judged = rules.iam.tenant_scoped(policies, tables, buckets)
            return None if judged is None else verdict(principal.arn, judged)

        def bucket_verdict(bucket: s3.Bucket) -> Result | None:
            policies = [rules.iam.Policy.of("bucket policy", s3.policy(ctx.reader, bucket))]
            judged = rules.iam.tenant_scoped(policies, tables, [rules.iam.TenantStore(bucket.name, bucket.arn)])
            return None if judged is None else verdict(bucket.arn, judged, region=bucket.region)

        for principal, results in zip(principals, map_each(_judged(principal_verdict), principals), strict=True):
            yield from (iam.typed(result, principal) for result in results)
        for result in judge_each(tagged, lambda b: (b.arn, b.region), bucket_verdict):
            yield replace(result, resource_type="AWS::S3::Bucket")


def _judged(judge):
    """``judge(principal)`` as a list of results, a failed read being the principal's ERROR
    (``core.judge_resource`` looked up when called, as ``judge_each`` does)."""
    return lambda principal: list(core.judge_resource(principal.arn, "global", judge, principal))
