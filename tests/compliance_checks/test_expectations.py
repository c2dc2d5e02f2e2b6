"""Expectations from Pulumi.<stack>.yaml, and command-line overrides."""

from __future__ import annotations

import pytest

from compliance_checks.core import Expectations
from compliance_checks.expectations import PROJECT_ROOT, ExpectationsError, from_stack, with_overrides

STACK = """\
config:
  aws:region: eu-west-1
  leadping:environment: dev
  leadping:publicRoutes:
    - GET /health
    - POST  /webhooks/inbound
  leadping:githubRepository: leadping/platform
  leadping:protectedBranch: release
"""


def test_the_stack_file_sets_environment_routes_repository_and_branch(tmp_path):
    (tmp_path / "Pulumi.staging.yaml").write_text(STACK)
    loaded = from_stack("staging", tmp_path)
    assert loaded.source == str(tmp_path / "Pulumi.staging.yaml")
    assert loaded.expectations == Expectations(
        environment="dev",
        public_routes=("GET /health", "POST /webhooks/inbound"),
        github_repository="leadping/platform",
        protected_branch="release",
    )


def test_the_repository_prod_stack_is_read():
    loaded = from_stack("prod", PROJECT_ROOT)
    assert loaded.expectations.environment == "prod"
    assert "GET /health" in loaded.expectations.public_routes
    assert loaded.expectations.github_repository


def test_a_stack_without_public_routes_serves_none_unauthenticated(tmp_path):
    (tmp_path / "Pulumi.x.yaml").write_text("config:\n  leadping:environment: prod\n")
    assert from_stack("x", tmp_path).expectations.public_routes == ()


def test_without_a_stack_file_the_strict_defaults_hold_unless_the_stack_was_named(tmp_path):
    loaded = from_stack("prod", tmp_path)
    assert loaded.source is None
    assert loaded.expectations == Expectations()
    with pytest.raises(ExpectationsError, match="no stack file"):
        from_stack("typo", tmp_path, required=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("config:\n  leadping:environment: staging\n", "unknown environment 'staging'"),
        ("config:\n  leadping:publicRoutes: GET /health\n", "expected a list"),
        ("config:\n  leadping:publicRoutes: [health]\n", "'health' is not a route"),
        ("config:\n  leadping:githubRepository: platform\n", "is not owner/name"),
        ("config: [a\n", "not valid YAML"),
    ],
)
def test_a_bad_stack_file_names_the_file_and_key(tmp_path, content, message):
    (tmp_path / "Pulumi.bad.yaml").write_text(content)
    with pytest.raises(ExpectationsError, match=message) as raised:
        from_stack("bad", tmp_path)
    assert "Pulumi.bad.yaml" in str(raised.value)


def test_overrides_win_and_none_keeps_the_stack_value():
    base = Expectations(environment="dev", public_routes=("GET /health",), github_repository="a/b")
    changed = with_overrides(base, environment="prod", public_routes=["GET /status", "GET /status"])
    assert changed.environment == "prod"
    assert changed.public_routes == ("GET /status",)
    assert changed.github_repository == "a/b"
    with pytest.raises(ExpectationsError, match="--public-route"):
        with_overrides(base, public_routes=["/nope"])
