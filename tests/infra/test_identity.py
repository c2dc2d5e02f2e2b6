"""Production IAM: one test per security property (LP-AC-2, LP-AC-3, LP-PA-1)."""

from __future__ import annotations

import pytest

from compliance_checks import conventions
from infra.render import Rendering
from tests.infra.rendered import as_list, document, named, output, policies_attached_to_roles, role, statements, tags

TENANT_WORKLOADS = conventions.TENANT_WORKLOADS


def attached(rendering: Rendering, workload: str) -> list[dict]:
    name = output(role(rendering, workload), "name")
    return [s for role_name, policy in policies_attached_to_roles(rendering) if role_name == name
            for s in statements(policy)]  # fmt: skip


def test_each_workload_has_exactly_one_role_tagged_with_it(stack):
    tagged = [tags(r).get(conventions.WORKLOAD) for r in stack.of_type("aws:iam/role:Role")]
    for workload in conventions.ROLE_WORKLOADS:
        assert tagged.count(workload) == 1, workload


@pytest.mark.parametrize("workload", TENANT_WORKLOADS)
def test_workload_role_carries_the_permission_boundary(stack, workload):
    boundary = named(stack, "aws:iam/policy:Policy", "access-workload-boundary")
    assert role(stack, workload).inputs["permissionsBoundary"] == output(boundary, "arn")


def test_permission_boundary_denies_iam_and_audit_tampering(stack):
    boundary = document(named(stack, "aws:iam/policy:Policy", "access-workload-boundary"))
    (deny,) = [s for s in statements(boundary) if s["Effect"] == "Deny"]
    assert {"iam:*", "cloudtrail:StopLogging", "kms:ScheduleKeyDeletion"} <= set(deny["Action"])
    allowed = [a for s in statements(boundary) if s["Effect"] == "Allow" for a in as_list(s["Action"])]
    assert not any(a == "*" or a.endswith(":*") for a in allowed)


@pytest.mark.parametrize("workload", TENANT_WORKLOADS)
def test_tenant_table_access_is_scoped_by_the_business_id_leading_key(stack, workload):
    tables = {output(t, "arn") for t in stack.of_type("aws:dynamodb/table:Table")}
    grants = [s for s in attached(stack, workload) if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))]
    assert grants
    for statement in grants:
        assert {r.removesuffix("/index/*") for r in as_list(statement["Resource"])} <= tables
        assert statement["Condition"] == {
            "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:PrincipalTag/business_id}"]}
        }


@pytest.mark.parametrize("workload", TENANT_WORKLOADS)
def test_tenant_bucket_access_is_scoped_to_the_business_prefix(stack, workload):
    bucket = output(named(stack, "aws:s3/bucket:Bucket", "data-call-recordings-bucket"), "bucket")
    objects = [s for s in attached(stack, workload) if "s3:GetObject" in as_list(s["Action"])]
    assert [s["Resource"] for s in objects] == [
        [f"arn:aws:s3:::{bucket}/businesses/${{aws:PrincipalTag/business_id}}/*"]
    ]
    (listing,) = [s for s in attached(stack, workload) if s["Action"] == "s3:ListBucket"]
    assert listing["Condition"]["StringLike"]["s3:prefix"] == ["businesses/${aws:PrincipalTag/business_id}/*"]


@pytest.mark.parametrize("workload", TENANT_WORKLOADS)
def test_workload_role_takes_business_id_as_its_only_session_tag(stack, workload):
    resource = role(stack, workload)
    trust = {s["Sid"]: s for s in statements(document(resource, "assumeRolePolicy"))}
    tenant = trust["TenantSessionWithBusinessIdTag"]
    assert set(tenant["Action"]) == {"sts:AssumeRole", "sts:TagSession"}
    assert tenant["Condition"]["ArnEquals"] == {"aws:PrincipalArn": output(resource, "arn")}
    assert tenant["Condition"]["Null"] == {"aws:RequestTag/business_id": "false"}
    assert tenant["Condition"]["ForAllValues:StringEquals"] == {"aws:TagKeys": ["business_id"]}


@pytest.mark.parametrize("workload", conventions.ROLE_WORKLOADS)
def test_no_role_holds_wildcard_actions_on_data_services(stack, workload):
    for statement in attached(stack, workload):
        if workload == conventions.BREAK_GLASS or statement["Effect"] != "Allow":
            continue
        for action in as_list(statement["Action"]):
            service = action.split(":")[0]
            assert not (service in conventions.DATA_SERVICES and action.endswith(":*")), (workload, action)
            assert action != "*", workload


