"""Reading IAM-style policy documents (identity, bucket, key and secret policies).

Small, pure helpers shared by the checks: normalise statements, match actions and resources
with IAM's wildcards, and read principals and conditions the way IAM does (keys and operators
case-insensitive, values as lists).
"""

from __future__ import annotations

import functools
import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def parse_document(document: str | Mapping[str, Any] | None) -> dict[str, Any]:
    """A policy document from a dict, JSON text, or URL-encoded JSON text (as IAM returns it)."""
    if document is None:
        return {}
    if isinstance(document, Mapping):
        return dict(document)
    text = document.strip()
    if text.startswith("%7B") or text.startswith("%7b"):
        text = urllib.parse.unquote(text)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    principals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    not_principals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    sid: str = ""

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def denies(self) -> bool:
        return self.effect == "Deny"

    def grants_action(self, action: str) -> bool:
        """True when the statement's action block covers ``action`` (e.g. "s3:GetObject")."""
        if self.not_actions:
            return not any(action_matches(p, action) for p in self.not_actions)
        return any(action_matches(p, action) for p in self.actions)

    def covers_resource(self, arn: str) -> bool:
        if self.not_resources:
            return not any(resource_matches(p, arn) for p in self.not_resources)
        return any(resource_matches(p, arn) for p in self.resources)

    def condition(self, operator: str, key: str) -> tuple[str, ...] | None:
        """Values of a condition (operator and key compared case-insensitively), or None."""
        for op, block in self.conditions.items():
            if op.lower() != operator.lower():
                continue
            for k, values in block.items():
                if k.lower() == key.lower():
                    return values
        return None

    def condition_keys(self) -> set[str]:
        return {k.lower() for block in self.conditions.values() for k in block}


def _principals(value: Any) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if value == "*":
        return {"*": ("*",)}
    if isinstance(value, Mapping):
        return {str(k): tuple(str(v) for v in as_list(vals)) for k, vals in value.items()}
    return {"AWS": tuple(str(v) for v in as_list(value))}


def statements(document: str | Mapping[str, Any] | None) -> list[Statement]:
    doc = parse_document(document)
    result = []
    for raw in as_list(doc.get("Statement")):
        if not isinstance(raw, Mapping):
            continue
        conditions = {
            str(op): {str(k): tuple(str(v) for v in as_list(vals)) for k, vals in (block or {}).items()}
            for op, block in (raw.get("Condition") or {}).items()
            if isinstance(block, Mapping)
        }
        result.append(
            Statement(
                effect=str(raw.get("Effect", "")),
                actions=tuple(str(a) for a in as_list(raw.get("Action"))),
                not_actions=tuple(str(a) for a in as_list(raw.get("NotAction"))),
                resources=tuple(str(r) for r in as_list(raw.get("Resource"))),
                not_resources=tuple(str(r) for r in as_list(raw.get("NotResource"))),
                principals=_principals(raw.get("Principal")),
                not_principals=_principals(raw.get("NotPrincipal")),
                conditions=conditions,
                sid=str(raw.get("Sid", "")),
            )
        )
    return result


@functools.lru_cache(maxsize=4096)
def _single_character_glob(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.DOTALL)


def wildcard_matches(pattern: str, text: str) -> bool:
    """IAM's wildcard matching: ``*`` any run of characters, ``?`` one character, everything else
    literal (``[`` included: IAM has no character classes, unlike shell globs). A pattern with only
    ``*`` is matched without a regular expression: an audit compares every bucket's ARN with its own
    policy's patterns, each seen once."""
    if "?" in pattern:
        return _single_character_glob(pattern).fullmatch(text) is not None
    first, *middle = pattern.split("*")
    if not middle:
        return text == pattern
    last = middle.pop()
    end = len(text) - len(last)
    if end < len(first) or not text.startswith(first) or not text.endswith(last):
        return False
    position = len(first)
    for part in middle:
        found = text.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def action_matches(pattern: str, action: str) -> bool:
    """IAM action matching: case-insensitive, ``*`` and ``?`` wildcards."""
    return wildcard_matches(pattern.lower(), action.lower())


def resource_matches(pattern: str, arn: str) -> bool:
    """IAM resource matching: case-sensitive, ``*`` and ``?`` wildcards (policy variables kept literal)."""
    return wildcard_matches(pattern, arn)


def is_full_wildcard_action(action: str) -> bool:
    return action.strip() in ("*", "*:*")


