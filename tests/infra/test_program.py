"""Whole-program properties of the dev and prod stacks, and that each property can fail."""

from __future__ import annotations

import dataclasses
import json
import re

from compliance_checks import conventions
from infra.render import Rendering
from tests.infra import invariants
from tests.infra.rendered import tags

ACCEPTANCE_TYPES = (
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:rds/instance:Instance",
    "aws:dynamodb/table:Table",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:lb/listener:Listener",
    "aws:wafv2/webAcl:WebAcl",
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    "aws:apigateway/restApi:RestApi",
    "aws:apigateway/stage:Stage",
    "aws:apigateway/domainName:DomainName",
    "aws:apigateway/authorizer:Authorizer",
    "aws:iam/role:Role",
    "aws:iam/policy:Policy",
    "aws:backup/vault:Vault",
    "aws:backup/plan:Plan",
    "aws:backup/selection:Selection",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    "aws:cloudtrail/trail:Trail",
    "aws:ec2/flowLog:FlowLog",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    "aws:guardduty/detector:Detector",
    "aws:securityhub/account:Account",
    "aws:secretsmanager/secret:Secret",
    "aws:secretsmanager/secretRotation:SecretRotation",
    "aws:sns/topic:Topic",
)


def tampered(rendering: Rendering, name: str, **inputs: object) -> Rendering:
    """A copy of the rendering in which one resource's inputs are changed."""
    resources = [
        dataclasses.replace(r, inputs={**r.inputs, **inputs}) if r.name == name else r for r in rendering.resources
    ]
    assert any(r.name == name for r in rendering.resources), name
    return dataclasses.replace(rendering, resources=resources)


def test_prod_renders_every_acceptance_resource_type(prod):
    missing = [t for t in ACCEPTANCE_TYPES if not prod.of_type(t)]
    assert missing == []


def test_rendering_emits_no_deprecation_warning(stack):
    assert stack.warnings == []


def test_every_data_bearing_resource_uses_the_key_of_its_data_class(stack):
    assert invariants.unencrypted_data(stack) == []
    kinds = {r.type for r in stack.resources}
    assert {"aws:s3/bucket:Bucket", "aws:rds/instance:Instance", "aws:sqs/queue:Queue"} <= kinds


def test_data_key_check_catches_a_table_under_another_class_key(prod):
    messages_key = next(k for k in prod.of_type("aws:kms/key:Key") if tags(k)[conventions.DATA_CLASS] == "messages")
    broken = tampered(
        prod, "data-leads-table", serverSideEncryption={"enabled": True, "kmsKeyArn": messages_key.outputs["arn"]}
    )
    assert invariants.unencrypted_data(broken) == [
        f"data-leads-table: key {messages_key.outputs['arn']} is not the leads key"
    ]


def test_data_key_check_catches_a_queue_without_a_key(prod):
    broken = tampered(prod, "messaging-work", kmsMasterKeyId=None)
    assert invariants.unencrypted_data(broken) == ["messaging-work: not encrypted with a customer key"]


def test_no_security_group_admits_the_internet_except_web_ports_on_the_load_balancer(stack):
    assert invariants.internet_ingress(stack) == []


def test_internet_ingress_check_catches_ssh_from_anywhere(prod):
    broken = tampered(prod, "network-alb-in-https-v4", fromPort=22, toPort=22)
    assert len(invariants.internet_ingress(broken)) == 1


def test_internet_ingress_check_catches_https_from_anywhere_into_the_app_tier(prod):
    app_group = next(g for g in prod.of_type("aws:ec2/securityGroup:SecurityGroup") if g.name == "network-app-sg")
    broken = tampered(prod, "network-alb-in-https-v6", securityGroupId=app_group.outputs["id"])
    assert invariants.internet_ingress(broken) == [f"{app_group.outputs['id']} admits ['::/0'] on [443]"]


def test_only_the_break_glass_role_is_granted_everything(stack):
    assert invariants.full_admin_grants(stack) == []


def test_full_admin_check_catches_a_workload_policy_granting_everything(prod):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    broken = tampered(prod, "access-api-policy", policy=policy)
    assert invariants.full_admin_grants(broken) == ["role leadping-prod-api: None"]


def test_full_admin_check_catches_administrator_access_on_another_role(prod):
    broken = tampered(prod, "access-auditor-security-audit", policyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    assert invariants.full_admin_grants(broken) == ["role leadping-prod-auditor: AdministratorAccess"]


def test_every_data_store_is_covered_by_a_backup_selection(stack):
    assert invariants.uncovered_data_stores(stack) == []
    stores = {r.type for r in stack.of_custom() if tags(r).get(conventions.DATA_STORE) == conventions.TRUE}
    assert stores == {"aws:rds/instance:Instance", "aws:dynamodb/table:Table", "aws:s3/bucket:Bucket"}


def test_backup_coverage_check_catches_a_selection_on_another_tag(prod):
    broken = tampered(
        prod, "backups-data-stores", selectionTags=[{"type": "STRINGEQUALS", "key": "backup", "value": "true"}]
    )
    assert "data-database" in invariants.uncovered_data_stores(broken)


def test_every_route_but_the_public_ones_has_the_authorizer(stack):
    public = set(json.loads(stack.config["leadping:publicRoutes"]))
    assert invariants.unauthenticated_routes(stack, public) == []
    assert set(invariants.method_routes(stack)) == set(json.loads(stack.config["leadping:apiRoutes"]))


def test_route_check_catches_a_private_route_without_authorizer(prod):
    broken = tampered(prod, "ingress-method-post-leads", authorization="NONE", authorizerId=None)
    assert invariants.unauthenticated_routes(broken, {"GET /health"}) == ["POST /leads has no Cognito authorizer"]


def test_components_use_leadping_type_tokens_and_prefix_their_children(stack):
    by_urn = stack.by_urn()
    components = [r for r in stack.resources if not r.custom]
    assert components
    for component in components:
        assert re.fullmatch(r"leadping:[a-z]+:[A-Z][A-Za-z]+", component.type), component.type
    for resource in stack.resources:
        parent = by_urn.get(resource.parent) if resource.parent else None
        if parent is not None:
            assert resource.name.startswith(f"{parent.name}-"), (resource.name, parent.name)


def test_stack_exports_what_other_parts_need(prod):
    outputs = prod.stack_outputs
    for name in (
        "key_arns",
        "log_archive_bucket",
        "call_recordings_bucket",
        "table_names",
        "role_arns",
        "alb_arn",
        "alb_dns_name",
        "api_id",
        "api_domain",
        "backup_vault_names",
        "trail_arn",
        "alarm_topic_arn",
        "secret_arns",
    ):
        assert outputs.get(name), name
    assert set(outputs["key_arns"]) == set(conventions.DATA_CLASSES)
    assert set(outputs["role_arns"]) == set(conventions.ROLE_WORKLOADS)
    assert len(outputs["backup_vault_names"]) == 2
