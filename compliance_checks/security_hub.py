"""Import a report's findings into AWS Security Hub (``audit --security-hub``).

The findings are the ASFF ones of ``reports/asff.py``, filed under the account's own custom
integration (``product/<account>/default``), so any account with Security Hub enabled can take them
without a partner listing. What an import guarantees:

- Batches of at most 100 findings, the most BatchImportFindings takes in one request.
- A re-run updates, never duplicates: a finding's ``Id`` is stable per account, region, check,
  control and resource, so importing the same report twice leaves one finding each, with a newer
  ``UpdatedAt`` and the ``CreatedAt`` of the first import.
- What was fixed is closed: a finding of this product that Security Hub still holds ACTIVE, that the
  run covered (its control and check were audited, in a region that was audited) and that the run no
  longer reports is re-imported with ``RecordState`` ARCHIVED. A FAIL whose resource now passes is
  simply updated to PASSED under its id. Fail closed: when the run could not assert a check (any
  ERROR of it), that check's earlier findings are kept as they are, never archived for lack of sight.
- Nothing is lost silently: every finding Security Hub refuses (``FailedFindings``), every batch
  that fails as a whole, and every finding of another account (the default product ARN only takes
  the calling account's findings) is counted in ``ImportResult.failed`` with its reason.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from compliance_checks.core import Status
from compliance_checks.reports import asff
from compliance_checks.reports.model import Finding, Report

BATCH_SIZE = 100  # BatchImportFindings: "up to 100 findings" per request
MAX_FINDING_BYTES = 240 * 1024  # "the maximum allowed size for a finding is 240 Kb"
# Fields a finding provider cannot change once the finding exists, or that Security Hub sets itself;
# an archiving re-import leaves them out.
_NOT_IMPORTABLE = frozenset(
    {"Note", "UserDefinedFields", "VerificationState", "Workflow", "WorkflowState", "ProcessedAt"}
)
# What the importing principal needs: write access the auditor's read-only role must not have, so
# the import runs with credentials of its own (in CI, a role allowed exactly these).
IMPORT_PERMISSIONS = (
    "securityhub:BatchImportFindings",
    "securityhub:DescribeHub",
    "securityhub:GetFindings",
    "sts:GetCallerIdentity",
)
# The failure code of a finding of another audited account (its own credentials must import it).
OTHER_ACCOUNT = "OtherAccount"
_RETRIES = Config(retries={"mode": "adaptive", "max_attempts": 8})


class SecurityHubImportError(Exception):
    """The import could not start: no region, no identity, or Security Hub is not enabled there."""


@dataclass(frozen=True)
class FailedImport:
    finding_id: str
    code: str
    message: str


@dataclass
class ImportResult:
    region: str
    account_id: str
    product_arn: str
    new: int = 0
    updated: int = 0
    archived: int = 0
    kept_unasserted: int = 0  # earlier findings of checks this run could not assert, left as they were
    failed: list[FailedImport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        parts = [
            f"Security Hub {self.region}: {self.new} new, {self.updated} updated, {self.archived} archived",
        ]
        if self.kept_unasserted:
            parts.append(f"{self.kept_unasserted} kept (their check could not be asserted this run)")
        if self.failed:
            first = self.failed[0]
            parts.append(f"{len(self.failed)} FAILED (first: {first.finding_id}: {first.code}: {first.message})")
        return ", ".join(parts)


def _batches(items: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _error(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return str(error.get("Code", "ClientError")), str(error.get("Message", exc))
    return type(exc).__name__, str(exc)


def _existing(client: Any, product_arn: str, account_id: str) -> list[dict[str, Any]]:
    """This product's ACTIVE findings in the account. The filters go to Security Hub and are applied
    again here, so a partial implementation of them (moto ignores them) cannot widen the set."""
    filters = {
        "ProductArn": [{"Value": product_arn, "Comparison": "EQUALS"}],
        "AwsAccountId": [{"Value": account_id, "Comparison": "EQUALS"}],
        "GeneratorId": [{"Value": asff.GENERATOR_PREFIX, "Comparison": "PREFIX"}],
        "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
    }
    found: list[dict[str, Any]] = []
    token: str | None = None
    seen_tokens: set[str] = set()
    while True:
        kwargs: dict[str, Any] = {"Filters": filters, "MaxResults": 100}
        if token:
            kwargs["NextToken"] = token
        page = client.get_findings(**kwargs)
        if "Findings" not in page:
            raise SecurityHubImportError("GetFindings answered without a Findings list")
        found.extend(page["Findings"])
        token = page.get("NextToken")
        if not token:
            break
        if token in seen_tokens:
            raise SecurityHubImportError("GetFindings repeated a NextToken: the listing would never end")
        seen_tokens.add(token)
    return [
        f
        for f in found
        if f.get("ProductArn") == product_arn
        and f.get("AwsAccountId") == account_id
        and str(f.get("GeneratorId", "")).startswith(asff.GENERATOR_PREFIX)
        and f.get("RecordState", "ACTIVE") == "ACTIVE"
    ]


def _covered(existing: dict[str, Any], report: Report, hub_region: str) -> bool:
    """True when this run audited what the earlier finding was about (its control, check, region)."""
    fields = existing.get("ProductFields") or {}
    control, check = fields.get("leadping/control"), fields.get("leadping/check")
    region = fields.get("leadping/region") or existing.get("Region")
    checks = set(report.metadata.get("checks") or report.checks)
    regions = set(report.metadata.get("regions") or [])
    if control not in {c.id for c in report.controls}:
        return False
    if check != "manual" and check not in checks:
        return False
    return region in regions or region in ("global", hub_region)


def _archived(existing: dict[str, Any], now: str) -> dict[str, Any]:
    copy = {k: v for k, v in existing.items() if k not in _NOT_IMPORTABLE}
    return {**copy, "UpdatedAt": now, "RecordState": "ARCHIVED"}


def _unasserted_checks(findings: Iterable[Finding]) -> set[str]:
    return {f.check_id for f in findings if f.status is Status.ERROR and f.check_id}


def _send(client: Any, findings: list[dict[str, Any]], result: ImportResult, batch_size: int) -> set[str]:
    """Imports ``findings``; returns the ids Security Hub accepted, records every refusal."""
    accepted: set[str] = set()
    sendable = []
    for finding in findings:
        size = len(json.dumps(finding, default=str).encode())
        if size > MAX_FINDING_BYTES:
            result.failed.append(FailedImport(finding["Id"], "TooLarge", f"{size} bytes, over 240 KB"))
        else:
            sendable.append(finding)
    for batch in _batches(sendable, batch_size):
        ids = [f["Id"] for f in batch]
        try:
            response = client.batch_import_findings(Findings=batch)
        except (ClientError, BotoCoreError) as exc:
            code, message = _error(exc)
            result.failed.extend(FailedImport(i, code, message) for i in ids)
            continue
        refused = {
            str(f.get("Id")): FailedImport(str(f.get("Id")), str(f.get("ErrorCode")), str(f.get("ErrorMessage")))
            for f in response.get("FailedFindings", [])
        }
        if response.get("FailedCount", 0) != len(refused):
            # A count without the ids it counts: nothing of this batch can be taken as imported.
            message = f"FailedCount {response.get('FailedCount')} but {len(refused)} FailedFindings"
            result.failed.extend(FailedImport(i, "InconsistentResponse", message) for i in ids)
            continue
        result.failed.extend(refused.values())
        accepted.update(i for i in ids if i not in refused)
    return accepted


def import_findings(
    session: boto3.Session,
    report: Report,
    *,
    region: str | None = None,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Imports ``report`` into Security Hub in ``region`` (default: the session's) for the account
    the session belongs to; see the module docstring for what it guarantees."""
    if not 1 <= batch_size <= BATCH_SIZE:
        raise ValueError(f"batch_size must be 1 to {BATCH_SIZE}")
    hub_region = region or session.region_name
    if not hub_region:
        raise SecurityHubImportError("no region for Security Hub: name one (--region or AWS_REGION)")
    try:
        account_id = session.client("sts", region_name=hub_region).get_caller_identity()["Account"]
        client = session.client("securityhub", region_name=hub_region, config=_RETRIES)
        client.describe_hub()
    except (ClientError, BotoCoreError) as exc:
        code, message = _error(exc)
        raise SecurityHubImportError(f"Security Hub in {hub_region} cannot take findings: {code}: {message}") from exc
    product = asff.product_arn(hub_region, account_id)
    result = ImportResult(region=hub_region, account_id=account_id, product_arn=product)
    stamp = asff.timestamp(now or dt.datetime.now(dt.UTC))

    mine = [f for f in report.sorted_findings() if report.account_of(f) == account_id]
    for other in (f for f in report.sorted_findings() if report.account_of(f) != account_id):
        result.failed.append(
            FailedImport(
                asff.finding_id(other),
                OTHER_ACCOUNT,
                f"finding of account {report.account_of(other)}: import it with that account's credentials",
            )
        )
    try:
        existing = _existing(client, product, account_id)
    except (ClientError, BotoCoreError, SecurityHubImportError) as exc:
        code, message = _error(exc)
        # Without the listing nothing can be archived; the current findings still go in.
        result.failed.append(FailedImport("*", code, f"could not list earlier findings, none archived: {message}"))
        existing = []
    known = {str(f["Id"]): str(f.get("CreatedAt") or stamp) for f in existing}

    current = [asff.to_asff(f, report, hub_region=hub_region, now=stamp, first_seen=known) for f in mine]
    current_ids = {f["Id"] for f in current}
    unasserted = _unasserted_checks(mine)
    to_archive = []
    for earlier in existing:
        if earlier["Id"] in current_ids or not _covered(earlier, report, hub_region):
            continue
        if (earlier.get("ProductFields") or {}).get("leadping/check") in unasserted:
            result.kept_unasserted += 1
            continue
        to_archive.append(_archived(earlier, stamp))

    accepted = _send(client, current, result, batch_size)
    result.new = sum(1 for i in accepted if i not in known)
    result.updated = sum(1 for i in accepted if i in known)
    result.archived = len(_send(client, to_archive, result, batch_size))
    return result
