"""Waivers scoped by account, region and tags (compliance_checks/waivers.py) as well as resource:
a scoped waiver waives only the findings inside its scope; tags match what the check reported, and
a finding without reported tags is never waived on tags."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from compliance_checks.core import Status
from compliance_checks.waivers import WaiverError, apply_waivers
from tests.compliance_checks.test_waivers import TODAY, _entry, _finding, _waivers

ACCOUNT, OTHER_ACCOUNT = "111122223333", "444455556666"
BUCKET = "arn:aws:s3:::legacy-exports"


def finding(account: str = ACCOUNT, region: str = "us-east-1", tags: dict | None = None):
    evidence = {"tags": tags} if tags is not None else {}
    return dataclasses.replace(_finding(BUCKET), account_id=account, region=region, evidence=evidence)


def statuses(waivers, *findings) -> list[Status]:
    return [f.status for f in apply_waivers(findings, waivers, TODAY)[0]]


def test_an_account_scoped_waiver_waives_only_that_accounts_finding():
    waivers = _waivers(_entry(account=ACCOUNT))
    assert statuses(waivers, finding(ACCOUNT), finding(OTHER_ACCOUNT)) == [Status.WAIVED, Status.FAIL]


def test_a_region_scoped_waiver_waives_only_that_regions_finding():
    waivers = _waivers(_entry(region="eu-west-1"))
    assert statuses(waivers, finding(region="eu-west-1"), finding(region="us-east-1")) == [Status.WAIVED, Status.FAIL]


def test_a_tag_scoped_waiver_needs_every_tag_among_the_reported_ones():
    waivers = _waivers(_entry(tags={"leadping:environment": "dev", "team": "data"}))
    dev = finding(tags={"leadping:environment": "dev", "team": "data", "other": "x"})
    prod = finding(tags={"leadping:environment": "prod", "team": "data"})
    unread = finding(tags=None)
    assert statuses(waivers, dev, prod, unread) == [Status.WAIVED, Status.FAIL, Status.FAIL]


def test_the_scope_is_carried_into_the_report_and_the_notes():
    waivers = _waivers(_entry(account=ACCOUNT, region="us-east-1", tags={"team": "data"}))
    (waived,), notes = apply_waivers([finding(tags={"team": "data"})], waivers, TODAY)
    assert waived.waiver["account"] == ACCOUNT
    assert waived.waiver["region"] == "us-east-1"
    assert waived.waiver["tags"] == {"team": "data"}
    _, notes = apply_waivers([finding(OTHER_ACCOUNT)], waivers, TODAY)
    assert "account 111122223333 region us-east-1 tags team=data" in notes[0]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"account": "12345"}, "field 'account' must be a 12-digit AWS account id"),
        ({"region": "US East"}, "field 'region' must be a region name"),
        ({"tags": {}}, "field 'tags' must be a non-empty mapping"),
        ({"tags": ["team"]}, "field 'tags' must be a non-empty mapping"),
        ({"tags": {"team": 3}}, "is not a tag key and text value"),
    ],
)
def test_a_malformed_scope_is_refused_naming_the_field(fields, message):
    with pytest.raises(WaiverError, match=message):
        _waivers(_entry(**fields))


def test_an_expired_scoped_waiver_does_not_apply():
    waivers = _waivers(_entry(account=ACCOUNT, expires=dt.date(2026, 1, 1)))
    assert statuses(waivers, finding(ACCOUNT)) == [Status.FAIL]
