"""IAM inventory: principals with their policy documents, workload and break-glass scoping, users'
credentials and the account summary.

Roles, users, groups and customer-managed policies come from GetAccountAuthorizationDetails, one
paginated read per entity type (``Filter``), shared by every IAM check: the documents arrive with
the listing, so no per-role GetRolePolicy / GetPolicyVersion calls are needed. Only customer-managed
policies are taken from the details; the few AWS-managed policies that are attached somewhere are
read on demand with GetPolicy and GetPolicyVersion (memoised), so the audit never pages through
AWS's whole catalogue of managed policies. MaxSessionDuration is not in the details, so GetRole is
read for the roles that need it (break-glass).

Users' credentials (console password, access keys, last use) come from ListUsers, GetLoginProfile,
ListAccessKeys and GetAccessKeyLastUsed rather than the credential report: the report is generated
asynchronously (the first request of a run would have to wait and poll) and may be up to four hours
old, while the per-user reads are current and cost nothing in an account without IAM users, which
is what the platform aims for.

Scoping follows /work/coord/CHECKS.md: a workload role is a role tagged ``leadping:workload``; when
no role carries that tag, every role except service-linked and break-glass roles is one (fail
closed). A break-glass role is tagged ``leadping:workload=break-glass``, or, when it carries no
workload tag, has "break-glass"/"breakglass" in its name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from compliance_checks import conventions, core
from compliance_checks.core import ReadError, Result
from compliance_checks.policy_eval import Statement, parse_document, statements
from compliance_checks.reader import Reader

SERVICE_LINKED_PATH = "/aws-service-role/"
ROLE, USER, GROUP = "role", "user", "group"
INLINE, CUSTOMER_MANAGED, AWS_MANAGED = "inline", "customer-managed", "aws-managed"


@dataclass(frozen=True)
class Policy:
    """One policy document a principal holds."""

    name: str
    kind: str  # INLINE, CUSTOMER_MANAGED or AWS_MANAGED
    document: Mapping[str, Any] = field(hash=False, compare=False)
    arn: str | None = None  # managed policies only

    @property
    def label(self) -> str:
        return f"{self.kind} policy {self.arn or self.name}"


@dataclass(frozen=True)
class Principal:
    """A role, user or group with what it carries (documents of managed policies are read apart)."""

    kind: str  # ROLE, USER or GROUP
    name: str
    arn: str
    path: str = "/"
    tags: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    inline: tuple[Policy, ...] = field(default=(), hash=False, compare=False)
    managed_arns: tuple[str, ...] = field(default=(), hash=False, compare=False)
    trust: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)  # roles only
    boundary_arn: str | None = None  # roles and users

    @property
    def service_linked(self) -> bool:
        return self.kind == ROLE and self.path.startswith(SERVICE_LINKED_PATH)

    @property
    def workload(self) -> str | None:
        value = self.tags.get(conventions.WORKLOAD)
        return value.strip() if value is not None else None


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    arn: str
    document: Mapping[str, Any] = field(hash=False, compare=False)
    attachment_count: int = 0


def _tags(raw: Any) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in raw or [] if "Key" in t}


def _inline(items: Any) -> tuple[Policy, ...]:
    return tuple(
        Policy(str(p.get("PolicyName", "")), INLINE, parse_document(p.get("PolicyDocument"))) for p in items or []
    )


def _managed(items: Any) -> tuple[str, ...]:
    return tuple(str(p["PolicyArn"]) for p in items or [] if "PolicyArn" in p)


def _details(reader: Reader, entity: str, result_key: str) -> list[dict[str, Any]]:
    return reader.paginate("iam", "get_account_authorization_details", result_key, Filter=[entity])


def roles(reader: Reader) -> list[Principal]:
    found = []
    for item in _details(reader, "Role", "RoleDetailList"):
        boundary = (item.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        found.append(
            Principal(
                kind=ROLE,
                name=item["RoleName"],
                arn=item["Arn"],
                path=item.get("Path", "/"),
                tags=_tags(item.get("Tags")),
                inline=_inline(item.get("RolePolicyList")),
                managed_arns=_managed(item.get("AttachedManagedPolicies")),
                trust=parse_document(item.get("AssumeRolePolicyDocument")),
                boundary_arn=boundary,
            )
        )
    return found


def users(reader: Reader) -> list[Principal]:
    found = []
    for item in _details(reader, "User", "UserDetailList"):
        boundary = (item.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        found.append(
            Principal(
                kind=USER,
                name=item["UserName"],
                arn=item["Arn"],
                path=item.get("Path", "/"),
                tags=_tags(item.get("Tags")),
                inline=_inline(item.get("UserPolicyList")),
                managed_arns=_managed(item.get("AttachedManagedPolicies")),
                boundary_arn=boundary,
            )
        )
    return found


def groups(reader: Reader) -> list[Principal]:
    return [
        Principal(
            kind=GROUP,
            name=item["GroupName"],
            arn=item["Arn"],
            path=item.get("Path", "/"),
            inline=_inline(item.get("GroupPolicyList")),
            managed_arns=_managed(item.get("AttachedManagedPolicies")),
        )
        for item in _details(reader, "Group", "GroupDetailList")
    ]


def principals(reader: Reader) -> list[Principal]:
    """Every role, user and group (service-linked roles included; callers decide)."""
    return [*roles(reader), *users(reader), *groups(reader)]


def _default_document(versions: Any, default_id: str | None) -> dict[str, Any]:
    for version in versions or []:
        if version.get("IsDefaultVersion") or (default_id and version.get("VersionId") == default_id):
            return parse_document(version.get("Document"))
    return {}


def customer_policies(reader: Reader) -> dict[str, ManagedPolicy]:
    """Customer-managed policies by ARN, each with its default version's document."""
    found = {}
    for item in _details(reader, "LocalManagedPolicy", "Policies"):
        arn = str(item["Arn"])
        found[arn] = ManagedPolicy(
            # moto leaves PolicyName out of the details; the ARN ends with it.
            name=str(item.get("PolicyName") or arn.rsplit("/", 1)[-1]),
            arn=arn,
            document=_default_document(item.get("PolicyVersionList"), item.get("DefaultVersionId")),
            attachment_count=int(item.get("AttachmentCount") or 0),
        )
    return found