def service_of(action: str) -> str:
    return action.split(":", 1)[0].lower() if ":" in action else "*"


def wildcard_actions_on(statement: Statement, services: Iterable[str]) -> list[str]:
    """The action patterns of an Allow statement that grant every action of one of ``services``.

    ``*``, ``s3:*`` and ``s3:*Object*``-style patterns that cover a whole service count, as does a
    NotAction block (which grants everything it does not name).
    """
    wanted = {s.lower() for s in services}
    hits = []
    if statement.not_actions:
        return [f"NotAction {list(statement.not_actions)}"]
    for action in statement.actions:
        service = service_of(action)
        name = action.split(":", 1)[1] if ":" in action else action
        if action.strip() == "*" or (service in wanted and name.strip() == "*"):
            hits.append(action)
    return hits


def principal_is_everyone(statement: Statement) -> bool:
    return "*" in statement.principals.get("*", ()) or "*" in statement.principals.get("AWS", ())


# -- wildcards on data services (LP-AC-2, LP-PA-1) ------------------------------------------

# Read actions whose name starts like a metadata read (Get/List/Describe) but return the data itself:
# object contents and listings, items, secret values. Every other action on a data service that is not
# a Get/List/Describe (Decrypt, PutObject, DeleteTable, PutBucketPolicy, ...) reads, writes or changes
# access to data, so it counts without a list.
DATA_READ_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "s3": (
        "GetObject",
        "GetObjectVersion",
        "GetObjectAttributes",
        "GetObjectVersionAttributes",
        "GetObjectTorrent",
        "GetObjectVersionTorrent",
        "GetObjectVersionForReplication",
        "ListBucket",
        "ListBucketVersions",
        "ListBucketMultipartUploads",
        "ListMultipartUploadParts",
    ),
    "dynamodb": ("GetItem", "BatchGetItem", "Query", "Scan", "PartiQLSelect", "GetRecords"),
    "secretsmanager": ("GetSecretValue",),
    "kms": (),
    "rds-data": (),
}
_METADATA_PREFIXES = ("get", "list", "describe")
# Actions IAM authorises only on "*" (they name no existing resource): "*" is no choice there, so
# it does not count as a wildcard resource. Only these exact actions; kms:Create* also covers
# CreateGrant and CreateAlias, which do name keys.
RESOURCELESS_ACTIONS = frozenset({"kms:createkey", "kms:generaterandom", "kms:createcustomkeystore"})
# An action name no service defines: a NotAction block that does not exclude it grants the whole service.
_PROBE_ACTION = "LeadpingWildcardProbe"


def grants_whole_service(statement: Statement, service: str) -> str | None:
    """The pattern through which ``statement`` grants every action of ``service`` ("*", "s3:*", a
    NotAction block that leaves the service in), or None."""
    if statement.not_actions:
        if statement.grants_action(f"{service}:{_PROBE_ACTION}"):
            return f"NotAction {list(statement.not_actions)}"
        return None
    for action in statement.actions:
        name = action.split(":", 1)[1] if ":" in action else action
        if action.strip() in ("*", "*:*") or (service_of(action) == service.lower() and name.strip() == "*"):
            return action
    return None


def data_actions_granted(statement: Statement, service: str) -> list[str]:
    """The action patterns of ``statement`` on ``service`` that reach beyond metadata reads.

    A pattern counts when its name does not start with Get/List/Describe (so ``s3:*``, ``s3:Put*``,
    ``kms:Decrypt``) or when it covers a data read (``s3:Get*`` covers ``s3:GetObject``). A NotAction
    block that leaves the service in counts as a whole. RESOURCELESS_ACTIONS never count.
    """
    if statement.not_actions:
        whole = grants_whole_service(statement, service)
        return [whole] if whole else []
    hits = []
    for action in statement.actions:
        if action.strip() in ("*", "*:*"):
            hits.append(action)
            continue
        if service_of(action) != service.lower() or action.strip().lower() in RESOURCELESS_ACTIONS:
            continue
        name = action.split(":", 1)[1].strip().lower()
        reads_data = any(action_matches(action, f"{service}:{read}") for read in DATA_READ_ACTIONS.get(service, ()))
        if reads_data or not name.startswith(_METADATA_PREFIXES):
            hits.append(action)
    return hits


