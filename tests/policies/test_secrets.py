"""The gate's secrets scan (Checkov's secrets framework over the repository's files).

The repository scan runs in the session's batch beside the plan scan, as in the gate; the planted
fixture (tests/policies/fixtures/secrets) is scanned on its own, as the gate scans a --program.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from infra.render import PROJECT_ROOT
from policies import config as gate_config
from policies import gate
from policies.reports import cli_text

pytestmark = pytest.mark.checkov

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "secrets"
PLANTED = "planted_fake_credentials.py"


@pytest.fixture(scope="module")
def skips() -> gate_config.SkipList:
    return gate_config.load_skips()


def test_the_repository_scan_finds_nothing_but_the_accepted_findings(gate_batch, skips):
    assert gate_batch.secrets_reports, "the secrets scan ran"
    findings, stale = gate.judge_secrets(gate_batch.secrets_reports, PROJECT_ROOT, skips)
    assert findings == []
    assert stale == []


GONE_HASH = "0123456789abcdef0123456789abcdef01234567"


def test_an_accepted_finding_that_no_longer_occurs_is_reported_as_stale(gate_batch, skips):
    gone = gate_config.AcceptedSecret(
        "infra/no_such_file.py", "CKV_SECRET_6", "a reason that went stale long ago", (GONE_HASH,)
    )
    longer = dataclasses.replace(skips, accepted_secrets=(*skips.accepted_secrets, gone))
    findings, stale = gate.judge_secrets(gate_batch.secrets_reports, PROJECT_ROOT, longer)
    assert findings == []
    assert stale == [
        f"skips.yaml accepts a CKV_SECRET_6 finding in infra/no_such_file.py (value sha1 {GONE_HASH}) that the "
        "secrets scan no longer reports: remove it"
    ]


def test_an_accepted_value_that_left_its_file_is_stale_while_the_others_stay_accepted(gate_batch, skips):
    (entry,) = [a for a in skips.accepted_secrets if a.path == "tests/infra/lambdas/test_secret_rotation.py"]
    assert len(entry.hashes) > 1, "the file holds several accepted values"
    wider = dataclasses.replace(entry, hashes=(*entry.hashes, GONE_HASH))
    changed = dataclasses.replace(
        skips, accepted_secrets=tuple(wider if a == entry else a for a in skips.accepted_secrets)
    )
    findings, stale = gate.judge_secrets(gate_batch.secrets_reports, PROJECT_ROOT, changed)
    assert findings == []
    (line,) = stale
    assert f"in {entry.path} (value sha1 {GONE_HASH})" in line


def test_a_new_value_in_an_accepted_file_fails_the_gate(gate_batch, skips):
    """Acceptance is per value: the same detector finding another value in the same file is a finding."""
    (entry,) = [a for a in skips.accepted_secrets if a.path == "tests/infra/lambdas/test_secret_rotation.py"]
    dropped, *kept = entry.hashes
    narrower = dataclasses.replace(entry, hashes=tuple(kept))
    changed = dataclasses.replace(
        skips, accepted_secrets=tuple(narrower if a == entry else a for a in skips.accepted_secrets)
    )
    findings, stale = gate.judge_secrets(gate_batch.secrets_reports, PROJECT_ROOT, changed)
    assert stale == []
    assert [(f.check_id, f.address.split(":")[0], f.details) for f in findings] == [
        (entry.check, entry.path, (f"value sha1 {dropped}",))
    ]
    assert f"(value sha1 {dropped})" in cli_text(gate.GateResult(stacks=[], secret_findings=findings))


def test_a_finding_no_entry_accepts_fails_the_gate(gate_batch, skips):
    (entry,) = [a for a in skips.accepted_secrets if a.path == "compliance_checks/secret_detector.py"]
    shorter = dataclasses.replace(skips, accepted_secrets=tuple(a for a in skips.accepted_secrets if a != entry))
    findings, _stale = gate.judge_secrets(gate_batch.secrets_reports, PROJECT_ROOT, shorter)
    assert [(f.check_id, f.address.split(":")[0], f.control) for f in findings] == [
        ("CKV_SECRET_4", "compliance_checks/secret_detector.py", "LP-SEC-1")
    ]


def test_the_skip_rule_leaves_out_the_planted_fixture_and_nothing_else(skips):
    every_file = gate.repository_files(PROJECT_ROOT)
    scanned = gate.repository_files(PROJECT_ROOT, [p.path for p in skips.secret_paths])
    assert sorted(set(every_file) - set(scanned)) == ["tests/policies/fixtures/secrets/planted_fake_credentials.py"]
    assert "tests/policies/test_secrets.py" in scanned


def test_the_scan_finds_the_planted_credentials_and_reports_no_value(tmp_path, skips):
    run = gate.run_checkov(None, tmp_path, secrets_root=FIXTURE_DIR)
    findings, stale = gate.judge_secrets(run.secrets_reports, FIXTURE_DIR, skips)
    assert stale == [], "staleness is judged on the repository only"
    assert {(f.check_id, f.address) for f in findings} >= {("CKV_SECRET_2", f"{PLANTED}:7")}
    assert all(f.address.startswith(f"{PLANTED}:") and f.control == "LP-SEC-1" for f in findings)
    text = cli_text(gate.GateResult(stacks=[], secret_findings=findings))
    assert f"secret in {PLANTED}:7" in text
    planted_values = re.findall(r'"([^"]{16,})"', (FIXTURE_DIR / PLANTED).read_text())
    assert planted_values
    assert not any(value in text for value in planted_values), "a report names the file and line, never the value"
