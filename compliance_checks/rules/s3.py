"""LP-TX-1 (and LP-LOG-2 for the archive): a bucket policy denies every request made without TLS.

The policy needs a statement that is a Deny for Principal "*" (or {"AWS": "*"}), on every S3 action
(``s3:*`` or ``*``), covering the bucket and ``bucket/*`` (wildcards that cover both count), with
exactly the condition ``Bool aws:SecureTransport = false``: another condition in the same statement
narrows the deny (conditions are ANDed), so it does not count. No policy fails.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from compliance_checks.policy_eval import Statement, principal_is_everyone, statements
from compliance_checks.rules import Verdict, comply, violate

# What a statement covering every bucket is judged against when the plan does not name the bucket.
ANY_BUCKET = "arn:aws:s3:::leadping-any-bucket"
# A bucket name as S3 allows it (3-63 lowercase letters, digits, dots, hyphens). A plan whose bucket
# is not yet known gives something else (None, or Checkov's reference to another resource's id).
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def bucket_arn(name: object) -> str | None:
    """The bucket's ARN when ``name`` is a bucket name, else None (the policy's own ARNs are tried)."""
    return f"arn:aws:s3:::{name}" if isinstance(name, str) and _BUCKET_NAME.fullmatch(name) else None


def tls_deny_problem(stmt: Statement, arn: str) -> str | None:
    """Why a statement is not the TLS-only deny, or None when it is."""
    if not stmt.denies or stmt.not_principals or not principal_is_everyone(stmt):
        return "not a Deny for Principal *"
    if stmt.not_actions or not any(a.strip().lower() in ("*", "s3:*") for a in stmt.actions):
        return f"denies only {list(stmt.actions) or list(stmt.not_actions)}, not s3:*"
    if not (stmt.covers_resource(arn) and stmt.covers_resource(f"{arn}/*") and stmt.covers_resource(f"{arn}/a/b")):
        return f"covers {list(stmt.resources) or list(stmt.not_resources)}, not both the bucket and its objects"
    keys = [(op, key) for op, block in stmt.conditions.items() for key in block]
    transport = [
        (op, key) for op, key in keys if op.lower() in ("bool", "boolifexists") and key.lower() == "aws:securetransport"
    ]
    if not transport or [v.lower() for v in stmt.condition(*transport[0]) or ()] != ["false"]:
        return "no Bool aws:SecureTransport = false condition"
    if len(keys) > 1:
        return f"aws:SecureTransport is combined with {[k for _, k in keys if k.lower() != 'aws:securetransport']}"
    return None


def _named_buckets(found: list[Statement]) -> list[str]:
    """The bucket ARNs a policy names (the gate's plan may not know which bucket it is attached to)."""
    named = {r for s in found for r in s.resources if r.startswith("arn:") and "/" not in r.split(":::", 1)[-1]}
    return sorted(named) or [ANY_BUCKET]


def tls_only(policy: str | Mapping[str, Any] | None, bucket_arn: str | None) -> Verdict:
    """``policy``: the bucket policy (JSON text or document), None when the bucket has none;
    ``bucket_arn``: None when the plan does not know it (each bucket the policy names is tried)."""
    if not policy:
        return violate("no bucket policy, so plaintext requests are not denied", tls_only_statements=[])
    found = statements(policy)
    for arn in [bucket_arn] if bucket_arn else _named_buckets(found):
        problems = {s.sid or f"statement {i + 1}": tls_deny_problem(s, arn) for i, s in enumerate(found)}
        tls = [name for name, problem in problems.items() if problem is None]
        version_deny = any(s.denies and s.condition("NumericLessThan", "s3:TlsVersion") for s in found)
        evidence = {"tls_only_statements": tls, "tls_version_deny": version_deny}
        if tls:
            return comply(f"denies plaintext requests ({', '.join(tls)})", **evidence)
    near = "; ".join(f"{n}: {p}" for n, p in problems.items() if p and p != "not a Deny for Principal *")
    return violate("no statement denies every request without TLS" + (f" ({near})" if near else ""), **evidence)
