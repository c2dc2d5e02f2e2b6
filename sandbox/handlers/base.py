"""The handler contract: one small function per Pulumi resource type, creating it in moto.

A handler receives the resource's inputs (camelCase, as Pulumi sends them) and a ``Context``
(boto3 clients for the resource's region, the resources created so far, a way to record what
moto cannot do) and returns ``(id, outputs)``: the physical id and every attribute the program
may read, with moto's real values.

Two rules keep the simulation honest:

- Nothing is dropped silently. Handlers read inputs through ``Inputs``, which remembers what was
  read; an input that is set but that the handler neither applied nor explicitly ignored (with
  a reason) fails the deploy, naming it. A setting the sandbox does not apply could otherwise
  make a non-compliant program look compliant.
- What moto cannot do is recorded, not faked. ``Context.attempt`` turns an operation moto does
  not implement into an ``unsupported`` ``Gap`` naming the checks it concerns; the audit then
  explains the ERROR that operation causes in those checks (never a PASS or a FAIL, see
  ``compliance_checks.known_gaps``). ``Context.gap`` records the same when a read-back shows that
  moto accepted a setting but did not store it, and a ``manual`` gap for what only a person can do
  in a real account (confirm a subscription).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import botocore.exceptions

from compliance_checks.known_gaps import MANUAL, UNSUPPORTED

if TYPE_CHECKING:
    from sandbox.deploy import SimulatedAccount

Outputs = dict[str, Any]
Handler = Callable[["Inputs", "Context"], tuple[str, Outputs]]

HANDLERS: dict[str, Handler] = {}

# Inputs that configure Pulumi or the provider's delete/wait behaviour, not the resource's state
# in AWS; nothing reads them back, so no check can depend on them.
LIFECYCLE_INPUTS = frozenset(
    {
        "region",  # resolved by the context (explicit region, provider region, stack region)
        "timeouts",
        "forceDestroy",
        "skipDestroy",
        "applyImmediately",
        "skipFinalSnapshot",
        "finalSnapshotIdentifier",
        "deleteAutomatedBackups",
        "forceDetachPolicies",
        "revokeRulesOnDelete",
        "delayAfterPolicyCreationInMs",
        "expectedBucketOwner",
        "waitForDeployment",
        "waitForSteadyState",
        "recoveryWindowInDays",  # only used when the secret is deleted
        "deletionWindowInDays",  # only used when the key is scheduled for deletion
        "allowOverwrite",
        "sourceCodeHash",
    }
)


class DeployError(RuntimeError):
    """The stack cannot be deployed into the sandbox (unknown type, unapplied input, API error)."""


class UnknownResourceType(DeployError):
    def __init__(self, type_token: str, name: str) -> None:
        self.type_token = type_token
        self.name = name
        super().__init__(
            f"the sandbox cannot create resources of type {type_token} (resource {name!r}); "
            f"add a handler for it in sandbox/handlers/"
        )


@dataclass(frozen=True)
class Gap:
    """Something the stack declares that the simulated account cannot show as a real one would."""

    type: str  # Pulumi type token
    resource: str  # Pulumi logical name
    operation: str  # e.g. "backup:CreateBackupSelection"
    reason: str
    checks: tuple[str, ...]  # check ids whose verdict this concerns
    resource_id: str | None = None  # the id those checks report (an ARN); None = every result
    kind: str = UNSUPPORTED  # or MANUAL: a person's act in a real account
    region: str | None = None  # where the gap was met; None = every region
    evidence_to_attach: str = ""  # MANUAL: what the person attaches to the audit instead

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "resource": self.resource,
            "operation": self.operation,
            "reason": self.reason,
            "checks": list(self.checks),
            "resource_id": self.resource_id,
            "kind": self.kind,
            "region": self.region,
            "evidence_to_attach": self.evidence_to_attach,
        }


def handles(*type_tokens: str) -> Callable[[Handler], Handler]:
    """Registers a handler for one or more type tokens (aliases such as aws:alb/* share one)."""

    def register(fn: Handler) -> Handler:
        for token in type_tokens:
            if token in HANDLERS:
                raise RuntimeError(f"two handlers for {token}")
            HANDLERS[token] = fn
        return fn

    return register


class Inputs(Mapping[str, Any]):
    """A resource's inputs that remembers which ones the handler used."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)
        self._used: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self._used.add(key)
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def get(self, key: str, default: Any = None) -> Any:
        self._used.add(key)
        value = self._values.get(key)
        return default if value is None else value

    def ignore(self, *keys: str) -> None:
        """Marks inputs as deliberately not applied (callers say why in a comment)."""
        self._used.update(keys)

    def raw(self) -> dict[str, Any]:
        return dict(self._values)

    def unapplied(self) -> list[str]:
        return sorted(
            key
            for key, value in self._values.items()
            if key not in self._used and key not in LIFECYCLE_INPUTS and not _empty(value)
        )


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, list | dict | str) and len(value) == 0)


_NOT_IMPLEMENTED = re.compile(r"not (yet )?(been )?implemented", re.IGNORECASE)


def is_unsupported(error: BaseException) -> bool:
    """True when moto answered that it does not implement the operation."""
    if isinstance(error, NotImplementedError):
        return True
    if isinstance(error, botocore.exceptions.ClientError):
        info = error.response.get("Error", {})
        text = f"{info.get('Code', '')} {info.get('Message', '')}"
        return bool(_NOT_IMPLEMENTED.search(text))
    return False


@dataclass
class Context:
    """What a handler may use: clients in the resource's region, the account so far, gaps."""

    account: SimulatedAccount
    type: str
    name: str
    region: str
    default_tags: dict[str, str] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)

    @property
    def account_id(self) -> str:
        return self.account.account_id

    def client(self, service: str, region: str | None = None) -> Any:
        return self.account.client(service, region or self.region)

    def tags(self, inputs: Inputs) -> dict[str, str]:
        """The resource's tags with the provider's default tags, as AWS would store them."""
        return {**self.default_tags, **(inputs.get("tags") or {})}

    # -- names ---------------------------------------------------------------------------

    def physical_name(
        self,
        explicit: str | None = None,
        prefix: str | None = None,
        *,
        max_length: int = 255,
        lower: bool = False,
        suffix: str = "",
    ) -> str:
        """The resource's name: the explicit one, or Pulumi's auto-name (logical name + 7 hex).

        The suffix is derived from the type and logical name, so a redeploy of the same stack
        gives the same names (Pulumi's is random; nothing depends on that).
        """
        if explicit:
            return explicit
        digest = hashlib.sha256(f"{self.type}/{self.name}".encode()).hexdigest()[:7]
        base = prefix if prefix is not None else f"{self.name}-"
        if lower:
            base = base.lower()
        room = max_length - len(digest) - len(suffix)
        return f"{base[:room]}{digest}{suffix}"

    # -- gaps ----------------------------------------------------------------------------

    def gap(
        self,
        operation: str,
        reason: str,
        *,
        checks: tuple[str, ...] = (),
        resource_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """moto lacks ``operation`` (or did not store what it accepted) for this resource."""
        self.gaps.append(Gap(self.type, self.name, operation, reason, tuple(checks), resource_id, region=region))

    def awaits_person(
        self, operation: str, reason: str, *, checks: tuple[str, ...], resource_id: str, evidence_to_attach: str
    ) -> None:
        """Only a person can complete ``operation`` in a real account; the sandbox leaves it undone."""
        self.gaps.append(
            Gap(
                self.type,
                self.name,
                operation,
                reason,
                tuple(checks),
                resource_id,
                kind=MANUAL,
                region=self.region,
                evidence_to_attach=evidence_to_attach,
            )
        )

    def attempt(
        self,
        service: str,
        operation: str,
        *,
        checks: tuple[str, ...] = (),
        resource_id: str | None = None,
        region: str | None = None,
        **params: Any,
    ) -> dict[str, Any] | None:
        """Calls an operation; if moto does not implement it, records a gap and returns None."""
        try:
            return getattr(self.client(service, region), operation)(**params)
        except Exception as error:
            if not is_unsupported(error):
                raise
            self.gap(
                f"{service}:{_pascal_operation(operation)}",
                f"moto does not implement {_pascal_operation(operation)}",
                checks=checks,
                resource_id=resource_id,
                region=region or self.region,
            )
            return None

    # -- the account so far --------------------------------------------------------------

    def created(self, type_token: str) -> list[Any]:
        return self.account.created(type_token)


def _pascal_operation(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_"))


# -- conversions shared by the handlers -----------------------------------------------------


def short_id(*parts: object, length: int = 10) -> str:
    """A stable id for resources AWS does not name (attachments, associations)."""
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()[:length]


def tag_list(tags: Mapping[str, str] | None, key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
    return [{key: k, value: v} for k, v in (tags or {}).items()]


def policy_text(policy: Any) -> str | None:
    """A policy input is a JSON string or (typed PolicyDocument) a map; AWS wants the string."""
    if policy is None or isinstance(policy, str):
        return policy
    return json.dumps(policy)


# Keys whose PascalCase differs from capitalising the camelCase name.
_PASCAL_EXCEPTIONS = {
    "cloudwatchMetricsEnabled": "CloudWatchMetricsEnabled",
    "arn": "ARN",
}


def pascal(value: Any, exceptions: Mapping[str, str] | None = None) -> Any:
    """Converts camelCase keys to PascalCase recursively (most boto3 shapes follow this)."""
    renames = {**_PASCAL_EXCEPTIONS, **(exceptions or {})}
    if isinstance(value, Mapping):
        return {renames.get(k, k[:1].upper() + k[1:]): pascal(v, exceptions) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [pascal(v, exceptions) for v in value]
    return value


def drop_none(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None}


def single(value: Any) -> Any:
    """Pulumi sends some maxItems=1 blocks as one-item lists; AWS wants the object."""
    if isinstance(value, list):
        return value[0] if value else None
    return value
