"""Reports of every shape, built the same way every time, and the text each format made of them.

The texts under ``data/streaming/`` were written by the whole-document renderers these formats had
before they streamed (sarif, junit, oscal, markdown, and the gate's JUnit and SARIF on the builders
they share); test_streaming_formats.py holds the streaming writers to them byte for byte.

Rewrite them only when a format's output changes on purpose (and say so in the commit):

    .venv/bin/python -m tests.compliance_checks.reports.streaming_cases

The controls and checks are made up (no control of catalog.yaml), so that editing the catalog (its
lines, which SARIF points at, or its titles) does not change these texts.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from pathlib import Path

from compliance_checks.catalog import Control
from compliance_checks.core import Status
from compliance_checks.reports.model import Finding, Report, finding_order
from compliance_checks.reports.scan_model import (
    LogicalLocation,
    Notification,
    Outcome,
    Rule,
    ScanFinding,
    ScanRun,
    SourceLocation,
    Suppression,
)
from compliance_checks.reports.store import FindingStore

DATA = Path(__file__).parent / "data" / "streaming"
# The audit's formats whose texts are kept, and the extension of each kept text.
FORMATS = {"sarif": "sarif", "junit": "junit.xml", "oscal": "oscal.json", "markdown": "md"}

# What a hostile or careless account can put in a text: XML's specials, every C0 control, DEL, C1,
# bidi overrides, a zero-width space, emoji (one outside the BMP), Markdown and rich markup, a formula.
SPECIALS = "& < > \" ' &amp; <![CDATA[x]]> ]]>"
CONTROLS_C0 = "".join(chr(c) for c in range(0x20)) + "\x7f\x85\x9b"
UNICODE = "\u202etxt.exe\u202c \u200b caf\u00e9 \U0001f680 \u2603 \ufdd0 \U0010fffe"
MARKUP = "[bold]x[/bold] *em* `code` | pipe :secret: # heading =SUM(A1) https://evil.example"
HOSTILE = f"{SPECIALS} {CONTROLS_C0} {UNICODE} {MARKUP}"

A1, A2, A3, A4 = "111111111111", "222222222222", "333333333333", "444444444444"
REGION = "us-east-1"

CONTROLS = (
    Control(
        "TS-DR-1",
        "Data at rest & <keys>",
        "Data at rest is \"encrypted\" & 'kept'.\n\tA second line <b>.",
        ("bucket_kms", "bucket_versioning"),
        runbooks=("runbooks/encrypt-bucket.md",),
        references={"security_hub": ("S3.17",), "soc2": ("CC6.1", "CC6.7")},
    ),
    Control(
        "TS-AC-1",
        "Access \U0001f510",
        "Roles are scoped.",
        ("role_scoped", "bucket_kms"),
        runbooks=("runbooks/a b.md", "https://example.com/runbook?x=1&y=<2>"),
    ),
    Control("TS-IR-1", "Incidents", "Report a concern.", (), manual_evidence="triage records"),
    Control("TS-LG-1", "Logging", "Trails are on.", ("trail_on", "planned_check")),
    Control("TS-NO-1", "Nothing found", "No finding here.", ("nothing_to_see",)),
)
CHECKS = {
    "bucket_kms": {
        "title": "Buckets use KMS & <SSE>",
        "severity": "high",
        "resource_type": "AWS::S3::Bucket",
        "controls": ["TS-DR-1", "TS-AC-1"],
        "rationale": f"Rationale with {SPECIALS}",
        "remediation": "Enable SSE-KMS.",
    },
    "bucket_versioning": {
        "title": "Buckets are versioned",
        "severity": "medium",
        "resource_type": "AWS::S3::Bucket",
        "controls": ["TS-DR-1"],
    },
    "role_scoped": {
        "title": "Roles are scoped",
        "severity": "critical",
        "resource_type": "AWS::IAM::Role",
        "controls": ["TS-AC-1"],
        "rationale": "",
        "remediation": "Scope it.\nSee the runbook.",
    },
    "trail_on": {
        "title": "CloudTrail is on",
        "severity": "low",
        "resource_type": "AWS::CloudTrail::Trail",
        "controls": ["TS-LG-1"],
    },
    "nothing_to_see": {
        "title": "Nothing",
        "severity": "low",
        "resource_type": "AWS::Account",
        "controls": ["TS-NO-1"],
    },
}
WAIVER = {"index": 0, "justification": f"accepted: {HOSTILE}", "owner": "platform & <ops>", "expires": "2099-12-31"}
EXPIRED = {"index": 1, "justification": "was accepted", "expires": "2001-01-01", "expired": True}


def finding(control: str, check: str | None, resource: str, status: Status, **more) -> Finding:
    fields = {
        "resource_type": "AWS::S3::Bucket",
        "region": REGION,
        "message": f"{status} on {resource}",
        "severity": (CHECKS.get(check or "") or {}).get("severity"),
        "title": (CHECKS.get(check or "") or {}).get("title", "manual"),
        "account_id": A1,
    }
    fields.update(more)
    return Finding(control, check, resource, status=status, **fields)


def metadata(**more) -> dict:
    data = {
        "target": "prod & <main>",
        "stack": "prod",
        "account": A1,
        "accounts": [A1],
        "regions": [REGION, "eu-west-1"],
        "started": "2026-01-02T03:04:05Z",
        "finished": "2026-01-02T03:09:05Z",
        "version": "1.2.3",
        "notes": [],
    }
    data.update(more)
    return data


def _report(findings: list[Finding], **more) -> Report:
    fields = {
        "metadata": metadata(),
        "controls": CONTROLS,
        "checks": CHECKS,
        "runbook_base": "https://github.com/leadping/platform/blob/0123abc/",
    }
    fields.update(more)
    return Report(findings=findings, **fields)


def nothing() -> Report:
    """No control, no check, no finding, no metadata."""
    return Report({}, [], (), {})


def empty() -> Report:
    """Controls and checks, but no finding."""
    return _report([])


def pass_only() -> Report:
    return _report(
        [
            finding("TS-DR-1", "bucket_kms", "arn:aws:s3:::a", Status.PASS, evidence={"kms": True}),
            finding("TS-DR-1", "bucket_versioning", "arn:aws:s3:::a", Status.PASS),
            finding(
                "TS-AC-1",
                "role_scoped",
                "arn:aws:iam::111111111111:role/r",
                Status.PASS,
                resource_type="AWS::IAM::Role",
                region="global",
            ),
        ]
    )


def _mixed_findings() -> list[Finding]:
    hostile_bucket = f"arn:aws:s3:::hostile-{SPECIALS}-{CONTROLS_C0}-{UNICODE}"
    evidence = {
        "note": HOSTILE,
        "nested": {"list": [1, 2.5, None, True, "x\ny"], "empty": {}},
        "emoji \U0001f680 key & <k>": "value",
    }
    return [
        # Given out of order on purpose: every format sorts (or reads a store in) report order.
        finding(
            "TS-LG-1",
            "trail_on",
            "arn:aws:cloudtrail:us-east-1:222222222222:trail/t",
            Status.PASS,
            account_id=A2,
            resource_type="AWS::CloudTrail::Trail",
        ),
        finding("TS-DR-1", "bucket_kms", hostile_bucket, Status.FAIL, message=HOSTILE, evidence=evidence),
        finding("TS-DR-1", "bucket_kms", "arn:aws:s3:::plain", Status.PASS, account_id=A2),
        finding("TS-DR-1", "bucket_versioning", "arn:aws:s3:::plain", Status.FAIL, account_id=A2, message=""),
        finding("TS-DR-1", "bucket_kms", "arn:aws:s3:::plain", Status.FAIL, account_id=A3, region="eu-west-1"),
        finding("TS-DR-1", "bucket_kms", "arn:aws:s3:::plain", Status.FAIL, account_id=A3, region=REGION),
        finding("TS-DR-1", "bucket_kms", "arn:aws:s3:::waived", Status.WAIVED, waiver=WAIVER),
        finding("TS-DR-1", "bucket_kms", "arn:aws:s3:::expired", Status.FAIL, waiver=EXPIRED, severity=None),
        finding("TS-DR-1", "bucket_versioning", "arn:aws:s3:::nowaiver", Status.WAIVED, account_id=A4),
        finding(
            "TS-DR-1",
            "bucket_kms",
            "arn:aws:s3:::denied",
            Status.ERROR,
            message=f"AccessDenied {HOSTILE}",
            evidence={"error": "AccessDenied"},
            severity=None,
        ),
        finding(
            "TS-AC-1",
            "role_scoped",
            "arn:aws:iam::111111111111:role/r",
            Status.FAIL,
            resource_type="AWS::IAM::Role",
            region="global",
            message="line one\nline two\ttab",
        ),
        finding("TS-AC-1", "bucket_kms", hostile_bucket, Status.FAIL),
        finding(
            "TS-IR-1",
            None,
            "evidence:TS-IR-1",
            Status.MANUAL,
            account_id="unknown",
            resource_type="Evidence",
            region="global",
            message="Attach the triage records.",
        ),
        # A check the run has no entry for (planned, not implemented): its rule is made up.
        finding(
            "TS-LG-1",
            "planned_check",
            "arn:aws:cloudtrail:us-east-1:111111111111:trail/t",
            Status.ERROR,
            message="Check not implemented",
            resource_type="AWS::CloudTrail::Trail",
        ),
        finding(
            "TS-LG-1",
            "trail_on",
            "arn:aws:cloudtrail:us-east-1:111111111111:trail/t",
            Status.FAIL,
            resource_type="AWS::CloudTrail::Trail",
            evidence={"IsLogging": False},
        ),
        # Controls the report does not audit: sorted last, their statuses interleaved.
        finding("TS-GONE-2", "ghost_check", "arn:aws:s3:::ghost", Status.PASS),
        finding("TS-GONE-1", "ghost_check", "arn:aws:s3:::ghost", Status.FAIL),
        finding("TS-GONE-2", "ghost_check", "arn:aws:s3:::ghost-2", Status.FAIL),
        finding("TS-GONE-1", "ghost_check", "arn:aws:s3:::ghost", Status.ERROR),
    ]


def _mixed(findings: list[Finding] | FindingStore) -> Report:
    return _report(
        findings,
        metadata=metadata(
            account=f"{A1},{A2}",
            accounts=[A1, A2, A3, A4],
            notes=[f"note: {HOSTILE}", "a second note"],
        ),
        resource_sources={
            "arn:aws:s3:::plain": "infra/components/bucket.py:42",
            "arn:aws:s3:::waived": "/opt/program/__main__.py:7",
            "arn:aws:iam::111111111111:role/r": "infra/iam & <x>.py:notaline",
        },
    )


def mixed() -> Report:
    """Every status, several controls and accounts, waivers, hostile texts, a planned check."""
    return _mixed(_mixed_findings())


def _baseline_parts() -> tuple[list[Finding], dict[str, str], list[Finding]]:
    findings = _mixed_findings()
    states = {f.identity: "unchanged" for f in findings[1:6]}
    resolved = [
        finding("TS-DR-1", "bucket_kms", "arn:aws:s3:::fixed", Status.FAIL, message=f"was failing {SPECIALS}"),
        # In a control with no finding now, and in one the run does not audit.
        finding("TS-NO-1", "nothing_to_see", "arn:aws:iam::111111111111:root", Status.ERROR),
        finding("TS-OLD-1", "trail_on", "arn:aws:s3:::old", Status.FAIL),
        # A check this run did not select (a baseline from a wider run): SARIF gives it a rule "not run"
        # (the renderer raised KeyError on it before).
        finding("TS-OLD-1", "unselected_check", "arn:aws:s3:::wider", Status.FAIL),
        finding("TS-IR-1", None, "evidence:TS-IR-1", Status.FAIL, account_id="unknown"),  # no check: not in SARIF
    ]
    return findings, states, resolved


def baseline() -> Report:
    """With a baseline: new, unchanged and resolved findings."""
    findings, states, resolved = _baseline_parts()
    report = _mixed(findings)
    report.metadata["baseline"] = {"file": "baseline & <old>.json"}
    report.baseline_states = states
    report.resolved = resolved
    return report


def generated() -> Report:
    """A seeded mix of many findings: resources seen by several checks, controls and regions."""
    rng = random.Random(20260102)
    findings = []
    pairs = [(c.id, check) for c in CONTROLS for check in c.checks] + [("TS-IR-1", None)]
    for serial in range(30):
        control, check = rng.choice(pairs)
        status = Status.MANUAL if check is None else rng.choice([s for s in Status if s is not Status.MANUAL])
        findings.append(
            finding(
                control,
                check,
                f"arn:aws:s3:::bucket-{rng.randint(0, 9)}",
                status,
                account_id=rng.choice([A1, A2, A3]),
                region=rng.choice([REGION, "eu-west-1"]),
                message=f"finding {serial} {rng.choice(['', '&', '<x>', HOSTILE[:20]])}",
                evidence={"serial": serial},
                waiver=WAIVER if status is Status.WAIVED and rng.random() < 0.7 else None,
            )
        )
    return _report(findings, metadata=metadata(accounts=[A1, A2, A3]))


CASES: dict[str, Callable[[], Report]] = {
    "nothing": nothing,
    "empty": empty,
    "pass_only": pass_only,
    "mixed": mixed,
    "baseline": baseline,
    "generated": generated,
}


def as_store(report: Report, batches: int = 3) -> Report:
    """The same report, its findings in a FindingStore (added in a few batches, as accounts are)."""
    store = FindingStore(finding_order(report.controls))
    findings = list(report.findings)
    size = max(1, -(-len(findings) // batches))
    for start in range(0, len(findings), size):
        store.add(findings[start : start + size])
    report.findings = store  # type: ignore[assignment]  # a store where a list is typed, as runner.py does
    return report


# -- the gate's runs (policies/reports.py builds them; here by hand, with every shape) ------------


def _gate_finding(stack: str, rule: str, outcome: Outcome, name: str, **more) -> ScanFinding:
    fields = {
        "message": f"{rule} on {name}",
        "fingerprint": f"fp-{stack}-{rule}-{name}",
        "fallback_location": SourceLocation(f"{stack}/__main__.py", 1),
        "suite": f"gate.{stack}",
        "case_class": f"{stack}.{rule}",
        "case_name": f"{name} [NETWORKING]",
    }
    fields.update(more)
    return ScanFinding(rule_id=rule, outcome=outcome, **fields)


def gate_run() -> ScanRun:
    findings = [
        _gate_finding(
            "dev",
            "CKV_AWS_260",
            Outcome.FAIL,
            "web",
            severity="high",
            detail=f"detail {HOSTILE}",
            location=SourceLocation("team/infra/network.py", 18),
            baseline="new",
            logical=LogicalLocation("web", "urn:pulumi:dev::team::web"),
            location_message="sg in dev",
            properties={"stack": "dev", "nested": {"x": [1, None]}},
        ),
        _gate_finding("dev", "CKV_AWS_24", Outcome.FAIL, "web", baseline="unchanged", case_properties={"k": "v & <w>"}),
        _gate_finding("dev", "CKV_AWS_1", Outcome.PASS, "db"),
        _gate_finding(
            "prod", "CKV_AWS_24", Outcome.FAIL, "api", message=HOSTILE, suppression=Suppression(f"skipped: {HOSTILE}")
        ),
        # A dev case after a prod one: each suite lists its cases in the run's order.
        _gate_finding("dev", "not-judged", Outcome.SKIPPED, "pet", location=SourceLocation("/abs/main.py", 3)),
        _gate_finding("repository", "CKV_SECRET_2", Outcome.FAIL, "key.pem", case_class="secrets", detail=""),
        _gate_finding("repository", "gate", Outcome.ERROR, "configuration", message="", detail="", fingerprint=""),
        _gate_finding("repository", "gate", Outcome.ERROR, "problem", message="it broke\nbadly"),
    ]
    rules = [
        Rule(
            "CKV_AWS_260",
            "Port 80 & <open>",
            help_uri="https://example.com/?a=1&b=2",
            severity="high",
            tags=("NETWORKING",),
            properties={"control": "NETWORKING"},
        ),
        Rule("CKV_AWS_24", "Port 22", severity=None, tags=tuple(f"t{i}" for i in range(30))),
        Rule("CKV_AWS_1", "", description="described", help_text="helped", severity="info"),
        Rule("CKV_SECRET_2", "Secret", severity="critical"),
        Rule("gate", "Gate problem"),
        Rule("not-judged", "Not judged"),
    ]
    return ScanRun(
        tool="leadping-gate",
        information_uri="https://www.checkov.io/",
        rules=rules,
        findings=findings,
        version="9.9",
        notifications=[
            Notification(f"not judged: {HOSTILE}", "note", SourceLocation("team/infra/__main__.py", 3)),
            Notification("plain"),
        ],
        properties={"profile": "generic", "stacks": ["dev", "prod", "staging"]},
        successful=False,
        started="2026-01-02T03:04:05Z",
        finished="2026-01-02T03:05:05Z",
        automation_id="leadping-gate/dev+prod+staging/",
        suites=["gate.dev", "gate.prod", "gate.staging"],  # staging: no case, still written
        timestamp="2026-01-02T03:04:05Z",
    )


def gate_empty_run() -> ScanRun:
    return ScanRun(tool="leadping-gate", information_uri="https://www.checkov.io/", rules=(), findings=())


GATE_CASES: dict[str, Callable[[], ScanRun]] = {"gate": gate_run, "gate_empty": gate_empty_run}


def golden(case: str, extension: str, *, store: bool = False) -> str:
    """The kept text of a case; with ``store``, of its findings in a FindingStore (the same text,
    unless reading them in report order rather than as given shows; none does now)."""
    path = DATA / f"{case}.{extension}"
    if store and (DATA / f"{case}.store.{extension}").exists():
        path = DATA / f"{case}.store.{extension}"
    with path.open(encoding="utf-8", newline="") as text:
        return text.read()


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(text)


def texts() -> Iterable[tuple[str, str]]:
    """Every kept text's file name and the text the current code makes of its case."""
    from compliance_checks.reports import FORMATS as ALL_FORMATS
    from compliance_checks.reports import junit_builder, sarif_builder

    for case, build in CASES.items():
        for name, extension in FORMATS.items():
            text = ALL_FORMATS[name].render(build())
            yield f"{case}.{extension}", text
            # A store is read in report order, a list as given: where that shows, a text of its own.
            from_store = ALL_FORMATS[name].render(as_store(build()))
            if from_store != text:
                yield f"{case}.store.{extension}", from_store
    for case, build_run in GATE_CASES.items():
        yield f"{case}.junit.xml", junit_builder.render(build_run())
        # As the gate writes its SARIF (policies/reports.py, write_reports).
        yield f"{case}.sarif", json.dumps(sarif_builder.document(build_run()), indent=1) + "\n"


def main() -> int:
    DATA.mkdir(parents=True, exist_ok=True)
    for name, text in texts():
        _write(DATA / name, text)
        print(f"{DATA / name}: {len(text)} characters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
