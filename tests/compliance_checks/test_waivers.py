"""Waivers: valid ones waive FAIL findings, expired ones no longer do, malformed files are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance_checks.core import Status
from compliance_checks.reports.model import Finding
from compliance_checks.waivers import WaiverError, apply_waivers, load_waivers, parse_waivers

TODAY = dt.date(2026, 6, 1)
CONTROLS = ("LP-DR-1", "LP-TX-1")
CHECKS = ("s3_bucket_default_encryption_kms", "s3_bucket_policy_tls_only")


def _finding(resource: str, status: Status = Status.FAIL, check: str = "s3_bucket_default_encryption_kms"):
    return Finding(
        control_id="LP-DR-1",
        check_id=check,
        resource_id=resource,
        resource_type="AWS::S3::Bucket",
        region="us-east-1",
        status=status,
        message="default encryption is AES256, not SSE-KMS",
    )


def _waivers(*entries: dict):
    return parse_waivers({"waivers": list(entries)}, CONTROLS, CHECKS)


def _entry(**fields):
    base = {
        "check": "s3_bucket_default_encryption_kms",
        "resource": "arn:aws:s3:::legacy-exports",
        "justification": "read-only archive, migrated in Q3 (SEC-142)",
        "owner": "platform",
        "expires": dt.date(2026, 9, 30),
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def test_a_valid_waiver_turns_the_matching_fail_into_waived_with_its_justification():
    findings, notes = apply_waivers(
        [_finding("arn:aws:s3:::legacy-exports"), _finding("arn:aws:s3:::other")], _waivers(_entry()), TODAY
    )
    waived, other = findings
    assert waived.status is Status.WAIVED
    assert "read-only archive, migrated in Q3 (SEC-142)" in waived.message
    assert waived.waiver["owner"] == "platform"
    assert other.status is Status.FAIL
    assert notes == []


def test_the_waiver_applies_through_its_expiry_day():
    [finding], _ = apply_waivers(
        [_finding("arn:aws:s3:::legacy-exports")], _waivers(_entry(expires="2026-06-01")), TODAY
    )
    assert finding.status is Status.WAIVED


def test_an_expired_waiver_no_longer_applies_and_the_report_says_so():
    [finding], notes = apply_waivers(
        [_finding("arn:aws:s3:::legacy-exports")], _waivers(_entry(expires="2026-05-31")), TODAY
    )
    assert finding.status is Status.FAIL
    assert "expired on 2026-05-31" in finding.message
    assert finding.waiver["expired"] is True
    assert len(notes) == 1
    assert "waiver #0" in notes[0]
    assert "expired on 2026-05-31" in notes[0]


def test_a_pattern_waives_every_matching_resource_and_only_those():
    waivers = _waivers(_entry(resource=None, resource_pattern="arn:aws:s3:::legacy-*"))
    findings, _ = apply_waivers(
        [_finding("arn:aws:s3:::legacy-a"), _finding("arn:aws:s3:::legacy-b"), _finding("arn:aws:s3:::prod-data")],
        waivers,
        TODAY,
    )
    assert [f.status for f in findings] == [Status.WAIVED, Status.WAIVED, Status.FAIL]


def test_a_waiver_by_control_covers_its_checks_and_never_an_error_or_another_control():
    waivers = _waivers(_entry(check=None, control="LP-DR-1"))
    error = _finding("arn:aws:s3:::legacy-exports", Status.ERROR)
    other_control = Finding(**{**_finding("arn:aws:s3:::legacy-exports").__dict__, "control_id": "LP-TX-1"})
    findings, _ = apply_waivers([_finding("arn:aws:s3:::legacy-exports"), error, other_control], waivers, TODAY)
    assert [f.status for f in findings] == [Status.WAIVED, Status.ERROR, Status.FAIL]


def test_an_unused_waiver_is_noted():
    _, notes = apply_waivers([_finding("arn:aws:s3:::other")], _waivers(_entry()), TODAY)
    assert notes == [
        "waiver #0 (check s3_bucket_default_encryption_kms resource arn:aws:s3:::legacy-exports) matched no failing "
        "finding; remove it if it is no longer needed"
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_entry(justification=None), r"waiver #1: field 'justification' is required"),
        (_entry(justification="  "), r"waiver #1: field 'justification' must be a non-empty string"),
        (_entry(expires=None), r"waiver #1: field 'expires' is required"),
        (_entry(expires="next year"), r"waiver #1: field 'expires' must be a date"),
        (_entry(check=None), r"waiver #1: field 'control' or 'check' is required"),
        (_entry(check="no_such_check"), r"waiver #1: field 'check': unknown check id 'no_such_check'"),
        (_entry(check=None, control="LP-NOPE-9"), r"waiver #1: field 'control': unknown control id"),
        (_entry(resource=None), r"waiver #1: field 'resource' or 'resource_pattern' is required"),
        (_entry(resource_pattern="arn:*"), r"waiver #1: field 'resource' or 'resource_pattern' is required"),
        (_entry(resource="arn:aws:s3:::legacy-*"), r"waiver #1: field 'resource' holds a wildcard"),
        (_entry(expiry="2026-01-01"), r"waiver #1: unknown field 'expiry'"),
        ("just a string", r"waiver #1: expected a mapping"),
    ],
)
def test_a_malformed_entry_is_refused_naming_the_entry_and_field(entry, message):
    with pytest.raises(WaiverError, match=message):
        _waivers(_entry(), entry)


def test_a_malformed_file_names_the_file(tmp_path):
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers:\n  - check: s3_bucket_default_encryption_kms\n    resource: x\n    expires: 2026-01-01\n")
    with pytest.raises(WaiverError, match=r"waivers.yaml: waiver #0: field 'justification' is required"):
        load_waivers(path, CONTROLS, CHECKS)
    path.write_text("waivers: [unclosed\n")
    with pytest.raises(WaiverError, match="not valid YAML"):
        load_waivers(path, CONTROLS, CHECKS)
    with pytest.raises(WaiverError, match="cannot read"):
        load_waivers(tmp_path / "missing.yaml", CONTROLS, CHECKS)


def test_a_valid_file_loads(tmp_path):
    path = tmp_path / "waivers.yaml"
    path.write_text(
        "waivers:\n"
        "  - control: LP-DR-1\n"
        '    resource_pattern: "arn:aws:s3:::legacy-*"\n'
        "    justification: legacy exports, read-only\n"
        "    owner: data-team\n"
        "    expires: 2026-12-31\n"
    )
    [waiver] = load_waivers(path, CONTROLS, CHECKS)
    assert waiver.control_id == "LP-DR-1"
    assert waiver.expires == dt.date(2026, 12, 31)
    assert waiver.resource_pattern == "arn:aws:s3:::legacy-*"


def test_an_exact_and_a_pattern_waiver_apply_in_file_order():
    exact = _entry(justification="exact one, listed first", expires=dt.date(2026, 5, 1))
    pattern = _entry(resource=None, resource_pattern="arn:aws:s3:::legacy-ex?orts", justification="the pattern")
    [finding], notes = apply_waivers([_finding("arn:aws:s3:::legacy-exports")], _waivers(exact, pattern), TODAY)
    # The first matching waiver has expired; the next one that matches applies.
    assert finding.status is Status.WAIVED
    assert "the pattern" in finding.message
    assert any("waiver #0" in note and "expired" in note for note in notes)


@pytest.mark.parametrize(
    ("pattern", "resource", "waived"),
    [
        ("*", "arn:aws:s3:::anything", True),
        ("arn:aws:s3:::[lp]egacy-*", "arn:aws:s3:::pegacy-a", True),
        ("arn:aws:s3:::legacy-?", "arn:aws:s3:::legacy-ab", False),
        ("arn:aws:s3:::legacy", "arn:aws:s3:::legacy-a", False),
    ],
)
def test_a_pattern_matches_the_whole_resource_id(pattern, resource, waived):
    waivers = _waivers(_entry(resource=None, resource_pattern=pattern))
    [finding], _ = apply_waivers([_finding(resource)], waivers, TODAY)
    assert (finding.status is Status.WAIVED) is waived


@pytest.mark.parametrize(
    ("expires", "message"),
    [
        ("2026-02-30", r"waiver #1: field 'expires' must be a date \(YYYY-MM-DD\), got '2026-02-30': day is out"),
        ("20260930", r"waiver #1: field 'expires' must be a date \(YYYY-MM-DD\), got '20260930'"),
        ("2026-W40-1", r"waiver #1: field 'expires' must be a date"),
        ("\uff12\uff10\uff12\uff16-\uff10\uff19-\uff13\uff10", r"waiver #1: field 'expires' must be a date"),
        (20260930, r"waiver #1: field 'expires' must be a date"),
    ],
)
def test_an_impossible_or_unwritten_date_is_refused_naming_the_entry(expires, message):
    with pytest.raises(WaiverError, match=message):
        _waivers(_entry(), _entry(expires=expires))


def _write(tmp_path, content: str | bytes):
    path = tmp_path / "waivers.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


VALID_ENTRY = (
    "  - check: s3_bucket_default_encryption_kms\n"
    "    resource: arn:aws:s3:::legacy-exports\n"
    "    justification: read-only archive\n"
    "    expires: {expires}\n"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("waivers:\n" + VALID_ENTRY.format(expires="2026-02-30"), r"waiver #0: field 'expires'.*day is out of range"),
        ("waivers:\n  - 1: x\n", r"waivers.yaml:2:5: waivers\[0\]: the key 1 is not text"),
        ("waivers:\n  - {? [a]: x}\n", r"a map or list is used as a key"),
        (b"waivers:\n  - check: \xff\n", r"byte 20 \(line 2\) is not UTF-8"),
        ("waivers:" + " [" * 200 + " ]" * 200 + "\n", r"nested deeper than 64 levels"),
        ("waivers:\n" + VALID_ENTRY.format(expires="2026-09-30") + "    owner: a\n    owner: b\n", r"given twice"),
        ("waivers: !!set {a}\n", r"the tag '!!set' is not accepted"),
        ("waivers:\n  - !!binary aGVsbG8=\n", r"the tag '!!binary' is not accepted"),
        ("waivers:\n  - !!python/object/apply:os.system [ls]\n", r"the tag '!!python/object/apply:os.system'"),
        ("---\nwaivers: []\n---\nwaivers: []\n", r"more than one YAML document"),
    ],
)
def test_a_file_the_strict_loader_refuses_is_one_line_naming_the_file(tmp_path, content, message):
    with pytest.raises(WaiverError, match=message) as raised:
        load_waivers(_write(tmp_path, content), CONTROLS, CHECKS)
    assert "waivers.yaml" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_an_alias_bomb_is_refused_at_its_first_anchor(tmp_path):
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = _write(tmp_path, "\n".join(levels) + "\nwaivers: *a9\n")
    with pytest.raises(WaiverError, match=r"waivers.yaml:1:5: a0: YAML anchors and aliases") as raised:
        load_waivers(path, CONTROLS, CHECKS)
    assert len(str(raised.value)) < 300


def test_a_folder_named_like_the_file_is_refused(tmp_path):
    folder = tmp_path / "waivers.yaml"
    folder.mkdir()
    with pytest.raises(WaiverError, match="is a folder"):
        load_waivers(folder, CONTROLS, CHECKS)


def test_dates_stay_text_until_the_waiver_reads_them(tmp_path):
    path = _write(tmp_path, "waivers:\n" + VALID_ENTRY.format(expires="2026-09-30") + "    owner: 2026-01-01\n")
    [waiver] = load_waivers(path, CONTROLS, CHECKS)
    assert waiver.owner == "2026-01-01"
    assert waiver.expires == dt.date(2026, 9, 30)
