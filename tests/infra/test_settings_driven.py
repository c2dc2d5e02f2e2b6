"""What changes with the stack settings: a dev stack rendered with different choices."""

from __future__ import annotations

import json

import pytest

from compliance_checks import conventions
from infra.render import Rendering, load_stack_config, render
from tests.infra import invariants
from tests.infra.conftest import ROOT
from tests.infra.rendered import document, role, statements

EXISTING_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
BREAK_GLASS_PRINCIPAL = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1"


@pytest.fixture(scope="module")
def variant() -> Rendering:
    config = load_stack_config(ROOT / "Pulumi.dev.yaml")
    config.update(
        {
            "leadping:githubOidcProviderArn": EXISTING_PROVIDER,
            "leadping:publicRoutes": "[]",
            "leadping:webhookTargets": "{}",
            "leadping:availabilityZones": "3",
            "leadping:protectedBranch": "release",
            "leadping:breakGlassPrincipals": json.dumps([BREAK_GLASS_PRINCIPAL]),
        }
    )
    return render("dev", config=config)


def test_an_existing_github_oidc_provider_is_trusted_not_created(variant):
    assert variant.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider") == []
    (trust,) = statements(document(role(variant, "ci-deploy"), "assumeRolePolicy"))
    assert trust["Principal"] == {"Federated": EXISTING_PROVIDER}
    assert trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] == (
        "repo:leadping/platform:ref:refs/heads/release"
    )


def test_without_public_routes_every_route_has_the_authorizer(variant):
    methods = variant.of_type("aws:apigateway/method:Method")
    assert methods
    assert all(m.inputs["authorization"] == "COGNITO_USER_POOLS" for m in methods)
    assert invariants.unauthenticated_routes(variant, set()) == []


def test_without_webhook_targets_no_api_destination_is_created(variant):
    assert variant.of_type("aws:cloudwatch/eventApiDestination:EventApiDestination") == []
    assert not [r for r in variant.resources if r.type == "leadping:integrations:Webhooks"]


def test_three_zones_give_three_subnets_per_tier(variant):
    subnets = variant.of_type("aws:ec2/subnet:Subnet")
    assert sorted(s.inputs["tags"]["tier"] for s in subnets) == ["private"] * 3 + ["public"] * 3


def test_break_glass_trusts_only_the_named_principals_with_mfa(variant):
    (trust,) = statements(document(role(variant, conventions.BREAK_GLASS), "assumeRolePolicy"))
    assert trust["Principal"] == {"AWS": [BREAK_GLASS_PRINCIPAL]}
    assert trust["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
