"""The policy documents as pure functions, without the Pulumi runtime."""

from __future__ import annotations

import pytest

from compliance_checks import conventions
from infra import policy_documents as pd

ACCOUNT = "111122223333"
BUCKET_ARN = "arn:aws:s3:::leadping-prod-call-recordings-111122223333"
TABLE = "arn:aws:dynamodb:us-east-1:111122223333:table/leadping-prod-leads"


def by_sid(policy: dict) -> dict[str, dict]:
    return {s.get("Sid"): s for s in pd.statements_of(policy)}


def test_key_policy_keeps_the_account_in_control_and_pins_services_to_the_account():
    policy = by_sid(pd.key_policy(ACCOUNT, "us-east-1", service_principals=["s3.amazonaws.com"], via_services=["s3"]))
    assert policy["AccountAdministersTheKey"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert policy["ServicesEncryptForThisAccount"]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    via = policy["AccountPrincipalsThroughServices"]["Condition"]["StringEquals"]
    assert via == {"kms:CallerAccount": ACCOUNT, "kms:ViaService": ["s3.us-east-1.amazonaws.com"]}
    assert "CloudWatchLogsEncryptsThisAccountsLogGroups" not in policy


def test_key_policy_admits_cloudwatch_logs_only_for_this_accounts_log_groups():
    policy = by_sid(pd.key_policy(ACCOUNT, "eu-west-1", cloudwatch_logs=True))
    logs = policy["CloudWatchLogsEncryptsThisAccountsLogGroups"]
    assert logs["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    assert logs["Condition"]["ArnLike"] == {
        "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:*"
    }


def test_key_policy_without_services_has_only_the_administration_statement():
    assert list(by_sid(pd.key_policy(ACCOUNT, "us-east-1"))) == ["AccountAdministersTheKey"]


def test_bucket_policy_starts_with_the_tls_deny_on_bucket_and_objects():
    policy = pd.bucket_policy(BUCKET_ARN, [{"Sid": "Extra", "Effect": "Allow"}])
    first, extra = pd.statements_of(policy)
    assert first == {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [BUCKET_ARN, f"{BUCKET_ARN}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    assert extra["Sid"] == "Extra"


@pytest.mark.parametrize(("region", "principal"), [
    ("us-east-1", {"AWS": "arn:aws:iam::127311923021:root"}),
    ("eu-south-2", {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}),
])  # fmt: skip
def test_log_archive_admits_the_regions_load_balancer_log_writer(region, principal):
    statements = pd.log_archive_write_statements(
        BUCKET_ARN, ACCOUNT, region, firehose_role_arn="arn:aws:iam::1:role/f", trail_arn="arn:aws:cloudtrail:x"
    )
    elb = next(s for s in statements if s["Sid"] == "LoadBalancerAccessLogsWrite")
    assert elb["Principal"] == principal


def test_log_archive_writers_are_conditioned_on_this_account_or_trail():
    statements = pd.log_archive_write_statements(
        BUCKET_ARN, ACCOUNT, "us-east-1", firehose_role_arn="arn:aws:iam::1:role/f", trail_arn="arn:trail"
    )
    for statement in statements:
        if statement["Sid"] == "LoadBalancerAccessLogsWrite":
            continue  # the ELB account writes only under this account's alb/AWSLogs/<account>/ keys
        assert "Condition" in statement, statement["Sid"]


def test_tenant_statements_scope_tables_by_leading_key_and_buckets_by_prefix():
    table, objects, listing = pd.tenant_data_statements([TABLE], ["recordings"])
    assert table["Resource"] == [TABLE, f"{TABLE}/index/*"]
    assert table["Condition"] == {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:PrincipalTag/business_id}"]}
    }
    assert objects["Resource"] == ["arn:aws:s3:::recordings/businesses/${aws:PrincipalTag/business_id}/*"]
    assert listing["Condition"]["StringLike"]["s3:prefix"] == ["businesses/${aws:PrincipalTag/business_id}/*"]


def test_tenant_statements_are_empty_without_tenant_stores():
    assert pd.tenant_data_statements([], []) == []


def test_workload_policy_names_every_resource():
    policy = pd.workload_policy(
        table_arns=[TABLE],
        bucket_names=["recordings"],
        key_arns=["arn:aws:kms:us-east-1:1:key/a"],
        send_queue_arns=["arn:aws:sqs:us-east-1:1:q"],
        database_user_arns=[pd.database_user_arn("us-east-1", ACCOUNT, "db-ABC", "api")],
    )
    for statement in pd.statements_of(policy):
        assert "*" not in pd.as_list(statement["Resource"])
    assert by_sid(policy)["ConnectAsOwnDatabaseUser"]["Resource"] == [
        f"arn:aws:rds-db:us-east-1:{ACCOUNT}:dbuser:db-ABC/api"
    ]


def test_workload_trust_requires_the_business_id_session_tag_for_re_assumption():
    trust = by_sid(
        pd.workload_trust(ACCOUNT, "ecs-tasks.amazonaws.com", f"arn:aws:iam::{ACCOUNT}:role/leadping-prod-api")
    )
    assert trust["ComputeServiceAssumes"]["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    tenant = trust["TenantSessionWithBusinessIdTag"]["Condition"]
    assert tenant["Null"] == {"aws:RequestTag/business_id": "false"}
    assert tenant["ArnEquals"] == {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/leadping-prod-api"}


def test_github_trust_pins_audience_and_branch():
    (statement,) = pd.statements_of(pd.github_oidc_trust("arn:oidc", "acme/platform", "main"))
    assert statement["Condition"]["StringEquals"] == {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:acme/platform:ref:refs/heads/main",
    }
    assert statement["Principal"] == {"Federated": "arn:oidc"}


def test_human_trust_requires_mfa_only_when_asked():
    (with_mfa,) = pd.statements_of(pd.human_role_trust([], ACCOUNT, require_mfa=True))
    (without,) = pd.statements_of(pd.human_role_trust(["arn:aws:iam::1:role/x"], ACCOUNT, require_mfa=False))
    assert with_mfa["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    assert with_mfa["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert "Condition" not in without
    assert without["Principal"] == {"AWS": ["arn:aws:iam::1:role/x"]}


def test_ci_deploy_policy_has_no_wildcard_on_data_services_and_no_passrole_on_star():
    policy = pd.ci_deploy_policy(ACCOUNT, ["us-east-1", "us-west-2"], "leadping-prod")
    for statement in pd.statements_of(policy):
        actions = pd.as_list(statement["Action"])
        assert "*" not in actions
        for action in actions:
            service, _, verb = action.partition(":")
            assert not (service in conventions.DATA_SERVICES and verb == "*"), action
        if "iam:PassRole" in actions:
            assert statement["Resource"] == [f"arn:aws:iam::{ACCOUNT}:role/leadping-prod-*"]
            assert "iam:PassedToService" in statement["Condition"]["StringEquals"]
    star = [s["Sid"] for s in pd.statements_of(policy) if "*" in pd.as_list(s["Resource"])]
    data_star = [
        sid for sid in star
        if any(a.split(":")[0] in conventions.DATA_SERVICES for a in pd.as_list(by_sid(policy)[sid]["Action"]))
    ]  # fmt: skip
    assert data_star == []
    for statement in pd.statements_of(policy):
        for resource in pd.as_list(statement["Resource"]):
            if resource == f"arn:aws:secretsmanager:*:{ACCOUNT}:secret:rds!db-*":
                # RDS names its master secrets rds!db-<uuid>: only tagging them is granted.
                assert statement["Action"] == list(pd.SERVICE_SECRET_TAG_ACTIONS)
            elif resource != "*":
                assert "leadping-prod" in resource or "oidc-provider" in resource or "aws-service-role" in resource


def test_deploy_boundary_is_limited_to_the_stack_regions_and_its_own_identities():
    policy = pd.deploy_boundary(ACCOUNT, ["us-east-1", "us-west-2"], "leadping-prod")
    allows = [s for s in pd.statements_of(policy) if s["Effect"] == "Allow"]
    for statement in allows:
        actions = pd.as_list(statement["Action"])
        assert "*" not in actions
        assert "iam:*" not in actions
        if "*" in pd.as_list(statement["Resource"]):
            # Unscoped resources only with the region condition; IAM never among them.
            assert statement["Condition"]["StringEquals"]["aws:RequestedRegion"] == ["us-east-1", "us-west-2"]
            assert not any(a.startswith("iam:") for a in actions)
        else:
            assert all("leadping-prod" in r or "oidc-provider" in r or "aws-service-role" in r
                       for r in pd.as_list(statement["Resource"]))  # fmt: skip
    # Everything the deploy policy grants stays inside the ceiling: same IAM and PassRole statements.
    deploy = by_sid(pd.ci_deploy_policy(ACCOUNT, ["us-east-1", "us-west-2"], "leadping-prod"))
    boundary = by_sid(policy)
    for sid in ("ManageStackRolesAndPolicies", "PassOnlyStackRolesToTheirServices"):
        assert boundary[sid] == deploy[sid]
    assert set(deploy["ManageControlPlanes"]["Action"]) <= set(boundary["DeployServicesInStackRegions"]["Action"])
    assert {"kms:*", "s3:*"} <= set(boundary["DeployServicesInStackRegions"]["Action"])


def test_permission_boundary_allows_no_wildcard_action_and_denies_iam():
    policy = pd.permission_boundary(ACCOUNT, "us-east-1", "leadping-prod", "prod")
    for statement in pd.statements_of(policy):
        if statement["Effect"] == "Allow":
            assert not any(a == "*" or a.endswith(":*") for a in pd.as_list(statement["Action"]))
            assert "*" not in pd.as_list(statement["Resource"])
    assert "iam:*" in by_sid(policy)["NeverAdministerIdentityOrAudit"]["Action"]


def test_grants_everything_recognises_only_allow_star_on_star():
    assert pd.grants_everything({"Effect": "Allow", "Action": "*", "Resource": "*"})
    assert pd.grants_everything({"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"]})
    assert not pd.grants_everything({"Effect": "Deny", "Action": "*", "Resource": "*"})
    assert not pd.grants_everything({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    assert not pd.grants_everything({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::x"})


def test_secret_policy_denies_everyone_but_the_readers():
    readers = ["arn:aws:iam::1:role/api", "arn:aws:iam::1:role/rotation"]
    policy = by_sid(pd.secret_policy(readers, "1"))
    assert policy["OnlyTheConsumerReads"]["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": readers}}
    assert policy["OnlyTheConsumerReads"]["Principal"] == "*"
    assert policy["ConsumerReads"]["Condition"] == {"ArnEquals": {"aws:PrincipalArn": readers}}


def test_queue_policy_denies_plain_http_and_admits_named_services_for_the_account():
    policy = by_sid(pd.queue_policy("arn:q", "1", {"EventBridgeDeadLetters": "events.amazonaws.com"}))
    assert policy["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert policy["EventBridgeDeadLetters"]["Condition"] == {"StringEquals": {"aws:SourceAccount": "1"}}
    assert list(by_sid(pd.queue_policy("arn:q", "1"))) == ["DenyInsecureTransport"]


def test_rotation_policy_writes_connections_only_when_named():
    without = by_sid(pd.rotation_function_policy(["arn:s"], "arn:k", "arn:q", "arn:l"))
    assert "WriteRotatedKeysIntoConnections" not in without
    with_connections = by_sid(
        pd.rotation_function_policy(["arn:s"], "arn:k", "arn:q", "arn:l", connection_arns=["arn:c/*"])
    )
    assert with_connections["WriteRotatedKeysIntoConnections"]["Resource"] == ["arn:c/*"]
    assert without["RotateTheStacksSecrets"]["Resource"] == ["arn:s"]


def test_service_trust_pins_the_source_account_when_given():
    (pinned,) = pd.statements_of(pd.service_trust("backup.amazonaws.com", "1"))
    (open_trust,) = pd.statements_of(pd.service_trust("monitoring.rds.amazonaws.com"))
    assert pinned["Condition"] == {"StringEquals": {"aws:SourceAccount": "1"}}
    assert "Condition" not in open_trust
