"""SecureBucket and the log archive: one test per security property (LP-DR-1, LP-TX-1, LP-LOG-1/2, LP-BK-1)."""

from __future__ import annotations

import pytest

from compliance_checks import conventions
from infra.render import RenderedResource, Rendering
from tests.infra.rendered import document, key_class, output, statements, tags

BUCKETS = ("log-archive-archive", "log-archive-access-logs", "data-call-recordings")


def bucket(rendering: Rendering, component: str) -> RenderedResource:
    return next(r for r in rendering.of_type("aws:s3/bucket:Bucket") if r.name == f"{component}-bucket")


def configuration(rendering: Rendering, type_token: str, component: str) -> RenderedResource:
    bucket_id = output(bucket(rendering, component), "id")
    matches = [r for r in rendering.of_type(type_token) if r.inputs.get("bucket") == bucket_id]
    assert len(matches) == 1, f"{len(matches)} {type_token} for {component}"
    return matches[0]


@pytest.mark.parametrize("component", BUCKETS)
def test_bucket_encrypts_with_its_data_class_key_and_bucket_keys(prod, component):
    config = configuration(
        prod, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", component
    )
    (rule,) = config.inputs["rules"]
    assert rule["bucketKeyEnabled"] is True
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    key = rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"]
    assert key_class(prod, key) == tags(bucket(prod, component))[conventions.DATA_CLASS]


@pytest.mark.parametrize("component", BUCKETS)
def test_bucket_blocks_all_public_access(prod, component):
    block = configuration(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", component).inputs
    assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                "restrictPublicBuckets"))  # fmt: skip


@pytest.mark.parametrize("component", BUCKETS)
def test_bucket_denies_requests_without_tls(prod, component):
    policy = document(configuration(prod, "aws:s3/bucketPolicy:BucketPolicy", component))
    arn = output(bucket(prod, component), "arn")
    denies = [
        s
        for s in statements(policy)
        if s["Effect"] == "Deny"
        and s["Principal"] == "*"
        and s["Action"] == "s3:*"
        and sorted(s["Resource"]) == sorted([arn, f"{arn}/*"])
        and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert len(denies) == 1


@pytest.mark.parametrize("component", BUCKETS)
def test_bucket_is_versioned(prod, component):
    versioning = configuration(prod, "aws:s3/bucketVersioning:BucketVersioning", component)
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"


@pytest.mark.parametrize("component", BUCKETS)
def test_bucket_owner_is_enforced_so_acls_are_off(prod, component):
    ownership = configuration(prod, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", component)
    assert ownership.inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced"


@pytest.mark.parametrize("component", BUCKETS)
def test_bucket_lifecycle_aborts_incomplete_uploads_and_moves_to_cold_storage(prod, component):
    rules = configuration(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", component)
    by_id = {r["id"]: r for r in rules.inputs["rules"]}
    assert all(r["status"] == "Enabled" for r in by_id.values())
    assert by_id["abort-incomplete-uploads"]["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 7
    assert by_id["cold-storage"]["transitions"]


@pytest.mark.parametrize("component", ["log-archive-archive", "data-call-recordings"])
def test_bucket_logs_server_access_to_the_access_log_bucket(prod, component):
    logging = configuration(prod, "aws:s3/bucketLogging:BucketLogging", component)
    assert logging.inputs["targetBucket"] == output(bucket(prod, "log-archive-access-logs"), "bucket")


def test_access_log_bucket_does_not_log_into_itself(prod):
    access_logs = output(bucket(prod, "log-archive-access-logs"), "id")
    assert all(r.inputs["bucket"] != access_logs for r in prod.of_type("aws:s3/bucketLogging:BucketLogging"))


def test_access_log_bucket_admits_only_s3_logging_for_this_accounts_buckets(prod):
    policy = document(configuration(prod, "aws:s3/bucketPolicy:BucketPolicy", "log-archive-access-logs"))
    (write,) = [s for s in statements(policy) if s["Effect"] == "Allow"]
    assert write["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert write["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert write["Condition"]["ArnLike"]["aws:SourceArn"] == ["arn:aws:s3:::leadping-prod-*-123456789012"]


def test_log_archive_has_object_lock_in_compliance_mode_for_the_retention_period(stack):
    archive = bucket(stack, "log-archive-archive")
    assert archive.inputs["objectLockEnabled"] is True
    lock = configuration(stack, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
                         "log-archive-archive")  # fmt: skip
    retention = lock.inputs["rule"]["defaultRetention"]
    assert retention == {"mode": "COMPLIANCE", "days": int(stack.config["leadping:logRetentionDays"])}


def test_only_the_log_archive_is_tagged_as_the_log_archive(prod):
    tagged = [r.name for r in prod.of_type("aws:s3/bucket:Bucket") if tags(r).get(conventions.LOG_ARCHIVE) == "true"]
    assert tagged == ["log-archive-archive-bucket"]


def test_log_archive_admits_log_delivery_only_for_this_account_and_trail(prod):
    policy = document(configuration(prod, "aws:s3/bucketPolicy:BucketPolicy", "log-archive-archive"))
    allows = {s["Sid"]: s for s in statements(policy) if s["Effect"] == "Allow"}
    trail_arn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/leadping-prod-trail"
    assert allows["CloudTrailWrites"]["Condition"] == {"StringEquals": {"aws:SourceArn": trail_arn}}
    assert allows["LogDeliveryWrites"]["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert allows["FirehoseRoleWrites"]["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/leadping-prod-firehose-archive"}
    }
    # us-east-1's load balancers deliver from the regional ELB account, only under alb/.
    assert allows["LoadBalancerAccessLogsWrite"]["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert allows["LoadBalancerAccessLogsWrite"]["Resource"].endswith("/alb/AWSLogs/123456789012/*")
    assert all(s["Principal"] != "*" for s in allows.values())


def test_tenant_bucket_is_a_tagged_data_store(prod):
    recordings = tags(bucket(prod, "data-call-recordings"))
    assert recordings[conventions.DATA_STORE] == "true"
    assert recordings[conventions.TENANT_DATA] == "true"
    assert recordings[conventions.DATA_CLASS] == "call-recordings"
    assert recordings[conventions.ENVIRONMENT] == "prod"
