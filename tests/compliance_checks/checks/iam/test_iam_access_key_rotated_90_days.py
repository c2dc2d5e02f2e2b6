"""Scenarios of iam_access_key_rotated_90_days (LP-PA-2).

Keys are created "now" by moto; the scenarios move the check's clock (ctx.now) forward.
"""

from __future__ import annotations

import datetime as dt

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import iam_client, run_at, user
from tests.compliance_checks.conftest import by_resource

CHECK = "iam_access_key_rotated_90_days"


def _later(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


def test_given_a_key_created_30_days_ago_then_pass(reader):
    arn = user("ci-bot")
    iam_client().create_access_key(UserName="ci-bot")
    result = by_resource(run_at(CHECK, reader, now=_later(30)))[arn]
    assert result.status is Status.PASS


def test_given_a_key_created_91_days_ago_then_fail(reader):
    arn = user("ci-bot")
    key_id = iam_client().create_access_key(UserName="ci-bot")["AccessKey"]["AccessKeyId"]
    result = by_resource(run_at(CHECK, reader, now=_later(91)))[arn]
    assert result.status is Status.FAIL
    assert f"ending in {key_id[-4:]} (91 days)" in result.message
    assert key_id not in result.message


def test_given_only_an_inactive_old_key_then_no_result(reader):
    arn = user("retired")
    client = iam_client()
    key_id = client.create_access_key(UserName="retired")["AccessKey"]["AccessKeyId"]
    client.update_access_key(UserName="retired", AccessKeyId=key_id, Status="Inactive")
    other = user("ci-bot")
    client.create_access_key(UserName="ci-bot")
    results = by_resource(run_at(CHECK, reader, now=_later(200)))
    assert arn not in results
    assert results[other].status is Status.FAIL


def test_given_list_access_keys_is_denied_then_error_for_the_user(reader, deny):
    arn = user("ci-bot")
    iam_client().create_access_key(UserName="ci-bot")
    deny("iam", "ListAccessKeys")
    assert by_resource(run_at(CHECK, reader))[arn].status is Status.ERROR