def is_aws_managed(policy_arn: str) -> bool:
    return ":iam::aws:policy/" in policy_arn


def managed_document(reader: Reader, policy_arn: str) -> dict[str, Any]:
    """The default version's document of a managed policy (customer-managed from the inventory,
    AWS-managed read with GetPolicy + GetPolicyVersion)."""
    if not is_aws_managed(policy_arn):
        local = customer_policies(reader).get(policy_arn)
        if local is None:
            # Attached policies live in the account; one missing from the details cannot be judged.
            raise ReadError(
                ReadError.FAILED, "iam:GetAccountAuthorizationDetails", f"{policy_arn} is attached but not listed"
            )
        return dict(local.document)
    policy = (reader.call("iam", "get_policy", expect=("Policy",), PolicyArn=policy_arn) or {}).get("Policy", {})
    version_id = policy.get("DefaultVersionId")
    if not version_id:
        return {}
    version = (
        reader.call("iam", "get_policy_version", expect=("PolicyVersion",), PolicyArn=policy_arn, VersionId=version_id)
        or {}
    )
    return parse_document(version.get("PolicyVersion", {}).get("Document"))


def policies_of(reader: Reader, principal: Principal, *, aws_managed: bool = True) -> list[Policy]:
    """The inline and attached managed policies of a principal, with documents.

    ``aws_managed=False`` leaves AWS-managed policies out (and spares their reads). A user's group
    policies are not included: the group is a principal of its own.
    """
    held = list(principal.inline)
    for arn in principal.managed_arns:
        if is_aws_managed(arn):
            if aws_managed:
                held.append(Policy(arn.rsplit("/", 1)[-1], AWS_MANAGED, managed_document(reader, arn), arn))
            continue
        held.append(Policy(arn.rsplit("/", 1)[-1], CUSTOMER_MANAGED, managed_document(reader, arn), arn))
    return held


