"""The sandbox API the audit codes against: deploy a stack into an in-process moto account.

::

    with start_sandbox("prod", progress=print) as sb:
        reader = Reader(sb.session, sb.regions)
        options = AuditOptions(expectations=sb.expectations, known_gaps=sb.known_gaps, metadata=sb.metadata)
        report = run_audit([reader], selection, options)   # compliance_checks.runner

Entering the context deploys the stack (moto's ``mock_aws`` stays active until exit) with dummy
credentials that name themselves as such; no profile, credentials file or endpoint setting of the
caller's environment is read. Exiting stops the mock and restores the environment exactly.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3

from compliance_checks.known_gaps import KnownGap, known_gaps_document
from sandbox.deploy import Deployment, deploy
from sandbox.handlers.base import DeployError, Gap
from sandbox.moto_compat import fixes

if TYPE_CHECKING:
    from compliance_checks.core import Expectations

TARGET = "sandbox (moto)"
# Not credentials: moto accepts any value, and these say what they are.
DUMMY_ACCESS_KEY_ID = "sandbox-dummy-access-key"
DUMMY_SECRET_ACCESS_KEY = "sandbox-dummy-secret-key"  # noqa: S105 - a placeholder for moto, not a secret

# moto's settings for the simulated account: Lambda without Docker (functions exist, invoking
# them runs no code), and the AWS managed IAM policies a program attaches by ARN.
MOTO_CONFIG: dict[str, Any] = {
    "lambda": {"use_docker": False},
    "iam": {"load_aws_managed_policies": True},
}

# Environment variables that could point boto3 at a real account or endpoint.
_CLEARED_PREFIXES = ("AWS_ENDPOINT_URL",)
_CLEARED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CA_BUNDLE",
)

_active = threading.Lock()


class SandboxError(RuntimeError):
    """The sandbox could not start (a sandbox is already running, or the deploy failed)."""


@dataclass
class Sandbox:
    session: boto3.Session
    regions: list[str]
    expectations: Expectations
    known_gaps: list[KnownGap]
    metadata: dict[str, Any]
    deployment: Deployment
    gaps: list[Gap] = field(default_factory=list)  # everything moto could not do, check or not


def sandbox_environment(region: str) -> dict[str, str]:
    """The environment variables a process needs to talk to the simulated account only."""
    return {
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@contextmanager
def isolated_environment(region: str) -> Iterator[None]:
    """Replaces the AWS part of os.environ with the sandbox's, restoring it exactly on exit."""
    saved = dict(os.environ)
    try:
        for name in list(os.environ):
            if name in _CLEARED or name.startswith(_CLEARED_PREFIXES):
                del os.environ[name]
        os.environ.update(sandbox_environment(region))
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def sandbox_session(region: str) -> boto3.Session:
    """A session on the simulated account: explicit dummy keys, never a profile."""
    return boto3.Session(
        aws_access_key_id=DUMMY_ACCESS_KEY_ID,
        aws_secret_access_key=DUMMY_SECRET_ACCESS_KEY,
        region_name=region,
    )


def known_gaps(gaps: Iterable[Gap]) -> list[KnownGap]:
    """One entry per check a gap concerns (and resource, region, operation, kind); gaps that concern
    no check are left out. What each may change in a verdict: ``compliance_checks.known_gaps``."""
    found: dict[tuple[str, str | None, str | None, str, str], KnownGap] = {}
    for gap in gaps:
        for check_id in gap.checks:
            key = (check_id, gap.resource_id, gap.region, gap.operation, gap.kind)
            found.setdefault(
                key,
                KnownGap(
                    check_id,
                    gap.resource_id,
                    gap.reason,
                    gap.operation,
                    gap.kind,
                    gap.region,
                    gap.evidence_to_attach,
                ),
            )
    return list(found.values())


def expectations_for(deployment: Deployment) -> Expectations:
    from compliance_checks.core import Expectations

    settings = deployment.settings
    return Expectations(
        environment=settings.environment,
        public_routes=tuple(route.key for route in settings.public_routes),
        github_repository=settings.github_repository,
        protected_branch=settings.protected_branch,
    )


def metadata_for(deployment: Deployment, gaps: list[KnownGap]) -> dict[str, Any]:
    import moto

    return {
        "target": TARGET,
        "stack": deployment.stack,
        "environment": deployment.settings.environment,
        "regions": deployment.regions,
        "timings": {
            "render_s": round(deployment.render_seconds, 3),
            "deploy_s": round(deployment.deploy_seconds, 3),
        },
        "resources": len(deployment.resources),
        "known_gaps": known_gaps_document(gaps)["known_gaps"],
        "preexisting": deployment.preexisting,
        "moto_version": moto.__version__,
    }


def stack_config(stack: str, project_dir: Path, config: Mapping[str, str] | None = None) -> dict[str, str]:
    """The stack's flat Pulumi config (``config`` when given), unreadable settings as SandboxError."""
    from infra.render import RenderError, load_stack_config

    try:
        return dict(config) if config is not None else load_stack_config(project_dir / f"Pulumi.{stack}.yaml")
    except RenderError as error:
        raise SandboxError(str(error)) from None


def deploy_stack(stack: str, session: boto3.Session, **options: Any) -> Deployment:
    """``sandbox.deploy.deploy`` with a failed deploy raised as SandboxError naming the stack."""
    try:
        return deploy(stack, session, **options)
    except DeployError as error:
        raise SandboxError(f"could not deploy stack {stack!r} into the sandbox: {error}") from error


@contextmanager
def claim_process() -> Iterator[None]:
    """One sandbox (in-process or served) per process: moto's state is process-wide."""
    if not _active.acquire(blocking=False):
        raise SandboxError("a sandbox is already running in this process (moto's state is process-wide)")
    try:
        yield
    finally:
        _active.release()


@contextmanager
def start_sandbox(
    stack: str = "prod",
    *,
    progress: Callable[[str], None] | None = None,
    project_dir: Path | None = None,
    config: Mapping[str, str] | None = None,
    program_dir: Path | None = None,
) -> Iterator[Sandbox]:
    """Deploys ``stack`` into an in-process moto account and yields it until the block exits.

    moto's state is process-wide, so one sandbox runs at a time in a process; a second
    ``start_sandbox`` while one is active raises SandboxError. A failed deploy raises
    SandboxError naming the resource (the environment is restored first).
    """
    from moto import mock_aws

    from infra.render import PROJECT_ROOT

    with claim_process():
        project_dir = Path(project_dir or PROJECT_ROOT)
        config = stack_config(stack, project_dir, config)
        region = config.get("aws:region") or "us-east-1"
        with isolated_environment(region), mock_aws(config=MOTO_CONFIG), fixes():
            session = sandbox_session(region)
            started = time.perf_counter()
            deployment = deploy_stack(
                stack, session, project_dir=project_dir, config=config, program_dir=program_dir, progress=progress
            )
            gaps = known_gaps(deployment.gaps)
            metadata = metadata_for(deployment, gaps)
            metadata["timings"]["total_s"] = round(time.perf_counter() - started, 3)
            yield Sandbox(
                session=session,
                regions=deployment.regions,
                expectations=expectations_for(deployment),
                known_gaps=gaps,
                metadata=metadata,
                deployment=deployment,
                gaps=list(deployment.gaps),
            )
