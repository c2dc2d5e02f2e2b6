"""A report whose data tries everything a hostile or careless account could put in a finding:
``:secret:`` in every Secrets Manager ARN (rich and GitHub turn such codes into pictograms), rich
markup in ``[brackets]``, a spreadsheet formula, HTML, Markdown, terminal escape sequences, a carriage
return, bidi overrides, and a waiver whose justification clears the screen. Every report format is
rendered from it by the tests of this folder."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance_checks.catalog import Catalog, Control
from compliance_checks.core import Check, CheckMetadata, Result, Severity, Status, errored, failed, passed
from compliance_checks.reports.model import Report
from compliance_checks.runner import AuditOptions, run_audit, select
from compliance_checks.waivers import Waiver
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION

SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:prod/db-:rocket:-AbCdEf"
BRACKET_BUCKET = "arn:aws:s3:::[bold]loud[/bold]-bucket"
FORMULA_BUCKET = "arn:aws:s3:::=HYPERLINK(x)"
WAIVED_BUCKET = "arn:aws:s3:::legacy-archive"
ESCAPES = "\x1b[31mred\x1b[0m \rOVERWRITE \u202etxt.exe\u202c \x9b2J"
HOSTILE_MESSAGE = f"=cmd|'/C calc'!A0 [link=https://evil.example]click[/link] <b>bold</b> *em* :secret: {ESCAPES}"
HOSTILE_JUSTIFICATION = "\x1b[2J\x1b[Hscreen cleared :rocket: [red]approved[/red]"
# Every character that must never reach an output raw (JSON formats escape them as \uXXXX).
RAW_CONTROLS = ("\x1b", "\r", "\u202e", "\u202c", "\x9b")


class Hostile(Check):
    """Scenarios: given resources and messages holding markup, emoji codes and control characters,
    then the verdicts are PASS, FAIL (one waived) and ERROR like any other."""

    metadata = CheckMetadata(
        title="Hostile data [b]check[/b]",
        severity=Severity.CRITICAL,
        resource_type="AWS::SecretsManager::Secret",
        rationale="exercise every escaping rule",
        remediation="Rotate it: see the runbook.",
        permissions=("secretsmanager:ListSecrets",),
    )

    def evaluate(self, ctx):
        yield passed(SECRET_ARN, "rotation on :secret: [green]ok[/green]", region=REGION, rotation_days=30)
        yield Result(
            Status.FAIL,
            BRACKET_BUCKET,
            HOSTILE_MESSAGE,
            REGION,
            resource_type="AWS::S3::Bucket",
            evidence={"note": ESCAPES, "arn": SECRET_ARN},
        )
        yield failed(FORMULA_BUCKET, "-2+3 @SUM(A1)", region=REGION)
        yield failed(WAIVED_BUCKET, "kept on purpose", region=REGION)
        yield errored(f"{SECRET_ARN}-2", f"AccessDenied {ESCAPES}", region=REGION)


CATALOG = Catalog(
    (
        Control(
            "LP-DR-1",
            "Data at rest",
            "Data at rest is protected.",
            ("hostile",),
            runbooks=("runbooks/failed-compliance-check.md",),
            references={"security_hub": ("S3.17", "SecretsManager.1"), "soc2": ("CC6.1",)},
        ),
        Control("LP-IR-1", "Incidents", "Report a concern.", (), manual_evidence="triage records"),
    )
)


@pytest.fixture
def hostile_report(reader) -> Report:
    # Built directly, not parsed: what a waivers file may hold is the loader's business; what a
    # report shows of any justification is this folder's.
    waivers = [
        Waiver(
            index=0,
            justification=HOSTILE_JUSTIFICATION,
            expires=dt.date(2099, 12, 31),
            check_id="hostile",
            resource=WAIVED_BUCKET,
            owner="platform-team",
        )
    ]
    report = run_audit([reader], select(CATALOG, {"hostile": Hostile}), AuditOptions(waivers=waivers))
    report.runbook_base = "https://github.com/leadping/platform/blob/0123abc/"
    return report
