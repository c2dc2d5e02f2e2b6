"""Scenarios of iam_credentials_unused_45_days (LP-PA-2).

Credentials are created "now" by moto; the scenarios move the check's clock (ctx.now) forward
instead of back-dating them. moto never records a key's or password's use, so last-use dates are
set on moto's backend objects (helpers.set_key_last_used / set_password_last_used).
"""

from __future__ import annotations

import datetime as dt

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import (
    iam_client,
    run_at,
    set_key_last_used,
    set_password_last_used,
    user,
)
from tests.compliance_checks.conftest import by_resource

CHECK = "iam_credentials_unused_45_days"


def _later(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


def _key(name: str) -> str:
    return iam_client().create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]


def test_given_credentials_created_10_days_ago_then_pass(reader):
    arn = user("alice")
    iam_client().create_login_profile(UserName="alice", Password="Correct-Horse-Battery-9")
    _key("alice")
    result = by_resource(run_at(CHECK, reader, now=_later(10)))[arn]
    assert result.status is Status.PASS


def test_given_a_key_created_50_days_ago_and_never_used_then_fail(reader):
    stale = user("ci-bot")
    key_id = _key("ci-bot")
    fresh = user("alice")
    results = by_resource(run_at(CHECK, reader, now=_later(50)))
    assert results[stale].status is Status.FAIL
    assert f"access key ending in {key_id[-4:]} (50 days)" in results[stale].message
    assert results[fresh].status is Status.PASS  # no credentials at all


def test_given_an_old_key_used_3_days_ago_then_pass(reader):
    arn = user("ci-bot")
    set_key_last_used(_key("ci-bot"), _later(97))
    result = by_resource(run_at(CHECK, reader, now=_later(100)))[arn]
    assert result.status is Status.PASS


def test_given_a_password_last_used_60_days_ago_then_fail(reader):
    arn = user("alice")
    iam_client().create_login_profile(UserName="alice", Password="Correct-Horse-Battery-9")
    set_password_last_used("alice", _later(40))
    result = by_resource(run_at(CHECK, reader, now=_later(100)))[arn]
    assert result.status is Status.FAIL
    assert "console password (60 days)" in result.message


def test_given_a_password_used_recently_then_pass(reader):
    arn = user("alice")
    iam_client().create_login_profile(UserName="alice", Password="Correct-Horse-Battery-9")
    set_password_last_used("alice", _later(90))
    assert by_resource(run_at(CHECK, reader, now=_later(100)))[arn].status is Status.PASS


def test_given_only_an_inactive_old_key_then_pass(reader):
    arn = user("retired")
    iam_client().update_access_key(UserName="retired", AccessKeyId=_key("retired"), Status="Inactive")
    assert by_resource(run_at(CHECK, reader, now=_later(400)))[arn].status is Status.PASS


def test_given_get_access_key_last_used_is_denied_then_error_for_the_user(reader, deny):
    arn = user("ci-bot")
    _key("ci-bot")
    deny("iam", "GetAccessKeyLastUsed")
    assert by_resource(run_at(CHECK, reader))[arn].status is Status.ERROR
