"""Typed, validated stack settings, read through ``pulumi.Config``.

Every value the program uses comes from here. A missing or invalid value raises
``SettingsError`` whose message names the key (``leadping:<key>``) and what is accepted,
so ``pulumi up`` stops before anything is created.

The minimums per environment (log retention, backup retention, key deletion window,
rotation windows) come from ``shared/CONTROLS.md`` and live in
``compliance_checks.conventions.ENVIRONMENT_POLICIES``; the CI gate and the live audit read the
same table.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from compliance_checks.conventions import ENVIRONMENT_POLICIES, EnvironmentPolicy

PROJECT = "leadping"

# CloudWatch Logs accepts only these retention values (PutRetentionPolicy).
CLOUDWATCH_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
)  # fmt: skip

WORKLOADS = ("api", "workers", "ingestion")
# The connected system used for outbound webhooks when webhookCredential is not set.
DEFAULT_WEBHOOK_CREDENTIAL = "webhook-signing"
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")
_ROUTE_RE = re.compile(r"^(?P<method>[A-Z]+) (?P<path>/[A-Za-z0-9_\-./{}+]*)$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")
_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_ARN_RE = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class SettingsError(ValueError):
    """A stack setting is missing or invalid; the message names the key."""

    def __init__(self, key: str, problem: str, accepted: str) -> None:
        self.key = key
        self.problem = problem
        self.accepted = accepted
        super().__init__(f"{key}: {problem}; accepted: {accepted}")


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
        try:
            return int(value)
        except ValueError:
            raise SettingsError(self.key(name), f"{value!r} is not a whole number", accepted) from None

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise SettingsError(self.key(name), f"{value!r} is not a boolean", "true or false")

    def json(self, name: str, accepted: str, default: Any = None) -> Any:
        import json

        value = self.raw(name)
        if value is None:
            if default is None:
                raise SettingsError(self.key(name), "missing", accepted)
            return default
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise SettingsError(self.key(name), f"{value!r} is not valid structured config", accepted) from None


def parse_route(key: str, value: Any) -> Route:
    accepted = f"'METHOD /path' with METHOD one of {', '.join(HTTP_METHODS)}"
    if not isinstance(value, str):
        raise SettingsError(key, f"{value!r} is not a string", accepted)
    match = _ROUTE_RE.match(value.strip())
    if not match or match["method"] not in HTTP_METHODS or "//" in match["path"]:
        raise SettingsError(key, f"{value!r} is not a route", accepted)
    return Route(match["method"], match["path"])


def parse_https_url(key: str, value: Any) -> str:
    accepted = "an https:// URL with a host name (plain http:// is refused, LP-TX-2)"
    if not isinstance(value, str):
        raise SettingsError(key, f"{value!r} is not a string", accepted)
    parsed = urlparse(value.strip())
    if parsed.scheme != "https":
        raise SettingsError(key, f"{value!r} does not use https", accepted)
    if not parsed.hostname:
        raise SettingsError(key, f"{value!r} has no host", accepted)
    return value.strip()


def _name(key: str, value: Any, what: str) -> str:
    accepted = f"{what}: lower-case letters, digits and '-', 2 to 32 characters"
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise SettingsError(key, f"{value!r} is not a valid name", accepted)
    return value


def _list(reader: _Reader, name: str, accepted: str, default: list[Any] | None = None) -> list[Any]:
    value = reader.json(name, accepted, default)
    if not isinstance(value, list):
        raise SettingsError(reader.key(name), "is not a list", accepted)
    return value


def _arn(key: str, value: Any, what: str) -> str:
    if not isinstance(value, str) or not _ARN_RE.match(value):
        raise SettingsError(key, f"{value!r} is not an ARN", what)
    return value


def _region(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _REGION_RE.match(value):
        raise SettingsError(key, f"{value!r} is not an AWS region", "a region name such as us-east-1")
    return value


def read_settings(
    stack: str,
    get: Callable[[str], str | None],
    get_aws: Callable[[str], str | None],
    project: str = PROJECT,
) -> Settings:
    """Builds and validates Settings from two key lookups (project namespace and ``aws:``).

    Kept free of Pulumi so that the gate, the sandbox and the tests can validate a stack file
    without a Pulumi runtime; ``load_settings`` is the Pulumi entry point.
    """
    r = _Reader(project, get)
    aws = _Reader("aws", get_aws)

    environment = r.string("environment", "one of " + ", ".join(ENVIRONMENT_POLICIES))
    if environment not in ENVIRONMENT_POLICIES:
        raise SettingsError(
            r.key("environment"),
            f"unknown environment {environment!r}",
            "one of " + ", ".join(ENVIRONMENT_POLICIES),
        )
    policy = ENVIRONMENT_POLICIES[environment]
    region = _region(aws.key("region"), aws.string("region", "a region name such as us-east-1"))

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

    window_accepted = f"{policy.min_key_deletion_window_days} to 30 days for {environment}"
    window = r.integer("keyDeletionWindowDays", window_accepted, 30)
    if not policy.min_key_deletion_window_days <= window <= 30:
        raise SettingsError(r.key("keyDeletionWindowDays"), f"{window} is out of range", window_accepted)

    cidr_key = r.key("vpcCidr")
    cidr = r.string("vpcCidr", "a private IPv4 CIDR from /16 to /20", "10.20.0.0/16")
    try:
        network = ipaddress.ip_network(cidr)
    except ValueError:
        raise SettingsError(cidr_key, f"{cidr!r} is not a CIDR block", "a private IPv4 CIDR from /16 to /20") from None
    if network.version != 4 or not network.is_private or not 16 <= network.prefixlen <= 20:
        raise SettingsError(
            cidr_key, f"{cidr!r} is not a private /16 to /20 block", "a private IPv4 CIDR from /16 to /20"
        )

    az_count = r.integer("availabilityZones", "2 or 3", 2)
    if az_count not in (2, 3):
        raise SettingsError(r.key("availabilityZones"), f"{az_count} zones", "2 or 3")

    domain = r.string("domainName", "the API's DNS name, e.g. api.leadping.ai").lower()
    if not _HOSTNAME_RE.match(domain):
        raise SettingsError(
            r.key("domainName"), f"{domain!r} is not a DNS name", "the API's DNS name, e.g. api.leadping.ai"
        )
    zone = r.string("hostedZoneId", "the Route 53 hosted zone id that holds domainName (Z...)")
    if not re.match(r"^Z[A-Z0-9]{4,32}$", zone):
        raise SettingsError(
            r.key("hostedZoneId"), f"{zone!r} is not a hosted zone id", "a Route 53 hosted zone id (Z...)"
        )

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
                f"{public_key}[{i}]", f"{route.key!r} is not one of apiRoutes", "routes listed in apiRoutes"
            )

    targets_key = r.key("webhookTargets")
    raw_targets = r.json("webhookTargets", "a map of target name to https:// URL", {})
    if not isinstance(raw_targets, dict):
        raise SettingsError(targets_key, "is not a map", "a map of target name to https:// URL")
    webhook_targets = tuple(
        WebhookTarget(
            name=_name(f"{targets_key}.{name}", name, "a target name"),
            url=parse_https_url(f"{targets_key}.{name}", url),
        )
        for name, url in sorted(raw_targets.items())
    )

    systems_key = r.key("connectedSystems")
    systems_accepted = (
        "a list of {name, consumer (one of " + ", ".join(WORKLOADS) + "), provider (true/false), "
        f"rotationDays (<= {policy.max_provider_secret_rotation_days} for providers, "
        f"<= {policy.max_secret_rotation_days} otherwise)}}"
    )
    systems: list[ConnectedSystem] = []
    for i, item in enumerate(_list(r, "connectedSystems", systems_accepted, [])):
        key = f"{systems_key}[{i}]"
        if not isinstance(item, dict):
            raise SettingsError(key, "is not a map", systems_accepted)
        name = _name(f"{key}.name", item.get("name"), "a system name")
        consumer = item.get("consumer")
        if consumer not in WORKLOADS:
            raise SettingsError(f"{key}.consumer", f"unknown workload {consumer!r}", "one of " + ", ".join(WORKLOADS))
        provider = item.get("provider", False)
        if not isinstance(provider, bool):
            raise SettingsError(f"{key}.provider", f"{provider!r} is not a boolean", "true or false")
        limit = policy.max_provider_secret_rotation_days if provider else policy.max_secret_rotation_days
        rotation = item.get("rotationDays", limit)
        if not isinstance(rotation, int) or isinstance(rotation, bool) or not 1 <= rotation <= limit:
            raise SettingsError(
                f"{key}.rotationDays",
                f"{rotation!r} is outside 1..{limit}",
                f"1 to {limit} days for a {'provider' if provider else 'non-provider'} credential in "
                f"{environment} (LP-SEC-3)",
            )
        systems.append(ConnectedSystem(name, consumer, provider, rotation))
    names = [s.name for s in systems]
    if len(set(names)) != len(names):
        raise SettingsError(systems_key, "names a system twice", "one entry per system (LP-SEC-2)")

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
            credential_key, f"{webhook_credential!r} is not one of connectedSystems", credential_accepted
        )

    repo = r.string("githubRepository", "owner/name of the repository that deploys this stack")
    if not _REPO_RE.match(repo):
        raise SettingsError(r.key("githubRepository"), f"{repo!r} is not owner/name", "owner/name of the repository")
    branch = r.string("protectedBranch", "the repository's protected branch", "main")
    if not re.match(r"^[A-Za-z0-9._/-]+$", branch) or "*" in branch:
        raise SettingsError(
            r.key("protectedBranch"), f"{branch!r} is not a branch name", "one branch name, no wildcards"
        )
    oidc = r.raw("githubOidcProviderArn")
    if oidc is not None:
        _arn(
            r.key("githubOidcProviderArn"),
            oidc,
            "the ARN of an existing token.actions.githubusercontent.com OIDC provider",
        )

    email = r.string("alarmEmail", "the address that receives security alarms")
    if not _EMAIL_RE.match(email):
        raise SettingsError(r.key("alarmEmail"), f"{email!r} is not an email address", "an email address")

    copy_region = r.raw("backupCopyRegion")
    if copy_region is not None:
        copy_region = _region(r.key("backupCopyRegion"), copy_region)
        if copy_region == region:
            raise SettingsError(
                r.key("backupCopyRegion"), f"{copy_region!r} is the stack's own region", "a second region"
            )
    elif policy.requires_backup_copy:
        raise SettingsError(
            r.key("backupCopyRegion"),
            f"missing; {environment} copies backups to a second region (LP-BK-1)",
            "a region other than aws:region",
        )

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
    if not re.match(r"^db\.[a-z0-9]+\.[a-z0-9]+$", instance_class):
        raise SettingsError(
            r.key("dbInstanceClass"),
            f"{instance_class!r} is not an instance class",
            "an RDS instance class such as db.t4g.medium",
        )
    database = DatabaseSettings(
        instance_class=instance_class,
        allocated_storage_gb=storage,
        backup_retention_days=db_retention,
        multi_az=r.boolean("dbMultiAz", environment == "prod"),
        engine_version=r.string("dbEngineVersion", "a PostgreSQL major version such as 16", "16"),
    )

    def principals(name: str, what: str) -> tuple[str, ...]:
        key = r.key(name)
        values = _list(r, name, f"a list of {what}", [])
        return tuple(_arn(f"{key}[{i}]", v, what) for i, v in enumerate(values))

    break_glass = principals("breakGlassPrincipals", "IAM principal ARNs allowed to assume the break-glass role")
    auditors = principals("auditorPrincipals", "IAM principal ARNs allowed to assume the auditor role")

    rate = r.integer("wafRateLimit", "requests per 5 minutes per IP, 100 to 2000000000", 2000)
    if not 100 <= rate <= 2_000_000_000:
        raise SettingsError(r.key("wafRateLimit"), f"{rate} is out of range", "100 to 2000000000")

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
        connected_systems=tuple(systems),
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


def load_settings() -> Settings:
    """Reads the current stack's settings through ``pulumi.Config`` (the program's entry point)."""
    import pulumi

    project_config = pulumi.Config(PROJECT)
    aws_config = pulumi.Config("aws")
    return read_settings(pulumi.get_stack(), project_config.get, aws_config.get)
