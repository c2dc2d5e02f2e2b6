"""rules.s3: the TLS-only bucket policy, and which bucket a plan names."""

from __future__ import annotations

import json

import pytest

from compliance_checks.rules import s3

BUCKET = "leadping-prod-log-archive-123456789012"
ARN = f"arn:aws:s3:::{BUCKET}"


def _policy(resources: list[str]) -> str:
    deny = {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": resources,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [deny]})


@pytest.mark.parametrize("name", [BUCKET, "a.b-c", "abc"])
def test_a_bucket_name_gives_its_arn(name):
    assert s3.bucket_arn(name) == f"arn:aws:s3:::{name}"


# What a plan gives for a bucket it does not know yet: nothing, or Checkov's reference to the
# bucket resource's id (a Terraform address), neither of which is a bucket.
@pytest.mark.parametrize("name", [None, "", "aws_s3_bucket.log-archive.id", "Upper", "ab", ["x"], 7])
def test_what_is_not_a_bucket_name_gives_no_arn(name):
    assert s3.bucket_arn(name) is None


def test_given_a_plan_that_does_not_know_the_bucket_then_the_policys_own_bucket_is_judged():
    verdict = s3.tls_only(_policy([ARN, f"{ARN}/*"]), s3.bucket_arn("aws_s3_bucket.log-archive.id"))
    assert verdict.compliant, verdict.message


def test_given_the_deny_on_the_objects_only_then_fail():
    verdict = s3.tls_only(_policy([f"{ARN}/*"]), ARN)
    assert not verdict.compliant
    assert "not both the bucket and its objects" in verdict.message


def test_given_an_unparseable_policy_then_fail_never_pass():
    verdict = s3.tls_only("{not json", ARN)
    assert not verdict.compliant
    assert verdict.evidence["tls_only_statements"] == []
