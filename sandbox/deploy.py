"""Offline deploy: run the Pulumi program through the shared renderer and create each resource in moto.

``MotoHandler`` is the renderer's ``ResourceHandler``: for every resource the program registers it
calls the handler for the resource's type (``sandbox/handlers/``), which creates the real thing in
moto through boto3 and returns moto's ids and ARNs, so that dependent resources are wired with
them. Provider functions (``aws.get_caller_identity()`` ...) are answered from the simulated
account. The same code deploys into an in-process ``mock_aws`` or a moto server (``endpoint_url``).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.config
from pulumi.runtime import rpc

from compliance_checks.known_gaps import MANUAL
from infra.render import PROJECT_ROOT, RenderError, Rendering, load_stack_config, render
from infra.settings import Settings, SettingsError, read_settings
from sandbox.functions import answer_function
from sandbox.handlers import registry
from sandbox.handlers.base import Context, DeployError, Gap, Inputs, UnknownResourceType
from sandbox.moto_compat import fixes

Progress = Callable[[str], None]

# Pulumi's wire format marks secrets and output values with these signatures.
_SIG_KEY = rpc._special_sig_key
_UNWRAPPED_SIGS = (rpc._special_secret_sig, rpc._special_output_value_sig)


PROVIDER_TYPE = "pulumi:providers:aws"


@dataclass(frozen=True)
class DeployedResource:
    type: str
    name: str
    id: str
    region: str
    outputs: Mapping[str, Any]


@dataclass
class Provider:
    region: str
    default_tags: dict[str, str] = field(default_factory=dict)


class SimulatedAccount:
    """The moto account a stack is deployed into: clients per region and what exists so far."""

    def __init__(self, session: boto3.Session, home_region: str, *, endpoint_url: str | None = None) -> None:
        self.session = session
        self.home_region = home_region
        self.endpoint_url = endpoint_url
        # Path-style S3 addressing: a moto server on 127.0.0.1 has no bucket subdomains.
        self._config = botocore.config.Config(
            retries={"mode": "standard", "max_attempts": 3}, s3={"addressing_style": "path"}
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.resources: list[DeployedResource] = []
        self.gaps: list[Gap] = []
        self.providers: dict[str, Provider] = {}
        self.default_tags: dict[str, str] = {}
        self.hosted_zones: dict[str, str] = {}  # zone id the settings name -> moto's zone id
        self.preexisting: list[str] = []
        self._account_id: str | None = None

    @property
    def account_id(self) -> str:
        if self._account_id is None:
            self._account_id = self.client("sts").get_caller_identity()["Account"]
        return self._account_id

    def client(self, service: str, region: str | None = None) -> Any:
        region = region or self.home_region
        key = (service, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                kwargs: dict[str, Any] = {"region_name": region, "config": self._config}
                if self.endpoint_url:
                    kwargs["endpoint_url"] = self.endpoint_url
                client = self.session.client(service, **kwargs)
                self._clients[key] = client
            return client

    def created(self, type_token: str) -> list[DeployedResource]:
        return [r for r in self.resources if r.type == type_token]

    def find(self, type_token: str, resource_id: str) -> DeployedResource | None:
        for resource in self.resources:
            if resource.type == type_token and resource.id == resource_id:
                return resource
        return None


def normalize(value: Any) -> Any:
    """Inputs as AWS wants them: secrets unwrapped, integral numbers as integers.

    Pulumi's wire format marks secret values (and output values) with a signature key and
    carries every number as a double.
    """
    if isinstance(value, dict):
        if value.get(_SIG_KEY) in _UNWRAPPED_SIGS:
            return normalize(value.get("value"))
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class MotoHandler:
    """The renderer's ResourceHandler: creates each registered resource in the simulated account."""

    def __init__(self, account: SimulatedAccount, *, progress: Progress | None = None) -> None:
        self.account = account
        self.progress = progress
        self.handlers = registry()
        # Pulumi registers resources from several threads; one at a time keeps moto consistent
        # and the deploy deterministic.
        self._lock = threading.Lock()
        self.failure: BaseException | None = None
        self.seconds = 0.0

    def _provider_for(self, reference: str | None) -> Provider | None:
        if not reference:
            return None
        provider_id = reference.rsplit("::", 1)[-1]
        return self.account.providers.get(provider_id)

    def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]:
        with self._lock:
            started = time.perf_counter()
            try:
                return self._create(args)
            except BaseException as error:
                if self.failure is None:
                    self.failure = error
                raise
            finally:
                self.seconds += time.perf_counter() - started

    def _create(self, args: Any) -> tuple[str | None, dict[str, Any]]:
        if self.failure is not None:
            raise DeployError(f"not creating {args.name!r}: the deploy already failed")
        inputs = normalize(dict(args.inputs))
        if args.typ == PROVIDER_TYPE:
            return self._provider(args.name, inputs)
        if args.typ.startswith("pulumi:providers:"):
            raise DeployError(f"the sandbox only simulates AWS; provider {args.typ} ({args.name!r}) is not supported")
        handler = self.handlers.get(args.typ)
        if handler is None:
            raise UnknownResourceType(args.typ, args.name)
        provider = self._provider_for(args.provider)
        explicit = inputs.get("region")
        region = explicit if isinstance(explicit, str) and explicit else None
        region = region or (provider.region if provider else self.account.home_region)
        default_tags = provider.default_tags if provider else self.account.default_tags
        ctx = Context(self.account, args.typ, args.name, region, default_tags=dict(default_tags))
        tracked = Inputs(inputs)
        try:
            resource_id, outputs = handler(tracked, ctx)
        except DeployError:
            raise
        except Exception as error:
            raise DeployError(f"{args.typ} {args.name!r} in {region}: {type(error).__name__}: {error}") from error
        unapplied = tracked.unapplied()
        if unapplied:
            raise DeployError(
                f"{args.typ} {args.name!r}: the sandbox does not apply {', '.join(unapplied)}; "
                f"teach its handler (sandbox/handlers/) to apply or knowingly ignore them"
            )
        self.account.gaps.extend(ctx.gaps)
        state = {**inputs, **outputs, "id": resource_id}
        if "tags" in inputs or default_tags:
            state.setdefault("tagsAll", {**default_tags, **(inputs.get("tags") or {})})
        self.account.resources.append(DeployedResource(args.typ, args.name, resource_id, region, state))
        return resource_id, state

    def _provider(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        region = inputs.get("region") or self.account.home_region
        default_tags = inputs.get("defaultTags")
        # Provider inputs travel as JSON text for structured values.
        if isinstance(default_tags, str):
            default_tags = json.loads(default_tags or "{}")
        tags = dict((default_tags or {}).get("tags") or {})
        provider_id = f"sandbox-{name}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
        self.account.providers[provider_id] = Provider(region=region, default_tags=tags)
        return provider_id, dict(inputs)

    def call(self, args: Any) -> dict[str, Any]:
        with self._lock:
            provider = self._provider_for(getattr(args, "provider", None))
            region = provider.region if provider else self.account.home_region
            return answer_function(self.account, args.token, normalize(dict(args.args)), region)


@dataclass
class Deployment:
    """A stack deployed into the simulated account."""

    stack: str
    account_id: str
    settings: Settings
    rendering: Rendering
    resources: list[DeployedResource]
    gaps: list[Gap]
    preexisting: list[str]
    render_seconds: float
    deploy_seconds: float

    @property
    def regions(self) -> list[str]:
        regions = [self.settings.region]
        if self.settings.backup_copy_region:
            regions.append(self.settings.backup_copy_region)
        return regions

    def of_type(self, type_token: str) -> list[DeployedResource]:
        return [r for r in self.resources if r.type == type_token]

    def named(self, name: str) -> DeployedResource:
        for resource in self.resources:
            if resource.name == name:
                return resource
        raise KeyError(name)


def stack_settings(stack: str, config: Mapping[str, str]) -> Settings:
    """The stack's validated settings (the same validation the program runs)."""
    project_key = "leadping:"
    try:
        return read_settings(
            stack,
            lambda key: config.get(f"{project_key}{key}"),
            lambda key: config.get(f"aws:{key}"),
        )
    except SettingsError as error:
        raise DeployError(f"stack {stack!r}: invalid settings: {error}") from None


def seed_preexisting(account: SimulatedAccount, settings: Settings) -> None:
    """Creates what the stack's settings say already exists in the account.

    The settings name a Route 53 hosted zone the program does not create (``hostedZoneId``);
    moto cannot create a zone with a chosen id, so the zone is created for the domain's parent
    and the settings' id is mapped to moto's.
    """
    parent = settings.domain_name.split(".", 1)[1] if "." in settings.domain_name else settings.domain_name
    route53 = account.client("route53")
    zone = route53.create_hosted_zone(
        Name=parent,
        CallerReference=f"sandbox-{settings.stack}-{parent}",
        HostedZoneConfig={"Comment": f"pre-existing zone {settings.hosted_zone_id} of stack {settings.stack}"},
    )["HostedZone"]
    real_id = zone["Id"].rsplit("/", 1)[-1]
    account.hosted_zones[settings.hosted_zone_id] = real_id
    account.preexisting.append(f"route53 hosted zone {parent} ({settings.hosted_zone_id} -> {real_id})")
    if settings.github_oidc_provider_arn:
        iam = account.client("iam")
        iam.create_open_id_connect_provider(
            Url="https://token.actions.githubusercontent.com",
            ClientIDList=["sts.amazonaws.com"],
            ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"],
        )
        account.preexisting.append(f"iam oidc provider {settings.github_oidc_provider_arn}")


ROOT_MFA_REASON = "a person signed in as the root user assigns its MFA device; no API can"
ROOT_MFA_EVIDENCE = (
    "the real account's IAM credential report (aws iam generate-credential-report, then "
    "get-credential-report) whose <root_account> row shows mfa_active true"
)


def record_account_gaps(account: SimulatedAccount) -> None:
    """Records what only a person can do in the real account, whatever the program declares.

    MFA on the root user is assigned by a person signed in as root, never through an API the
    program (or the sandbox) can call; moto reports AccountMFAEnabled = 0 for every account, and
    the audit reports the check MANUAL with the evidence to attach.
    """
    summary = account.client("iam").get_account_summary()["SummaryMap"]
    if summary.get("AccountMFAEnabled") != 1:
        account.gaps.append(
            Gap(
                type="account",
                resource="root user",
                operation="iam:EnableMFADevice",
                reason=ROOT_MFA_REASON,
                checks=("iam_root_mfa_enabled",),
                resource_id=f"arn:aws:iam::{account.account_id}:root",
                kind=MANUAL,
                evidence_to_attach=ROOT_MFA_EVIDENCE,
            )
        )


def deploy(
    stack: str,
    session: boto3.Session,
    *,
    endpoint_url: str | None = None,
    project_dir: Path | None = None,
    config: Mapping[str, str] | None = None,
    program_dir: Path | None = None,
    progress: Progress | None = None,
) -> Deployment:
    """Renders ``stack`` and creates every resource it registers in the account behind ``session``.

    Raises DeployError (an unknown type, an input the sandbox does not apply, an API error) or
    RenderError (the program itself failed) with a message naming the resource.
    """
    project_dir = Path(project_dir or PROJECT_ROOT)
    if config is None:
        config = load_stack_config(project_dir / f"Pulumi.{stack}.yaml")
    config = dict(config)
    settings = stack_settings(stack, config)
    account = SimulatedAccount(session, settings.region, endpoint_url=endpoint_url)
    raw_default_tags = config.get("aws:defaultTags")
    if raw_default_tags:
        account.default_tags = dict((json.loads(raw_default_tags) or {}).get("tags") or {})
    seed_preexisting(account, settings)
    handler = MotoHandler(account, progress=progress)
    if progress:
        progress(f"rendering stack {stack} and deploying it into moto ({settings.region})")
    started = time.perf_counter()
    try:
        with fixes():
            rendering = render(stack, project_dir=project_dir, program_dir=program_dir, config=config, handler=handler)
    except RenderError as error:
        failure = handler.failure
        if isinstance(failure, DeployError):
            raise failure from None
        if failure is not None:
            raise DeployError(f"stack {stack!r}: {type(failure).__name__}: {failure}") from failure
        raise DeployError(str(error)) from error
    if handler.failure is not None:
        raise DeployError(str(handler.failure)) from handler.failure
    total = time.perf_counter() - started
    record_account_gaps(account)
    deployment = Deployment(
        stack=stack,
        account_id=account.account_id,
        settings=settings,
        rendering=rendering,
        resources=list(account.resources),
        gaps=list(account.gaps),
        preexisting=list(account.preexisting),
        render_seconds=max(total - handler.seconds, 0.0),
        deploy_seconds=handler.seconds,
    )
    if progress:
        # Counted as the report lists them (one per check a gap concerns), not as moto's raw gaps.
        from sandbox.api import known_gaps

        progress(
            f"deployed {len(deployment.resources)} resources in {total:.1f}s "
            f"(program {deployment.render_seconds:.1f}s, moto {deployment.deploy_seconds:.1f}s); "
            f"{len(known_gaps(deployment.gaps))} known gap(s)"
        )
    return deployment