def boundary_document(reader: Reader, principal: Principal) -> dict[str, Any] | None:
    return None if principal.boundary_arn is None else managed_document(reader, principal.boundary_arn)


# -- scoping ------------------------------------------------------------------------------


def is_break_glass(role: Principal) -> bool:
    if role.kind != ROLE:
        return False
    if role.workload is not None:
        return role.workload.lower() == conventions.BREAK_GLASS
    lowered = role.name.lower()
    return "break-glass" in lowered or "breakglass" in lowered


def break_glass_roles(reader: Reader) -> list[Principal]:
    return [r for r in roles(reader) if is_break_glass(r) and not r.service_linked]


def workload_tagging_in_use(reader: Reader) -> bool:
    return any(r.workload is not None for r in roles(reader))


def workload_roles(reader: Reader, *, include_break_glass: bool = False) -> list[Principal]:
    """Roles tagged with a workload; every role but service-linked and break-glass ones when no
    role is tagged (fail closed). Break-glass roles only when asked for."""
    return workloads_among(roles(reader), include_break_glass=include_break_glass)


def workloads_among(all_roles: list[Principal], *, include_break_glass: bool = False) -> list[Principal]:
    """The workload roles of ``all_roles`` (the account's, or a plan's): the scoping of ``workload_roles``."""
    tagged = any(r.workload is not None for r in all_roles)
    chosen = [r for r in all_roles if not r.service_linked and (r.workload is not None or not tagged)]
    return [r for r in chosen if include_break_glass or not is_break_glass(r)]


ASSUME_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"


def assume_statements(role: Principal) -> list[Statement]:
    """The trust policy's Allow statements that let someone assume the role (not only tag a session)."""
    return [s for s in statements(role.trust) if s.allows and any(s.grants_action(a) for a in ASSUME_ACTIONS)]


def github_oidc_issuer(principal: str) -> str | None:
    """The issuer (``token.actions.githubusercontent.com`` or an enterprise's ``.../<slug>``) when
    ``principal`` is the ARN of GitHub Actions' OIDC provider, else None."""
    marker = ":oidc-provider/"
    if marker not in principal:
        return None
    issuer = principal.split(marker, 1)[1]
    return issuer if issuer.split("/", 1)[0].lower() == GITHUB_OIDC_HOST else None


def trusts_github_oidc(role: Principal) -> bool:
    return any(
        github_oidc_issuer(value) for stmt in assume_statements(role) for value in stmt.principals.get("Federated", ())
    )


def ci_deploy_roles(reader: Reader) -> list[Principal]:
    """Roles whose trust admits GitHub's OIDC provider, and roles tagged as the ci-deploy workload."""
    tagged = {r.arn for r in roles(reader) if (r.workload or "").lower() == "ci-deploy"}
    return [r for r in roles(reader) if not r.service_linked and (trusts_github_oidc(r) or r.arn in tagged)]


class RequestContext(Mapping[str, tuple[str, ...] | None]):
    """What is known of a request a role makes in its own account, as policy_eval.condition_holds
    reads it: the principal's ARN, account and tags, and the target resource's tags. A tag the
    role or resource does not carry is known to be absent; any other key stays unknown."""

    _PRINCIPAL_TAG = "aws:principaltag/"
    _RESOURCE_TAGS = ("aws:resourcetag/", "secretsmanager:resourcetag/")

    def __init__(self, role: Principal, account_id: str, resource_tags: Mapping[str, str] | None = None) -> None:
        self._fixed = {
            "aws:principalarn": (role.arn,),
            "aws:principalaccount": (account_id,),
            "aws:principaltype": ("AssumedRole",),
        }
        self._principal_tags = {k.lower(): v for k, v in role.tags.items()}
        self._resource_tags = {k.lower(): v for k, v in (resource_tags or {}).items()}

    def __contains__(self, key: object) -> bool:
        lowered = str(key).lower()
        return lowered in self._fixed or lowered.startswith((self._PRINCIPAL_TAG, *self._RESOURCE_TAGS))

    def __getitem__(self, key: str) -> tuple[str, ...] | None:
        lowered = key.lower()
        if lowered in self._fixed:
            return self._fixed[lowered]
        if lowered.startswith(self._PRINCIPAL_TAG):
            value = self._principal_tags.get(lowered.removeprefix(self._PRINCIPAL_TAG))
            return None if value is None else (value,)
        for prefix in self._RESOURCE_TAGS:
            if lowered.startswith(prefix):
                value = self._resource_tags.get(lowered.removeprefix(prefix))
                return None if value is None else (value,)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._fixed)

    def __len__(self) -> int:
        return len(self._fixed)


