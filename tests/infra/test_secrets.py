"""Connected-system secrets and their rotation: one test per property (LP-SEC-1/2/3)."""

from __future__ import annotations

import json

import pytest

from compliance_checks import conventions
from infra.render import PROJECT_ROOT, RenderedResource, Rendering
from tests.infra.rendered import document, key_class, named, output, role, statements, tags

SYSTEMS = ("twilio", "sendgrid", "salesforce", "webhook-signing")


def systems(rendering: Rendering) -> dict[str, dict]:
    return {s["name"]: s for s in json.loads(rendering.config["leadping:connectedSystems"])}


def secret(rendering: Rendering, system: str) -> RenderedResource:
    return named(rendering, "aws:secretsmanager/secret:Secret", f"secrets-{system}")


def function(rendering: Rendering) -> RenderedResource:
    (found,) = rendering.of_type("aws:lambda/function:Function")
    return found


def test_one_secret_per_connected_system(stack):
    assert sorted(tags(s)[conventions.SYSTEM] for s in stack.of_type("aws:secretsmanager/secret:Secret")) == sorted(
        systems(stack)
    )


@pytest.mark.parametrize("system", SYSTEMS)
def test_secret_is_tagged_with_its_system_and_consumer(stack, system):
    found = tags(secret(stack, system))
    assert found[conventions.SYSTEM] == system
    assert found[conventions.CONSUMER] == systems(stack)[system]["consumer"]


@pytest.mark.parametrize("system", SYSTEMS)
def test_secret_is_encrypted_with_the_secrets_key(stack, system):
    assert key_class(stack, secret(stack, system).inputs["kmsKeyId"]) == "secrets"


@pytest.mark.parametrize("system", SYSTEMS)
def test_secret_policy_lets_only_its_consumer_read_the_value(stack, system):
    arn = output(secret(stack, system), "arn")
    (policy,) = [
        p for p in stack.of_type("aws:secretsmanager/secretPolicy:SecretPolicy") if p.inputs["secretArn"] == arn
    ]
    assert policy.inputs["blockPublicPolicy"] is True
    by_sid = {s["Sid"]: s for s in statements(document(policy))}
    consumer = output(role(stack, systems(stack)[system]["consumer"]), "arn")
    rotation = output(named(stack, "aws:iam/role:Role", "secrets-rotation-role"), "arn")
    deny = by_sid["OnlyTheConsumerReads"]
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "secretsmanager:GetSecretValue")
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": sorted([consumer, rotation])}}
    assert by_sid["ConsumerReads"]["Condition"] == {"ArnEquals": {"aws:PrincipalArn": sorted([consumer, rotation])}}
    others = [
        output(role(stack, w), "arn") for w in conventions.ROLE_WORKLOADS if w != systems(stack)[system]["consumer"]
    ]
    assert not set(others) & set(deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"])


@pytest.mark.parametrize("system", SYSTEMS)
def test_secret_rotates_within_its_configured_days(stack, system):
    arn = output(secret(stack, system), "arn")
    (rotation,) = [
        r for r in stack.of_type("aws:secretsmanager/secretRotation:SecretRotation") if r.inputs["secretId"] == arn
    ]
    days = rotation.inputs["rotationRules"]["automaticallyAfterDays"]
    assert days == systems(stack)[system]["rotationDays"]
    assert days <= (30 if stack.stack == "prod" and systems(stack)[system]["provider"] else 90)
    assert rotation.inputs["rotationLambdaArn"] == output(function(stack), "arn")


def test_generated_credentials_rotate_at_once_and_provider_ones_wait_for_the_operator(stack):
    immediate = {
        r.name.removeprefix("secrets-").removesuffix("-rotation"): r.inputs["rotateImmediately"]
        for r in stack.of_type("aws:secretsmanager/secretRotation:SecretRotation")
    }
    assert immediate == {name: not spec["provider"] for name, spec in systems(stack).items()}


def test_rotation_function_runs_in_the_private_subnets(stack):
    private = {output(s, "id") for s in stack.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["tier"] == "private"}
    assert set(function(stack).inputs["vpcConfig"]["subnetIds"]) == private


def test_rotation_function_has_a_dead_letter_queue_and_reserved_concurrency(stack):
    inputs = function(stack).inputs
    dlq = named(stack, "aws:sqs/queue:Queue", "secrets-rotation-dlq")
    assert inputs["deadLetterConfig"] == {"targetArn": output(dlq, "arn")}
    assert inputs["reservedConcurrentExecutions"] > 0
    assert inputs["tracingConfig"] == {"mode": "Active"}


def test_rotation_function_environment_is_encrypted_and_holds_no_secret(stack):
    inputs = function(stack).inputs
    assert key_class(stack, inputs["kmsKeyArn"]) == "secrets"
    variables = inputs["environment"]["variables"]
    assert set(variables) == {"SECRETS_MANAGER_ENDPOINT"}
    assert variables["SECRETS_MANAGER_ENDPOINT"].startswith("https://")


def test_rotation_function_is_packaged_from_the_repository(stack):
    # The render describes the archive by its members (stable across runs and checkouts).
    assert function(stack).inputs["code"] == "archive(handler.py=file:infra/lambdas/secret_rotation/handler.py)"
    assert (PROJECT_ROOT / "infra/lambdas/secret_rotation/handler.py").is_file()
    assert function(stack).inputs["handler"] == "handler.handler"


def test_secrets_manager_alone_may_invoke_the_rotation_function(stack):
    (permission,) = stack.of_type("aws:lambda/permission:Permission")
    assert permission.inputs["principal"] == "secretsmanager.amazonaws.com"
    assert permission.inputs["sourceAccount"] == "123456789012"


def test_rotation_role_uses_the_aws_managed_vpc_and_tracing_policies(stack):
    rotation = output(named(stack, "aws:iam/role:Role", "secrets-rotation-role"), "name")
    attached = {
        a.inputs["policyArn"].rsplit("/", 1)[-1]
        for a in stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.inputs["role"] == rotation
    }
    assert {"AWSLambdaVPCAccessExecutionRole", "AWSXRayDaemonWriteAccess"} <= attached


def test_rotation_role_reaches_only_the_stacks_secrets(stack):
    policy = document(named(stack, "aws:iam/policy:Policy", "secrets-rotation-policy"))
    by_sid = {s["Sid"]: s for s in statements(policy)}
    arns = sorted(output(s, "arn") for s in stack.of_type("aws:secretsmanager/secret:Secret"))
    assert by_sid["RotateTheStacksSecrets"]["Resource"] == arns
    assert "secretsmanager:GetSecretValue" in by_sid["RotateTheStacksSecrets"]["Action"]
    assert all(
        "*" not in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]) for s in by_sid.values()
    )


@pytest.mark.parametrize("system", SYSTEMS)
def test_secret_marks_provider_credentials(stack, system):
    expected = "true" if systems(stack)[system]["provider"] else "false"
    assert tags(secret(stack, system))[conventions.PROVIDER_CREDENTIAL] == expected
