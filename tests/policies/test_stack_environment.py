"""The environment the gate judges a plan against comes from the program's settings model."""

from __future__ import annotations

import pytest

from infra.settings import SettingsError
from policies.export import stack_environment


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_given_a_stack_that_sets_its_environment_then_the_plan_is_judged_against_it(environment: str):
    assert stack_environment({"leadping:environment": environment}) == (environment, "stack config")


def test_given_an_invalid_environment_then_the_same_error_as_the_program_not_prod():
    with pytest.raises(SettingsError) as caught:
        stack_environment({"leadping:environment": "staging"})
    assert caught.value.key == "leadping:environment"
    assert "unknown environment 'staging'" in str(caught.value)


@pytest.mark.parametrize("config", [{}, {"leadping:environment": ""}, {"myapp:environment": "dev"}])
def test_given_a_stack_that_sets_no_environment_then_prod_and_the_context_says_so(config: dict[str, str]):
    environment, source = stack_environment(config)
    assert environment == "prod"
    assert source.startswith("default (strictest)")
    assert "leadping:environment" in source