def is_wildcard_resource(pattern: str) -> bool:
    """True when a Resource pattern names every resource of its kind, not a chosen few.

    ``*``, ``arn:aws:s3:::*``, ``arn:aws:dynamodb:*:*:table/*``, ``arn:aws:kms:us-east-1:111:key/*``
    and ``arn:aws:iam::111:role/*`` are wildcards: the resource's name (after its type, if the service
    has one) starts with a wildcard. ``arn:aws:s3:::leads-*`` or ``arn:aws:s3:::bucket/*`` (one
    bucket's objects) are not.
    """
    text = pattern.strip()
    if text in ("*", "arn:*"):
        return True
    parts = text.split(":", 5)
    if len(parts) < 6:
        return text.startswith(("*", "?"))
    service, resource = parts[2], parts[5]
    if service in ("*", "") and resource.startswith(("*", "?")):
        return True
    if service == "s3":
        name = resource
    else:
        kind, sep, rest = _split_resource_type(resource)
        name = rest if sep else kind
    return name.startswith(("*", "?"))


def _split_resource_type(resource: str) -> tuple[str, str, str]:
    """Splits ``table/orders`` or ``secret:db-AbCd`` into type, separator and the rest."""
    cut = min((i for i in (resource.find("/"), resource.find(":")) if i >= 0), default=-1)
    if cut < 0:
        return resource, "", ""
    return resource[:cut], resource[cut], resource[cut + 1 :]


def wildcard_resources(statement: Statement) -> list[str]:
    """The resource patterns of ``statement`` that name every resource (a NotResource block counts)."""
    if statement.not_resources:
        return [f"NotResource {list(statement.not_resources)}"]
    return [r for r in statement.resources if is_wildcard_resource(r)]


# -- conditions against what is known about a request ---------------------------------------


def _negated(base: str) -> bool:
    return "not" in base.lower() and base.lower() != "null"


def _compare(base: str, pattern: str, value: str) -> bool:
    kind = base.lower().replace("ifexists", "")
    if kind in ("stringequals", "stringnotequals", "arnequals", "arnnotequals"):
        if kind.startswith("arn"):
            return resource_matches(pattern, value)
        return pattern == value
    if kind in ("stringequalsignorecase", "stringnotequalsignorecase"):
        return pattern.lower() == value.lower()
    if kind in ("stringlike", "stringnotlike", "arnlike", "arnnotlike"):
        return resource_matches(pattern, value)
    if kind == "bool":
        return pattern.lower() == value.lower()
    raise KeyError(base)


def condition_holds(statement: Statement, known: Mapping[str, tuple[str, ...] | None]) -> bool | None:
    """Whether a statement's Condition block holds for a request, as far as it can be told.

    ``known`` maps lower-cased condition keys to their values in the request, or to None when the
    request is known to lack the key. A key not in ``known`` (or an operator not understood) makes
    the answer None: unknown. Follows IAM: every block must hold; ``...IfExists`` holds on a missing
    key; negated operators hold on a missing key; ``ForAllValues`` holds on a missing key and
    ``ForAnyValue`` does not.
    """
    verdict: bool | None = True
    for operator, block in statement.conditions.items():
        qualifier, _, base = operator.rpartition(":")
        qualifier = qualifier.lower()
        for key, patterns in block.items():
            lowered = key.lower()
            if base.lower() == "null":
                if lowered not in known:
                    verdict = None
                    continue
                absent = known[lowered] is None
                holds = any((p.lower() == "true") == absent for p in patterns)
            elif lowered not in known:
                verdict = None
                continue
            else:
                values = known[lowered]
                try:
                    holds = _values_hold(qualifier, base, patterns, values)
                except KeyError:
                    verdict = None
                    continue
            if not holds:
                return False
    return verdict


def _values_hold(qualifier: str, base: str, patterns: tuple[str, ...], values: tuple[str, ...] | None) -> bool:
    if not values:
        if qualifier == "forallvalues":
            return True
        if qualifier == "foranyvalue":
            return False
        return base.lower().endswith("ifexists") or _negated(base)
    if _negated(base):
        matches = [not any(_compare(base, p, v) for p in patterns) for v in values]
    else:
        matches = [any(_compare(base, p, v) for p in patterns) for v in values]
    return all(matches) if qualifier == "forallvalues" else any(matches)


# -- can one principal perform one action on one resource -----------------------------------


