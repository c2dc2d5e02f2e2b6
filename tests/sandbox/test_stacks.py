"""The main job: each stack of the program deployed into moto, then audited by the real runner.

Every control must PASS except the checks listed below, each waiting for what only a person can do
in a real account. Those report MANUAL (with the evidence to attach) on exactly the resources the
sandbox recorded as a person's act, never PASS. No check may FAIL or ERROR: a FAIL is a finding
on the program, to be fixed in infra/ (or in a check whose semantics differ from CONTROLS.md), and
an ERROR an operation the sandbox must implement (sandbox/moto_compat/), not listed here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from compliance_checks import registry
from compliance_checks.core import Status
from compliance_checks.known_gaps import MANUAL
from sandbox.api import TARGET, Sandbox, start_sandbox
from tests.sandbox.conftest import audit

pytestmark = pytest.mark.slow

# Checks that wait for a person's act in the real account, and why (README: "The sandbox").
MANUAL_IN_SANDBOX = {
    "iam_root_mfa_enabled": "a person signed in as root assigns the root user's MFA device; no API can "
    "(moto reports AccountMFAEnabled = 0)",
    "sns_alarm_topic_encrypted_subscribed": "the e-mail subscriber confirms the subscription by following the "
    "link AWS sends; until then it is PendingConfirmation, as in AWS",
}


@pytest.fixture(scope="module", params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    with start_sandbox(request.param) as sb:
        yield sb


def test_every_registered_resource_is_created_with_moto_ids(stack: Sandbox) -> None:
    deployment = stack.deployment
    registered = [r for r in deployment.rendering.of_custom() if not r.type.startswith("pulumi:providers:")]
    created = {(r.type, r.name): r for r in deployment.resources}
    assert len(created) == len(registered) > 100
    for resource in registered:
        assert created[(resource.type, resource.name)].id == resource.id
    kms = stack.session.client("kms", region_name=deployment.settings.region)
    for key in deployment.of_type("aws:kms/key:Key"):
        described = kms.describe_key(KeyId=key.id)["KeyMetadata"] if key.region == deployment.settings.region else None
        if described:
            assert described["Arn"] == key.outputs["arn"]
    s3 = stack.session.client("s3")
    for bucket in deployment.of_type("aws:s3/bucket:Bucket"):
        s3.head_bucket(Bucket=bucket.id)


def test_dependants_are_wired_with_moto_values(stack: Sandbox) -> None:
    """A subnet's VPC and a listener's load balancer are the ids moto gave their parents."""
    deployment = stack.deployment
    vpc_ids = {r.id for r in deployment.of_type("aws:ec2/vpc:Vpc")}
    subnets = deployment.of_type("aws:ec2/subnet:Subnet")
    assert subnets
    assert {s.outputs["vpcId"] for s in subnets} <= vpc_ids
    ec2 = stack.session.client("ec2", region_name=deployment.settings.region)
    live = ec2.describe_subnets(SubnetIds=[s.id for s in subnets])["Subnets"]
    assert {s["VpcId"] for s in live} <= vpc_ids
    balancers = {r.id for r in deployment.of_type("aws:lb/loadBalancer:LoadBalancer")}
    assert {r.outputs["loadBalancerArn"] for r in deployment.of_type("aws:lb/listener:Listener")} <= balancers


def test_the_default_vpc_of_each_region_is_flow_logged_and_locked_down(stack: Sandbox) -> None:
    """The program looked up moto's own default VPCs (not a made-up id) and adopted them."""
    for region in stack.regions:
        ec2 = stack.session.client("ec2", region_name=region)
        (default,) = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [default["VpcId"]]}])["FlowLogs"]
        assert [(f["TrafficType"], f["LogDestinationType"]) for f in logs] == [("ALL", "s3")]
        (group,) = ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [default["VpcId"]]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"]
        assert group["IpPermissions"] == group["IpPermissionsEgress"] == []


