"""The organization options on the command line: bad usage is one line and exit 2, before any AWS call."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance_checks import cli
from tests.compliance_checks.organization.conftest import REGION, ROLE, build_organization


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--shard", "1/2"], "--shard goes with --organization"),
        (["--member-role", ROLE], "--member-role goes with --organization"),
        (["--accounts", "123456789012"], "--accounts goes with --organization"),
        (["--organization"], "needs --member-role"),
        (["--organization", "--member-role", ROLE, "--sandbox"], "do not apply"),
        (["--organization", "--member-role", ROLE, "--role-arn", "arn:aws:iam::123456789012:role/x"], "do not apply"),
        (["--organization", "--member-role", "bad role"], "not an IAM role name"),
        (["--organization", "--member-role", ROLE, "--duration", "60"], "session duration"),
        (["--organization", "--member-role", ROLE, "--accounts", "12"], "not an account id"),
        (["--organization", "--member-role", ROLE, "--exclude-accounts", "ou-"], "not an account id"),
        (["--organization", "--member-role", ROLE, "--account-workers", "0"], "--account-workers must be"),
        (["--organization", "--member-role", ROLE, "--shard", "5/4"], "I must be 1 to N"),
        (["--organization", "--member-role", ROLE, "--shard", "1/4"], "--shard needs --run-id"),
        (["--organization", "--member-role", ROLE, "--run-id", "a b"], "--run-id"),
        (["--organization", "--member-role", ROLE, "--security-hub"], "--security-hub is not supported"),
    ],
)
def test_given_bad_organization_options_then_one_line_and_exit_2(argv: list[str], message: str, capsys) -> None:
    code = cli.main(["audit", *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_given_an_account_that_is_not_in_an_organization_then_exit_2(aws: None, capsys) -> None:
    code = cli.main(["audit", "--organization", "--member-role", ROLE, "--region", REGION, "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot list the organization's accounts" in err


def test_given_accounts_that_select_nothing_then_exit_2(aws: None, capsys) -> None:
    world = build_organization(3, plant=False, ous=1)
    [unit] = world.ous
    code = cli.main(
        ["audit", "--organization", "--member-role", ROLE, "--accounts", unit, "--exclude-accounts", unit, "--quiet"]
    )
    assert code == 2
    assert "selects no active account" in capsys.readouterr().err


def test_given_a_clean_organization_then_exit_0_and_every_account_is_in_the_report(
    aws: None, tmp_path: Path, capsys
) -> None:
    world = build_organization(3, plant=False)
    code = cli.main(
        [
            "audit",
            "--organization",
            "--member-role",
            ROLE,
            "--checks",
            "s3_bucket_default_encryption_kms",
            "--format",
            "json",
            "--output-dir",
            str(tmp_path),
            "--quiet",
        ]
    )
    assert code == 0
    text = (tmp_path / "audit.json").read_text()
    assert all(account in text for account in world.accounts)
    assert '"member_role": "leadping-audit-member"' in text


def test_given_a_file_where_the_accounts_folder_goes_then_exit_2_before_any_aws_call(tmp_path: Path, capsys) -> None:
    (tmp_path / "accounts").write_text("not a folder")
    code = cli.main(
        ["audit", "--organization", "--member-role", ROLE, "--output-dir", str(tmp_path), "--format", "json"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "is in the way" in err
    assert err.count("\n") == 1


def test_given_results_of_an_earlier_run_then_they_are_not_kept_as_this_runs(aws: None, tmp_path: Path) -> None:
    world = build_organization(1, plant=False)
    stale = tmp_path / "accounts" / "999999999999.jsonl"
    stale.parent.mkdir()
    stale.write_text("{}\n")
    argv = ["audit", "--organization", "--member-role", ROLE, "--checks", "s3_bucket_default_encryption_kms"]
    assert cli.main([*argv, "--format", "json", "--output-dir", str(tmp_path), "--quiet"]) == 0
    assert sorted(p.stem for p in (tmp_path / "accounts").iterdir()) == world.accounts


def test_given_no_account_can_be_entered_then_every_format_is_written_and_names_the_region(
    aws: None, tmp_path: Path, monkeypatch, capsys
) -> None:
    """The member role refused in every account: every report is still written (ERROR for each check of
    each account, exit 3), and names the region the run tried (ASFF needs one for its product ARN)."""
    import json

    import jsonschema

    from compliance_checks import organization
    from compliance_checks.core import ReadError
    from compliance_checks.reports import FORMATS
    from compliance_checks.reports.json_report import SCHEMA_FILE

    world = build_organization(2, plant=False)

    def refused(self, member):
        raise ReadError(ReadError.ACCESS_DENIED, "sts:assume_role", "AccessDenied: not authorized", REGION)

    monkeypatch.setattr(organization.MemberAccess, "open", refused)
    argv = ["audit", "--organization", "--member-role", ROLE, "--checks", "s3_bucket_default_encryption_kms"]
    code = cli.main([*argv, "--format", ",".join(FORMATS), "--output-dir", str(tmp_path), "--quiet"])
    assert code == 3, capsys.readouterr().err
    assert all((tmp_path / f.filename).is_file() for f in FORMATS.values())
    document = json.loads((tmp_path / "audit.json").read_text())
    jsonschema.validate(document, json.loads(SCHEMA_FILE.read_text()))
    assert document["metadata"]["regions"] == [REGION]
    assert sorted(document["metadata"]["accounts"]) == world.accounts
    assert {f["status"] for f in document["findings"] if f["check_id"]} == {"ERROR"}
    asff = json.loads((tmp_path / "audit.asff.json").read_text())
    assert {f["ProductArn"].split(":")[3] for f in asff} == {REGION}
