"""What a known gap may change in a check's verdict: an unsupported operation explains only the ERROR
it caused; a person's act turns only a FAIL that awaits nothing else into MANUAL; nothing else moves."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from compliance_checks import registry
from compliance_checks.catalog import load_catalog
from compliance_checks.core import ReadError, Result, Status, errored, failed, passed
from compliance_checks.known_gaps import (
    AWAITING_PERSON,
    MANUAL,
    KnownGap,
    KnownGapsError,
    apply_known_gaps,
    known_gaps_document,
    load_known_gaps,
    same_operation,
)
from compliance_checks.reader import Reader
from compliance_checks.runner import AuditOptions, run_audit, select
from tests.compliance_checks.conftest import REGION

CHECK = "some_check"
ARN = "arn:aws:ec2:us-east-1:123456789012:ebs-encryption-by-default"
UNSUPPORTED_READ = ReadError(ReadError.UNSUPPORTED, "ec2:get_ebs_default_kms_key_id", "not implemented", "us-east-1")


def unsupported(**fields) -> KnownGap:
    return KnownGap(CHECK, fields.pop("resource_id", None), "moto lacks it", **fields)


def manual(**fields) -> KnownGap:
    return KnownGap(
        CHECK,
        fields.pop("resource_id", None),
        "a person acts",
        kind=MANUAL,
        evidence_to_attach="the screenshot",
        **fields,
    )


def apply(result: Result, *gaps: KnownGap) -> Result:
    (out,) = apply_known_gaps(CHECK, [result], list(gaps))
    return out


def test_an_unsupported_operation_explains_the_error_it_caused():
    result = apply(errored(ARN, UNSUPPORTED_READ), unsupported(operation="ec2:GetEbsDefaultKmsKeyId"))
    assert result.status is Status.ERROR
    assert result.message == "cannot be asserted here: moto lacks it"
    assert result.evidence["known_gap"] == "moto lacks it"
    assert result.evidence["status_without_gap"] == "ERROR"


def test_an_unsupported_operation_leaves_errors_of_other_operations_and_other_causes():
    other = errored(ARN, ReadError(ReadError.UNSUPPORTED, "ec2:get_ebs_encryption_by_default", "x", "us-east-1"))
    denied = errored(ARN, ReadError(ReadError.ACCESS_DENIED, "ec2:get_ebs_default_kms_key_id", "no", "us-east-1"))
    gap = unsupported(operation="ec2:GetEbsDefaultKmsKeyId")
    assert apply(other, gap) == other
    assert apply(denied, gap) == denied


@pytest.mark.parametrize("verdict", [passed(ARN, "fine", region="us-east-1"), failed(ARN, "off", region="us-west-2")])
def test_an_unsupported_operation_never_replaces_a_pass_or_a_fail(verdict):
    assert apply(verdict, unsupported(), unsupported(operation="ec2:GetEbsDefaultKmsKeyId")) == verdict


def test_a_gap_that_names_a_region_or_a_resource_applies_there_only():
    result = errored(ARN, UNSUPPORTED_READ)
    assert apply(result, unsupported(region="us-west-2")) == result
    assert apply(result, unsupported(resource_id="arn:aws:ec2:us-east-1:123456789012:other")) == result
    assert apply(result, unsupported(region="us-east-1", resource_id=ARN)).evidence["known_gap"] == "moto lacks it"


def test_a_persons_act_turns_a_fail_that_awaits_only_it_into_manual():
    result = failed(ARN, "no MFA", **{AWAITING_PERSON: "the root user's MFA device"})
    out = apply(result, manual())
    assert out.status is Status.MANUAL
    assert out.evidence["evidence_to_attach"] == "the screenshot"
    assert out.evidence["status_without_gap"] == "FAIL"
    assert out.evidence[AWAITING_PERSON] == "the root user's MFA device"
    assert "the screenshot" in out.message


@pytest.mark.parametrize(
    "verdict",
    [
        failed(ARN, "no MFA and an access key"),  # more is missing than the person's act
        passed(ARN, "fine"),
        errored(ARN, UNSUPPORTED_READ),
    ],
)
def test_a_persons_act_leaves_every_other_verdict(verdict):
    assert apply(verdict, manual()) == verdict


def test_a_gap_of_another_check_changes_nothing():
    result = failed(ARN, "no MFA", **{AWAITING_PERSON: "x"})
    assert apply_known_gaps("another_check", [result], [manual()]) == [result]


def test_a_gap_without_a_kind_is_unsupported():
    class Legacy:
        check_id, resource_id, reason = CHECK, None, "old file"

    verdict = failed(ARN, "off", **{AWAITING_PERSON: "x"})
    assert apply_known_gaps(CHECK, [verdict], [Legacy()]) == [verdict]
    (explained,) = apply_known_gaps(CHECK, [errored(ARN, UNSUPPORTED_READ)], [Legacy()])
    assert explained.evidence["known_gap"] == "old file"


def test_operation_names_match_across_spellings():
    assert same_operation("ec2:GetEbsDefaultKmsKeyId", "ec2:get_ebs_default_kms_key_id")
    assert not same_operation("ec2:GetEbsDefaultKmsKeyId", "ec2:get_ebs_encryption_by_default")
    assert not same_operation("", "ec2:get_ebs_default_kms_key_id")


# -- the file ---------------------------------------------------------------------------------


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "known-gaps.json"
    path.write_text(json.dumps(document))
    return path


def test_the_file_carries_kind_operation_region_and_evidence(tmp_path):
    gaps = [
        KnownGap(CHECK, ARN, "moto lacks it", "ec2:GetEbsDefaultKmsKeyId", region="us-east-1"),
        KnownGap(CHECK, None, "a person acts", "iam:EnableMFADevice", MANUAL, None, "the report"),
    ]
    document = known_gaps_document(gaps)
    assert {"kind", "operation", "region", "evidence_to_attach"} <= set(document["known_gaps"][0])
    assert load_known_gaps(write(tmp_path, document), {CHECK}) == gaps


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"kind": "optional"}, "kind must be one of unsupported, manual"),
        ({"kind": "manual"}, "a manual gap needs the evidence_to_attach"),
        ({"region": 3}, "region must be a string or null"),
        ({"operation": ["x"]}, "operation must be a string or null"),
    ],
)
def test_a_malformed_entry_is_refused_naming_it(tmp_path, entry, message):
    path = write(tmp_path, {"known_gaps": [{"check_id": CHECK, "reason": "r", **entry}]})
    with pytest.raises(KnownGapsError, match=f"entry 1 \\({CHECK}\\): {message}"):
        load_known_gaps(path, {CHECK})


# -- through the runner, on the issue's case ----------------------------------------------------


def test_a_region_where_ebs_encryption_is_really_off_stays_fail_beside_a_gap_on_the_key_read(aws):
    """Plain moto lacks GetEbsDefaultKmsKeyId: the region with encryption on cannot be judged (its ERROR
    is explained by the gap), the region with it off is judged FAIL, and the gap does not hide that."""
    other = "us-west-2"
    boto3.client("ec2", region_name=REGION).enable_ebs_encryption_by_default()
    selection = select(load_catalog(), registry.all_checks(), check_ids=["ec2_ebs_encryption_by_default"])
    gap = KnownGap("ec2_ebs_encryption_by_default", None, "moto lacks it", "ec2:GetEbsDefaultKmsKeyId")
    reader = Reader(boto3.Session(region_name=REGION), [REGION, other])
    report = run_audit([reader], selection, AuditOptions(known_gaps=[gap]))
    by_region = {f.region: f for f in report.findings}
    assert by_region[REGION].status is Status.ERROR
    assert by_region[REGION].message == "cannot be asserted here: moto lacks it"
    assert by_region[other].status is Status.FAIL
    assert "known_gap" not in by_region[other].evidence
