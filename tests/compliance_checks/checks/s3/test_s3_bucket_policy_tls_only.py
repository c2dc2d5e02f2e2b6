"""Scenarios of s3_bucket_policy_tls_only (LP-TX-1, LP-LOG-2)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.s3.helpers import bucket, policy, tls_deny
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "s3_bucket_policy_tls_only"
TLS_VERSION = {"NumericLessThan": {"s3:TlsVersion": "1.2"}}


def test_given_a_tls_only_deny_on_the_bucket_and_its_objects_then_pass(reader):
    arn = bucket("leads", policy=policy(tls_deny("leads")))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["tls_only_statements"] == ["TlsOnly"]


def test_given_a_wildcard_resource_and_an_aws_star_principal_then_pass(reader):
    statement = tls_deny("leads", Principal={"AWS": "*"}, Action="*", Resource="arn:aws:s3:::leads*")
    arn = bucket("leads", policy=policy(statement))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_no_bucket_policy_then_fail(reader):
    bare = bucket("no-policy")
    good = bucket("leads", policy=policy(tls_deny("leads")))
    results = by_resource(run_check(CHECK, reader))
    assert results[bare].status is Status.FAIL
    assert "no bucket policy" in results[bare].message
    assert results[good].status is Status.PASS


def test_given_a_deny_on_put_object_only_then_fail(reader):
    arn = bucket("leads", policy=policy(tls_deny("leads", Action="s3:PutObject")))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "s3:PutObject" in result.message


def test_given_a_deny_on_the_bucket_but_not_its_objects_then_fail(reader):
    arn = bucket("leads", policy=policy(tls_deny("leads", Resource="arn:aws:s3:::leads")))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "not both the bucket and its objects" in result.message


def test_given_only_a_tls_version_deny_then_fail(reader):
    arn = bucket("leads", policy=policy(tls_deny("leads", Sid="OldTls", Condition=TLS_VERSION)))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.evidence["tls_version_deny"] is True


def test_given_secure_transport_and_tls_version_in_one_statement_then_fail(reader):
    both = {"Bool": {"aws:SecureTransport": "false"}, **TLS_VERSION}
    arn = bucket("leads", policy=policy(tls_deny("leads", Condition=both)))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "combined with" in result.message


def test_given_the_tls_deny_plus_a_separate_tls_version_deny_then_pass(reader):
    arn = bucket("leads", policy=policy(tls_deny("leads"), tls_deny("leads", Sid="OldTls", Condition=TLS_VERSION)))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["tls_version_deny"] is True


def test_given_the_deny_spares_one_principal_then_fail(reader):
    statement = tls_deny("leads")
    del statement["Principal"]
    statement["NotPrincipal"] = {"AWS": "arn:aws:iam::123456789012:role/legacy"}
    arn = bucket("leads", policy=policy(statement))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_get_bucket_policy_is_denied_then_error(reader, deny):
    arn = bucket("leads", policy=policy(tls_deny("leads")))
    deny("s3", "GetBucketPolicy")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"
