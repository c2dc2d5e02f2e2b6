"""AWS Security Finding Format (ASFF): the findings as Security Hub's BatchImportFindings takes them.

One ASFF finding per report finding, every status included, so that a FAIL fixed since the last
import is updated to PASSED under the same ``Id`` rather than left open. The product is the
account's own custom integration (``product/<account>/default``), the generator the check. The
``Id`` derives from ``Finding.identity`` (account, control, check, resource, region): a re-run
updates the same finding. ``security_hub.py`` imports what ``findings`` builds; ``render`` writes it
to a file (a JSON list, as ``aws securityhub batch-import-findings --findings file://...`` takes it).

Statuses (Compliance.Status as AWS defines it): PASS -> PASSED; FAIL -> FAILED; WAIVED -> FAILED
(the resource still fails; the waiver, who, why and until when, is in ProductFields and the
description); ERROR -> NOT_AVAILABLE ("the check could not be performed ... an API error"); MANUAL ->
WARNING ("some information is missing": the evidence a person must attach). A PASSED finding has
the INFORMATIONAL severity, as Security Hub's own controls have.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from compliance_checks.core import Status
from compliance_checks.reports import json_text
from compliance_checks.reports.links import absolute_runbook_urls
from compliance_checks.reports.model import Finding, Report, as_text

SCHEMA_VERSION = "2018-10-08"
PRODUCT_NAME = "leadping-audit"
COMPANY_NAME = "Leadping"
# Every GeneratorId starts with this: the import finds its own earlier findings by it.
GENERATOR_PREFIX = f"{PRODUCT_NAME}/"
FINDING_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards/Leadping controls"

COMPLIANCE_STATUS = {
    Status.PASS: "PASSED",
    Status.FAIL: "FAILED",
    Status.WAIVED: "FAILED",
    Status.ERROR: "NOT_AVAILABLE",
    Status.MANUAL: "WARNING",
}
_SEVERITY = {"critical": "CRITICAL", "high": "HIGH", "medium": "MEDIUM", "low": "LOW"}

# ASFF resource types for the CloudFormation types the checks report; any other is "Other", as
# the ASFF documentation asks for a resource without a type of its own.
_RESOURCE_TYPES = {
    "AWS::::Account": "AwsAccount",
    "AWS::ApiGateway::Stage": "AwsApiGatewayStage",
    "AWS::ApiGatewayV2::Stage": "AwsApiGatewayV2Stage",
    "AWS::Backup::BackupPlan": "AwsBackupBackupPlan",
    "AWS::Backup::BackupVault": "AwsBackupBackupVault",
    "AWS::CloudTrail::Trail": "AwsCloudTrailTrail",
    "AWS::CloudWatch::Alarm": "AwsCloudWatchAlarm",
    "AWS::DynamoDB::Table": "AwsDynamoDbTable",
    "AWS::EC2::SecurityGroup": "AwsEc2SecurityGroup",
    "AWS::EC2::VPC": "AwsEc2Vpc",
    "AWS::ECS::TaskDefinition": "AwsEcsTaskDefinition",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "AwsElbv2LoadBalancer",
    "AWS::GuardDuty::Detector": "AwsGuardDutyDetector",
    "AWS::IAM::Group": "AwsIamGroup",
    "AWS::IAM::Role": "AwsIamRole",
    "AWS::IAM::User": "AwsIamUser",
    "AWS::KMS::Key": "AwsKmsKey",
    "AWS::Lambda::Function": "AwsLambdaFunction",
    "AWS::RDS::DBCluster": "AwsRdsDbCluster",
    "AWS::RDS::DBInstance": "AwsRdsDbInstance",
    "AWS::S3::Bucket": "AwsS3Bucket",
    "AWS::S3::Object": "AwsS3Object",
    "AWS::SNS::Topic": "AwsSnsTopic",
    "AWS::SQS::Queue": "AwsSqsQueue",
    "AWS::SecretsManager::Secret": "AwsSecretsManagerSecret",
}
# Field limits from the ASFF reference; Security Hub refuses a finding that exceeds them.
_TITLE_MAX, _DESCRIPTION_MAX, _RECOMMENDATION_MAX, _PRODUCT_FIELD_MAX = 256, 1024, 512, 2048
_RELATED_REQUIREMENTS_MAX = 32


def product_arn(region: str, account_id: str) -> str:
    """The ARN of an account's own (custom integration) product, which any account may import to."""
    return f"arn:aws:securityhub:{region}:{account_id}:product/{account_id}/default"


def finding_id(finding: Finding) -> str:
    return f"{PRODUCT_NAME}/{finding.identity}"


def generator_id(finding: Finding) -> str:
    return f"{GENERATOR_PREFIX}{finding.check_id or 'manual/' + finding.control_id}"


