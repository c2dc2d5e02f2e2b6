"""End to end, as the on-call engineer runs it: a separate process (``python -m runbooks`` and the
installed ``leadping-runbook`` script) against a moto server on 127.0.0.1, reached through
AWS_ENDPOINT_URL like any AWS-compatible endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from runbooks.actions.quarantine_principal import POLICY_NAME
from runbooks.audit_log import read_records

REPO = Path(__file__).resolve().parents[2]


def _run(command: list[str], endpoint: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "AWS_ENDPOINT_URL": endpoint}
    return subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=120, check=False)


def test_quarantine_through_the_endpoint_then_noop(endpoint: str, tmp_path: Path) -> None:
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
    iam.create_role(RoleName="leadping-prod-ingestion", AssumeRolePolicyDocument="{}")
    log = tmp_path / "audit.jsonl"
    command = [sys.executable, "-m", "runbooks", "quarantine-principal", "--role-name", "leadping-prod-ingestion"]
    dry = _run([*command, "--audit-log", str(log)], endpoint)
    assert dry.returncode == 0, dry.stderr
    assert iam.list_role_policies(RoleName="leadping-prod-ingestion")["PolicyNames"] == []
    applied = _run([*command, "--apply", "--audit-log", str(log)], endpoint)
    assert applied.returncode == 0, applied.stderr
    assert "APPLIED" in applied.stdout
    document = iam.get_role_policy(RoleName="leadping-prod-ingestion", PolicyName=POLICY_NAME)["PolicyDocument"]
    assert document["Statement"][0]["Effect"] == "Deny"
    again = _run([*command, "--apply", "--audit-log", str(log)], endpoint)
    assert again.returncode == 0
    assert "NOTHING TO DO" in again.stdout
    # Recorded before acting (intent), completed after under the same id; the no-op is one record.
    records = read_records(log)
    assert [r["result"] for r in records] == ["intent", "applied", "no-op"]
    assert records[0]["id"] == records[1]["id"]
    assert json.loads(log.read_text().splitlines()[0])["who"]["caller_arn"].startswith("arn:aws:sts::")


def test_console_script_refuses_an_unknown_secret_cleanly(endpoint: str, tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("leadping-runbook")
    if not script.exists():
        pytest.skip("the project is not installed in this interpreter's environment (make setup)")
    log = tmp_path / "audit.jsonl"
    result = _run(
        [
            str(script),
            "rotate-secret",
            "--secret-id",
            "leadping-prod/nope",
            "--incident",
            "IR-1",
            "--apply",
            "--audit-log",
            str(log),
        ],
        endpoint,
    )
    assert result.returncode == 2
    assert "there is no secret 'leadping-prod/nope'" in result.stderr
    assert "Nothing was changed." in result.stderr
    assert "Traceback" not in result.stderr
    assert not log.exists() or read_records(log) == []
