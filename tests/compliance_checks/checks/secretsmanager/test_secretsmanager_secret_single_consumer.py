"""Scenarios of secretsmanager_secret_single_consumer (LP-SEC-2)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import allow, managed_policy, role
from tests.compliance_checks.checks.secretsmanager.helpers import secret
from tests.compliance_checks.conftest import ACCOUNT_ID, by_resource, run_check

CHECK = "secretsmanager_secret_single_consumer"
READ = "secretsmanager:GetSecretValue"
API = f"arn:aws:iam::{ACCOUNT_ID}:role/api"
WORKERS = f"arn:aws:iam::{ACCOUNT_ID}:role/workers"


def _only(role_arn: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": READ,
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:PrincipalArn": role_arn}},
            }
        ],
    }


def test_given_one_role_allowed_on_the_secret_then_pass(reader):
    arn = secret("leadping/twilio")
    role("api", workload="api", inline=[allow(READ, arn)])
    role("workers", workload="workers", inline=[allow("sqs:ReceiveMessage", "*")])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["readers"] == [API]


def test_given_two_roles_allowed_on_every_secret_then_fail(reader):
    shared = secret("leadping/twilio")
    role("api", workload="api", inline=[allow(READ, "*")])
    role("workers", workload="workers", managed=[allow("secretsmanager:Get*", "*")])
    result = by_resource(run_check(CHECK, reader))[shared]
    assert result.status is Status.FAIL
    assert sorted(result.evidence["readers"]) == [API, WORKERS]
    assert API in result.message


def test_given_a_resource_policy_denying_all_but_one_role_then_pass(reader):
    arn = secret("leadping/twilio", policy=_only(API))
    role("api", workload="api", inline=[allow(READ, "*")])
    role("workers", workload="workers", inline=[allow(READ, "*")])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["readers"] == [API]


def test_given_one_reader_by_resource_policy_and_another_by_identity_then_fail(reader):
    grant = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": API}, "Action": READ, "Resource": "*"}],
    }
    arn = secret("leadping/twilio", policy=grant)
    role("api", workload="api")
    role("workers", workload="workers", inline=[allow(READ, "arn:aws:secretsmanager:*:*:secret:leadping/*")])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_tag_condition_for_another_system_then_that_role_is_no_reader(reader):
    twilio = secret("leadping/twilio", tags={"system": "twilio"})
    stripe = secret("leadping/stripe", tags={"system": "stripe"})
    by_system = {"StringEquals": {"secretsmanager:ResourceTag/system": "twilio"}}
    role("api", workload="api", inline=[allow(READ, "*", Condition=by_system)])
    role("workers", workload="workers", inline=[allow(READ, stripe)])
    results = by_resource(run_check(CHECK, reader))
    assert results[twilio].evidence["readers"] == [API]
    assert results[stripe].evidence["readers"] == [WORKERS]
    assert results[stripe].status is Status.PASS


def test_given_a_boundary_excluding_secrets_manager_then_that_role_is_no_reader(reader):
    arn = secret("leadping/twilio")
    boundary = managed_policy("no-secrets", allow(["sqs:*", "s3:*"], "*"))
    role("api", workload="api", inline=[allow(READ, "*")])
    role("workers", workload="workers", inline=[allow(READ, "*")], boundary=boundary)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["readers"] == [API]


def test_given_an_unevaluable_condition_it_counts_as_a_reader(reader):
    arn = secret("leadping/twilio")
    from_vpc = {"StringEquals": {"aws:SourceVpce": "vpce-0abc"}}
    role("api", workload="api", inline=[allow(READ, "*")])
    role("workers", workload="workers", inline=[allow(READ, "*", Condition=from_vpc)])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.evidence["readers_under_unevaluated_conditions"] == [WORKERS]


def test_given_get_resource_policy_is_denied_then_error(reader, deny):
    arn = secret("leadping/twilio")
    role("api", workload="api", inline=[allow(READ, arn)])
    deny("secretsmanager", "GetResourcePolicy")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR


def test_given_a_deny_naming_the_consumer_and_the_rotation_role_then_only_workload_readers_count(reader):
    rotation = f"arn:aws:iam::{ACCOUNT_ID}:role/secret-rotation"
    readers = [API, rotation]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": READ,
                "Resource": "*",
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": readers}},
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                "Action": READ,
                "Resource": "*",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": readers}},
            },
        ],
    }
    arn = secret("leadping/twilio", policy=policy)
    role("api", workload="api", inline=[allow(READ, "*")])
    role("workers", workload="workers", inline=[allow(READ, "*")])
    role("secret-rotation", inline=[allow(READ, "*")])  # not a workload role: no leadping:workload tag
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["readers"] == [API]
