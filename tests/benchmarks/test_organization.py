"""benchmarks/organization.py measures what it says: a small organization, audited through its
latency proxy, with every planted failure found and no ERROR."""

from __future__ import annotations

import pytest

from benchmarks import organization

pytestmark = pytest.mark.slow  # a moto server per size, in child processes


def test_a_small_organization_is_audited_through_the_proxy_and_its_planted_failures_found(capsys):
    checks = ["s3_bucket_default_encryption_kms", "logs_log_group_retention"]
    code = organization.main(["--accounts", "4", "--latency-ms", "5", "--checks", *checks])
    out = capsys.readouterr().out.splitlines()
    assert code == 0, out
    accounts, _wall, requests, _per, _rss, findings, errors, found = out[-1].split(" | ")
    assert accounts == "5"  # four members and the management account
    assert int(requests) > 5
    assert findings == "10"
    assert errors == "0"
    assert found == "yes"


def test_the_children_get_one_size_each():
    assert organization._without_accounts(["--accounts", "50", "200", "--regions", "1"]) == ["--regions", "1"]