def test_secrets_other_services_create_are_tagged_and_on_the_secrets_key(stack: Sandbox) -> None:
    region = stack.deployment.settings.region
    secrets = stack.session.client("secretsmanager", region_name=region).list_secrets()["SecretList"]
    owned = {s["OwningService"]: s for s in secrets if s.get("OwningService")}
    assert set(owned) == {"rds", "events"}
    (secrets_key,) = [
        k.outputs["arn"] for k in stack.deployment.of_type("aws:kms/key:Key") if k.name == "data-keys-secrets"
    ]
    for secret in owned.values():
        tags = {t["Key"]: t["Value"] for t in secret.get("Tags") or []}
        assert tags.get("system"), secret["Name"]
        assert secret["KmsKeyId"] == secrets_key, secret["Name"]


def test_report_metadata_and_expectations_come_from_the_stack(stack: Sandbox) -> None:
    settings = stack.deployment.settings
    metadata = stack.metadata
    assert metadata["target"] == TARGET == "sandbox (moto)"
    assert metadata["stack"] == stack.deployment.stack
    assert metadata["resources"] == len(stack.deployment.resources)
    assert metadata["timings"]["render_s"] > 0
    assert metadata["timings"]["deploy_s"] > 0
    assert stack.expectations.environment == settings.environment
    assert stack.expectations.public_routes == ("GET /health",)
    assert stack.expectations.github_repository == "leadping/platform"
    assert stack.regions[0] == settings.region
    assert stack.regions[1:] == ([settings.backup_copy_region] if settings.backup_copy_region else [])


def test_known_gaps_are_only_a_persons_acts_named_with_the_evidence_to_attach(stack: Sandbox) -> None:
    checks = registry.all_checks()
    assert stack.known_gaps
    for gap in stack.known_gaps:
        assert gap.check_id in checks
        assert gap.reason
        # The sandbox implements every operation a check reads: no gap says moto lacks one.
        assert gap.kind == MANUAL, gap
        assert gap.check_id in MANUAL_IN_SANDBOX
        assert gap.evidence_to_attach


def test_every_control_passes_except_what_awaits_a_person(stack: Sandbox) -> None:
    verdicts = audit(stack)
    assert len(verdicts) > 100
    gaps = {(g.check_id, g.resource_id) for g in stack.known_gaps}
    unexpected = {
        f"{check_id} {resource}: {verdict.status} {verdict.message}"
        for (check_id, resource), verdict in verdicts.items()
        if verdict.status != Status.PASS
        and not (
            verdict.status == Status.MANUAL
            and check_id in MANUAL_IN_SANDBOX
            and ((check_id, resource) in gaps or (check_id, None) in gaps)
        )
    }
    assert not unexpected, "\n".join(sorted(unexpected))
    # A person's act is never reported as PASS, nor hidden as anything but MANUAL.
    for gap in stack.known_gaps:
        for (check_id, resource), verdict in verdicts.items():
            if check_id == gap.check_id and gap.resource_id in (None, resource):
                assert verdict.status == Status.MANUAL, (check_id, resource, verdict)
                assert gap.evidence_to_attach in verdict.message


def test_the_list_of_what_awaits_a_person_is_no_longer_than_needed(stack: Sandbox) -> None:
    """Every listed check waits for a person's act that this very deploy recorded."""
    assert {g.check_id for g in stack.known_gaps} == set(MANUAL_IN_SANDBOX)


def test_prod_copies_backups_through_a_provider_in_the_second_region(stack: Sandbox) -> None:
    settings = stack.deployment.settings
    if not settings.backup_copy_region:
        pytest.skip("only prod copies backups to a second region")
    copy = settings.backup_copy_region
    remote = [r for r in stack.deployment.resources if r.region == copy]
    assert any(r.type == "aws:backup/vault:Vault" for r in remote)
    backup = stack.session.client("backup", region_name=copy)
    names = {v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]}
    assert {r.id for r in remote if r.type == "aws:backup/vault:Vault"} <= names
