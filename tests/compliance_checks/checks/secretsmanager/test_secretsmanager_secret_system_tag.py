"""Scenarios of secretsmanager_secret_system_tag (LP-SEC-2)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.secretsmanager.helpers import connection_secret, managed_secret, secret
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "secretsmanager_secret_system_tag"


def test_given_a_system_tag_then_pass(reader):
    arn = secret("leadping/twilio", tags={"system": "twilio"})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["system"] == "twilio"


def test_given_no_tags_then_fail(reader):
    bad = secret("leadping/legacy")
    good = secret("leadping/twilio", tags={"system": "twilio"})
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert results[good].status is Status.PASS


def test_given_a_blank_system_tag_then_fail(reader):
    arn = secret("leadping/blank", tags={"system": "  ", "owner": "ops"})
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_an_rds_managed_secret_tagged_with_its_system_then_pass(reader):
    arn = managed_secret("rds", "rds!db-4f1c2a", tags={"system": "leadping-prod-leads"})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["system"] == "leadping-prod-leads"


def test_given_an_untagged_eventbridge_connection_secret_then_fail_naming_events(reader):
    arn = connection_secret("leadping-prod-crm-sync")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.message.endswith("(secret managed by events)")


def test_given_list_secrets_is_denied_then_error(reader, deny):
    secret("leadping/twilio", tags={"system": "twilio"})
    deny("secretsmanager", "ListSecrets")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
