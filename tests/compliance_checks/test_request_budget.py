"""Acceptance: against a moto server with 200 buckets, the S3 audit sends at most 2 requests per
bucket plus a small fixed number (counted by the server, not by the client): the bucket's
encryption and its policy; its region comes from ListBuckets."""

from __future__ import annotations

from benchmarks.audit_requests import CHECKS, FIXED_BUDGET, PER_BUCKET_BUDGET, available_checks, measure

BUCKETS = 200


def test_the_s3_audit_stays_within_two_requests_per_bucket():
    checks = available_checks()
    assert checks == CHECKS
    result = measure(BUCKETS, checks)
    assert result.exit_code == 0, "every benchmark bucket is compliant"
    assert result.requests <= PER_BUCKET_BUDGET * BUCKETS + FIXED_BUDGET, result.by_kind
    # Each per-bucket API is read exactly once per bucket.
    per_bucket = {kind: n for kind, n in result.by_kind.items() if "<bucket>" in kind}
    assert per_bucket
    assert set(per_bucket.values()) == {BUCKETS}, per_bucket
    assert sorted(per_bucket) == ["GET /<bucket>?encryption", "GET /<bucket>?policy"], per_bucket
    # The regions came with the one page of the bucket list, not from a GetBucketLocation per bucket.
    assert result.by_kind["GET /?max-buckets"] == 1, result.by_kind
    # The server saw exactly what the audit says it sent.
    assert result.client_reads == result.requests
