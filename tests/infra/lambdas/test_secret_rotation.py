"""The secret-rotation function, step by step against Secrets Manager and EventBridge in moto."""

from __future__ import annotations

import json
import logging
import time
import uuid

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.secretsmanager.models import secretsmanager_backends

from infra.components.integrations import API_KEY_HEADER
from infra.lambdas.secret_rotation import handler as rotation

HEADER = API_KEY_HEADER
OLD_VALUE = "old-value-0123456789abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.delenv("SECRETS_MANAGER_ENDPOINT", raising=False)
    with mock_aws():
        yield boto3.client("secretsmanager", region_name="us-east-1"), boto3.client("events", region_name="us-east-1")


def start_rotation(client, name: str, issuer: str, **tags: str) -> str:
    """A secret with a current value and a rotation begun: the state Secrets Manager calls the function in.

    Secrets Manager starts a rotation by adding a version staged AWSPENDING that has no value yet.
    moto, with no function registered, completes a rotation at once instead; the pending version
    is added the way moto's own RotateSecret adds it before it calls a function.
    """
    client.create_secret(
        Name=name,
        SecretString=json.dumps({"value": OLD_VALUE}),
        Tags=[
            {"Key": rotation.PROVIDER_TAG, "Value": "true" if issuer == "provider" else "false"},
            {"Key": "system", "Value": name.split("/")[-1]},
        ]
        + [{"Key": k, "Value": v} for k, v in tags.items()],
    )
    client.rotate_secret(SecretId=name, RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False)
    secret = secretsmanager_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].secrets[name]
    token = str(uuid.uuid4())
    secret.remove_version_stages_from_old_versions(["AWSPENDING"])
    secret.versions[token] = {"createdate": int(time.time()), "version_id": token, "version_stages": ["AWSPENDING"]}
    return token


class RecordingEvents:
    """The moto EventBridge client, keeping what UpdateConnection was sent (DescribeConnection hides values)."""

    def __init__(self, client) -> None:
        self.client = client
        self.updates: list[dict] = []

    def update_connection(self, **request):
        self.updates.append(request)
        return self.client.update_connection(**request)

    def __getattr__(self, name: str):
        return getattr(self.client, name)


def run(client, events, name: str, token: str, *steps: str) -> None:
    for step in steps:
        rotation.handler({"SecretId": name, "ClientRequestToken": token, "Step": step}, None, client, events)


def current(client, name: str) -> str:
    return json.loads(client.get_secret_value(SecretId=name, VersionStage="AWSCURRENT")["SecretString"])["value"]


def test_generated_credential_rotates_to_a_new_random_value(aws):
    client, events = aws
    token = start_rotation(client, "leadping-dev/webhook-signing", "generated")
    events = RecordingEvents(events)
    run(
        client, events, "leadping-dev/webhook-signing", token, "createSecret", "setSecret", "testSecret", "finishSecret"
    )
    new = current(client, "leadping-dev/webhook-signing")
    assert new != OLD_VALUE
    assert len(new) == 48
    stages = client.describe_secret(SecretId="leadping-dev/webhook-signing")["VersionIdsToStages"]
    assert "AWSCURRENT" in stages[token]
    assert events.updates == []  # no connections named: nothing written elsewhere
    assert sorted(s for v in stages.values() for s in v if s == "AWSPREVIOUS") == ["AWSPREVIOUS"]


def test_set_secret_writes_the_pending_key_into_the_named_connections(aws):
    client, events = aws
    for name in ("leadping-dev-crm-sync", "leadping-dev-billing"):
        events.create_connection(
            Name=name,
            AuthorizationType="API_KEY",
            AuthParameters={
                "ApiKeyAuthParameters": {"ApiKeyName": HEADER, "ApiKeyValue": "unset-until-first-rotation"}
            },
        )
    secret = "leadping-dev/webhook-signing"
    token = start_rotation(
        client, secret, "generated", **{rotation.CONNECTIONS_TAG: "leadping-dev-crm-sync leadping-dev-billing"}
    )
    recording = RecordingEvents(events)
    run(client, recording, secret, token, "createSecret", "setSecret")
    pending = json.loads(client.get_secret_value(SecretId=secret, VersionStage="AWSPENDING")["SecretString"])["value"]
    assert [(u["Name"], u["AuthParameters"]["ApiKeyAuthParameters"]) for u in recording.updates] == [
        (name, {"ApiKeyName": HEADER, "ApiKeyValue": pending})
        for name in ("leadping-dev-crm-sync", "leadping-dev-billing")
    ]
    for name in ("leadping-dev-crm-sync", "leadping-dev-billing"):
        auth = events.describe_connection(Name=name)["AuthParameters"]["ApiKeyAuthParameters"]
        assert auth["ApiKeyName"] == HEADER


def test_function_sends_the_key_in_the_header_the_connections_are_created_with():
    assert rotation.CONNECTION_HEADER == API_KEY_HEADER


