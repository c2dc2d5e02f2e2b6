"""Expectations from Pulumi.<stack>.yaml (read by the program's settings model), and command-line overrides."""

from __future__ import annotations

import pytest

from compliance_checks.core import Expectations
from compliance_checks.expectations import PROJECT_ROOT, ExpectationsError, from_stack, with_overrides

DEV_STACK = (PROJECT_ROOT / "Pulumi.dev.yaml").read_text()


def write_stack(tmp_path, name: str, text: str):
    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(text)
    return path


def test_the_stack_file_sets_environment_routes_repository_and_branch(tmp_path):
    text = DEV_STACK.replace("leadping:protectedBranch: main", "leadping:protectedBranch: release")
    text = text.replace("  leadping:publicRoutes:\n    - GET /health\n", "  leadping:publicRoutes:\n    - GET /leads\n")
    write_stack(tmp_path, "staging", text)
    loaded = from_stack("staging", tmp_path)
    assert loaded.source == str(tmp_path / "Pulumi.staging.yaml")
    assert loaded.expectations == Expectations(
        environment="dev",
        public_routes=("GET /leads",),
        github_repository="leadping/platform",
        protected_branch="release",
    )


def test_the_repository_prod_stack_is_read():
    loaded = from_stack("prod", PROJECT_ROOT)
    assert loaded.expectations.environment == "prod"
    assert "GET /health" in loaded.expectations.public_routes
    assert loaded.expectations.github_repository


def test_a_stack_without_public_routes_serves_none_unauthenticated(tmp_path):
    write_stack(tmp_path, "x", DEV_STACK.replace("  leadping:publicRoutes:\n    - GET /health\n", ""))
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
        (DEV_STACK.replace("environment: dev", "environment: staging"), "unknown environment 'staging'"),
        (DEV_STACK.replace("- GET /health\n  leadping:webhookTargets", "health\n  leadping:webhookTargets"), "list"),
        (DEV_STACK.replace("leadping:githubRepository: leadping/platform", "leadping:githubRepository: x"), "owner"),
        (DEV_STACK + "  leadping:enviroment: dev\n", "did you mean leadping:environment"),
        (DEV_STACK + "  leadping:environment: prod\n", "given twice"),
        ("config: [a\n", "not valid YAML"),
    ],
)
def test_a_bad_stack_file_names_the_file_and_key(tmp_path, content, message):
    write_stack(tmp_path, "bad", content)
    with pytest.raises(ExpectationsError, match=message) as raised:
        from_stack("bad", tmp_path)
    assert "Pulumi.bad.yaml" in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("content", ["", "# nothing\n", "- a\n- b\n", "just text\n", "config:\n"])
def test_an_empty_list_or_text_stack_file_is_an_error_not_default_expectations(tmp_path, content):
    write_stack(tmp_path, "empty", content)
    with pytest.raises(ExpectationsError, match=r"Pulumi\.empty\.yaml"):
        from_stack("empty", tmp_path)


def test_a_folder_named_like_the_stack_file_is_an_error(tmp_path):
    (tmp_path / "Pulumi.prod.yaml").mkdir()
    with pytest.raises(ExpectationsError, match="is a folder"):
        from_stack("prod", tmp_path)


def test_overrides_win_and_none_keeps_the_stack_value():
    base = Expectations(environment="dev", public_routes=("GET /health",), github_repository="a/b")
    changed = with_overrides(base, environment="prod", public_routes=["GET /status", "GET /status"])
    assert changed.environment == "prod"
    assert changed.public_routes == ("GET /status",)
    assert changed.github_repository == "a/b"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"public_routes": ["/nope"]}, "--public-route"),
        ({"environment": "staging"}, "--environment: unknown environment 'staging'"),
        ({"github_repository": "platform"}, "--github-repository"),
        ({"protected_branch": "release/*"}, "--protected-branch"),
    ],
)
def test_a_bad_override_names_the_option(override, message):
    with pytest.raises(ExpectationsError, match=message):
        with_overrides(Expectations(), **override)
