"""Validators of the formats for other tools, as their publishers publish them (see
test_published_schemas.py); shared with the full-audit test of test_reports.py."""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session
import jsonschema
from botocore.validate import ParamValidator
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema
from trestle.oscal.assessment_results import Model as OscalAssessmentResults

from compliance_checks.reports import ocsf


@cache
def ocsf_validator() -> jsonschema.Draft202012Validator:
    """OCSF's Compliance Finding class with the profiles our events declare, from the schema export."""
    schema = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=ocsf.OCSF_VERSION)).get_class_schema(
        "compliance_finding", profiles=["cloud", "datetime"]
    )
    return jsonschema.Draft202012Validator(schema)


def ocsf_errors(events: list[dict[str, Any]]) -> list[str]:
    return [str(error) for event in events for error in ocsf_validator().iter_errors(event)]


def batch_import_errors(findings: list[dict[str, Any]]) -> str:
    """botocore's own validation of a BatchImportFindings request ("" when valid)."""
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    report = ParamValidator().validate({"Findings": findings}, shape)
    return report.generate_report() if report.has_errors() else ""


def validate_oscal(document: dict[str, Any]) -> None:
    """Raises (pydantic's ValidationError, a ValueError) unless NIST's model accepts the document."""
    OscalAssessmentResults.model_validate(document)