def request_context(role: Principal, account_id: str, resource_tags: Mapping[str, str] | None = None) -> RequestContext:
    return RequestContext(role, account_id, resource_tags)


def get_role(reader: Reader, name: str) -> dict[str, Any]:
    """GetRole's Role (for what the authorization details leave out, e.g. MaxSessionDuration)."""
    return (reader.call("iam", "get_role", expect=("Role",), RoleName=name) or {}).get("Role", {})


# -- users' credentials and the account -----------------------------------------------------


@dataclass(frozen=True)
class AccessKey:
    key_id: str
    status: str
    created: dt.datetime | None
    last_used: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.status == "Active"

    @property
    def label(self) -> str:
        # The id names a credential; the suffix is enough to find it and keeps it out of reports.
        return f"access key ending in {self.key_id[-4:]}"


@dataclass(frozen=True)
class UserCredentials:
    name: str
    arn: str
    created: dt.datetime | None
    password_enabled: bool
    password_created: dt.datetime | None
    password_last_used: dt.datetime | None
    access_keys: tuple[AccessKey, ...]

    @property
    def active_keys(self) -> tuple[AccessKey, ...]:
        return tuple(k for k in self.access_keys if k.active)


def list_users(reader: Reader) -> list[dict[str, Any]]:
    return reader.paginate("iam", "list_users", "Users")


def credentials(reader: Reader, user: Mapping[str, Any]) -> UserCredentials:
    """A user's console password and access keys with their creation and last use."""
    name = str(user["UserName"])
    profile = reader.call(
        "iam", "get_login_profile", missing=("NoSuchEntity",), expect=("LoginProfile",), UserName=name
    )
    keys = []
    for meta in reader.paginate("iam", "list_access_keys", "AccessKeyMetadata", UserName=name):
        key_id = str(meta["AccessKeyId"])
        used = reader.call("iam", "get_access_key_last_used", AccessKeyId=key_id) or {}
        keys.append(
            AccessKey(
                key_id,
                str(meta.get("Status", "")),
                meta.get("CreateDate"),
                used.get("AccessKeyLastUsed", {}).get("LastUsedDate"),
            )
        )
    login = (profile or {}).get("LoginProfile")
    return UserCredentials(
        name=name,
        arn=str(user["Arn"]),
        created=user.get("CreateDate"),
        password_enabled=login is not None,
        password_created=(login or {}).get("CreateDate"),
        password_last_used=user.get("PasswordLastUsed"),
        access_keys=tuple(keys),
    )


def account_summary(reader: Reader) -> dict[str, int]:
    return dict((reader.call("iam", "get_account_summary", expect=("SummaryMap",)) or {}).get("SummaryMap", {}))


def root_arn(reader: Reader) -> str:
    return f"arn:{reader.partition()}:iam::{reader.account_id}:root"


_RESOURCE_TYPES = {ROLE: "AWS::IAM::Role", USER: "AWS::IAM::User", GROUP: "AWS::IAM::Group"}


def typed(result: Result, principal: Principal) -> Result:
    """The result with the principal's CloudFormation type (checks over roles, users and groups)."""
    return replace(result, resource_type=_RESOURCE_TYPES[principal.kind])


def account_scope(reader: Reader) -> str:
    """The resource id of a verdict on the account as a whole (as core.execute names it)."""
    return core.account_scope(reader.account_id_or_unknown())
