"""SARIF 2.1.0 from the neutral finding shape (scan_model.py): the one builder of the gate and the audit.

Results are the FAIL and ERROR findings, each with a physical location (a file and line, as GitHub
code scanning requires; paths relative to the checkout carry uriBaseId %SRCROOT%), a logical location
where the finding names one (a cloud resource's ARN, a Pulumi URN), one fingerprint key, a waiver as
a suppression (kind external, with its justification) and, with a baseline, SARIF's baselineState
(new, unchanged, absent for a resolved finding). A rule carries helpUri and security-severity.

``document`` is the whole document (the gate's, a test's); ``write`` writes the same document as
``json.dumps(document, indent=2)`` would, its results a finding at a time from the run's findings
(read once: a generator over an organization's findings streams).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from compliance_checks.reports import json_text
from compliance_checks.reports.scan_model import (
    BASELINE_TO_SARIF,
    FINGERPRINT_KEY,
    SECURITY_SEVERITY,
    Outcome,
    Rule,
    ScanFinding,
    ScanRun,
    SourceLocation,
)

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
# SARIF paths are relative to the repository root, which code scanning knows as the checkout.
SOURCE_ROOT_ID = "%SRCROOT%"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning's documented limits per file and run (over them an upload is rejected).
MAX_RUNS_PER_FILE = 20
MAX_RESULTS_PER_RUN = 25_000
MAX_RULES_PER_RUN = 25_000
MAX_TAGS_PER_RULE = 20
MAX_LOCATIONS_PER_RESULT = 1_000


def artifact_location(location: SourceLocation) -> dict[str, Any]:
    if location.path.startswith("/"):
        return {"uri": Path(location.path).as_uri()}
    return {"uri": location.path, "uriBaseId": SOURCE_ROOT_ID}


def physical_location(location: SourceLocation) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": artifact_location(location),
            "region": {"startLine": max(location.line, 1)},
        }
    }


def _rule(rule: Rule) -> dict[str, Any]:
    properties: dict[str, Any] = dict(rule.properties)
    if rule.severity:
        properties["severity"] = rule.severity
    score = SECURITY_SEVERITY.get((rule.severity or "").lower())
    if score:
        properties["security-severity"] = score
    properties["tags"] = list(dict.fromkeys(["security", *rule.tags]))[:MAX_TAGS_PER_RULE]
    document: dict[str, Any] = {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.title or rule.id},
        "fullDescription": {"text": rule.description or rule.title or rule.id},
        "help": {"text": rule.help_text or rule.title or rule.id},
        "defaultConfiguration": {"level": LEVELS.get((rule.severity or "").lower(), "error")},
        "properties": properties,
    }
    if rule.help_uri:
        document["helpUri"] = rule.help_uri
    return document


def level(finding: ScanFinding) -> str:
    """A FAIL's level follows its severity (error when unknown); an ERROR (could not judge) is a warning."""
    if finding.outcome is Outcome.ERROR:
        return "warning"
    return LEVELS.get((finding.severity or "").lower(), "error")


def _result(finding: ScanFinding, rule_index: dict[str, int]) -> dict[str, Any]:
    where = finding.location or finding.fallback_location
    if where is None:
        # Code scanning refuses a result without a file: an adapter must always give a fallback.
        raise ValueError(f"a finding of {finding.rule_id} has neither a file location nor a fallback")
    location = physical_location(where)
    if finding.logical is not None:
        location["logicalLocations"] = [
            {
                "name": finding.logical.name,
                "fullyQualifiedName": finding.logical.fully_qualified_name,
                "kind": finding.logical.kind,
            }
        ]
    if finding.location_message:
        location["message"] = {"text": finding.location_message}
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index[finding.rule_id],
        "level": level(finding),
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": dict(finding.properties),
    }
    if finding.suppression is not None:
        result["suppressions"] = [
            {
                "kind": finding.suppression.kind,
                "status": "accepted",
                "justification": finding.suppression.justification,
            }
        ]
    if finding.baseline is not None:
        result["baselineState"] = BASELINE_TO_SARIF[finding.baseline]
    return result


