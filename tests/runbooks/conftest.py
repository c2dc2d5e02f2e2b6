"""Fixtures for the runbook actions: an in-process moto account, the CLI run in-process with its
output and audit records captured, and snapshots of the state each action may touch, so a test
can say "the dry run changed nothing" by comparing two snapshots.

moto gaps filled here, and only here (each fixture says what AWS does that moto 5.2 does not):
CloudTrail LookupEvents (not implemented) and the SSE override of a DynamoDB point-in-time
restore (ignored). Lambda runs without Docker (moto's own "simple" backend) so a rotation
function can be invoked.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import secrets
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.server import ThreadedMotoServer

from runbooks import cli
from runbooks.actions import ACTIONS
from runbooks.audit_log import COMPLETIONS, INTENT, read_records

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
CALLER_ARN = f"arn:aws:sts::{ACCOUNT_ID}:user/moto"  # moto's identity for the dummy credentials


@dataclass
class Run:
    code: int
    out: str
    err: str
    records: list[dict[str, Any]] = field(default_factory=list)  # the results this run recorded (not intents)
    intents: list[dict[str, Any]] = field(default_factory=list)  # the intent records it wrote before acting


_LOADER = botocore.loaders.create_loader()


def make_session(profile: str | None, region: str | None) -> boto3.Session:
    """runbooks.aws.make_session, sharing one botocore loader: every CLI run builds a new session,
    and reading the service models from disk again each time would be most of a test's time."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    return boto3.Session(botocore_session=core, profile_name=profile, region_name=region)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws(config={"lambda": {"use_docker": False}}):
        yield


@pytest.fixture
def session(aws: None) -> boto3.Session:
    return make_session(None, REGION)


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.jsonl"


RunCli = Callable[..., Run]


@pytest.fixture
def run(aws: None, audit_path: Path) -> RunCli:
    """Runs ``python -m runbooks <argv>`` in-process against moto, with the test's audit log."""

    def _run(*argv: str, session_factory: cli.SessionFactory = make_session) -> Run:
        out, err = io.StringIO(), io.StringIO()
        already = len(read_records(audit_path))
        calls: set[str] = set()

        def recording(profile: str | None, region: str | None) -> boto3.Session:
            session = session_factory(profile, region)

            def record(model: Any, **_: Any) -> None:
                calls.add(f"{model.service_model.signing_name}:{model.name}")

            session.events.register("before-call.*.*", record)
            return session

        code = cli.main([*argv, "--audit-log", str(audit_path)], session_factory=recording, stdout=out, stderr=err)
        # Every AWS call the action made is one it declares (sts:GetCallerIdentity needs no permission).
        action = ACTIONS.get(argv[0]) if argv else None
        if action is not None:
            undeclared = {c for c in calls if not c.startswith("sts:")} - set(action.permissions)
            assert not undeclared, f"{action.name} calls {sorted(undeclared)} without declaring them"
        appended = read_records(audit_path)[already:]
        intents = [r for r in appended if r["result"] == INTENT]
        results = [r for r in appended if r["result"] != INTENT]
        assert_recorded_before_acting(appended)
        return Run(code, out.getvalue(), err.getvalue(), results, intents)

    return _run


def assert_recorded_before_acting(records: list[dict[str, Any]]) -> None:
    """Every completion follows its intent (same id, same before and changes); every intent is completed."""
    intents = {r["id"]: r for r in records if r["result"] == INTENT}
    for position, record in enumerate(records):
        if record["result"] in COMPLETIONS:
            intent = intents.get(record.get("id"))
            assert intent is not None, f"{record['result']} without an intent before it"
            assert records.index(intent) < position
            assert (intent["before"], intent["changes"], intent["what"]) == (
                record["before"],
                record["changes"],
                record["what"],
            )
            assert intent["after"] is None
    completed = {r.get("id") for r in records if r["result"] in COMPLETIONS}
    assert set(intents) <= completed, "an intent was never completed"


