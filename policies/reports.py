"""The gate's outputs: a console summary, JUnit XML (CI test tabs) and SARIF 2.1.0 (code scanning)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from policies.gate import Finding, GateResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FORMATS = ("cli", "junit", "sarif")


def _line(finding: Finding) -> str:
    details = f" - {'; '.join(finding.details)}" if finding.details else ""
    attributes = f" [judged: {', '.join(finding.attributes)}]" if finding.attributes else ""
    return (
        f"FAIL {finding.check_id} [{finding.control}] stack {finding.stack}: {finding.resource_label}"
        f" (plan address {finding.address}): {finding.check_name}{details}{attributes}"
    )


def cli_text(result: GateResult) -> str:
    lines = [f"Leadping gate: stacks {', '.join(result.stacks)}"]
    for stack, exported in result.exports.items():
        context = exported.context
        lines.append(
            f"  {stack}: {len(exported.resources)} resources exported, environment {context.get('environment')} "
            f"({context.get('environment_source')})"
        )
    for warning in result.warnings:
        lines.append(f"warning: {warning}")
    for problem in result.problems:
        lines.append(f"ERROR {problem}")
    for finding in result.failures:
        lines.append(_line(finding))
    for finding in result.secret_findings:
        details = f" ({'; '.join(finding.details)})" if finding.details else ""
        lines.append(
            f"FAIL {finding.check_id} [{finding.control}] secret in {finding.address}{details}: {finding.check_name}"
        )
    for finding in result.accepted:
        lines.append(f"accepted (policies/skips.yaml): {_line(finding)[5:]}")
    by_stack = Counter(f.stack for f in result.failures)
    passed = Counter(f.stack for f in result.passed)
    for stack in result.stacks:
        lines.append(f"  {stack}: {passed[stack]} passed, {by_stack[stack]} failed")
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in result.seconds.items())
    verdict = "PASSED" if result.ok else "FAILED"
    lines.append(
        f"gate {verdict}: {len(result.failures)} failed checks, {len(result.secret_findings)} secrets, "
        f"{len(result.problems)} errors; policies/skips.yaml: {len(result.skipped_ids)} built-in checks skipped, "
        f"{len(result.limited_ids)} limited to named environments or resources; "
        f"{timing}"
    )
    return "\n".join(lines) + "\n"


def junit_xml(result: GateResult) -> str:
    root = ET.Element("testsuites", name="leadping-gate")
    for stack in result.stacks:
        failures = [f for f in result.failures if f.stack == stack]
        passed = [f for f in result.passed if f.stack == stack]
        suite = ET.SubElement(
            root, "testsuite", name=f"gate.{stack}", tests=str(len(failures) + len(passed)), failures=str(len(failures))
        )
        for finding in failures + passed:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{stack}.{finding.check_id}",
                name=f"{finding.resource_label} [{finding.control}]",
            )
            if finding in failures:
                failure = ET.SubElement(case, "failure", message=finding.check_name, type=finding.check_id)
                failure.text = _line(finding)
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
            ET.SubElement(case, "failure", message=finding.check_name, type=finding.check_id)
        for problem in result.problems:
            case = ET.SubElement(suite, "testcase", classname="gate", name="configuration")
            ET.SubElement(case, "error", message=problem)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def sarif(result: GateResult) -> dict[str, Any]:
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for finding in [*result.failures, *result.secret_findings]:
        rules.setdefault(
            finding.check_id,
            {
                "id": finding.check_id,
                "name": finding.check_id,
                "shortDescription": {"text": finding.check_name or finding.check_id},
                "properties": {"control": finding.control, "tags": [finding.control, "security"]},
            },
        )
        if finding.resource is None and ":" in finding.address and finding.stack == "repository":
            uri, _, line = finding.address.rpartition(":")
            location_uri, start = uri.lstrip("/"), int(line) if line.isdigit() else 1
        else:
            location_uri, start = result.program_file, 1
        results.append(
            {
                "ruleId": finding.check_id,
                "level": "error",
                "message": {"text": _line(finding)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": location_uri},
                            "region": {"startLine": max(start, 1)},
                        }
                    }
                ],
                "partialFingerprints": {"leadping/resource": f"{finding.stack}/{finding.check_id}/{finding.address}"},
                "properties": {
                    "stack": finding.stack,
                    "control": finding.control,
                    "pulumiName": finding.resource.name if finding.resource else None,
                    "pulumiType": finding.resource.type if finding.resource else None,
                    "terraformAddress": finding.address,
                },
            }
        )
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
                "results": results,
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
