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
from tests.compliance_checks.checks.secretsmanager.helpers import secret
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "secretsmanager_rotation_enabled"
PROVIDER = {"system": "twilio", "leadping:provider": "true"}


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
