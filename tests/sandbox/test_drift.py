"""Drift: change one thing in the deployed prod account the way an operator (or an attacker)
would, audit again, and see exactly the control that guards it FAIL on exactly that resource.

Each case compares the full result set before and after its change: the named check turns to
FAIL on the changed resource, the checks that assert the same thing from another angle may FAIL
on that same resource, and nothing else changes, except where a change legitimately silences
other controls (a stopped trail feeds no data events and no alarms; a credential that stops
rotating leaves the connections it keys unrotated); those cascades are listed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from compliance_checks import conventions
from compliance_checks.core import Status
from sandbox.api import Sandbox, start_sandbox
from sandbox.deploy import DeployedResource
from tests.sandbox.conftest import Verdict, audit

pytestmark = pytest.mark.slow


@dataclass
class Drift:
    sb: Sandbox
    verdicts: dict[tuple[str, str], Verdict] = field(default_factory=dict)

    @property
    def region(self) -> str:
        return self.sb.deployment.settings.region

    def client(self, service: str):
        return self.sb.session.client(service, region_name=self.region)

    def first(self, type_token: str, where: Callable[[DeployedResource], bool] = lambda r: True) -> DeployedResource:
        found = [r for r in self.sb.deployment.of_type(type_token) if r.region == self.region and where(r)]
        assert found, f"the stack declares no {type_token} for this case"
        return found[0]

    def tag(self, resource: DeployedResource, key: str) -> str | None:
        return (resource.outputs.get("tags") or {}).get(key)

    @property
    def account_scope(self) -> str:
        return f"arn:aws:::account/{self.sb.deployment.account_id}"


@pytest.fixture(scope="module")
def drift() -> Iterator[Drift]:
    with start_sandbox("prod") as sb:
        state = Drift(sb)
        state.verdicts = audit(sb)
        yield state


def remove_bucket_encryption(d: Drift) -> str:
    bucket = d.first("aws:s3/bucket:Bucket", lambda r: d.tag(r, conventions.DATA_STORE) == conventions.TRUE)
    d.client("s3").delete_bucket_encryption(Bucket=bucket.id)
    return bucket.outputs["arn"]


def delete_tls_only_policy(d: Drift) -> str:
    bucket = d.first("aws:s3/bucket:Bucket", lambda r: d.tag(r, conventions.LOG_ARCHIVE) == conventions.TRUE)
    d.client("s3").delete_bucket_policy(Bucket=bucket.id)
    return bucket.outputs["arn"]


def disable_key_rotation(d: Drift) -> str:
    key = d.first("aws:kms/key:Key", lambda r: d.tag(r, conventions.DATA_CLASS) == "leads")
    d.client("kms").disable_key_rotation(KeyId=key.id)
    return key.outputs["arn"]


def stop_the_trail(d: Drift) -> str:
    trail = d.first("aws:cloudtrail/trail:Trail")
    d.client("cloudtrail").stop_logging(Name=trail.outputs["arn"])
    # With no trail logging, the check reports the account as unprotected.
    return d.account_scope


def turn_off_pitr(d: Drift) -> str:
    table = d.first("aws:dynamodb/table:Table", lambda r: (r.outputs.get("pointInTimeRecovery") or {}).get("enabled"))
    d.client("dynamodb").update_continuous_backups(
        TableName=table.id, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    return table.outputs["arn"]


def attach_admin_policy(d: Drift) -> str:
    role = d.first("aws:iam/role:Role", lambda r: d.tag(r, conventions.WORKLOAD) in conventions.TENANT_WORKLOADS)
    iam = d.client("iam")
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    arn = iam.create_policy(PolicyName="drift-everything", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=role.id, PolicyArn=arn)
    return role.outputs["arn"]


def weaken_listener_policy(d: Drift) -> str:
    listener = d.first("aws:lb/listener:Listener", lambda r: r.outputs.get("protocol") == "HTTPS")
    d.client("elbv2").modify_listener(ListenerArn=listener.id, SslPolicy="ELBSecurityPolicy-2016-08")
    return listener.id


def shorten_log_retention(d: Drift) -> str:
    group = d.first("aws:cloudwatch/logGroup:LogGroup")
    d.client("logs").put_retention_policy(logGroupName=group.id, retentionInDays=7)
    return group.outputs["arn"]


def cancel_secret_rotation(d: Drift) -> str:
    # A secret whose rotation feeds no EventBridge connection: cancelling the webhook credential's
    # rotation would also (rightly) fail the connection's secret, which it keeps rotated.
    secrets = {r.outputs["arn"]: r for r in d.sb.deployment.of_type("aws:secretsmanager/secret:Secret")}
    rotation = d.first(
        "aws:secretsmanager/secretRotation:SecretRotation",
        lambda r: not d.tag(secrets[r.outputs["secretId"]], conventions.EVENTBRIDGE_CONNECTIONS),
    )
    d.client("secretsmanager").cancel_rotate_secret(SecretId=rotation.outputs["secretId"])
    return rotation.outputs["secretId"]


def cancel_webhook_credential_rotation(d: Drift) -> str:
    secret = d.first("aws:secretsmanager/secret:Secret", lambda r: bool(d.tag(r, conventions.EVENTBRIDGE_CONNECTIONS)))
    d.client("secretsmanager").cancel_rotate_secret(SecretId=secret.outputs["arn"])
    return secret.outputs["arn"]


def connection_secrets(d: Drift) -> frozenset[tuple[str, str]]:
    """The secrets EventBridge keeps the webhook connections' keys in: rotated by that credential."""
    listed = d.client("secretsmanager").list_secrets()["SecretList"]
    found = frozenset(
        ("secretsmanager_rotation_enabled", s["ARN"]) for s in listed if s.get("OwningService") == "events"
    )
    assert found, "the stack has no webhook connection"
    return found