@dataclass(frozen=True)
class Access:
    """The outcome of evaluating a request: allowed or not, and whether it rests on a condition
    this evaluation could not decide (then it is counted as allowed, to fail closed)."""

    allowed: bool
    conditional: bool = False
    reason: str = ""


def _applies(statement: Statement, action: str, resource: str) -> bool:
    return statement.grants_action(action) and statement.covers_resource(resource)


def _principal_names(value: str, role_arn: str, account_id: str) -> str:
    """'self' when a principal value names the role (or its sessions), 'account' for the account."""
    role_name = role_arn.rsplit("/", 1)[-1]
    partition = role_arn.split(":")[1] if role_arn.count(":") >= 5 else "aws"
    if value == "*":
        return "everyone"
    if value == role_arn or value.startswith(f"arn:{partition}:sts::{account_id}:assumed-role/{role_name}/"):
        return "self"
    if value in (account_id, f"arn:{partition}:iam::{account_id}:root"):
        return "account"
    return ""


def evaluate_access(
    *,
    identity: Iterable[Mapping[str, Any]],
    action: str,
    resource: str,
    role_arn: str,
    account_id: str,
    known: Mapping[str, tuple[str, ...] | None],
    boundary: Mapping[str, Any] | None = None,
    resource_policy: Mapping[str, Any] | str | None = None,
) -> Access:
    """Whether a role of ``account_id`` may perform ``action`` on ``resource`` in the same account.

    Same-account evaluation: an explicit Deny (identity or resource policy) whose condition holds
    wins; otherwise an identity Allow (within the permissions boundary, when there is one) or a
    resource-policy Allow naming the role or everyone grants access. A condition that cannot be
    decided counts for an Allow and not for a Deny, so the answer errs towards "allowed".
    """
    conditional = False
    identity_statements = [s for doc in identity for s in statements(doc)]
    resource_statements = statements(resource_policy)

    def _named(principals: Mapping[str, tuple[str, ...]]) -> set[str]:
        return {_principal_names(v, role_arn, account_id) for values in principals.values() for v in values}

    for stmt in identity_statements:
        if stmt.denies and _applies(stmt, action, resource) and condition_holds(stmt, known) is True:
            return Access(False, reason=f"denied by an identity policy statement {stmt.sid or ''}".strip())
    for stmt in resource_statements:
        if not (stmt.denies and _applies(stmt, action, resource)):
            continue
        if stmt.not_principals:
            targets_role = not ({"self", "account"} & _named(stmt.not_principals))
        else:
            targets_role = bool({"self", "account", "everyone"} & _named(stmt.principals))
        if targets_role and condition_holds(stmt, known) is True:
            return Access(False, reason=f"denied by the resource policy {stmt.sid or ''}".strip())

    def allowed_by(found: list[Statement]) -> bool | None:
        verdicts = [condition_holds(s, known) for s in found]
        if True in verdicts:
            return True
        return None if None in verdicts else False

    identity_hits = [s for s in identity_statements if s.allows and _applies(s, action, resource)]
    identity_allows = allowed_by(identity_hits)
    if identity_allows is not False and boundary is not None:
        boundary_hits = [s for s in statements(boundary) if s.allows and _applies(s, action, resource)]
        boundary_denied = any(
            s.denies and _applies(s, action, resource) and condition_holds(s, known) is True
            for s in statements(boundary)
        )
        within = False if boundary_denied else allowed_by(boundary_hits)
        if within is False:
            identity_allows = False
        elif within is None:
            conditional = True
    resource_hits = [
        s
        for s in resource_statements
        if s.allows and _applies(s, action, resource) and {"self", "everyone"} & _named(s.principals)
    ]
    resource_allows = allowed_by(resource_hits)
    if identity_allows is True or resource_allows is True:
        return Access(True, conditional, "allowed")
    if identity_allows is None or resource_allows is None:
        return Access(True, True, "allowed under a condition this audit cannot evaluate")
    return Access(False, reason="no statement allows it")


# -- tenant scoping (LP-AC-3) ---------------------------------------------------------------