def test_set_secret_fails_when_a_named_connection_is_missing(aws):
    client, events = aws
    secret = "leadping-dev/webhook-signing"
    token = start_rotation(client, secret, "generated", **{rotation.CONNECTIONS_TAG: "leadping-dev-gone"})
    run(client, events, secret, token, "createSecret")
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        run(client, events, secret, token, "setSecret")


def test_provider_credential_without_an_adapter_fails_and_keeps_the_current_value(aws):
    client, events = aws
    token = start_rotation(client, "leadping-dev/twilio", "provider")
    run(client, events, "leadping-dev/twilio", token, "createSecret")
    with pytest.raises(rotation.RotationError, match="no provider adapter for system 'twilio'"):
        run(client, events, "leadping-dev/twilio", token, "setSecret")
    assert current(client, "leadping-dev/twilio") == OLD_VALUE


def test_secret_without_the_provider_tag_is_treated_as_a_provider_credential(aws):
    client, events = aws
    client.create_secret(Name="leadping-dev/untagged", SecretString=json.dumps({"value": OLD_VALUE}))
    metadata = {"Tags": [{"Key": "system", "Value": "untagged"}]}
    with pytest.raises(rotation.RotationError, match="no provider adapter"):
        rotation.set_secret(client, "leadping-dev/untagged", "token", metadata, events)


def test_provider_credential_with_an_adapter_registers_the_pending_value(aws, monkeypatch):
    client, events = aws
    seen: list[dict] = []
    monkeypatch.setitem(rotation.PROVIDER_ADAPTERS, "twilio", lambda _client, _arn, pending: seen.append(pending))
    token = start_rotation(client, "leadping-dev/twilio", "provider")
    run(client, events, "leadping-dev/twilio", token, "createSecret", "setSecret", "testSecret", "finishSecret")
    assert seen == [{"value": current(client, "leadping-dev/twilio")}]


def test_create_secret_is_idempotent_for_the_same_token(aws):
    client, events = aws
    token = start_rotation(client, "leadping-dev/webhook-signing", "generated")
    run(client, events, "leadping-dev/webhook-signing", token, "createSecret")
    first = client.get_secret_value(SecretId="leadping-dev/webhook-signing", VersionStage="AWSPENDING")["SecretString"]
    run(client, events, "leadping-dev/webhook-signing", token, "createSecret")
    again = client.get_secret_value(SecretId="leadping-dev/webhook-signing", VersionStage="AWSPENDING")["SecretString"]
    assert again == first


def test_test_secret_rejects_a_pending_value_that_is_not_usable(aws):
    client, events = aws
    secret = "leadping-dev/webhook-signing"
    token = start_rotation(client, secret, "generated")
    client.put_secret_value(
        SecretId=secret, ClientRequestToken=token, SecretString="short", VersionStages=["AWSPENDING"]
    )
    with pytest.raises(rotation.RotationError, match="does not hold a usable value"):
        run(client, events, secret, token, "testSecret")


def test_handler_refuses_a_secret_without_rotation(aws):
    client, events = aws
    client.create_secret(Name="leadping-dev/plain", SecretString=json.dumps({"value": OLD_VALUE}))
    version = client.describe_secret(SecretId="leadping-dev/plain")["VersionIdsToStages"]
    token = next(iter(version))
    with pytest.raises(rotation.RotationError, match="rotation is not enabled"):
        run(client, events, "leadping-dev/plain", token, "createSecret")


def test_handler_refuses_an_unknown_version_and_an_unknown_step(aws):
    client, events = aws
    secret = "leadping-dev/webhook-signing"
    token = start_rotation(client, secret, "generated")
    with pytest.raises(rotation.RotationError, match="is not a version of"):
        run(client, events, secret, "00000000-0000-0000-0000-000000000000", "createSecret")
    with pytest.raises(rotation.RotationError, match="unknown rotation step"):
        run(client, events, secret, token, "dropSecret")


def test_handler_does_nothing_for_a_version_that_is_already_current(aws):
    client, events = aws
    start_rotation(client, "leadping-dev/done", "generated")
    versions = client.describe_secret(SecretId="leadping-dev/done")["VersionIdsToStages"]
    current_token = next(v for v, stages in versions.items() if "AWSCURRENT" in stages)
    before = current(client, "leadping-dev/done")
    run(client, events, "leadping-dev/done", current_token, "finishSecret")
    assert current(client, "leadping-dev/done") == before


def test_values_never_reach_the_logs(aws, caplog):
    client, events = aws
    caplog.set_level(logging.INFO)
    token = start_rotation(client, "leadping-dev/webhook-signing", "generated")
    run(
        client, events, "leadping-dev/webhook-signing", token, "createSecret", "setSecret", "testSecret", "finishSecret"
    )
    new = current(client, "leadping-dev/webhook-signing")
    assert caplog.records
    assert all(new not in r.getMessage() and OLD_VALUE not in r.getMessage() for r in caplog.records)
