"""Each settings error names the key and says what is accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.render import load_stack_config
from infra.settings import ENVIRONMENT_POLICIES, SettingsError, read_settings

ROOT = Path(__file__).resolve().parents[2]


def config_for(stack: str, **overrides: object) -> dict[str, str]:
    config = load_stack_config(ROOT / f"Pulumi.{stack}.yaml")
    for key, value in overrides.items():
        full = key if ":" in key else f"leadping:{key}"
        if value is None:
            config.pop(full, None)
        elif isinstance(value, str):
            config[full] = value
        else:
            config[full] = json.dumps(value)
    return config


def settings_for(stack: str, **overrides: object):
    config = config_for(stack, **overrides)

    def project(key: str) -> str | None:
        return config.get(f"leadping:{key}")

    def aws(key: str) -> str | None:
        return config.get(f"aws:{key}")

    return read_settings(stack, project, aws)


def error_for(stack: str, **overrides: object) -> SettingsError:
    with pytest.raises(SettingsError) as caught:
        settings_for(stack, **overrides)
    return caught.value


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_checked_in_stacks_are_valid(stack: str):
    settings = settings_for(stack)
    assert settings.environment == stack
    assert settings.policy is ENVIRONMENT_POLICIES[stack]
    assert settings.log_retention_days >= settings.policy.min_log_retention_days


def test_prod_settings_carry_the_prod_minimums():
    settings = settings_for("prod")
    assert settings.backup_copy_region == "us-west-2"
    assert settings.database.backup_retention_days >= 14
    assert all(s.rotation_days <= 30 for s in settings.connected_systems if s.provider)


def test_unknown_environment_names_the_key_and_the_choices():
    error = error_for("dev", environment="staging")
    assert error.key == "leadping:environment"
    assert "'staging'" in str(error)
    assert "dev, prod" in str(error)


def test_missing_environment_is_reported_as_missing():
    error = error_for("dev", environment=None)
    assert str(error).startswith("leadping:environment: missing")


def test_log_retention_below_the_prod_minimum_is_refused():
    error = error_for("prod", logRetentionDays="30")
    assert error.key == "leadping:logRetentionDays"
    assert "below the prod minimum of 365" in str(error)
    assert "365" in error.accepted


def test_log_retention_must_be_a_value_cloudwatch_accepts():
    error = error_for("dev", logRetentionDays="31")
    assert "not a value CloudWatch Logs accepts" in str(error)


def test_log_retention_that_is_not_a_number_is_refused():
    error = error_for("dev", logRetentionDays="a year")
    assert "'a year' is not a whole number" in str(error)


def test_http_integration_url_is_refused():
    error = error_for("dev", webhookTargets={"crm-sync": "http://hooks.example.com/crm"})
    assert error.key == "leadping:webhookTargets.crm-sync"
    assert "does not use https" in str(error)
    assert "https://" in error.accepted


def test_integration_url_without_host_is_refused():
    error = error_for("dev", webhookTargets={"crm-sync": "https://"})
    assert "has no host" in str(error)


@pytest.mark.parametrize("route", ["GET health", "FETCH /health", "get /health", "GET //health", "/health"])
def test_public_route_that_is_not_method_and_path_is_refused(route: str):
    error = error_for("dev", publicRoutes=[route])
    assert error.key == "leadping:publicRoutes[0]"
    assert "METHOD /path" in error.accepted


def test_public_route_must_be_one_of_the_api_routes():
    error = error_for("dev", publicRoutes=["GET /admin"])
    assert "'GET /admin' is not one of apiRoutes" in str(error)


def test_prod_without_a_backup_copy_region_is_refused():
    error = error_for("prod", backupCopyRegion=None)
    assert error.key == "leadping:backupCopyRegion"
    assert "second region" in str(error)


def test_backup_copy_region_must_differ_from_the_stack_region():
    error = error_for("prod", backupCopyRegion="us-east-1")
    assert "the stack's own region" in str(error)


def test_prod_provider_credentials_rotate_within_30_days():
    systems = [{"name": "twilio", "consumer": "workers", "provider": True, "rotationDays": 60}]
    error = error_for("prod", connectedSystems=systems)
    assert error.key == "leadping:connectedSystems[0].rotationDays"
    assert "1 to 30 days" in error.accepted


def test_connected_system_consumer_must_be_a_workload():
    systems = [{"name": "twilio", "consumer": "everyone", "provider": True, "rotationDays": 30}]
    error = error_for("dev", connectedSystems=systems)
    assert error.key == "leadping:connectedSystems[0].consumer"


def test_a_system_listed_twice_is_refused():
    system = {"name": "twilio", "consumer": "workers", "provider": True, "rotationDays": 30}
    error = error_for("dev", connectedSystems=[system, system])
    assert "names a system twice" in str(error)


def test_prod_key_deletion_window_is_at_least_14_days():
    error = error_for("prod", keyDeletionWindowDays="7")
    assert error.key == "leadping:keyDeletionWindowDays"
    assert "14 to 30" in error.accepted


def test_prod_database_backup_retention_is_at_least_14_days():
    error = error_for("prod", dbBackupRetentionDays="7")
    assert error.key == "leadping:dbBackupRetentionDays"


def test_public_vpc_cidr_is_refused():
    error = error_for("dev", vpcCidr="8.8.0.0/16")
    assert error.key == "leadping:vpcCidr"


def test_branch_wildcards_are_refused():
    error = error_for("dev", protectedBranch="release/*")
    assert error.key == "leadping:protectedBranch"


def test_missing_region_names_the_aws_key():
    error = error_for("dev", **{"aws:region": None})
    assert error.key == "aws:region"


def test_structured_value_that_is_not_json_is_refused():
    error = error_for("dev", apiRoutes="GET /health, GET /leads")
    assert error.key == "leadping:apiRoutes"


def test_webhooks_default_to_the_webhook_signing_credential():
    assert settings_for("dev").webhook_credential == "webhook-signing"


def test_webhook_credential_must_be_a_connected_system():
    error = error_for("dev", webhookCredential="stripe")
    assert error.key == "leadping:webhookCredential"
    assert "'stripe' is not one of connectedSystems" in str(error)


def test_webhook_targets_without_any_credential_are_refused():
    systems = [{"name": "twilio", "consumer": "workers", "provider": True, "rotationDays": 30}]
    error = error_for("dev", connectedSystems=systems)
    assert error.key == "leadping:webhookCredential"
    assert "webhookTargets need a credential" in str(error)


def test_no_webhook_credential_is_needed_without_targets():
    assert settings_for("dev", webhookTargets={}).webhook_credential is None
