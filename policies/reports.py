"""The gate's outputs: a console summary, JUnit XML (CI test tabs) and SARIF 2.1.0 (code scanning).

Every finding names the file and line where the program constructs the resource, so that a CI
annotation or a code-scanning alert lands on that line. What the gate did not judge (another
provider's resources, remote components accepted unjudged) is listed in every format.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from policies.gate import Finding, GateResult, Unjudged

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FORMATS = ("cli", "junit", "sarif")
# SARIF paths are relative to the repository root, which code scanning knows as the checkout.
SOURCE_ROOT_ID = "%SRCROOT%"
# Checkov's guidelines come from its vendor's platform, which the offline gate does not call:
# a built-in rule without one points at Checkov's index of its Terraform checks.
CHECKOV_POLICY_INDEX = "https://www.checkov.io/5.Policy%20Index/terraform.html"
# GitHub code scanning reads a rule's security-severity as a CVSS-like score.
SECURITY_SEVERITY = {"CRITICAL": "9.5", "HIGH": "8.0", "MEDIUM": "5.5", "LOW": "2.0", "INFO": "0.5"}


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


def _located(case: ET.Element, source: str) -> None:
    """The file and line attributes CI test reporters read to annotate a test case."""
    path, _, line = source.rpartition(":")
    if path and line.isdigit():
        case.set("file", path)
        case.set("line", line)


def junit_xml(result: GateResult) -> str:
    root = ET.Element("testsuites", name="leadping-gate")
    for stack in result.stacks:
        failures = [f for f in result.failures if f.stack == stack]
        passed = [f for f in result.passed if f.stack == stack]
        unjudged = [u for u in result.not_judged if u.stack == stack]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"gate.{stack}",
            tests=str(len(failures) + len(passed) + len(unjudged)),
            failures=str(len(failures)),
            skipped=str(len(unjudged)),
        )
        for finding in failures + passed:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{stack}.{finding.check_id}",
                name=f"{finding.resource_label} [{finding.control}]",
            )
            _located(case, finding.source)
            if finding in failures:
                failure = ET.SubElement(case, "failure", message=finding.check_name, type=finding.check_id)
                failure.text = _line(finding)
        for item in unjudged:
            case = ET.SubElement(suite, "testcase", classname=f"{stack}.not-judged", name=item.label)
            _located(case, item.source)
            ET.SubElement(case, "skipped", message=item.reason)
    if result.secret_findings or result.problems:
        suite = ET.SubElement(
            root,
            "testsuite",
            name="gate.repository",
            tests=str(len(result.secret_findings) + len(result.problems)),
            failures=str(len(result.secret_findings) + len(result.problems)),
        )
        for finding in result.secret_findings:
            case = ET.SubElement(suite, "testcase", classname="secrets", name=finding.address)
            _located(case, finding.source)
            ET.SubElement(case, "failure", message=finding.check_name, type=finding.check_id)
        for problem in result.problems:
            case = ET.SubElement(suite, "testcase", classname="gate", name="configuration")
            ET.SubElement(case, "error", message=problem)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _physical_location(source: str, fallback: str) -> dict[str, Any]:
    """A SARIF location: the file relative to the repository root and the line (the entry file's first line
    when the render could not tell where the resource is constructed)."""
    path, _, line = (source or f"{fallback}:1").rpartition(":")
    artifact: dict[str, Any] = {"uri": path}
    if not path.startswith("/"):
        artifact["uriBaseId"] = SOURCE_ROOT_ID
    else:
        artifact["uri"] = Path(path).as_uri()
    return {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {"startLine": max(int(line), 1) if line.isdigit() else 1},
        }
    }


def _rule(finding: Finding) -> dict[str, Any]:
    name = finding.check_name or finding.check_id
    help_uri = finding.guideline or (CHECKOV_POLICY_INDEX if finding.check_id.startswith("CKV") else "")
    help_text = f"{name}. Reported under {finding.control}." + (f" Guidance: {help_uri}" if help_uri else "")
    properties: dict[str, Any] = {"control": finding.control, "tags": [finding.control, "security"]}
    severity = SECURITY_SEVERITY.get(finding.severity.upper())
    if severity:
        properties["security-severity"] = severity
    rule: dict[str, Any] = {
        "id": finding.check_id,
        "name": finding.check_id,
        "shortDescription": {"text": name},
        "help": {"text": help_text},
        "properties": properties,
    }
    if help_uri:
        rule["helpUri"] = help_uri
    return rule


def _result(finding: Finding, result: GateResult) -> dict[str, Any]:
    location = _physical_location(finding.source, result.entry_files.get(finding.stack, ""))
    if finding.resource is not None:
        location["logicalLocations"] = [
            {"name": finding.resource.name, "fullyQualifiedName": finding.resource.urn, "kind": "resource"}
        ]
    return {
        "ruleId": finding.check_id,
        "level": "error",
        "message": {"text": _line(finding)},
        "locations": [location],
        "partialFingerprints": {"leadping/resource": f"{finding.stack}/{finding.check_id}/{finding.address}"},
        "properties": {
            "stack": finding.stack,
            "control": finding.control,
            "pulumiName": finding.resource.name if finding.resource else None,
            "pulumiType": finding.resource.type if finding.resource else None,
            "terraformAddress": finding.address,
        },
    }


def _notification(item: Unjudged, result: GateResult) -> dict[str, Any]:
    return {
        "level": "note",
        "message": {"text": _unjudged_line(item)},
        "locations": [_physical_location(item.source, result.entry_files.get(item.stack, ""))],
    }


def sarif(result: GateResult) -> dict[str, Any]:
    findings = [*result.failures, *result.secret_findings]
    rules: dict[str, dict[str, Any]] = {}
    for finding in findings:
        rules.setdefault(finding.check_id, _rule(finding))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "leadping-gate",
                        "informationUri": "https://www.checkov.io/",
                        "rules": list(rules.values()),
                    }
                },
                # What was not judged is a fact about the run, not an alert on a line of code.
                "invocations": [
                    {
                        "executionSuccessful": not result.problems,
                        "toolExecutionNotifications": [_notification(u, result) for u in result.not_judged],
                    }
                ],
                "results": [_result(f, result) for f in findings],
                "properties": {
                    "profile": result.profile,
                    "stacks": result.stacks,
                    "notJudged": [
                        {"stack": u.stack, "name": u.name, "type": u.type, "source": u.source, "reason": u.reason}
                        for u in result.not_judged
                    ],
                    "notJudgedCount": len(result.not_judged),
                },
            }
        ],
    }


def write_reports(result: GateResult, formats: list[str], output_dir: Path) -> list[Path]:
    """Writes the file formats (junit, sarif) into output_dir; cli goes to stdout by the caller."""
    written = []
    output_dir.mkdir(parents=True, exist_ok=True)
    if "junit" in formats:
        path = output_dir / "gate.junit.xml"
        path.write_text(junit_xml(result))
        written.append(path)
    if "sarif" in formats:
        path = output_dir / "gate.sarif"
        path.write_text(json.dumps(sarif(result), indent=1) + "\n")
        written.append(path)
    return written