def open_database_to_the_internet(d: Drift) -> str:
    database = d.first("aws:rds/instance:Instance")
    group_id = database.outputs["vpcSecurityGroupIds"][0]
    d.client("ec2").authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    return f"arn:aws:ec2:{d.region}:{d.sb.deployment.account_id}:security-group/{group_id}"


@dataclass(frozen=True)
class Case:
    mutate: Callable[[Drift], str]  # returns the id the checks report for the changed resource
    check: str  # the check of the named control
    # Checks that assert the same thing from another angle and FAIL on the same resource.
    also: frozenset[str] = frozenset()
    # Checks whose verdicts on other resources legitimately change with this one.
    cascade: frozenset[str] = frozenset()
    # The check judges the account as a whole: its PASS on the resource that qualified gives way
    # to a FAIL on the account.
    account_wide: bool = False
    # Other (check, resource) verdicts that this change must turn to FAIL, found after the change.
    consequences: Callable[[Drift], frozenset[tuple[str, str]]] = lambda d: frozenset()


CASES = {
    "bucket-encryption-removed": Case(remove_bucket_encryption, "s3_bucket_default_encryption_kms"),
    "tls-only-policy-deleted": Case(delete_tls_only_policy, "s3_bucket_policy_tls_only"),
    "key-rotation-disabled": Case(disable_key_rotation, "kms_key_rotation_enabled"),
    "trail-stopped": Case(
        stop_the_trail,
        "cloudtrail_multi_region_logging",
        account_wide=True,
        # A stopped trail delivers nothing: no CloudWatch Logs feed, no data events on the tenant
        # buckets, so no metric filter sees anything and every security alarm is blind.
        cascade=frozenset(
            {
                "cloudtrail_cloudwatch_logs_delivery",
                "cloudtrail_s3_data_events_tenant_buckets",
                "cloudwatch_security_alarms_configured",
            }
        ),
    ),
    "pitr-turned-off": Case(turn_off_pitr, "dynamodb_pitr_enabled"),
    "admin-policy-on-workload-role": Case(
        attach_admin_policy,
        "iam_workload_role_no_wildcard_data_access",
        # "*" on "*" is also full admin (LP-PA-1), PassRole on every role (LP-PA-1) and
        # unscoped tenant data (LP-AC-3), all on the same role.
        also=frozenset({"iam_no_full_admin_policy", "iam_no_passrole_wildcard", "iam_tenant_data_access_scoped"}),
    ),
    "listener-policy-2016-08": Case(weaken_listener_policy, "elbv2_https_listener_tls_policy"),
    "log-retention-7-days": Case(shorten_log_retention, "logs_log_group_retention"),
    "secret-rotation-cancelled": Case(cancel_secret_rotation, "secretsmanager_rotation_enabled"),
    # Beyond the ten: the webhook credential's rotation is what rotates the key EventBridge
    # keeps for each webhook connection, so those secrets stop rotating with it.
    "webhook-credential-rotation-cancelled": Case(
        cancel_webhook_credential_rotation, "secretsmanager_rotation_enabled", consequences=connection_secrets
    ),
    "database-port-open-to-the-internet": Case(
        open_database_to_the_internet, "ec2_security_group_public_ingress_restricted"
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_drift_fails_exactly_the_guarding_control(drift: Drift, name: str) -> None:
    case = CASES[name]
    before = drift.verdicts
    resource = case.mutate(drift)
    after = drift.verdicts = audit(drift.sb)

    assert after.get((case.check, resource), Verdict(Status.PASS, "missing")).status == Status.FAIL, (
        f"{case.check} did not FAIL on {resource}"
    )
    assert before.get((case.check, resource), Verdict(Status.PASS, "")).status == Status.PASS
    changed = {
        key: (before[key].status if key in before else None, after[key].status if key in after else None)
        for key in set(before) | set(after)
        if (before[key].status if key in before else None) != (after[key].status if key in after else None)
    }
    consequences = case.consequences(drift)
    unexpected = {}
    for (check_id, resource_id), (old, new) in changed.items():
        if (check_id, resource_id) in consequences:
            if new != Status.FAIL:
                unexpected[(check_id, resource_id)] = (old, new)
        elif check_id in case.cascade:
            # Cascades may move a verdict from a resource to the account, never towards PASS.
            if new not in (Status.FAIL, None):
                unexpected[(check_id, resource_id)] = (old, new)
        elif resource_id == resource and check_id in {case.check, *case.also}:
            if new != Status.FAIL:
                unexpected[(check_id, resource_id)] = (old, new)
        elif case.account_wide and check_id == case.check and (old, new) == (Status.PASS, None):
            continue
        else:
            unexpected[(check_id, resource_id)] = (old, new)
    assert not unexpected, f"{name} changed more than {case.check} on {resource}: {unexpected}"
    for check_id in case.also:
        assert changed.get((check_id, resource), (None, None))[1] == Status.FAIL, f"{check_id} did not FAIL"
    for key in consequences:
        assert changed.get(key, (None, None)) == (Status.PASS, Status.FAIL), f"{key} did not turn from PASS to FAIL"
