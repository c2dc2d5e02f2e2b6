"""Typed, validated stack settings: the one model of a stack's settings.

Every value the program uses comes from here, and so do the environment the gate judges a plan
against (``policies/export.py``) and the expectations of the live audit
(``compliance_checks/expectations.py``). A missing, invalid or unknown key raises
``SettingsError`` whose message names the key (``leadping:<key>``) and what is accepted, so
``pulumi up`` stops before anything is created. ``read_stack_file`` reads ``Pulumi.<stack>.yaml``
the way the offline tools need it (strictly: see ``compliance_checks.strict_yaml``).

The minimums per environment (log retention, backup retention, key deletion window,
rotation windows) come from ``shared/CONTROLS.md`` and live in
``compliance_checks.conventions.ENVIRONMENT_POLICIES``; the CI gate and the live audit read the
same table.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from compliance_checks.conventions import ENVIRONMENT_POLICIES, EnvironmentPolicy
from compliance_checks.strict_yaml import InputError, load_json_text, load_yaml_file, one_line, quote_key, shown
from infra.policy_documents import GITHUB_OIDC_HOST
from infra.rds_postgres_versions import ENGINE_VERSIONS, MAJOR_VERSIONS
from infra.render_runtime import ENCRYPTED_VALUE

PROJECT = "leadping"

# Every key of the project namespace the program reads (README.md, "Stack settings"); any other
# ``leadping:`` key is refused, so that a misspelt key cannot silently leave its default in place.
SETTING_KEYS = (
    "environment", "logRetentionDays", "keyDeletionWindowDays", "vpcCidr", "availabilityZones",
    "domainName", "hostedZoneId", "apiRoutes", "publicRoutes", "webhookTargets", "connectedSystems",
    "webhookCredential", "githubRepository", "protectedBranch", "githubOidcProviderArn", "alarmEmail",
    "backupCopyRegion", "dbBackupRetentionDays", "dbAllocatedStorageGb", "dbInstanceClass", "dbMultiAz",
    "dbEngineVersion", "breakGlassPrincipals", "auditorPrincipals", "wafRateLimit",
)  # fmt: skip

# CloudWatch Logs accepts only these retention values (PutRetentionPolicy).
CLOUDWATCH_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
)  # fmt: skip

WORKLOADS = ("api", "workers", "ingestion")
# The connected system used for outbound webhooks when webhookCredential is not set.
DEFAULT_WEBHOOK_CREDENTIAL = "webhook-signing"
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")
# Every pattern is matched whole (fullmatch) and in ASCII: "\\d" would also take "٣", "$" a newline.
_ROUTE_RE = re.compile(r"(?P<method>[A-Z]+) (?P<path>/[A-Za-z0-9_\-./{}+]*)")
_NAME_RE = re.compile(r"[a-z][a-z0-9-]{0,30}[a-z0-9]")
_REPO_RE = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
# The region names of botocore's partitions (aws, aws-cn, aws-us-gov, the ISO partitions).
_REGION_RE = re.compile(r"(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso[bf]?|eu-isoe|eusc-de)-[a-z]+-[0-9]{1,2}")
_WHOLE_RE = re.compile(r"-?[0-9]{1,10}")
_PARTITION = r"arn:aws(?:-cn|-us-gov|-eusc|-iso|-iso-[a-z])?"
_OIDC_PROVIDER_RE = re.compile(_PARTITION + r":iam::[0-9]{12}:oidc-provider/" + re.escape(GITHUB_OIDC_HOST))
_PRINCIPAL_RE = re.compile(
    _PARTITION + r":iam::[0-9]{12}:(?:root|(?:user|role)/(?:[A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]+)"
)
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HOSTNAME_RE = re.compile(r"(?=.{1,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_ZONE_RE = re.compile(r"Z[A-Z0-9]{4,32}")
_BRANCH_RE = re.compile(r"[A-Za-z0-9._/-]+")
_INSTANCE_CLASS_RE = re.compile(r"db\.[a-z0-9]+\.[a-z0-9]+")


class SettingsError(ValueError):
    """A stack setting is missing or invalid; the message names the key."""

    def __init__(self, key: str, problem: str, accepted: str) -> None:
        self.key = key
        self.problem = problem
        self.accepted = accepted
        super().__init__(one_line(f"{key}: {problem}; accepted: {accepted}", 1000))


@dataclass(frozen=True)
class Route:
    """An API route as API Gateway writes its route key: ``METHOD /path``."""

    method: str
    path: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class WebhookTarget:
    """An outbound integration endpoint the platform calls (an EventBridge API destination)."""

    name: str
    url: str
    http_method: str = "POST"


@dataclass(frozen=True)
class ConnectedSystem:
    """A system Leadping holds a credential for; it gets its own secret (LP-SEC-2)."""

    name: str
    consumer: str
    provider: bool
    rotation_days: int


@dataclass(frozen=True)
class DatabaseSettings:
    instance_class: str
    allocated_storage_gb: int
    backup_retention_days: int
    multi_az: bool
    engine_version: str


@dataclass(frozen=True)
class Settings:
    project: str
    stack: str
    environment: str
    region: str
    policy: EnvironmentPolicy
    log_retention_days: int
    key_deletion_window_days: int
    vpc_cidr: str
    availability_zone_count: int
    domain_name: str
    hosted_zone_id: str
    api_routes: tuple[Route, ...]
    public_routes: tuple[Route, ...]
    webhook_targets: tuple[WebhookTarget, ...]
    connected_systems: tuple[ConnectedSystem, ...]
    github_repository: str
    protected_branch: str
    github_oidc_provider_arn: str | None
    alarm_email: str
    backup_copy_region: str | None
    database: DatabaseSettings
    break_glass_principals: tuple[str, ...]
    auditor_principals: tuple[str, ...]
    waf_rate_limit: int
    # The connected system whose secret authenticates outbound webhooks; None without targets.
    webhook_credential: str | None = None

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def name_prefix(self) -> str:
        return f"{self.project}-{self.environment}"


class _Reader:
    """Reads values from a config source and turns problems into SettingsError."""

    def __init__(self, namespace: str, get: Callable[[str], str | None]) -> None:
        self.namespace = namespace
        self._get = get

    def key(self, name: str) -> str:
        return f"{self.namespace}:{name}"

    def raw(self, name: str) -> str | None:
        value = self._get(name)
        return None if value is None or value == "" else value

    def string(self, name: str, accepted: str, default: str | None = None) -> str:
        value = self.raw(name)
        if value is None:
            if default is None:
                raise SettingsError(self.key(name), "missing", accepted)
            return default
        return value

    def integer(self, name: str, accepted: str, default: int | None = None) -> int:
        value = self.raw(name)
        if value is None:
            if default is None:
                raise SettingsError(self.key(name), "missing", accepted)
            return default
        # int() would also take "3_65", " 365" and non-ASCII digits ("٣٦٥"): ASCII digits only.
        if not _WHOLE_RE.fullmatch(value):
            raise SettingsError(self.key(name), f"{shown(value)} is not a whole number (ASCII digits)", accepted)
        return int(value)

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise SettingsError(self.key(name), f"{shown(value)} is not a boolean", "true or false")

    def json(self, name: str, accepted: str, default: Any = None) -> Any:
        value = self.raw(name)
        if value is None:
            if default is None:
                raise SettingsError(self.key(name), "missing", accepted)
            return default
        try:
            return load_json_text(value, self.key(name))
        except InputError as exc:
            raise SettingsError(
                self.key(name), f"{shown(value)} is not valid structured config ({exc.problem})", accepted
            ) from None


def parse_route(key: str, value: Any) -> Route:
    accepted = f"'METHOD /path' with METHOD one of {', '.join(HTTP_METHODS)}"
    if not isinstance(value, str):
        raise SettingsError(key, f"{shown(value)} is not a string", accepted)
    match = _ROUTE_RE.fullmatch(value.strip())
    if not match or match["method"] not in HTTP_METHODS or "//" in match["path"]:
        raise SettingsError(key, f"{shown(value)} is not a route", accepted)
    return Route(match["method"], match["path"])


def parse_https_url(key: str, value: Any) -> str:
    accepted = "an https:// URL with a host name (plain http:// is refused, LP-TX-2)"
    if not isinstance(value, str):
        raise SettingsError(key, f"{shown(value)} is not a string", accepted)
    try:
        parsed = urlparse(value.strip())
        host = parsed.hostname
    except ValueError:  # an unbalanced "[" in the host, a bad port
        raise SettingsError(key, f"{shown(value)} is not a URL", accepted) from None
    if parsed.scheme != "https":
        raise SettingsError(key, f"{shown(value)} does not use https", accepted)
    if not host:
        raise SettingsError(key, f"{shown(value)} has no host", accepted)
    return value.strip()


def _name(key: str, value: Any, what: str) -> str:
    accepted = f"{what}: lower-case letters, digits and '-', 2 to 32 characters"
    if not isinstance(value, str) or not _NAME_RE.fullmatch(value):
        raise SettingsError(key, f"{shown(value)} is not a valid name", accepted)
    return value


def _list(reader: _Reader, name: str, accepted: str, default: list[Any] | None = None) -> list[Any]:
    value = reader.json(name, accepted, default)
    if not isinstance(value, list):
        raise SettingsError(reader.key(name), "is not a list", accepted)
    return value


def _arn(key: str, value: Any, pattern: re.Pattern[str], kind: str, accepted: str) -> str:
    """An ARN of the one kind ``pattern`` accepts (a role ARN is not an OIDC provider's)."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise SettingsError(key, f"{shown(value)} is not {kind}", accepted)
    return value


def _region(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _REGION_RE.fullmatch(value):
        raise SettingsError(key, f"{shown(value)} is not an AWS region", "a region name such as us-east-1")
    return value


def check_keys(keys: Iterable[str], project: str = PROJECT) -> None:
    """Refuses any key of the project's namespace that is not a setting, suggesting the closest."""
    for full_key in sorted(keys):
        namespace, _, name = full_key.partition(":")
        name = name.removeprefix("config:")  # Pulumi's old "<namespace>:config:<name>" form
        if namespace != project or name in SETTING_KEYS:
            continue
        close = difflib.get_close_matches(name, SETTING_KEYS, n=1)
        hint = f"; did you mean {project}:{close[0]}?" if close else ""
        raise SettingsError(
            quote_key(full_key),
            f"is not a setting{hint}",
            "the keys of README.md's stack settings table: " + ", ".join(SETTING_KEYS),
        )


_ENVIRONMENT_ACCEPTED = "one of " + ", ".join(ENVIRONMENT_POLICIES)


def parse_environment(key: str, value: Any) -> str:
    if value not in ENVIRONMENT_POLICIES:
        raise SettingsError(key, f"unknown environment {shown(value)}", _ENVIRONMENT_ACCEPTED)
    return value


def read_environment(get: Callable[[str], str | None], project: str = PROJECT) -> str:
    """The stack's ``environment``: the key every reader of a stack (program, gate, audit) shares."""
    reader = _Reader(project, get)
    return parse_environment(reader.key("environment"), reader.string("environment", _ENVIRONMENT_ACCEPTED))


def parse_repository(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _REPO_RE.fullmatch(value):
        raise SettingsError(key, f"{shown(value)} is not owner/name", "owner/name of the repository")
    return value


def parse_branch(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _BRANCH_RE.fullmatch(value):
        raise SettingsError(key, f"{shown(value)} is not a branch name", "one branch name, no wildcards")
    return value


def read_settings(
    stack: str,
    get: Callable[[str], str | None],
    get_aws: Callable[[str], str | None],
    project: str = PROJECT,
    keys: Iterable[str] | None = None,
) -> Settings:
    """Builds and validates Settings from two key lookups (project namespace and ``aws:``).

    ``keys``, every config key the stack sets, lets unknown keys be refused first. Kept free of
    Pulumi so that the gate, the sandbox, the audit and the tests can validate a stack file
    without a Pulumi runtime (``settings_from_config``); ``load_settings`` is the Pulumi entry point.
    """
    if keys is not None:
        check_keys(keys, project)
    r = _Reader(project, get)
    aws = _Reader("aws", get_aws)

    environment = read_environment(get, project)
    policy = ENVIRONMENT_POLICIES[environment]
    region = _region(aws.key("region"), aws.string("region", "a region name such as us-east-1"))
    log_retention = _read_log_retention(r, policy, environment)
    window = _read_key_deletion_window(r, policy, environment)
    network = _read_vpc_cidr(r)
    az_count = _read_availability_zones(r)
    domain, zone = _read_dns(r)
    api_routes, public_routes = _read_routes(r)
    webhook_targets = _read_webhook_targets(r)
    systems = _read_connected_systems(r, policy, environment)
    webhook_credential = _read_webhook_credential(r, systems, webhook_targets)
    repo, branch, oidc = _read_github(r)
    email = _read_alarm_email(r)
    copy_region = _read_backup_copy_region(r, policy, environment, region)
    database = _read_database(r, policy, environment)
    break_glass = _read_principals(r, "breakGlassPrincipals", "break-glass")
    auditors = _read_principals(r, "auditorPrincipals", "auditor")
    rate = _read_waf_rate_limit(r)

    return Settings(
        project=project,
        stack=stack,
        environment=environment,
        region=region,
        policy=policy,
        log_retention_days=log_retention,
        key_deletion_window_days=window,
        vpc_cidr=str(network),
        availability_zone_count=az_count,
        domain_name=domain,
        hosted_zone_id=zone,
        api_routes=api_routes,
        public_routes=public_routes,
        webhook_targets=webhook_targets,
        connected_systems=systems,
        github_repository=repo,
        protected_branch=branch,
        github_oidc_provider_arn=oidc,
        alarm_email=email,
        backup_copy_region=copy_region,
        database=database,
        break_glass_principals=break_glass,
        auditor_principals=auditors,
        waf_rate_limit=rate,
        webhook_credential=webhook_credential,
    )


def _read_log_retention(r: _Reader, policy: EnvironmentPolicy, environment: str) -> int:
    """``logRetentionDays``: a value CloudWatch Logs accepts, at least the environment's minimum."""
    retention_accepted = (
        f"a CloudWatch retention value of at least {policy.min_log_retention_days} days "
        f"for {environment} (LP-LOG-2): "
        + ", ".join(str(d) for d in CLOUDWATCH_RETENTION_DAYS if d >= policy.min_log_retention_days)
    )
    log_retention = r.integer("logRetentionDays", retention_accepted, policy.min_log_retention_days)
    if log_retention < policy.min_log_retention_days:
        raise SettingsError(
            r.key("logRetentionDays"),
            f"{log_retention} is below the {environment} minimum of {policy.min_log_retention_days} days",
            retention_accepted,
        )
    if log_retention not in CLOUDWATCH_RETENTION_DAYS:
        raise SettingsError(
            r.key("logRetentionDays"),
            f"{log_retention} is not a value CloudWatch Logs accepts",
            retention_accepted,
        )
    return log_retention


def _read_key_deletion_window(r: _Reader, policy: EnvironmentPolicy, environment: str) -> int:
    """``keyDeletionWindowDays``: from the environment's minimum to 30 days."""
    window_accepted = f"{policy.min_key_deletion_window_days} to 30 days for {environment}"
    window = r.integer("keyDeletionWindowDays", window_accepted, 30)
    if not policy.min_key_deletion_window_days <= window <= 30:
        raise SettingsError(r.key("keyDeletionWindowDays"), f"{window} is out of range", window_accepted)
    return window


def _read_vpc_cidr(r: _Reader) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """``vpcCidr``: a private IPv4 block from /16 to /20."""
    cidr_key = r.key("vpcCidr")
    cidr = r.string("vpcCidr", "a private IPv4 CIDR from /16 to /20", "10.20.0.0/16")
    try:
        network = ipaddress.ip_network(cidr)
    except ValueError:
        raise SettingsError(
            cidr_key, f"{shown(cidr)} is not a CIDR block", "a private IPv4 CIDR from /16 to /20"
        ) from None
    if network.version != 4 or not network.is_private or not 16 <= network.prefixlen <= 20:
        raise SettingsError(
            cidr_key, f"{shown(cidr)} is not a private /16 to /20 block", "a private IPv4 CIDR from /16 to /20"
        )
    return network


def _read_availability_zones(r: _Reader) -> int:
    """``availabilityZones``: 2 or 3."""
    az_count = r.integer("availabilityZones", "2 or 3", 2)
    if az_count not in (2, 3):
        raise SettingsError(r.key("availabilityZones"), f"{az_count} zones", "2 or 3")
    return az_count


def _read_dns(r: _Reader) -> tuple[str, str]:
    """``domainName`` (lower-cased) and the ``hostedZoneId`` that holds it."""
    domain = r.string("domainName", "the API's DNS name, e.g. api.leadping.ai").lower()
    if not _HOSTNAME_RE.fullmatch(domain):
        raise SettingsError(
            r.key("domainName"), f"{shown(domain)} is not a DNS name", "the API's DNS name, e.g. api.leadping.ai"
        )
    zone = r.string("hostedZoneId", "the Route 53 hosted zone id that holds domainName (Z...)")
    if not _ZONE_RE.fullmatch(zone):
        raise SettingsError(
            r.key("hostedZoneId"), f"{shown(zone)} is not a hosted zone id", "a Route 53 hosted zone id (Z...)"
        )
    return domain, zone


def _read_routes(r: _Reader) -> tuple[tuple[Route, ...], tuple[Route, ...]]:
    """``apiRoutes`` (at least one, each once) and ``publicRoutes`` (some of them)."""
    routes_key = r.key("apiRoutes")
    api_routes = tuple(
        parse_route(f"{routes_key}[{i}]", v)
        for i, v in enumerate(_list(r, "apiRoutes", "a list of 'METHOD /path' routes"))
    )
    if not api_routes:
        raise SettingsError(routes_key, "is empty", "at least one 'METHOD /path' route")
    if len(set(api_routes)) != len(api_routes):
        raise SettingsError(routes_key, "lists a route twice", "each route once")
    public_key = r.key("publicRoutes")
    public_routes = tuple(
        parse_route(f"{public_key}[{i}]", v)
        for i, v in enumerate(_list(r, "publicRoutes", "a list of 'METHOD /path' routes", []))
    )
    for i, route in enumerate(public_routes):
        if route not in api_routes:
            raise SettingsError(
                f"{public_key}[{i}]", f"{shown(route.key)} is not one of apiRoutes", "routes listed in apiRoutes"
            )
    return api_routes, public_routes


def _read_webhook_targets(r: _Reader) -> tuple[WebhookTarget, ...]:
    """``webhookTargets``: target name -> https:// URL, sorted by name."""
    targets_key = r.key("webhookTargets")
    raw_targets = r.json("webhookTargets", "a map of target name to https:// URL", {})
    if not isinstance(raw_targets, dict):
        raise SettingsError(targets_key, "is not a map", "a map of target name to https:// URL")
    webhook_targets = tuple(
        WebhookTarget(
            name=_name(f"{targets_key}.{quote_key(name)}", name, "a target name"),
            url=parse_https_url(f"{targets_key}.{quote_key(name)}", url),
        )
        for name, url in sorted(raw_targets.items())
    )
    return webhook_targets


def _read_connected_systems(r: _Reader, policy: EnvironmentPolicy, environment: str) -> tuple[ConnectedSystem, ...]:
    """``connectedSystems``: one entry per system, each rotated within its environment's window."""
    systems_key = r.key("connectedSystems")
    systems_accepted = (
        "a list of {name, consumer (one of " + ", ".join(WORKLOADS) + "), provider (true/false), "
        f"rotationDays (<= {policy.max_provider_secret_rotation_days} for providers, "
        f"<= {policy.max_secret_rotation_days} otherwise)}}"
    )
    systems = tuple(
        _connected_system(f"{systems_key}[{i}]", item, policy, environment, systems_accepted)
        for i, item in enumerate(_list(r, "connectedSystems", systems_accepted, []))
    )
    names = [s.name for s in systems]
    if len(set(names)) != len(names):
        raise SettingsError(systems_key, "names a system twice", "one entry per system (LP-SEC-2)")
    return systems


def _connected_system(
    key: str, item: Any, policy: EnvironmentPolicy, environment: str, accepted: str
) -> ConnectedSystem:
    """One ``connectedSystems`` entry."""
    if not isinstance(item, dict):
        raise SettingsError(key, "is not a map", accepted)
    name = _name(f"{key}.name", item.get("name"), "a system name")
    consumer = item.get("consumer")
    if consumer not in WORKLOADS:
        raise SettingsError(f"{key}.consumer", f"unknown workload {shown(consumer)}", "one of " + ", ".join(WORKLOADS))
    provider = item.get("provider", False)
    if not isinstance(provider, bool):
        raise SettingsError(f"{key}.provider", f"{shown(provider)} is not a boolean", "true or false")
    limit = policy.max_provider_secret_rotation_days if provider else policy.max_secret_rotation_days
    rotation = item.get("rotationDays", limit)
    if not isinstance(rotation, int) or isinstance(rotation, bool) or not 1 <= rotation <= limit:
        raise SettingsError(
            f"{key}.rotationDays",
            f"{shown(rotation)} is outside 1..{limit}",
            f"1 to {limit} days for a {'provider' if provider else 'non-provider'} credential in "
            f"{environment} (LP-SEC-3)",
        )
    return ConnectedSystem(name, consumer, provider, rotation)


def _read_webhook_credential(
    r: _Reader, systems: tuple[ConnectedSystem, ...], webhook_targets: tuple[WebhookTarget, ...]
) -> str | None:
    """``webhookCredential``: the connected system whose secret authenticates outbound webhooks."""
    names = [s.name for s in systems]
    credential_key = r.key("webhookCredential")
    credential_accepted = "the name of a connectedSystems entry whose secret authenticates outbound webhooks"
    webhook_credential = r.raw("webhookCredential")
    if webhook_credential is None and webhook_targets:
        if DEFAULT_WEBHOOK_CREDENTIAL not in names:
            raise SettingsError(
                credential_key, "missing; webhookTargets need a credential (LP-SEC-1)", credential_accepted
            )
        webhook_credential = DEFAULT_WEBHOOK_CREDENTIAL
    if webhook_credential is not None and webhook_credential not in names:
        raise SettingsError(
            credential_key, f"{shown(webhook_credential)} is not one of connectedSystems", credential_accepted
        )
    return webhook_credential


def _read_github(r: _Reader) -> tuple[str, str, str | None]:
    """``githubRepository``, ``protectedBranch`` and ``githubOidcProviderArn`` (optional)."""
    repo = parse_repository(
        r.key("githubRepository"), r.string("githubRepository", "owner/name of the repository that deploys this stack")
    )
    branch = parse_branch(
        r.key("protectedBranch"), r.string("protectedBranch", "the repository's protected branch", "main")
    )
    oidc = r.raw("githubOidcProviderArn")
    if oidc is not None:
        _arn(
            r.key("githubOidcProviderArn"),
            oidc,
            _OIDC_PROVIDER_RE,
            "a GitHub OIDC provider ARN",
            f"an IAM OIDC provider ARN: arn:aws:iam::<12 digits>:oidc-provider/{GITHUB_OIDC_HOST}",
        )
    return repo, branch, oidc


def _read_alarm_email(r: _Reader) -> str:
    """``alarmEmail``: the address that receives security alarms."""
    email = r.string("alarmEmail", "the address that receives security alarms")
    if not _EMAIL_RE.fullmatch(email):
        raise SettingsError(r.key("alarmEmail"), f"{shown(email)} is not an email address", "an email address")
    return email


def _read_backup_copy_region(r: _Reader, policy: EnvironmentPolicy, environment: str, region: str) -> str | None:
    """``backupCopyRegion``: a second region, required where the environment copies backups."""
    copy_region = r.raw("backupCopyRegion")
    if copy_region is not None:
        copy_region = _region(r.key("backupCopyRegion"), copy_region)
        if copy_region == region:
            raise SettingsError(
                r.key("backupCopyRegion"), f"{shown(copy_region)} is the stack's own region", "a second region"
            )
    elif policy.requires_backup_copy:
        raise SettingsError(
            r.key("backupCopyRegion"),
            f"missing; {environment} copies backups to a second region (LP-BK-1)",
            "a region other than aws:region",
        )
    return copy_region


def _read_database(r: _Reader, policy: EnvironmentPolicy, environment: str) -> DatabaseSettings:
    """The ``db*`` settings."""
    db_retention_accepted = f"{policy.min_db_backup_retention_days} to 35 days for {environment} (LP-BK-1)"
    db_retention = r.integer(
        "dbBackupRetentionDays", db_retention_accepted, max(14, policy.min_db_backup_retention_days)
    )
    if not policy.min_db_backup_retention_days <= db_retention <= 35:
        raise SettingsError(r.key("dbBackupRetentionDays"), f"{db_retention} is out of range", db_retention_accepted)
    storage = r.integer("dbAllocatedStorageGb", "20 to 65536", 20)
    if not 20 <= storage <= 65536:
        raise SettingsError(r.key("dbAllocatedStorageGb"), f"{storage} is out of range", "20 to 65536")
    instance_class = r.string("dbInstanceClass", "an RDS instance class such as db.t4g.medium", "db.t4g.medium")
    if not _INSTANCE_CLASS_RE.fullmatch(instance_class):
        raise SettingsError(
            r.key("dbInstanceClass"),
            f"{shown(instance_class)} is not an instance class",
            "an RDS instance class such as db.t4g.medium",
        )
    engine_accepted = (
        f"a PostgreSQL version RDS offers (infra/rds_postgres_versions.py): a major version "
        f"({', '.join(MAJOR_VERSIONS)}) or a minor one such as 16.13"
    )
    engine_version = r.string("dbEngineVersion", engine_accepted, "16")
    if engine_version not in ENGINE_VERSIONS:
        raise SettingsError(
            r.key("dbEngineVersion"), f"{shown(engine_version)} is not a version RDS offers", engine_accepted
        )
    return DatabaseSettings(
        instance_class=instance_class,
        allocated_storage_gb=storage,
        backup_retention_days=db_retention,
        multi_az=r.boolean("dbMultiAz", environment == "prod"),
        engine_version=engine_version,
    )


def _read_principals(r: _Reader, name: str, who: str) -> tuple[str, ...]:
    """``breakGlassPrincipals`` or ``auditorPrincipals``: IAM principal ARNs."""
    key = r.key(name)
    what = (
        f"IAM principal ARNs allowed to assume the {who} role: "
        "arn:aws:iam::<12 digits>:root, :user/<name> or :role/<path/name>"
    )
    values = _list(r, name, f"a list of {what}", [])
    kind = "an IAM user, role or account root ARN"
    return tuple(_arn(f"{key}[{i}]", v, _PRINCIPAL_RE, kind, what) for i, v in enumerate(values))


def _read_waf_rate_limit(r: _Reader) -> int:
    """``wafRateLimit``: requests per 5 minutes per IP."""
    rate = r.integer("wafRateLimit", "requests per 5 minutes per IP, 100 to 2000000000", 2000)
    if not 100 <= rate <= 2_000_000_000:
        raise SettingsError(r.key("wafRateLimit"), f"{rate} is out of range", "100 to 2000000000")
    return rate


def settings_from_config(stack: str, config: Mapping[str, str], project: str = PROJECT) -> Settings:
    """Settings from a flat Pulumi config map (``read_stack_file``'s), unknown keys refused."""
    return read_settings(
        stack,
        lambda name: config.get(f"{project}:{name}"),
        lambda name: config.get(f"aws:{name}"),
        project,
        keys=config,
    )


def load_settings() -> Settings:
    """Reads the current stack's settings through ``pulumi.Config`` (the program's entry point)."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    project_config = pulumi.Config(PROJECT)
    aws_config = pulumi.Config("aws")
    # Every key the engine passed: set_all_config's map (the engine, the offline render) and the
    # PULUMI_CONFIG bag some hosts use; pulumi.Config has no public way to list its keys.
    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    return read_settings(pulumi.get_stack(), project_config.get, aws_config.get, keys=keys)


# --- The stack file, as the offline tools (render, gate, sandbox, audit) read it -----------------

STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt")
_CONFIG_KEY_ACCEPTED = "keys written <namespace>:<name>, e.g. leadping:environment or aws:region"


def read_stack_file(path: str | os.PathLike[str], *, encrypted: bool = False) -> dict[str, str]:
    """``Pulumi.<stack>.yaml`` as the flat map of key to text that Pulumi hands a program.

    ``encrypted=True`` (a preview: the gate) accepts a top-level encrypted value and hands
    ``ENCRYPTED_VALUE`` in its place, which the preview render makes an unknown secret; otherwise an
    encrypted value is refused.

    Pulumi passes structured values (lists, maps) as JSON text and scalars as their text, so a
    program sees exactly what ``pulumi up`` would give it. Raises ``InputError`` (one line naming
    the file, the key and what is accepted) for a file that is not strict YAML, a key outside
    ``<namespace>:<name>``, an unknown top-level key, or a secret (the offline tools hold no key to
    decrypt one). An empty file is a stack without settings, as Pulumi reads it.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no stack settings file at this path")
    document = load_yaml_file(path)
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise InputError(path, f"holds {type(document).__name__}, not a map", accepted="a map with a 'config' key")
    for key in document:
        if key == "environment":
            raise InputError(
                path,
                "Pulumi ESC environments are not opened by the offline tools",
                key=key,
                accepted="settings written under 'config'",
            )
        if key not in STACK_FILE_KEYS:
            close = difflib.get_close_matches(key, STACK_FILE_KEYS, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise InputError(path, f"is not a stack file key{hint}", key=key, accepted=", ".join(STACK_FILE_KEYS))
    config = document.get("config")
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise InputError(
            path, f"holds {type(config).__name__}, not a map", key="config", accepted="a map of key to value"
        )
    flat: dict[str, str] = {}
    for key, value in config.items():
        full_key = _config_key(path, key)
        if full_key in flat:
            raise InputError(path, f"sets {quote_key(full_key)} twice", key=f"config.{key}", accepted="each key once")
        if encrypted and isinstance(value, dict) and list(value) == ["secure"]:
            flat[full_key] = ENCRYPTED_VALUE
            continue
        if _holds_secret(value):
            raise InputError(
                path,
                "is an encrypted secret; the offline render cannot decrypt it",
                key=f"config.{key}",
                accepted="plain values (the offline tools read no secrets)",
            )
        flat[full_key] = _config_text(value)
    return flat


def _config_key(path: Path, key: str) -> str:
    """``<namespace>:<name>``, Pulumi's form (``<namespace>:config:<name>`` is its old spelling)."""
    parts = key.split(":")
    if len(parts) == 3 and parts[1] == "config":
        parts = [parts[0], parts[2]]
    if len(parts) != 2 or not all(parts):
        close = difflib.get_close_matches(key, SETTING_KEYS, n=1)
        hint = f"; did you mean {PROJECT}:{close[0]}?" if close and len(parts) == 1 else ""
        raise InputError(path, f"is not a configuration key{hint}", key=f"config.{key}", accepted=_CONFIG_KEY_ACCEPTED)
    return ":".join(parts)


def _holds_secret(value: Any) -> bool:
    """Pulumi writes an encrypted value as ``{secure: <ciphertext>}``, at any depth of a value."""
    if isinstance(value, dict):
        return list(value) == ["secure"] or any(_holds_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_secret(v) for v in value)
    return False


def _config_text(value: Any) -> str:
    if value is None:
        return ""  # a key with no value is unset
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)
