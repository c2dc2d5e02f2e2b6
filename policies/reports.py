"""The gate's outputs: a console summary, JUnit XML (CI test tabs) and SARIF 2.1.0 (code scanning).

JUnit and SARIF come from the one builder pair the audit uses too (compliance_checks/reports/
sarif_builder.py, junit_builder.py): this module only adapts the gate's findings to their shape.

Every finding names the file and line where the program constructs the resource, so that a CI
annotation or a code-scanning alert lands on that line. What the gate did not judge (another
provider's resources, remote components accepted unjudged) is listed in every format.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from compliance_checks.reports import junit_builder, sarif_builder
from compliance_checks.reports.sarif_builder import SARIF_SCHEMA, SOURCE_ROOT_ID
from compliance_checks.reports.scan_model import (
    LogicalLocation,
    Notification,
    Outcome,
    Rule,
    ScanFinding,
    ScanRun,
    SourceLocation,
)
from policies.baseline import Comparison, finding_identity
from policies.gate import Finding, GateResult, Unjudged

__all__ = ["CHECKOV_POLICY_INDEX", "FORMATS", "SARIF_SCHEMA", "SOURCE_ROOT_ID", "cli_text", "junit_xml", "sarif"]

# "table" is the audit's name for the console report; the gate takes it too and documents "cli".
FORMATS = ("cli", "junit", "sarif")
FORMAT_ALIASES = {"table": "cli"}
# A code-scanning category per tool: GitHub keeps the gate's alerts apart from the audit's.
CATEGORY = "leadping-gate"
# Checkov's guidelines come from its vendor's platform, which the offline gate does not call:
# a built-in rule without one points at Checkov's index of its Terraform checks.
CHECKOV_POLICY_INDEX = "https://www.checkov.io/5.Policy%20Index/terraform.html"


def _line(finding: Finding) -> str:
    details = f" - {'; '.join(finding.details)}" if finding.details else ""
    attributes = f" [judged: {', '.join(finding.attributes)}]" if finding.attributes else ""
    where = f" at {finding.source}" if finding.source else ""
    return (
        f"FAIL {finding.check_id} [{finding.control}] stack {finding.stack}: {finding.resource_label}"
        f" (plan address {finding.address}): {finding.check_name}{details}{attributes}{where}"
    )


def _unjudged_line(item: Unjudged) -> str:
    where = f" at {item.source}" if item.source else ""
    return f"NOT JUDGED stack {item.stack}: {item.label}{where}: {item.reason}"


def _profile_summary(result: GateResult) -> str:
    if not result.skipped_ids and not result.limited_ids:
        return f"profile {result.profile}, nothing skipped"
    return (
        f"profile {result.profile} ({result.skips_source}: {len(result.skipped_ids)} built-in checks skipped, "
        f"{len(result.limited_ids)} limited to named environments or resources)"
    )


def cli_text(result: GateResult) -> str:
    lines = [f"Leadping gate: stacks {', '.join(result.stacks)} ({_profile_summary(result)})"]
    not_judged = Counter(item.stack for item in result.not_judged)
    for stack, exported in result.exports.items():
        context = exported.context
        environment = (
            f", environment {context.get('environment')} ({context.get('environment_source')})"
            if result.stack_context
            else ""
        )
        unjudged = f", {not_judged[stack]} not judged" if not_judged[stack] else ""
        lines.append(f"  {stack}: {len(exported.resources)} resources exported{unjudged}{environment}")
    for warning in result.warnings:
        lines.append(f"warning: {warning}")
    for problem in result.problems:
        lines.append(f"ERROR {problem}")
    for item in result.not_judged:
        lines.append(_unjudged_line(item))
    for finding in result.failures:
        lines.append(_line(finding))
    for finding in result.secret_findings:
        details = f" ({'; '.join(finding.details)})" if finding.details else ""
        lines.append(
            f"FAIL {finding.check_id} [{finding.control}] secret in {finding.address}{details}: {finding.check_name}"
        )
    for finding in result.accepted:
        lines.append(f"accepted ({result.skips_source}): {_line(finding)[5:]}")
    by_stack = Counter(f.stack for f in result.failures)
    passed = Counter(f.stack for f in result.passed)
    for stack in result.stacks:
        lines.append(f"  {stack}: {passed[stack]} passed, {by_stack[stack]} failed")
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in result.seconds.items())
    verdict = "PASSED" if result.ok else "FAILED"
    lines.append(
        f"gate {verdict}: {len(result.failures)} failed checks, {len(result.secret_findings)} secrets, "
        f"{len(result.problems)} errors; {len(result.not_judged)} resources not judged; {_profile_summary(result)}; "
        f"{timing}"
    )
    return "\n".join(lines) + "\n"


def _scan_finding(
    finding: Finding, result: GateResult, *, failed: bool, baseline: Comparison | None = None
) -> ScanFinding:
    where = SourceLocation.parse(finding.source)
    logical = LogicalLocation(finding.resource.name, finding.resource.urn) if finding.resource is not None else None
    return ScanFinding(
        rule_id=finding.check_id,
        outcome=Outcome.FAIL if failed else Outcome.PASS,
        message=_line(finding),
        fingerprint=finding_identity(finding),
        location=where,
        fallback_location=SourceLocation(result.entry_files.get(finding.stack, "") or "__main__.py", 1),
        logical=logical,
        severity=finding.severity.lower() or None,
        baseline=baseline.state(finding_identity(finding)) if baseline is not None and failed else None,
        properties={
            "stack": finding.stack,
            "control": finding.control,
            "pulumiName": finding.resource.name if finding.resource else None,
            "pulumiType": finding.resource.type if finding.resource else None,
            "terraformAddress": finding.address,
        },
        suite=f"gate.{finding.stack}",
        case_class=f"{finding.stack}.{finding.check_id}",
        case_name=f"{finding.resource_label} [{finding.control}]",
        detail=_line(finding),
    )


def _rule(finding: Finding) -> Rule:
    name = finding.check_name or finding.check_id
    help_uri = finding.guideline or (CHECKOV_POLICY_INDEX if finding.check_id.startswith("CKV") else "")
    help_text = f"{name}. Reported under {finding.control}." + (f" Guidance: {help_uri}" if help_uri else "")
    return Rule(
        id=finding.check_id,
        title=name,
        help_text=help_text,
        help_uri=help_uri,
        severity=finding.severity.lower() or None,
        tags=(finding.control,),
        properties={"control": finding.control},
    )


def _unjudged_finding(item: Unjudged) -> ScanFinding:
    return ScanFinding(
        rule_id="not-judged",
        outcome=Outcome.SKIPPED,
        message=item.reason,
        fingerprint="",
        location=SourceLocation.parse(item.source),
        suite=f"gate.{item.stack}",
        case_class=f"{item.stack}.not-judged",
        case_name=item.label,
    )


def scan_run(result: GateResult, baseline: Comparison | None = None) -> ScanRun:
    """The gate's result in the neutral shape both builders read: failures and secrets are results,
    what was not judged is a notification (a fact about the run, not an alert on a line of code)."""
    failing = [*result.failures, *result.secret_findings]
    rules: dict[str, Rule] = {}
    for finding in failing:
        rules.setdefault(finding.check_id, _rule(finding))
    findings = [_scan_finding(f, result, failed=True, baseline=baseline) for f in failing]
    notifications = [
        Notification(_unjudged_line(u), "note", SourceLocation.parse(u.source) or _entry(result, u.stack))
        for u in result.not_judged
    ]
    return ScanRun(
        tool="leadping-gate",
        information_uri="https://www.checkov.io/",
        rules=list(rules.values()),
        findings=findings,
        notifications=notifications,
        successful=not result.problems,
        properties={
            "profile": result.profile,
            "stacks": result.stacks,
            "notJudged": [
                {"stack": u.stack, "name": u.name, "type": u.type, "source": u.source, "reason": u.reason}
                for u in result.not_judged
            ],
            "notJudgedCount": len(result.not_judged),
            **({"baseline": baseline.summary()} if baseline is not None else {}),
        },
        automation_id=f"{CATEGORY}/{'+'.join(result.stacks)}/",
    )


def _entry(result: GateResult, stack: str) -> SourceLocation:
    return SourceLocation(result.entry_files.get(stack, "") or "__main__.py", 1)


def junit_xml(result: GateResult, baseline: Comparison | None = None) -> str:
    findings: list[ScanFinding] = []
    for stack in result.stacks:
        findings += [
            _scan_finding(f, result, failed=True, baseline=baseline) for f in result.failures if f.stack == stack
        ]
        findings += [_scan_finding(f, result, failed=False) for f in result.passed if f.stack == stack]
        findings += [_unjudged_finding(u) for u in result.not_judged if u.stack == stack]
    for finding in result.secret_findings:
        findings.append(
            replace(
                _scan_finding(finding, result, failed=True, baseline=baseline),
                suite="gate.repository",
                case_class="secrets",
                case_name=finding.address,
                message=finding.check_name,
            )
        )
    for problem in result.problems:
        findings.append(
            ScanFinding(
                rule_id="gate",
                outcome=Outcome.ERROR,
                message=problem,
                fingerprint="",
                suite="gate.repository",
                case_class="gate",
                case_name="configuration",
            )
        )
    run = ScanRun(
        tool="leadping-gate",
        information_uri="https://www.checkov.io/",
        rules=(),
        findings=findings,
        suites=[f"gate.{stack}" for stack in result.stacks],
    )
    return junit_builder.render(run)


def sarif(result: GateResult, baseline: Comparison | None = None) -> dict[str, Any]:
    return sarif_builder.document(scan_run(result, baseline))


def write_reports(
    result: GateResult, formats: list[str], output_dir: Path, baseline: Comparison | None = None
) -> list[Path]:
    """Writes the file formats (junit, sarif) into output_dir; cli goes to stdout by the caller."""
    written = []
    output_dir.mkdir(parents=True, exist_ok=True)
    if "junit" in formats:
        path = output_dir / "gate.junit.xml"
        path.write_text(junit_xml(result, baseline))
        written.append(path)
    if "sarif" in formats:
        path = output_dir / "gate.sarif"
        path.write_text(json.dumps(sarif(result, baseline), indent=1) + "\n")
        written.append(path)
    return written
