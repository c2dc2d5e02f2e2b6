from __future__ import annotations

from compliance_checks.kit import CheckMetadata, PrincipalPoliciesCheck, Severity, iam, rules, verdict


class IamWorkloadRoleNoWildcardDataAccess(PrincipalPoliciesCheck):
    """No customer-managed or inline policy of a workload role grants ``*`` actions or ``*`` resources
    on a data service (s3, dynamodb, kms, secretsmanager, rds-data) (FSBP IAM.1, IAM.21).

    An Allow statement fails when it
    - grants every action of a data service: ``*``, ``s3:*``, or a NotAction block that leaves the
      service in, on any resource; or
    - grants a data-service action beyond metadata reads (anything but Get/List/Describe, plus the
      reads that return data: s3:GetObject*, s3:ListBucket*, dynamodb:GetItem/Query/Scan/...,
      secretsmanager:GetSecretValue) on a wildcard resource: ``*``, a NotResource block, or an ARN
      whose resource name starts with a wildcard (``arn:aws:s3:::*``, ``...:table/*``, ``...:key/*``).
    Metadata reads on ``*`` (kms:DescribeKey, s3:GetEncryptionConfiguration) pass: they reveal no data,
    and the auditor role needs them; so do actions IAM authorises only on ``*`` (kms:CreateKey,
    kms:GenerateRandom), where ``*`` is no choice. Conditions do not narrow a wildcard resource
    (a principal that can tag resources can satisfy a tag condition). AWS-managed policies are
    outside this control's wording (iam_no_full_admin_policy and iam_tenant_data_access_scoped judge
    them). The break-glass role is not judged (LP-PA-1 allows it full access).

    Scenarios:
    - given a workload role allowed s3:GetObject on one bucket's objects and kms:Decrypt on one key, then PASS
    - given a workload role with a customer-managed policy allowing s3:* on one bucket, then FAIL
    - given a workload role with an inline policy allowing dynamodb:GetItem on "*", then FAIL
    - given a workload role allowed kms:Decrypt on arn:aws:kms:*:*:key/*, then FAIL
    - given a workload role with a NotAction block that leaves secretsmanager in, then FAIL
    - given a workload role allowed only kms:DescribeKey and s3:GetEncryptionConfiguration on "*", then PASS
    - given a deploy role allowed kms:CreateKey on "*" but key administration on key/*, then FAIL for the latter
    - given a role outside the workload tagging with s3:*, then no result for it
    - given GetAccountAuthorizationDetails is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="Workload roles hold no wildcard access to data services",
        severity=Severity.HIGH,
        resource_type="AWS::IAM::Role",
        rationale="LP-AC-2: access is scoped by role and credential; a workload role names the actions and "
        "the tables, buckets, keys and secrets it uses.",
        remediation="Replace wildcard actions with the named actions the workload calls and wildcard resources "
        "with the ARNs of its own tables, buckets, keys and secrets (infra: workload role policies are built "
        "from the resources each workload is given).",
    )

    def resources(self, ctx):
        return iam.workload_roles(ctx.reader)

    def aws_managed(self, ctx, principal):
        return False

    def judge_policies(self, ctx, role, held):
        judged = rules.iam.wildcard_data_access(rules.iam.Policy.of(p.label, p.document) for p in held)
        return verdict(role.arn, judged, workload=role.workload)
