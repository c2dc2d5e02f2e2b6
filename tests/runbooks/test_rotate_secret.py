"""rotate-secret: scenarios.

Given a secret with a rotation function, a dry run changes nothing; --apply rotates once (the
new version, derived from the incident id, becomes AWSCURRENT with a new value, the old one
AWSPREVIOUS); a second --apply for the same incident is a logged no-op, while a new incident
rotates again. A rotation function that does not finish leaves the result unverified (exit 1).
An unknown secret, a secret without rotation function, or one with an unfinished rotation is
refused with exit 2 and nothing changed. No output or record ever holds a secret value.

The rotation function runs as the ``rotation_functions`` fixture describes (moto cannot run
Lambda code); the version bookkeeping is moto's Secrets Manager.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from runbooks.actions.rotate_secret import rotation_token
from tests.runbooks.conftest import BROKEN_ROTATION_FUNCTION, ROTATION_FUNCTION, RunCli, secrets_state

VALUE = "fixture-value-not-a-real-credential"


@pytest.fixture
def secret(session: boto3.Session, rotation_functions: dict[str, str]) -> str:
    client = session.client("secretsmanager")
    arn = client.create_secret(Name="crm/hubspot", SecretString=VALUE)["ARN"]
    # Rotation set up the way the platform does it (a function and a schedule), which rotates once.
    client.rotate_secret(
        SecretId=arn,
        RotationLambdaARN=rotation_functions[ROTATION_FUNCTION],
        RotationRules={"AutomaticallyAfterDays": 30},
    )
    client.create_secret(Name="no-rotation", SecretString=VALUE)
    return arn


def stages(session: boto3.Session, arn: str) -> dict[str, list[str]]:
    return session.client("secretsmanager").describe_secret(SecretId=arn)["VersionIdsToStages"]


def current(session: boto3.Session, arn: str) -> str:
    (version,) = [v for v, labels in stages(session, arn).items() if "AWSCURRENT" in labels]
    return version


def test_dry_run_changes_nothing(run: RunCli, session: boto3.Session, secret: str) -> None:
    before = secrets_state(session)
    result = run("rotate-secret", "--secret-id", "crm/hubspot", "--incident", "IR-2026-014")
    assert result.code == 0
    assert (
        f"rotate crm/hubspot now with {secret.split(':secret:')[0].replace('secretsmanager', 'lambda')}" in result.out
    )
    assert secrets_state(session) == before
    assert result.records == []


def test_apply_rotates_to_the_incident_version(run: RunCli, session: boto3.Session, secret: str) -> None:
    client = session.client("secretsmanager")
    old = current(session, secret)
    old_value = client.get_secret_value(SecretId=secret)["SecretString"]
    untouched = secrets_state(session)["no-rotation"]
    result = run("rotate-secret", "--secret-id", "crm/hubspot", "--incident", "IR-2026-014", "--apply")
    assert result.code == 0, result.err
    token = rotation_token(secret, "IR-2026-014")
    assert current(session, secret) == token
    assert "AWSPREVIOUS" in stages(session, secret)[old]
    assert client.get_secret_value(SecretId=secret)["SecretString"] != old_value
    assert secrets_state(session)["no-rotation"] == untouched
    (record,) = result.records
    assert record["result"] == "applied"
    assert "AWSCURRENT" in record["after"]["versions"][token]
    assert record["before"]["versions"][old] == ["AWSCURRENT"]
    assert f"AWSCURRENT: {token}" in result.out


def test_second_apply_same_incident_is_a_noop(run: RunCli, session: boto3.Session, secret: str) -> None:
    argv = ("rotate-secret", "--secret-id", secret, "--incident", "IR-2026-014", "--apply")
    assert run(*argv).code == 0
    between = secrets_state(session)
    again = run(*argv)
    assert again.code == 0
    assert "already rotated for incident IR-2026-014" in again.out
    assert secrets_state(session) == between
    assert again.records[0]["result"] == "no-op"


def test_new_incident_rotates_again(run: RunCli, session: boto3.Session, secret: str) -> None:
    assert run("rotate-secret", "--secret-id", secret, "--incident", "IR-1", "--apply").code == 0
    assert run("rotate-secret", "--secret-id", secret, "--incident", "IR-2", "--apply").code == 0
    assert current(session, secret) == rotation_token(secret, "IR-2")


def test_earlier_incident_after_a_later_rotation_is_a_noop(run: RunCli, session: boto3.Session, secret: str) -> None:
    assert run("rotate-secret", "--secret-id", secret, "--incident", "IR-1", "--apply").code == 0
    assert run("rotate-secret", "--secret-id", secret, "--incident", "IR-2", "--apply").code == 0
    between = secrets_state(session)
    again = run("rotate-secret", "--secret-id", secret, "--incident", "IR-1", "--apply")
    assert again.code == 0
    assert "and rotated again since" in again.out
    assert secrets_state(session) == between


def test_no_secret_value_in_output_or_log(run: RunCli, session: boto3.Session, secret: str, audit_path: Path) -> None:
    first = run("rotate-secret", "--secret-id", secret, "--incident", "IR-2026-014", "--apply")
    second = run("rotate-secret", "--secret-id", secret, "--incident", "IR-2026-014", "--apply")
    client = session.client("secretsmanager")
    values = {VALUE, client.get_secret_value(SecretId=secret)["SecretString"]}
    values.add(client.get_secret_value(SecretId=secret, VersionStage="AWSPREVIOUS")["SecretString"])
    for value in values:
        assert value not in first.out + first.err + second.out + second.err
        assert value not in audit_path.read_text()


def test_function_that_does_not_finish_is_unverified(
    run: RunCli, session: boto3.Session, secret: str, rotation_functions: dict[str, str]
) -> None:
    client = session.client("secretsmanager")
    client.create_secret(Name="crm/broken", SecretString=VALUE)
    client.rotate_secret(
        SecretId="crm/broken",
        RotationLambdaARN=rotation_functions[BROKEN_ROTATION_FUNCTION],
        RotationRules={"AutomaticallyAfterDays": 30},
        RotateImmediately=False,
    )
    for version, labels in stages(session, "crm/broken").items():  # moto leaves its test-step version pending
        if labels == ["AWSPENDING"]:
            client.update_secret_version_stage(
                SecretId="crm/broken", VersionStage="AWSPENDING", RemoveFromVersionId=version
            )
    before = current(session, "crm/broken")
    result = run(
        "rotate-secret", "--secret-id", "crm/broken", "--incident", "IR-9", "--timeout-minutes", "0", "--apply"
    )
    assert result.code == 1
    assert "FAIL new version is AWSCURRENT" in result.out
    assert "APPLIED BUT NOT VERIFIED" in result.out
    assert result.records[0]["result"] == "unverified"
    assert current(session, "crm/broken") == before
    token = rotation_token(result.records[0]["before"]["secret_arn"], "IR-9")
    assert "AWSPENDING" in stages(session, "crm/broken")[token]
    # Re-running the same incident waits for that rotation; it does not start another one.
    versions = set(stages(session, "crm/broken"))
    again = run("rotate-secret", "--secret-id", "crm/broken", "--incident", "IR-9", "--timeout-minutes", "0", "--apply")
    assert again.code == 1
    assert "(rotation for incident IR-9 already started) wait until" in again.out
    assert set(stages(session, "crm/broken")) == versions


def test_unknown_secret_is_refused(run: RunCli, session: boto3.Session, secret: str) -> None:
    before = secrets_state(session)
    result = run("rotate-secret", "--secret-id", "crm/nope", "--incident", "IR-1", "--apply")
    assert result.code == 2
    assert "there is no secret 'crm/nope'" in result.err
    assert "Nothing was changed." in result.err
    assert secrets_state(session) == before
    assert result.records == []


def test_secret_without_rotation_function_is_refused(run: RunCli, session: boto3.Session, secret: str) -> None:
    before = secrets_state(session)
    result = run("rotate-secret", "--secret-id", "no-rotation", "--incident", "IR-1", "--apply")
    assert result.code == 2
    assert "has no rotation function" in result.err
    assert secrets_state(session) == before


def test_unfinished_rotation_is_refused(run: RunCli, session: boto3.Session, secret: str) -> None:
    # A rotation whose function failed leaves a version AWSPENDING; Secrets Manager refuses a new one.
    client = session.client("secretsmanager")
    pending = client.put_secret_value(SecretId=secret, SecretString="next", VersionStages=["AWSPENDING"])["VersionId"]
    before = secrets_state(session)
    result = run("rotate-secret", "--secret-id", secret, "--incident", "IR-1", "--apply")
    assert result.code == 2
    assert f"version {pending} is AWSPENDING" in result.err
    assert secrets_state(session) == before


def test_blank_incident_is_a_usage_error(run: RunCli, secret: str) -> None:
    assert run("rotate-secret", "--secret-id", secret, "--incident", " ", "--apply").code == 2
