"""``--source config`` against ``--source api`` on the sandbox's prod stack: every check, the same
verdict for every resource, while Config answered the S3 buckets' reads."""

from __future__ import annotations

import pytest

from compliance_checks import registry
from compliance_checks.catalog import load_catalog
from compliance_checks.reader import Reader
from compliance_checks.runner import AuditOptions, run_audit, select
from compliance_checks.sources.config import ConfigSource
from sandbox.api import Sandbox, start_sandbox
from tests.compliance_checks.sources.test_config import record

pytestmark = pytest.mark.slow


def _audit(sb: Sandbox, reader: Reader) -> dict[tuple[str, str, str, str], tuple[str, str]]:
    options = AuditOptions(expectations=sb.expectations, known_gaps=sb.known_gaps, target="sandbox (moto)", workers=4)
    report = run_audit([reader], select(load_catalog(), registry.all_checks()), options)
    return {
        (f.check_id or "", f.control_id, f.resource_id, f.region or ""): (str(f.status), f.message)
        for f in report.findings
    }


def test_given_the_prod_stack_then_config_and_the_api_give_the_same_verdict_for_every_finding():
    with start_sandbox("prod") as sb:
        for region in sb.regions:
            record(region)
        through_api = _audit(sb, Reader(sb.session, sb.regions))
        source = ConfigSource()
        config_reader = Reader(sb.session, sb.regions, source=source)
        through_config = _audit(sb, config_reader)
    assert len(through_api) > 100
    assert through_config == through_api
    answered = source.describe()["answered_from_config"]
    assert answered.get("s3:get_bucket_encryption", 0) > 0
    assert answered.get("s3:get_bucket_policy", 0) > 0
    assert config_reader.requests[("s3", "get_bucket_encryption")] == 0
