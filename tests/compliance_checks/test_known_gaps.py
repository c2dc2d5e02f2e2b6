"""Known gaps from a file (what `python -m sandbox serve` writes for an audit pointed at it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance_checks import cli
from compliance_checks.known_gaps import FileKnownGap, KnownGapsError, known_gaps_document, load_known_gaps

CHECKS = {"iam_root_mfa_enabled", "s3_bucket_policy_tls_only"}


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "known-gaps.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def test_a_written_document_reads_back_as_the_same_gaps(tmp_path):
    gaps = [
        FileKnownGap("iam_root_mfa_enabled", None, "moto cannot enable MFA on the root user", "EnableMFADevice"),
        FileKnownGap("s3_bucket_policy_tls_only", "arn:aws:s3:::b", "the  policy\n is not simulated"),
    ]
    loaded = load_known_gaps(write(tmp_path, known_gaps_document(gaps)), CHECKS)
    assert loaded[0] == gaps[0]
    assert loaded[1] == FileKnownGap("s3_bucket_policy_tls_only", "arn:aws:s3:::b", "the policy is not simulated")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "known-gaps.json:1:2: not valid JSON"),
        ('{"known_gaps": [], "known_gaps": []}', "key 'known_gaps' appears twice"),
        ('{"known_gaps": [{"check_id": "iam_root_mfa_enabled", "reason": NaN}]}', "NaN is not a JSON number"),
        ('{"known_gaps": ' + "[" * 100 + "]" * 100 + "}", "nested deeper than 64 levels"),
        ({"gaps": []}, "expected an object with a 'known_gaps' list"),
        ({"known_gaps": ["x"]}, "entry 1 is not an object"),
        ({"known_gaps": [{"check_id": "no_such_check", "reason": "r"}]}, "entry 1: unknown check_id 'no_such_check'"),
        (
            {"known_gaps": [{"check_id": "iam_root_mfa_enabled", "resource_id": 3, "reason": "r"}]},
            "entry 1 (iam_root_mfa_enabled): resource_id must be a resource id or null",
        ),
        (
            {"known_gaps": [{"check_id": "iam_root_mfa_enabled", "reason": "r"}, {"check_id": "iam_root_mfa_enabled"}]},
            "entry 2 (iam_root_mfa_enabled): needs the reason",
        ),
    ],
)
def test_a_malformed_file_is_refused_naming_the_entry(tmp_path, document, message):
    with pytest.raises(KnownGapsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_known_gaps(write(tmp_path, document), CHECKS)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(KnownGapsError, match="cannot read"):
        load_known_gaps(tmp_path / "absent.json", CHECKS)


def test_a_folder_or_bytes_that_are_not_utf8_are_refused_in_one_line(tmp_path):
    with pytest.raises(KnownGapsError, match="is a folder"):
        load_known_gaps(tmp_path, CHECKS)
    path = tmp_path / "known-gaps.json"
    path.write_bytes(b'{"known_gaps": ["\xff"]}')
    with pytest.raises(KnownGapsError, match=r"byte 17 \(line 1\) is not UTF-8 \(0xff\)") as raised:
        load_known_gaps(path, CHECKS)
    assert "\n" not in str(raised.value)


def test_the_audit_exits_2_on_a_bad_file_and_refuses_it_with_sandbox(aws, capsys, tmp_path):
    bad = write(tmp_path, {"known_gaps": [{"check_id": "no_such_check", "reason": "r"}]})
    assert cli.main(["audit", "--quiet", "--region", "us-east-1", "--known-gaps", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "known gaps:" in err
    assert "unknown check_id 'no_such_check'" in err
    assert "Traceback" not in err
    good = write(tmp_path, {"known_gaps": []})
    assert cli.main(["audit", "--quiet", "--sandbox", "--known-gaps", str(good)]) == 2
    assert "--known-gaps do not apply" in capsys.readouterr().err


def test_a_file_gap_never_hides_a_fail_and_a_manual_one_turns_the_persons_act_into_manual(aws, capsys, tmp_path):
    args = ["audit", "--quiet", "--region", "us-east-1", "--checks", "iam_root_mfa_enabled", "--format", "json"]
    unsupported = write(
        tmp_path, {"known_gaps": [{"check_id": "iam_root_mfa_enabled", "resource_id": None, "reason": "not simulated"}]}
    )
    cli.main([*args, "--known-gaps", str(unsupported)])
    report = json.loads(capsys.readouterr().out)
    (finding,) = report["findings"]
    assert finding["status"] == "FAIL"  # moto: AccountMFAEnabled = 0, a verdict the check could make
    assert report["metadata"]["known_gaps_file"] == str(unsupported)
    manual = write(
        tmp_path,
        {
            "known_gaps": [
                {
                    "check_id": "iam_root_mfa_enabled",
                    "resource_id": None,
                    "reason": "a person assigns it",
                    "kind": "manual",
                    "evidence_to_attach": "the credential report",
                }
            ]
        },
    )
    cli.main([*args, "--known-gaps", str(manual)])
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["status"] == "MANUAL"
    assert finding["evidence"]["evidence_to_attach"] == "the credential report"
    assert finding["evidence"]["status_without_gap"] == "FAIL"