@pytest.mark.parametrize("workload", TENANT_WORKLOADS)
def test_tenant_workload_roles_name_every_data_resource(stack, workload):
    for statement in attached(stack, workload):
        assert "*" not in as_list(statement["Resource"]), (workload, statement["Sid"])


def test_no_policy_passes_roles_on_wildcard_resources(stack):
    for _, policy in policies_attached_to_roles(stack):
        for statement in statements(policy):
            if "iam:PassRole" in as_list(statement["Action"]) or "iam:*" in as_list(statement["Action"]):
                if statement["Effect"] == "Deny":
                    continue
                assert "*" not in as_list(statement["Resource"])
                assert "iam:PassedToService" in statement["Condition"]["StringEquals"]


def test_ci_deploy_role_trusts_only_github_oidc_on_the_protected_branch(stack):
    deploy = role(stack, "ci-deploy")
    (trust,) = statements(document(deploy, "assumeRolePolicy"))
    (provider,) = stack.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert trust["Principal"] == {"Federated": output(provider, "arn")}
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:leadping/platform:ref:refs/heads/main",
        }
    }
    assert provider.inputs["url"] == "https://token.actions.githubusercontent.com"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]


def test_ci_deploy_role_administers_keys_without_using_them(stack):
    deploy = output(role(stack, "ci-deploy"), "name")
    attached_arns = sorted(
        a.inputs["policyArn"]
        for a in stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.inputs["role"] == deploy
    )
    own = output(named(stack, "aws:iam/policy:Policy", "access-ci-deploy-policy"), "arn")
    assert attached_arns == sorted([own, "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser"])
    for statement in statements(document(named(stack, "aws:iam/policy:Policy", "access-ci-deploy-policy"))):
        assert not any(a.startswith("kms:") for a in as_list(statement["Action"])), statement["Sid"]


def test_auditor_role_is_limited_to_security_audit(stack):
    auditor = output(role(stack, "auditor"), "name")
    attached_arns = [
        a.inputs["policyArn"]
        for a in stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.inputs["role"] == auditor
    ]
    assert attached_arns == ["arn:aws:iam::aws:policy/SecurityAudit"]


def test_break_glass_requires_mfa_and_one_hour_sessions(stack):
    break_glass = role(stack, conventions.BREAK_GLASS)
    assert break_glass.inputs["maxSessionDuration"] == 3600
    (trust,) = statements(document(break_glass, "assumeRolePolicy"))
    assert trust["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_break_glass_is_the_only_role_with_full_administrator(stack):
    full = [
        role_name
        for role_name, policy in policies_attached_to_roles(stack)
        for s in statements(policy)
        if s["Effect"] == "Allow" and as_list(s["Action"]) == ["*"] and as_list(s["Resource"]) == ["*"]
    ]
    assert full == []
    administrators = [
        a.inputs["role"]
        for a in stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.inputs["policyArn"] == "arn:aws:iam::aws:policy/AdministratorAccess"
    ]
    assert administrators == [output(role(stack, conventions.BREAK_GLASS), "name")]


@pytest.mark.parametrize("workload", conventions.ROLE_WORKLOADS)
def test_human_and_workload_sessions_last_at_most_an_hour(stack, workload):
    assert role(stack, workload).inputs["maxSessionDuration"] <= 3600


def test_ci_deploy_boundary_never_reads_data_or_creates_credentials(stack):
    deploy = role(stack, "ci-deploy")
    boundary = named(stack, "aws:iam/policy:Policy", "access-deploy-boundary")
    assert deploy.inputs["permissionsBoundary"] == output(boundary, "arn")
    denies = {s["Sid"]: s for s in statements(document(boundary)) if s["Effect"] == "Deny"}
    assert {"s3:GetObject", "dynamodb:Query", "secretsmanager:GetSecretValue"} <= set(denies["NeverReadData"]["Action"])
    assert {"iam:CreateUser", "iam:CreateAccessKey"} <= set(denies["NeverCreateLongLivedCredentials"]["Action"])
    assert denies["NeverChangeItsOwnRole"]["Resource"] == output(deploy, "arn")


def test_auditor_is_bounded_by_security_audit(stack):
    assert role(stack, "auditor").inputs["permissionsBoundary"] == "arn:aws:iam::aws:policy/SecurityAudit"


@pytest.mark.parametrize("workload", [w for w in conventions.ROLE_WORKLOADS if w != conventions.BREAK_GLASS])
def test_every_workload_role_but_break_glass_has_a_permissions_boundary(stack, workload):
    assert role(stack, workload).inputs.get("permissionsBoundary")