def _results(run: ScanRun, rule_index: dict[str, int]) -> Iterator[dict[str, Any]]:
    return (_result(f, rule_index) for f in run.findings if f.outcome in (Outcome.FAIL, Outcome.ERROR))


def _document(run: ScanRun) -> dict[str, Any]:
    """The document, its results an ``Items`` (written a result at a time)."""
    rules = [_rule(rule) for rule in run.rules]
    rule_index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = json_text.Items(_results(run, rule_index))
    invocation: dict[str, Any] = {
        "executionSuccessful": run.successful,
        "toolExecutionNotifications": [
            {
                "level": note.level,
                "message": {"text": note.message},
                **({"locations": [physical_location(note.location)]} if note.location else {}),
            }
            for note in run.notifications
        ],
    }
    if run.started:
        invocation["startTimeUtc"] = run.started
    if run.finished:
        invocation["endTimeUtc"] = run.finished
    driver: dict[str, Any] = {"name": run.tool, "informationUri": run.information_uri, "rules": rules}
    if run.version:
        driver["version"] = run.version
    sarif_run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "originalUriBaseIds": {SOURCE_ROOT_ID: {"description": {"text": "the repository's root (the checkout)"}}},
        "results": results,
        "properties": dict(run.properties),
    }
    if run.automation_id:
        sarif_run["automationDetails"] = {"id": run.automation_id}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [sarif_run]}


def document(run: ScanRun) -> dict[str, Any]:
    """The whole document, its results a list."""
    return json_text.materialized(_document(run))


def write(out: TextIO, run: ScanRun) -> None:
    """``document(run)`` as ``json.dumps(..., indent=2)`` writes it (and a newline), a result at a time."""
    json_text.write(out, _document(run))


def upload_problems(document: dict[str, Any]) -> list[str]:
    """What GitHub code scanning would refuse in this document (its documented requirements and limits)."""
    problems = []
    if document.get("version") != SARIF_VERSION:
        problems.append("version is not 2.1.0")
    runs = document.get("runs") or []
    if not runs or len(runs) > MAX_RUNS_PER_FILE:
        problems.append(f"{len(runs)} runs (1 to {MAX_RUNS_PER_FILE})")
    for run in runs:
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            problems.append("a run without tool.driver.name")
        rules = driver.get("rules") or []
        rule_ids = {r.get("id") for r in rules}
        if len(rules) > MAX_RULES_PER_RUN:
            problems.append(f"{len(rules)} rules in a run")
        for rule in rules:
            tags = rule.get("properties", {}).get("tags", [])
            if len(tags) > MAX_TAGS_PER_RULE:
                problems.append(f"rule {rule.get('id')} has {len(tags)} tags")
            score = rule.get("properties", {}).get("security-severity")
            if score is not None and not 0.0 <= float(score) <= 10.0:
                problems.append(f"rule {rule.get('id')} security-severity {score} outside 0-10")
        results = run.get("results") or []
        if len(results) > MAX_RESULTS_PER_RUN:
            problems.append(f"{len(results)} results in a run")
        for index, result in enumerate(results):
            where = f"result {index} ({result.get('ruleId')})"
            if result.get("ruleId") not in rule_ids:
                problems.append(f"{where}: ruleId names no rule of the run")
            if not (result.get("message") or {}).get("text"):
                problems.append(f"{where}: no message.text")
            locations = result.get("locations") or []
            if not locations or len(locations) > MAX_LOCATIONS_PER_RESULT:
                problems.append(f"{where}: {len(locations)} locations")
            for location in locations:
                physical = location.get("physicalLocation") or {}
                if not (physical.get("artifactLocation") or {}).get("uri"):
                    problems.append(f"{where}: a location without physicalLocation.artifactLocation.uri")
                if not isinstance((physical.get("region") or {}).get("startLine"), int):
                    problems.append(f"{where}: a location without region.startLine")
            if not result.get("partialFingerprints"):
                problems.append(f"{where}: no partialFingerprints")
    return problems
