"""Scenarios of ecs_task_definition_env_no_secrets (LP-SEC-1).

Credential-shaped values are test fixtures generated at run time; none is stored in the repository.
"""

from __future__ import annotations

import secrets
import string

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "ecs_task_definition_env_no_secrets"


def _stripe_key_fixture() -> str:
    return "sk_live_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(24))


def _task(family: str, environment: dict[str, str], **container) -> str:
    return boto3.client("ecs", region_name=REGION).register_task_definition(
        family=family,
        containerDefinitions=[
            {
                "name": "app",
                "image": "leadping/app:1",
                "memory": 512,
                "environment": [{"name": k, "value": v} for k, v in environment.items()],
                **container,
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]


def test_given_settings_and_secrets_through_value_from_then_pass(reader):
    secret = {"name": "DB_PASSWORD", "valueFrom": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:db-AbCdEf"}
    arn = _task("api", {"MODE": "web", "PORT": "8080"}, secrets=[secret])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_a_stripe_key_in_the_environment_then_fail(reader):
    key = _stripe_key_fixture()
    bad = _task("billing", {"STRIPE": key})
    good = _task("api", {"MODE": "web"})
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "app/STRIPE (stripe-secret-key)" in results[bad].message
    assert key not in results[bad].message
    assert results[good].status is Status.PASS


def test_given_an_older_active_revision_with_a_password_then_fail_for_that_revision(reader):
    old = _task("workers", {"SMTP_PASSWORD": "correct-horse-9"})
    new = _task("workers", {"SMTP_HOST": "smtp.internal"})
    results = by_resource(run_check(CHECK, reader))
    assert results[old].status is Status.FAIL
    assert results[new].status is Status.PASS


def test_given_describe_task_definition_is_denied_then_error(reader, deny):
    arn = _task("api", {"MODE": "web"})
    deny("ecs", "DescribeTaskDefinition")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR


def test_given_list_task_definitions_is_denied_then_error(reader, deny):
    _task("api", {"MODE": "web"})
    deny("ecs", "ListTaskDefinitions")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