@pytest.fixture
def endpoint() -> Iterator[str]:
    """A moto server on 127.0.0.1 for the CLI run as a separate process (through AWS_ENDPOINT_URL)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # moto's backends are process-wide: start from an empty account whatever ran before.
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).close()  # noqa: S310
    yield url
    server.stop()


# --- state snapshots ------------------------------------------------------------------------


def iam_state(session: boto3.Session) -> dict[str, Any]:
    iam = session.client("iam")
    state: dict[str, Any] = {}
    for user in iam.list_users()["Users"]:
        name = user["UserName"]
        state[f"user/{name}"] = {
            "inline": {
                p: iam.get_user_policy(UserName=name, PolicyName=p)["PolicyDocument"]
                for p in iam.list_user_policies(UserName=name)["PolicyNames"]
            },
            "attached": [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]],
            "tags": iam.list_user_tags(UserName=name)["Tags"],
            "keys": {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]},
        }
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        state[f"role/{name}"] = {
            "inline": {
                p: iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
                for p in iam.list_role_policies(RoleName=name)["PolicyNames"]
            },
            "attached": [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]],
            "tags": iam.list_role_tags(RoleName=name)["Tags"],
        }
    return state


def secrets_state(session: boto3.Session) -> dict[str, Any]:
    client = session.client("secretsmanager")
    state = {}
    for secret in client.list_secrets()["SecretList"]:
        described = client.describe_secret(SecretId=secret["ARN"])
        state[secret["Name"]] = {
            "versions": described.get("VersionIdsToStages"),
            "rotation": (described.get("RotationEnabled"), described.get("RotationLambdaARN")),
            "last_rotated": described.get("LastRotatedDate"),
        }
    return state


def kms_state(session: boto3.Session) -> dict[str, Any]:
    kms = session.client("kms")
    return {
        key["KeyId"]: json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
        for key in kms.list_keys()["Keys"]
    }


def dynamodb_state(session: boto3.Session) -> dict[str, Any]:
    client = session.client("dynamodb")
    return {name: client.scan(TableName=name, Select="COUNT")["Count"] for name in client.list_tables()["TableNames"]}


def rds_state(session: boto3.Session) -> dict[str, Any]:
    client = session.client("rds")
    return {
        db["DBInstanceIdentifier"]: (db["DBInstanceStatus"], sorted((t["Key"], t["Value"]) for t in db["TagList"]))
        for db in client.describe_db_instances()["DBInstances"]
    }


# --- moto gaps ------------------------------------------------------------------------------


@pytest.fixture
def restore_applies_sse_override(monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS encrypts a point-in-time restore with SSESpecificationOverride; moto 5.2 ignores the
    override and the restored table reports no SSE. This applies the override after moto's restore."""
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.restore_table_to_point_in_time

    def restore(self: DynamoHandler) -> Any:
        result = original(self)
        override = self.body.get("SSESpecificationOverride") or {}
        if override.get("Enabled"):
            table = self.dynamodb_backend.get_table(self.body["TargetTableName"])
            table.sse_specification = {
                "Enabled": True,
                "SSEType": override.get("SSEType", "KMS"),
                "KMSMasterKeyId": override.get("KMSMasterKeyId"),
            }
        return result

    monkeypatch.setattr(DynamoHandler, "restore_table_to_point_in_time", restore)


ROTATION_FUNCTION = "rotate-crm"
BROKEN_ROTATION_FUNCTION = "rotate-broken"


