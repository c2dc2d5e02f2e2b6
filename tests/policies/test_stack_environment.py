"""The environment the gate judges a plan against comes from the program's settings model."""

from __future__ import annotations

import pytest

from infra.settings import SettingsError
from policies.export import stack_environment


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_given_a_stack_that_sets_its_environment_then_the_plan_is_judged_against_it(environment: str):
    assert stack_environment({"leadping:environment": environment}) == (environment, "stack config")


def test_given_an_invalid_environment_in_a_leadping_stack_then_the_program_s_error_not_prod():
    with pytest.raises(SettingsError) as caught:
        stack_environment({"leadping:environment": "staging"})
    assert caught.value.key == "leadping:environment"
    assert "unknown environment 'staging'" in str(caught.value)


@pytest.mark.parametrize("config", [{}, {"leadping:environment": ""}, {"myapp:environment": "dev"}])
def test_given_a_stack_that_sets_no_environment_then_prod_and_the_context_says_so(config: dict[str, str]):
    environment, source = stack_environment(config)
    assert environment == "prod"
    assert source == "default (strictest): the stack config sets no leadping:environment"


def test_given_another_project_then_its_own_namespace_is_read():
    assert stack_environment({"myapp:environment": "dev"}, "myapp") == ("dev", "stack config")
    assert stack_environment({"leadping:environment": "dev"}, "myapp")[0] == "prod"


def test_given_another_project_whose_environment_is_not_ours_then_prod_and_the_context_says_why():
    environment, source = stack_environment({"myapp:environment": "staging"}, "myapp")
    assert environment == "prod"
    assert source == "default (strictest): myapp:environment is 'staging', not one of dev, prod"
