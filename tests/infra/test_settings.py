"""Each settings error names the key and says what is accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance_checks.strict_yaml import InputError
from infra.render import RenderError, load_stack_config, render
from infra.settings import (
    ENVIRONMENT_POLICIES,
    SETTING_KEYS,
    SettingsError,
    read_settings,
    read_stack_file,
    settings_from_config,
)

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


# -- strict values: ASCII numbers and regions, ARN kinds, engine versions, unknown keys -------------

ARABIC_INDIC = "".join(chr(0x0660 + int(d)) for d in "365")  # "365" in Arabic-Indic digits


@pytest.mark.parametrize("value", ["3_65", " 365", "365 ", "+365", ARABIC_INDIC, "365.0", "0x16d"])
def test_a_number_is_ascii_digits_only(value: str):
    error = error_for("prod", logRetentionDays=value)
    assert error.key == "leadping:logRetentionDays"
    assert "is not a whole number (ASCII digits)" in str(error)


@pytest.mark.parametrize(
    "region", ["us-east-" + chr(0x0661), "us-east-1\n", "mars-east-1", "us-east", "US-EAST-1", "us-east-1a"]
)
def test_a_region_must_be_an_aws_region_name_in_ascii(region: str):
    error = error_for("dev", **{"aws:region": region})
    assert error.key == "aws:region"
    assert "is not an AWS region" in str(error)


@pytest.mark.parametrize("region", ["eu-west-1", "ap-southeast-7", "us-gov-west-1", "cn-north-1", "mx-central-1"])
def test_every_partition_s_region_names_are_accepted(region: str):
    assert settings_for("dev", **{"aws:region": region}).region == region


def test_a_role_arn_given_as_the_oidc_provider_is_refused():
    error = error_for("dev", githubOidcProviderArn="arn:aws:iam::123456789012:role/ci-deploy")
    assert error.key == "leadping:githubOidcProviderArn"
    assert "is not a GitHub OIDC provider ARN" in str(error)
    assert "oidc-provider/token.actions.githubusercontent.com" in error.accepted


def test_an_oidc_provider_of_another_host_is_refused():
    error = error_for("dev", githubOidcProviderArn="arn:aws:iam::123456789012:oidc-provider/gitlab.com")
    assert error.key == "leadping:githubOidcProviderArn"


def test_the_github_oidc_provider_arn_is_accepted():
    arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    assert settings_for("dev", githubOidcProviderArn=arn).github_oidc_provider_arn == arn


@pytest.mark.parametrize(
    "principal",
    [
        "arn:aws:s3:::a-bucket",
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        "arn:aws:iam::12345678901:root",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:iam::123456789012:role/a b",
    ],
)
def test_a_principal_that_is_not_a_user_role_or_root_arn_is_refused(principal: str):
    error = error_for("dev", breakGlassPrincipals=[principal])
    assert error.key == "leadping:breakGlassPrincipals[0]"
    assert "is not an IAM user, role or account root ARN" in str(error)


def test_user_role_and_root_principals_are_accepted():
    principals = [
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1",
    ]
    assert settings_for("dev", auditorPrincipals=principals).auditor_principals == tuple(principals)


@pytest.mark.parametrize("version", ["banana", "16.5", "9.6", "16.", "v16"])
def test_an_engine_version_rds_does_not_offer_is_refused(version: str):
    error = error_for("dev", dbEngineVersion=version)
    assert error.key == "leadping:dbEngineVersion"
    assert "is not a version RDS offers" in str(error)
    assert "infra/rds_postgres_versions.py" in error.accepted


@pytest.mark.parametrize("version", ["16", "17", "16.13", "15.17"])
def test_an_engine_version_rds_offers_is_accepted(version: str):
    assert settings_for("dev", dbEngineVersion=version).database.engine_version == version


def test_a_misspelt_key_is_refused_with_the_key_it_resembles():
    config = config_for("dev", logRetentionDay="30")
    with pytest.raises(SettingsError) as caught:
        settings_from_config("dev", config)
    assert caught.value.key == "leadping:logRetentionDay"
    assert "did you mean leadping:logRetentionDays?" in str(caught.value)


def test_an_unknown_key_lists_the_settings():
    with pytest.raises(SettingsError) as caught:
        settings_from_config("dev", config_for("dev", colour="blue"))
    assert "is not a setting" in str(caught.value)
    assert all(key in caught.value.accepted for key in SETTING_KEYS)


def test_other_namespaces_are_not_ours_to_refuse():
    config = config_for("dev", **{"aws:defaultTags": {"tags": {"team": "platform"}}, "other:colour": "blue"})
    assert settings_from_config("dev", config).environment == "dev"


def test_the_settings_read_are_exactly_the_known_keys():
    config = config_for("prod")
    asked: set[str] = set()

    def project(key: str) -> str | None:
        asked.add(key)
        return config.get(f"leadping:{key}")

    read_settings("prod", project, lambda key: config.get(f"aws:{key}"))
    assert asked == set(SETTING_KEYS)


def test_the_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("### Stack settings") :].split("\n\n", 3)[2]
    assert [key for key in SETTING_KEYS if f"`{key}`" not in table] == []


def test_the_program_refuses_an_unknown_key_when_it_renders():
    config = config_for("dev", enviroment="dev")
    with pytest.raises(RenderError, match="leadping:enviroment: is not a setting; did you mean leadping:environment"):
        render("dev", config=config)


# -- the stack file: read strictly, once -----------------------------------------------------------

PROD_FILE = (ROOT / "Pulumi.prod.yaml").read_text()


def stack_file(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "Pulumi.x.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def test_a_prod_file_with_a_trailing_environment_is_refused_naming_both_lines(tmp_path: Path):
    path = stack_file(tmp_path, PROD_FILE + "  leadping:environment: dev\n")
    with pytest.raises(InputError) as caught:
        read_stack_file(path)
    first = PROD_FILE.splitlines().index("  leadping:environment: prod") + 1
    last = len(PROD_FILE.splitlines()) + 1
    assert str(caught.value) == (
        f"{path}:{last}:3: config.leadping:environment: given twice (lines {first} and {last}); accepted: each key once"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"config:\n  aws:region: us-east-1\xff\n", "byte 31 (line 2) is not UTF-8 (0xff)"),
        ("config:\n  leadping:token: !!binary aGVsbG8=\n", "the tag '!!binary' is not accepted"),
        ("config:\n  leadping:apiRoutes: !!set {GET /a}\n", "the tag '!!set' is not accepted"),
        ("config: &c\n  aws:region: us-east-1\n", "YAML anchors and aliases"),
        ("config:\n  environment: dev\n", "is not a configuration key; did you mean leadping:environment?"),
        ("config:\n  a:b:c: x\n", "config.a:b:c: is not a configuration key"),
        ("config:\n  leadping:token:\n    secure: AAAA\n", "config.leadping:token: is an encrypted secret"),
        ("config:\n  leadping:connectedSystems:\n    - name: {secure: AAAA}\n", "is an encrypted secret"),
        ("config:\n  leadping:x: 1\n  leadping:config:x: 2\n", "sets leadping:x twice"),
        ("environment:\n  - prod-secrets\nconfig: {}\n", "Pulumi ESC environments are not opened"),
        ("confg:\n  aws:region: us-east-1\n", "confg: is not a stack file key; did you mean config?"),
        ("- config\n", "holds list, not a map"),
        ("just text\n", "holds str, not a map"),
        ("config: [a, b]\n", "config: holds list, not a map"),
        ("config:\n  leadping:environment: dev\n  1: x\n", "the key 1 is not text"),
        ("config: {" * 70 + "}" * 70, "nested deeper than 64 levels"),
        ("config:\n  aws:region: [us-east-1\n", "not valid YAML"),
    ],
)
def test_a_bad_stack_file_is_one_line_naming_the_file_and_key(tmp_path: Path, content: str | bytes, message: str):
    path = stack_file(tmp_path, content)
    with pytest.raises(InputError) as caught:
        read_stack_file(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_folder_named_like_a_stack_file_is_a_render_error(tmp_path: Path):
    folder = tmp_path / "Pulumi.x.yaml"
    folder.mkdir()
    with pytest.raises(RenderError, match="is a folder, not a file"):
        load_stack_config(folder)


def test_scalars_reach_the_program_as_pulumi_passes_them(tmp_path: Path):
    path = stack_file(
        tmp_path,
        "config:\n"
        "  leadping:a: 2026-09-30\n"
        "  leadping:b: yes\n"
        "  leadping:c: 3_65\n"
        "  leadping:d: 365\n"
        "  leadping:e: true\n"
        "  leadping:f:\n"
        "  leadping:config:g: [1, x]\n",
    )
    assert read_stack_file(path) == {
        "leadping:a": "2026-09-30",
        "leadping:b": "yes",
        "leadping:c": "3_65",
        "leadping:d": "365",
        "leadping:e": "true",
        "leadping:f": "",
        "leadping:g": '[1, "x"]',
    }


@pytest.mark.parametrize("content", ["", "# no settings yet\n", "config:\n"])
def test_a_stack_file_without_settings_reads_as_no_settings(tmp_path: Path, content: str):
    assert read_stack_file(stack_file(tmp_path, content)) == {}


def test_yaml_1_1_booleans_stay_text_and_are_refused_where_a_boolean_is_read():
    error = error_for("dev", dbMultiAz="yes")
    assert error.key == "leadping:dbMultiAz"
    assert "'yes' is not a boolean" in str(error)


def test_a_huge_value_makes_a_short_error():
    error = error_for("dev", alarmEmail="x" * 1_000_000)
    assert len(str(error)) < 400


def test_a_map_with_a_key_named_secure_among_others_is_not_a_secret(tmp_path: Path):
    path = stack_file(tmp_path, "config:\n  leadping:webhookTargets:\n    secure: https://a.example.com\n    b: x\n")
    assert read_stack_file(path) == {"leadping:webhookTargets": '{"secure": "https://a.example.com", "b": "x"}'}