@pytest.fixture
def rotation_functions(session: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Two rotation functions, by name: their ARNs.

    moto cannot run Lambda code without Docker (its Docker-less backend answers every invoke and
    does nothing). ``rotate-crm`` is given the behaviour of the AWS rotation template: createSecret
    puts a new random AWSPENDING value under the request token, finishSecret moves AWSCURRENT to
    it (Secrets Manager then labels the old version AWSPREVIOUS). ``rotate-broken`` keeps moto's
    do-nothing behaviour: a function that fails, leaving the new version AWSPENDING.
    """
    from moto.awslambda_simple.models import LambdaSimpleBackend

    client = session.client("secretsmanager")
    original = LambdaSimpleBackend.invoke

    def invoke(self: LambdaSimpleBackend, function_name: str, *args: Any, **kwargs: Any) -> Any:
        body = kwargs.get("body", args[1] if len(args) > 1 else None)
        if function_name.rsplit(":", 1)[-1] != ROTATION_FUNCTION:
            return original(self, function_name, *args, **kwargs)
        event = json.loads(body)
        secret, token = event["SecretId"], event["ClientRequestToken"]
        if event["Step"] == "createSecret":
            client.put_secret_value(
                SecretId=secret,
                ClientRequestToken=token,
                SecretString=secrets.token_urlsafe(24),
                VersionStages=["AWSPENDING"],
            )
        elif event["Step"] == "finishSecret":
            stages = client.describe_secret(SecretId=secret)["VersionIdsToStages"]
            current = next(v for v, labels in stages.items() if "AWSCURRENT" in labels)
            if current != token:
                client.update_secret_version_stage(
                    SecretId=secret, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=current
                )
            # AWS accepts either end state (AWSPENDING with AWSCURRENT, or on no version); moto's
            # RotateSecret wrongly refuses the first as "still in progress", so end in the second.
            client.update_secret_version_stage(SecretId=secret, VersionStage="AWSPENDING", RemoveFromVersionId=token)
        return b""

    monkeypatch.setattr(LambdaSimpleBackend, "invoke", invoke)
    role = session.client("iam").create_role(RoleName="secret-rotation", AssumeRolePolicyDocument="{}")["Role"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return None\n")
    functions = {}
    for name in (ROTATION_FUNCTION, BROKEN_ROTATION_FUNCTION):
        functions[name] = session.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role["Arn"],
            Handler="handler.handle",
            Code={"ZipFile": code.getvalue()},
        )["FunctionArn"]
    return functions


def cloudtrail_event(
    name: str,
    when: dt.datetime,
    *,
    user_identity: dict[str, Any],
    username: str,
    access_key_id: str | None = None,
    resources: list[dict[str, str]] | None = None,
    source_ip: str = "198.51.100.7",
    error_code: str | None = None,
) -> dict[str, Any]:
    """One event as LookupEvents returns it (CloudTrailEvent is the record, as a JSON string)."""
    record = {
        "eventVersion": "1.09",
        "eventName": name,
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "iam.amazonaws.com",
        "userIdentity": user_identity,
        "sourceIPAddress": source_ip,
    }
    if error_code:
        record["errorCode"] = error_code
    return {
        "EventId": f"evt-{name}-{when.timestamp():.0f}-{username}",
        "EventName": name,
        "EventTime": when,
        "EventSource": "iam.amazonaws.com",
        "Username": username,
        "AccessKeyId": access_key_id,
        "ReadOnly": "false",
        "Resources": resources or [],
        "CloudTrailEvent": json.dumps(record),
    }


def stub_lookup_events(
    session: boto3.Session, events: list[dict[str, Any]], seen: list[dict[str, Any]], page_size: int = 2
) -> None:
    """moto has no CloudTrail LookupEvents: answer it from ``events`` the way AWS does (one lookup
    attribute, the time window, newest first, NextToken pages), appending each request to ``seen``."""
    keys = {"Username": "Username", "AccessKeyId": "AccessKeyId", "EventName": "EventName"}

    def matches(event: dict[str, Any], request: dict[str, Any]) -> bool:
        start = dt.datetime.fromtimestamp(request["StartTime"], dt.UTC)
        end = dt.datetime.fromtimestamp(request["EndTime"], dt.UTC)
        if not start <= event["EventTime"] <= end:
            return False
        for attribute in request.get("LookupAttributes", []):
            key, value = attribute["AttributeKey"], attribute["AttributeValue"]
            if key == "ResourceName":
                if value not in [r.get("ResourceName") for r in event["Resources"]]:
                    return False
            elif event.get(keys[key]) != value:
                return False
        return True

    def answer(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        request = json.loads(params["body"])
        seen.append(request)
        found = sorted((e for e in events if matches(e, request)), key=lambda e: e["EventTime"], reverse=True)
        offset = int(request.get("NextToken", "0"))
        page: dict[str, Any] = {"Events": found[offset : offset + page_size]}
        if offset + page_size < len(found):
            page["NextToken"] = str(offset + page_size)
        return AWSResponse("https://cloudtrail.us-east-1.amazonaws.com/", 200, {}, None), page

    session.events.register("before-call.cloudtrail.LookupEvents", answer)