TENANT_VARIABLE = "${aws:PrincipalTag/business_id}"
TENANT_PREFIX = f"businesses/{TENANT_VARIABLE}/"
# Item-level actions: what dynamodb:LeadingKeys can scope (on the table and its indexes).
DYNAMODB_ITEM_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:PartiQLSelect",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
)
# Requests that need not name a partition key, so they carry no dynamodb:LeadingKeys; ForAllValues
# conditions hold vacuously on them.
DYNAMODB_KEYLESS_ACTIONS = ("dynamodb:Scan", "dynamodb:PartiQLSelect")
# Reading, writing, deleting or re-sharing object contents (metadata reads such as GetObjectAcl or
# GetObjectTagging are left out). s3:ListBucket is not here: it is authorised on the bucket, not on
# object ARNs, and HeadBucket (every deploy tool's existence check) needs it without a prefix.
S3_OBJECT_ACTIONS = (
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectTorrent",
    "s3:GetObjectVersionTorrent",
    "s3:GetObjectVersionForReplication",
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:PutObjectVersionAcl",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:RestoreObject",
    "s3:ReplicateObject",
    "s3:ReplicateDelete",
)
_TENANT_VARIABLE_RE = re.compile(re.escape(TENANT_VARIABLE), re.IGNORECASE)


def granted(statement: Statement, actions: Iterable[str]) -> list[str]:
    return [a for a in actions if statement.grants_action(a)]


def leading_keys_problem(statement: Statement) -> str | None:
    """Why a statement granting item access to a tenant table is not scoped to the caller's
    business, or None when its Condition pins dynamodb:LeadingKeys to the principal's business_id."""
    for operator in ("ForAllValues:StringEquals", "StringEquals"):
        values = statement.condition(operator, "dynamodb:LeadingKeys")
        if values is None:
            continue
        if [v.lower() for v in values] != [TENANT_VARIABLE.lower()]:
            return f"{operator} dynamodb:LeadingKeys is {list(values)}, not [{TENANT_VARIABLE}]"
        keyless = granted(statement, DYNAMODB_KEYLESS_ACTIONS)
        guarded = [v.lower() for v in statement.condition("Null", "dynamodb:LeadingKeys") or ()] == ["false"]
        if operator.startswith("ForAllValues") and keyless and not guarded:
            return (
                f"ForAllValues holds for requests without a partition key, so {', '.join(keyless)} reach every "
                'business (add "Null": {"dynamodb:LeadingKeys": "false"} or drop them)'
            )
        return None
    return f"no dynamodb:LeadingKeys = {TENANT_VARIABLE} condition"


def _with_tenant(statement: Statement, tenant: str) -> Statement:
    """The statement with the principal's business_id variable replaced by ``tenant``."""

    def sub(patterns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_TENANT_VARIABLE_RE.sub(tenant, p) for p in patterns)

    return replace(statement, resources=sub(statement.resources), not_resources=sub(statement.not_resources))


def object_scope(statement: Statement, bucket_arn: str) -> tuple[bool, str | None]:
    """Whether a statement grants object access in a tenant bucket, and why it is not limited to
    ``businesses/${aws:PrincipalTag/business_id}/`` (None when it is).

    Decided by probing: with the variable read as business "tenant-a", the statement may cover
    tenant-a's objects but none of another business's ("tenant-b", "tenant-ab") nor objects
    outside the businesses/ prefix.
    """
    actions = granted(statement, S3_OBJECT_ACTIONS)
    if not actions:
        return False, None
    scoped = _with_tenant(statement, "tenant-a")
    own = f"{bucket_arn}/businesses/tenant-a/object"
    foreign = (
        f"{bucket_arn}/businesses/tenant-b/object",
        f"{bucket_arn}/businesses/tenant-ab/object",
        f"{bucket_arn}/object",
        f"{bucket_arn}/other/tenant-a/object",
    )
    if scoped.not_resources:
        reaches = any(scoped.covers_resource(p) for p in (own, *foreign))
    else:
        reaches = any(_may_cover_objects(p, bucket_arn) for p in scoped.resources)
    if not reaches:
        return False, None
    if any(scoped.covers_resource(p) for p in foreign):
        where = list(statement.not_resources) or list(statement.resources)
        return True, f"{', '.join(actions[:3])} on {where} reach beyond {TENANT_PREFIX}"
    return True, None


def _may_cover_objects(pattern: str, bucket_arn: str) -> bool:
    """Whether a Resource pattern can match some object of the bucket (its literal part, up to the
    first wildcard, agrees with ``<bucket ARN>/``)."""
    prefix = f"{bucket_arn}/"
    literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
    if literal == pattern:
        return pattern.startswith(prefix)
    return prefix.startswith(literal) or literal.startswith(prefix)