def timestamp(moment: dt.datetime | str) -> str:
    """ISO 8601 in UTC with a Z, as the ASFF examples write it."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _severity(finding: Finding) -> dict[str, str]:
    if finding.status is Status.PASS or finding.severity is None:
        return {"Label": "INFORMATIONAL", "Original": finding.severity or "none"}
    return {"Label": _SEVERITY.get(finding.severity, "MEDIUM"), "Original": finding.severity}


def _product_fields(finding: Finding, baseline: str | None = None) -> dict[str, str]:
    fields = {
        "leadping/control": finding.control_id,
        "leadping/check": finding.check_id or "manual",
        "leadping/status": str(finding.status),
        "leadping/region": finding.region,
    }
    waiver = finding.waiver or {}
    for key in ("justification", "owner", "expires"):
        if waiver.get(key):
            fields[f"leadping/waiver/{key}"] = str(waiver[key])
    if baseline:
        fields["leadping/baseline"] = baseline
    if finding.evidence:
        fields["leadping/evidence"] = json.dumps(dict(finding.evidence), default=str, sort_keys=True)
    return {key: _clip(value, _PRODUCT_FIELD_MAX) for key, value in fields.items() if value.strip()}


def to_asff(
    finding: Finding,
    report: Report,
    *,
    hub_region: str,
    now: dt.datetime | str,
    first_seen: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One ASFF finding. ``first_seen`` maps finding ids already in Security Hub to their CreatedAt,
    which an update keeps (a provider's CreatedAt is when it first saw the finding)."""
    updated = timestamp(now)
    fid = finding_id(finding)
    account = report.account_of(finding)
    created = (first_seen or {}).get(fid, updated)
    region = hub_region if finding.region == "global" else finding.region
    info = report.checks.get(finding.check_id or "", {})
    references = [str(r) for r in report.references(finding.control_id)]
    recommendation: dict[str, str] = {
        "Text": _clip(info.get("remediation") or f"See the runbooks of {finding.control_id}.", _RECOMMENDATION_MAX)
    }
    control = report.control(finding.control_id)
    urls = absolute_runbook_urls(control.runbooks if control else (), report.runbook_base)
    if urls:
        recommendation["Url"] = urls[0]
    severity = _severity(finding)
    return {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": fid,
        "ProductArn": product_arn(hub_region, account),
        "ProductName": PRODUCT_NAME,
        "CompanyName": COMPANY_NAME,
        "Region": region,
        "GeneratorId": generator_id(finding),
        "AwsAccountId": account,
        "Types": [FINDING_TYPE],
        "FirstObservedAt": created,
        "LastObservedAt": updated,
        "CreatedAt": created,
        "UpdatedAt": updated,
        "Severity": severity,
        # A provider changes severity and types of an existing finding through these (AWS: "finding
        # providers use FindingProviderFields"), so a re-run that finds it worse says so.
        "FindingProviderFields": {"Severity": severity, "Types": [FINDING_TYPE]},
        "Title": _clip(f"{finding.control_id} {finding.title or finding.check_id or ''}".strip(), _TITLE_MAX),
        "Description": _clip(finding.message or str(finding.status), _DESCRIPTION_MAX),
        "Remediation": {"Recommendation": recommendation},
        "ProductFields": _product_fields(finding, report.baseline_of(finding)),
        "Resources": [
            {
                "Type": _RESOURCE_TYPES.get(finding.resource_type, "Other"),
                "Id": finding.resource_id,
                "Partition": "aws",
                "Region": region,
            }
        ],
        "Compliance": {
            "Status": COMPLIANCE_STATUS[finding.status],
            **({"RelatedRequirements": references[:_RELATED_REQUIREMENTS_MAX]} if references else {}),
        },
        "RecordState": "ACTIVE",
    }


def hub_region_of(report: Report) -> str:
    """The region a report file names as Security Hub's: the first audited region."""
    regions = report.metadata.get("regions") or []
    if not regions:
        raise ValueError("the report names no audited region, so no Security Hub region for its findings")
    return regions[0]


def findings(
    report: Report, *, hub_region: str, now: dt.datetime | str, first_seen: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    return list(each_finding(report, hub_region=hub_region, now=now, first_seen=first_seen))


def each_finding(
    report: Report, *, hub_region: str, now: dt.datetime | str, first_seen: Mapping[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    return (to_asff(f, report, hub_region=hub_region, now=now, first_seen=first_seen) for f in report.sorted_findings())


def write(report: Report, out: TextIO) -> None:
    now = report.metadata.get("finished") or dt.datetime.now(dt.UTC)
    json_text.write(out, each_finding(report, hub_region=hub_region_of(report), now=now))


def render(report: Report) -> str:
    return as_text(write, report)
