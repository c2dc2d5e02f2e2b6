"""Scenarios of s3_log_archive_lifecycle (LP-LOG-2)."""

from __future__ import annotations

from typing import Any

from compliance_checks.core import Status
from tests.compliance_checks.checks.s3.helpers import bucket, s3_client
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "s3_log_archive_lifecycle"
ARCHIVE = {"leadping:log-archive": "true"}


def _rule(storage_class: str = "GLACIER", *, status: str = "Enabled", prefix: str = "") -> dict[str, Any]:
    return {
        "ID": f"to-{storage_class.lower()}",
        "Status": status,
        "Filter": {"Prefix": prefix},
        "Transitions": [{"Days": 90, "StorageClass": storage_class}],
    }


def _lifecycle(name: str, *rules: dict[str, Any]) -> None:
    s3_client().put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": list(rules)})


def test_given_a_whole_bucket_rule_to_glacier_then_pass(reader):
    arn = bucket("log-archive", tags=ARCHIVE)
    _lifecycle("log-archive", _rule("GLACIER"))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["cold_rules"] == ["to-glacier: GLACIER after 90"]


def test_given_a_deep_archive_rule_with_an_empty_filter_then_pass(reader):
    arn = bucket("log-archive", tags=ARCHIVE)
    rule = _rule("DEEP_ARCHIVE")
    rule["Filter"] = {}
    _lifecycle("log-archive", rule)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_only_standard_ia_then_fail(reader):
    arn = bucket("log-archive", tags=ARCHIVE)
    _lifecycle("log-archive", _rule("STANDARD_IA"))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "Glacier" in result.message


def test_given_a_disabled_cold_rule_then_fail(reader):
    arn = bucket("log-archive", tags=ARCHIVE)
    _lifecycle("log-archive", _rule("GLACIER", status="Disabled"))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_cold_rule_on_one_prefix_only_then_fail(reader):
    arn = bucket("log-archive", tags=ARCHIVE)
    _lifecycle("log-archive", _rule("GLACIER", prefix="AWSLogs/"))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_no_lifecycle_configuration_then_fail(reader):
    arn = bucket("log-archive", tags=ARCHIVE)
    other = bucket("static-site")
    results = by_resource(run_check(CHECK, reader))
    assert results[arn].status is Status.FAIL
    assert "no lifecycle configuration" in results[arn].message
    assert other not in results


def test_given_get_lifecycle_configuration_is_denied_then_error(reader, deny):
    arn = bucket("log-archive", tags=ARCHIVE)
    deny("s3", "GetBucketLifecycleConfiguration")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR
