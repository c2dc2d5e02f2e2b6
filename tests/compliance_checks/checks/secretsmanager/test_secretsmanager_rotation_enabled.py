"""Scenarios of secretsmanager_rotation_enabled (LP-SEC-3).

moto records AutomaticallyAfterDays and the rotation date when rotate_secret is called without a
Lambda (nothing is invoked). moto has no ScheduleExpression, so the cron scenario stubs
ListSecrets with botocore's Stubber on the reader's client. The clock (ctx.now) is moved forward
instead of back-dating rotations.
"""

from __future__ import annotations

import datetime as dt

from botocore.stub import Stubber

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import run_at
from tests.compliance_checks.checks.secretsmanager.helpers import (
    connection_secret,
    managed_secret,
    secret,
    sm_client,
)
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "secretsmanager_rotation_enabled"
PROVIDER = {"system": "twilio", "leadping:provider": "true"}
FEEDS = "leadping:eventbridge-connections"


def test_given_rotation_every_30_days_rotated_today_then_pass(reader):
    arn = secret("leadping/crm", rotate_days=30)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["interval_days"] == 30


def test_given_rotation_disabled_then_fail(reader):
    bad = secret("leadping/legacy")
    good = secret("leadping/crm", rotate_days=30)
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "not enabled" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_rotation_every_120_days_then_fail(reader):
    arn = secret("leadping/crm", rotate_days=120)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "every 120 days" in result.message


def test_given_a_provider_secret_rotating_every_60_days_in_prod_then_fail(reader):
    arn = secret("leadping/twilio", tags=PROVIDER, rotate_days=60)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.evidence["window_days"] == 30


def test_given_a_provider_secret_rotating_every_60_days_in_dev_then_pass(reader):
    arn = secret("leadping/twilio", tags=PROVIDER, rotate_days=60)
    assert by_resource(run_check(CHECK, reader, environment="dev"))[arn].status is Status.PASS


def test_given_the_last_rotation_100_days_ago_then_fail(reader):
    arn = secret("leadping/crm", rotate_days=30)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=100)
    result = by_resource(run_at(CHECK, reader, now=later))[arn]
    assert result.status is Status.FAIL
    assert "last rotated 100 days ago" in result.message


def _stub_listing(reader, rules: dict) -> str:
    arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:leadping/crm-AbCdEf"
    stubber = Stubber(reader.client("secretsmanager", REGION))
    now = dt.datetime.now(dt.UTC)
    entry = {
        "ARN": arn,
        "Name": "leadping/crm",
        "RotationEnabled": True,
        "RotationRules": rules,
        "LastRotatedDate": now,
        "CreatedDate": now,
    }
    stubber.add_response("list_secrets", {"SecretList": [entry]})
    stubber.activate()
    return arn


def test_given_a_cron_schedule_on_the_first_of_each_month_then_pass(reader):
    arn = _stub_listing(reader, {"ScheduleExpression": "cron(0 8 1 * ? *)"})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["interval_days"] == 31


def test_given_a_cron_schedule_twice_a_year_then_fail(reader):
    arn = _stub_listing(reader, {"ScheduleExpression": "cron(0 8 1 JAN,JUL ? *)"})
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_an_unreadable_schedule_then_error(reader):
    arn = _stub_listing(reader, {"ScheduleExpression": "every full moon"})
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR


def test_given_list_secrets_is_denied_then_error(reader, deny):
    secret("leadping/crm", rotate_days=30)
    deny("secretsmanager", "ListSecrets")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]


def test_given_an_rds_managed_secret_with_managed_rotation_every_7_days_then_pass(reader):
    arn = managed_secret("rds", "rds!db-4f1c2a")
    # RDS turns managed rotation on through Secrets Manager (no rotation function).
    sm_client().rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": 7})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["interval_days"] == 7


def test_given_a_connection_secret_fed_by_a_secret_rotating_every_30_days_written_today_then_pass(reader):
    arn = connection_secret("leadping-prod-crm-sync")
    feeder = secret(
        "leadping/webhook-signing", tags={FEEDS: "leadping-prod-other leadping-prod-crm-sync"}, rotate_days=30
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["fed_by"] == [feeder]
    assert result.evidence["window_days"] == 90
    assert result.evidence["days_since_written"] == 0


def test_given_a_connection_secret_no_rotating_secret_names_then_fail(reader):
    arn = connection_secret("leadping-prod-crm-sync")
    secret("leadping/webhook-signing", tags={FEEDS: "leadping-prod-billing"}, rotate_days=30)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "EventBridge never rotates the key of connection leadping-prod-crm-sync" in result.message
    assert "(secret managed by events)" in result.message


def test_given_a_connection_secret_whose_feeding_secret_does_not_rotate_then_fail(reader):
    arn = connection_secret("leadping-prod-crm-sync")
    secret("leadping/webhook-signing", tags={FEEDS: "leadping-prod-crm-sync"})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "leadping/webhook-signing rotation is not enabled" in result.message


def test_given_a_connection_secret_older_than_its_feeders_window_then_fail(reader):
    # The feeder rotated today, but the connection's key was written 100 days ago: rotation no
    # longer reaches the connection. moto dates every version "now", so the listing is stubbed.
    now = dt.datetime.now(dt.UTC)
    connection = (
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:events!connection/leadping-prod-crm-sync/0f3e/auth-AbCdEf"
    )
    feeder = {
        "ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:leadping/webhook-signing-GhIjKl",
        "Name": "leadping/webhook-signing",
        "RotationEnabled": True,
        "RotationRules": {"AutomaticallyAfterDays": 30},
        "LastRotatedDate": now,
        "CreatedDate": now - dt.timedelta(days=300),
        "Tags": [{"Key": FEEDS, "Value": "leadping-prod-crm-sync"}],
    }
    managed = {
        "ARN": connection,
        "Name": "events!connection/leadping-prod-crm-sync/0f3e/auth",
        "OwningService": "events",
        "CreatedDate": now - dt.timedelta(days=300),
    }
    stubber = Stubber(reader.client("secretsmanager", REGION))
    stubber.add_response("list_secrets", {"SecretList": [feeder, managed]})
    stubber.add_response(
        "list_secret_version_ids",
        {
            "Versions": [
                {"VersionId": "v" * 32, "VersionStages": ["AWSCURRENT"], "CreatedDate": now - dt.timedelta(days=100)}
            ]
        },
    )
    stubber.activate()
    results = by_resource(run_check(CHECK, reader))
    assert results[feeder["ARN"]].status is Status.PASS
    assert results[connection].status is Status.FAIL
    assert "last written 100 days ago" in results[connection].message
    assert results[connection].evidence["window_days"] == 90


def test_given_list_secret_version_ids_is_denied_for_a_connection_secret_then_error(reader, deny):
    arn = connection_secret("leadping-prod-crm-sync")
    feeder = secret("leadping/webhook-signing", tags={FEEDS: "leadping-prod-crm-sync"}, rotate_days=30)
    deny("secretsmanager", "ListSecretVersionIds")
    results = by_resource(run_check(CHECK, reader))
    assert results[arn].status is Status.ERROR
    assert results[feeder].status is Status.PASS
