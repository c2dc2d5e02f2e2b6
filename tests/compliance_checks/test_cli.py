"""The command line: exit codes, usage errors, AWS targets, expectations, the sandbox hook, list and
permissions."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import subprocess
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from compliance_checks import cli, outputs
from compliance_checks.core import Expectations
from compliance_checks.iam_actions import is_read_only
from compliance_checks.reader import aws_session
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION
from tests.full_disk import HalfThenFull

MODEL = "s3_bucket_default_encryption_kms"
ROOT = Path(__file__).resolve().parents[2]


def _bucket(name: str, compliant: bool) -> str:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=name)
    if compliant:
        key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
        rule = {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
            "BucketKeyEnabled": True,
        }
    else:
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
    return f"arn:aws:s3:::{name}"


def _audit_json(capsys, *args: str) -> tuple[int, dict]:
    code = cli.main(["audit", "--checks", MODEL, "--format", "json", "--quiet", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


# -- exit codes -----------------------------------------------------------------------------


def test_exit_0_when_nothing_fails_or_errors(aws, capsys):
    arn = _bucket("compliant", compliant=True)
    code, report = _audit_json(capsys)
    assert code == 0
    assert [(f["resource_id"], f["status"]) for f in report["findings"]] == [(arn, "PASS")]
    assert report["metadata"]["target"] == "aws"
    assert report["metadata"]["account"] == ACCOUNT_ID
    assert report["metadata"]["regions"] == [REGION]


def test_exit_1_on_any_fail(aws, capsys):
    _bucket("compliant", compliant=True)
    _bucket("aes-only", compliant=False)
    code, report = _audit_json(capsys)
    assert code == 1
    assert sorted(f["status"] for f in report["findings"]) == ["FAIL", "PASS"]


def test_exit_3_on_an_error_without_fail(aws, capsys, monkeypatch):
    _bucket("compliant", compliant=True)

    def denying_session(profile=None, region=None):
        session = aws_session(profile, region)

        def refuse(**_):
            response = AWSResponse("https://s3.amazonaws.com/", 403, {}, None)
            return response, {"Error": {"Code": "AccessDenied", "Message": "denied"}}

        session.events.register("before-call.s3.GetBucketEncryption", refuse)
        return session

    monkeypatch.setattr(cli, "aws_session", denying_session)
    code, report = _audit_json(capsys)
    assert code == 3
    [finding] = report["findings"]
    assert finding["status"] == "ERROR"
    assert "AccessDenied" in finding["message"]


def test_the_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["audit", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for line in ("0  no FAIL", "1  at least one FAIL", "2  bad usage", "3  at least one ERROR"):
        assert line in text


# -- usage errors (exit 2) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--checks", "no_such_check"], "unknown check id(s): no_such_check"),
        (["--controls", "LP-NOPE-1"], "unknown control id(s): LP-NOPE-1"),
        (["--format", "pdf"], "unknown format(s) pdf"),
        (["--format", "json,html"], "need --output-dir"),
        (["--external-id", "abc"], "--external-id goes with --role-arn"),
        (["--stack", "no-such-stack"], "no stack file"),
        (["--workers", "0"], "--workers must be at least 1"),
        (["--profile", "no-such-profile"], "AWS profile not found"),
        (["--runbook-base-url", "http://wiki.example/"], "--runbook-base-url must be an https:// URL"),
        (["--runbook-base-url", "https://x.example/a b/"], "is not an https:// URL or a relative path"),
    ],
)
def test_bad_usage_exits_2_with_a_clear_message(aws, capsys, args, message):
    code = cli.main(["audit", "--quiet", *args])
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert "Traceback" not in captured.err


def test_a_malformed_waivers_file_exits_2_naming_entry_and_field(aws, capsys, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - check: s3_bucket_default_encryption_kms\n"
        "    resource: arn:aws:s3:::a\n"
        "    justification: fine\n"
        "    expires: 2099-01-01\n"
        "  - check: s3_bucket_default_encryption_kms\n"
        "    resource: arn:aws:s3:::b\n"
        "    expires: 2099-01-01\n"
    )
    code = cli.main(["audit", "--quiet", "--checks", MODEL, "--waivers", str(waivers)])
    assert code == 2
    assert "waiver #1: field 'justification' is required" in capsys.readouterr().err


def _without_credentials(monkeypatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")


def test_without_credentials_naming_an_account_exits_2_and_suggests_the_sandbox(capsys, monkeypatch):
    _without_credentials(monkeypatch)
    code = cli.main(["audit", "--quiet", "--checks", MODEL, "--region", REGION])
    err = capsys.readouterr().err
    assert code == 2
    assert "no AWS credentials" in err
    assert "--sandbox" in err


@pytest.mark.parametrize(
    "environment",
    [{}, {"AWS_REGION": "eu-west-1", "CI": "true"}],
    ids=["bare", "region-set-in-ci"],
)
def test_without_credentials_or_sandbox_exits_2_and_says_how_to_name_an_account(capsys, monkeypatch, environment):
    """A CI job whose credentials step failed must not go green on the sandbox: it exits 2, one line."""
    _without_credentials(monkeypatch)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    calls: list = []
    _install_fake_sandbox(monkeypatch, calls)
    code = cli.main(["audit", "--quiet", "--checks", MODEL, "--format", "json"])
    captured = capsys.readouterr()
    assert code == 2
    assert calls == []  # the sandbox was not started
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert "no AWS credentials found" in line
    for way in ("--profile", "AWS_ACCESS_KEY_ID", "--role-arn", "--sandbox"):
        assert way in line


def test_with_credentials_the_audit_never_falls_back_to_the_sandbox(aws, capsys, monkeypatch):
    calls: list = []
    _install_fake_sandbox(monkeypatch, calls)
    _bucket("real-account-bucket", compliant=True)
    code, report = _audit_json(capsys)
    assert calls == []
    assert report["metadata"]["target"] == "aws"
    assert code == 0


def test_without_a_region_exit_2(aws, capsys, monkeypatch):
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    code = cli.main(["audit", "--quiet", "--checks", MODEL])
    assert code == 2
    assert "no region" in capsys.readouterr().err


# -- bad input is refused before any AWS call or sandbox start (exit 2, one line) ----------------


def _exit_code(argv: list[str]) -> int:
    """The code cli.main ends with, whether argparse exited (a usage error) or main returned."""
    try:
        return cli.main(argv)
    except SystemExit as exited:
        return int(exited.code)


@pytest.fixture
def nothing_may_run(monkeypatch) -> list:
    """Fails the test if the audit, an AWS call of the CLI or the sandbox starts; returns the sandbox's calls."""

    def refuse(*_, **__):
        raise AssertionError("the audit went ahead with bad input")

    for name in ("run_audit", "assume_role_session", "enabled_regions"):
        monkeypatch.setattr(cli, name, refuse)
    calls: list = []
    _install_fake_sandbox(monkeypatch, calls)
    return calls


def _one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(cli.PROG), "named as it was run (python -m under pytest)"
    assert "Traceback" not in line
    return line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "99999999999"], "'99999999999' is not a whole number from 1 to 64"),
        (["--workers", "65"], "--workers must be at least 1 and at most 64, not 65"),
        (["--workers", "\uff11\uff12"], "is not a whole number from 1 to 64"),  # fullwidth digits
        (["--workers", "1_0"], "'1_0' is not a whole number"),
        (["--region", "nowhere"], "'nowhere' is not an AWS region name"),
        (["--region", "us-east-\uff11"], "is not an AWS region name"),  # a fullwidth 1
        (["--region", "US-EAST-1"], "'US-EAST-1' is not an AWS region name"),
        (["--checks", ""], "--checks was given no id"),
        (["--checks", " , "], "--checks was given no id"),
        (["--controls", ""], "--controls was given no id"),
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["--format"], "argument --format: expected one argument"),
    ],
)
@pytest.mark.parametrize("target", [[], ["--sandbox"]], ids=["account", "sandbox"])
def test_bad_input_is_one_line_and_exit_2_before_anything_runs(aws, capsys, nothing_may_run, args, message, target):
    code = _exit_code(["audit", "--quiet", *target, *args])
    line = _one_line_error(capsys)
    assert code == 2
    assert message in line
    assert nothing_may_run == []


def test_a_usage_error_names_the_help(capsys):
    assert _exit_code(["audit", "--workers", "many"]) == 2
    assert _one_line_error(capsys).endswith(f"(see `{cli.PROG} audit --help`)")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("AWS_ENDPOINT_URL", "not-a-url", "AWS_ENDPOINT_URL='not-a-url' is not an endpoint URL"),
        ("AWS_ENDPOINT_URL", "ftp://127.0.0.1:21", "is not an endpoint URL"),
        ("AWS_ENDPOINT_URL_S3", "http://", "AWS_ENDPOINT_URL_S3='http://' is not an endpoint URL"),
        ("AWS_REGION", "nowhere", "AWS_REGION='nowhere' is not an AWS region name"),
        ("AWS_REGION", "us-east-\uff11", "is not an AWS region name"),
    ],
)
def test_a_bad_endpoint_or_region_in_the_environment_exits_2(
    aws, capsys, monkeypatch, nothing_may_run, variable, value, message
):
    monkeypatch.setenv(variable, value)
    code = cli.main(["audit", "--quiet", "--checks", MODEL])
    assert code == 2
    assert message in _one_line_error(capsys)


def test_a_bad_default_region_exits_2_when_it_is_the_one_used(aws, capsys, monkeypatch, nothing_may_run):
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "nowhere")
    assert cli.main(["audit", "--quiet", "--checks", MODEL]) == 2
    assert "AWS_DEFAULT_REGION='nowhere' is not an AWS region name" in _one_line_error(capsys)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:5000", "https://localhost.localstack.cloud:4566", "http://[::1]:5000/", ""]
)
def test_endpoint_urls_botocore_can_use_are_accepted(monkeypatch, url):
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)  # "" is unset for botocore
    cli._check_endpoints()


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("us-east-1", True),
        ("ap-southeast-7", True),
        ("us-gov-west-1", True),
        ("cn-northwest-1", True),
        ("eusc-de-east-1", True),
        ("us-isob-east-1", True),
        ("nowhere", False),
        ("us-east-\uff11", False),
        ("US-EAST-1", False),
        ("aws-global", False),
        ("us-east-1 ", False),
        ("", False),
    ],
)
def test_region_names_follow_botocores_partition_patterns(name, valid):
    assert cli.is_region_name(name) is valid


@pytest.mark.parametrize(
    ("environment", "region"),
    [
        ({"AWS_REGION": "eu-west-1"}, "eu-west-1"),
        ({"AWS_DEFAULT_REGION": "eu-west-1"}, "eu-west-1"),
        ({"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-1"}, "eu-west-1"),
    ],
    ids=["AWS_REGION-alone", "AWS_DEFAULT_REGION-alone", "AWS_REGION-wins"],
)
def test_the_region_from_the_environment_is_audited(aws, capsys, monkeypatch, environment, region):
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    code, report = _audit_json(capsys)
    assert report["metadata"]["regions"] == [region]
    assert code == 0


def test_an_empty_id_list_for_permissions_is_refused(capsys):
    assert cli.main(["permissions", "--checks", ""]) == 2
    assert "--checks was given no id" in _one_line_error(capsys)


# -- output destinations: checked before the audit, written whole -----------------------------


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ("output-dir-is-a-file", "--output-dir {out} is not a folder"),
        ("parent-is-a-file", "{parent} is not a folder"),
        ("report-name-is-a-folder", "cannot write the report {out}/audit.json: a folder or special file is in the way"),
        ("html-name-is-a-folder", "cannot write the report {out}/audit.html"),
    ],
)
def test_an_output_dir_that_cannot_take_the_reports_exits_2_before_the_audit(
    aws, capsys, tmp_path, nothing_may_run, layout, message
):
    parent = tmp_path / "reports"
    out = parent / "prod"
    if layout == "output-dir-is-a-file":
        parent.mkdir()
        out.write_text("not a folder")
    elif layout == "parent-is-a-file":
        parent.write_text("not a folder")
    else:
        (out / ("audit.json" if layout == "report-name-is-a-folder" else "audit.html")).mkdir(parents=True)
    code = cli.main(["audit", "--quiet", "--checks", MODEL, "--format", "json,html", "--output-dir", str(out)])
    assert code == 2
    assert message.format(out=out, parent=parent) in _one_line_error(capsys)


def test_a_read_only_output_dir_exits_2_before_the_audit(aws, capsys, tmp_path, monkeypatch, nothing_may_run):
    # os.access is what reports a read-only filesystem (EROFS) or a folder without write permission.
    out = tmp_path / "ro"
    out.mkdir()
    real_access = os.access
    monkeypatch.setattr(outputs.os, "access", lambda path, mode: Path(path) != out and real_access(path, mode))
    code = cli.main(["audit", "--quiet", "--checks", MODEL, "--format", "json", "--output-dir", str(out / "new")])
    assert code == 2
    assert f"--output-dir {out / 'new'}: {out} is not writable" in _one_line_error(capsys)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0o500 folder; the os.access case covers it")
def test_a_folder_without_write_permission_exits_2(aws, capsys, tmp_path, nothing_may_run):
    out = tmp_path / "locked"
    out.mkdir()
    out.chmod(0o500)
    try:
        code = cli.main(["audit", "--quiet", "--checks", MODEL, "--format", "json", "--output-dir", str(out)])
    finally:
        out.chmod(0o700)
    assert code == 2
    assert "is not writable" in _one_line_error(capsys)


def test_a_failure_while_writing_keeps_the_previous_report_whole(aws, capsys, tmp_path, monkeypatch):
    _bucket("aes-only", compliant=False)
    out = tmp_path / "out"
    out.mkdir()
    (out / "audit.json").write_text('{"previous": "report"}')
    real_fdopen = os.fdopen
    monkeypatch.setattr(outputs.os, "fdopen", lambda *a, **k: HalfThenFull(real_fdopen(*a, **k)))
    code = cli.main(["audit", "--quiet", "--checks", MODEL, "--format", "json", "--output-dir", str(out)])
    assert code == 2
    assert f"cannot write the report {out / 'audit.json'}: No space left on device" in _one_line_error(capsys)
    assert (out / "audit.json").read_text() == '{"previous": "report"}'
    assert sorted(p.name for p in out.iterdir()) == ["audit.json"]  # no temporary file left behind


def test_reports_are_written_whole_with_a_plain_files_mode(aws, capsys, tmp_path):
    _bucket("aes-only", compliant=False)
    out = tmp_path / "out"
    out.mkdir()
    (out / "audit.json").write_text("old")
    plain = tmp_path / "plain"
    plain.write_text("")
    assert cli.main(["audit", "--quiet", "--checks", MODEL, "--format", "json,html", "--output-dir", str(out)]) == 1
    assert sorted(p.name for p in out.iterdir()) == ["audit.html", "audit.json"]
    assert json.loads((out / "audit.json").read_text())["findings"]
    assert stat.S_IMODE((out / "audit.html").stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


def test_a_format_that_fails_to_render_leaves_the_previous_reports(aws, capsys, tmp_path, monkeypatch):
    _bucket("aes-only", compliant=False)
    out = tmp_path / "out"
    out.mkdir()
    (out / "audit.json").write_text("previous")

    def broken(report, out):
        out.write("<!DOCTYPE html> half a page")
        raise RuntimeError("the html writer broke")

    from compliance_checks.reports import html_report

    monkeypatch.setattr(html_report, "write", broken)
    with pytest.raises(RuntimeError, match="the html writer broke"):
        cli.main(["audit", "--quiet", "--checks", MODEL, "--format", "json,html", "--output-dir", str(out)])
    assert (out / "audit.json").read_text() == "previous"
    assert sorted(p.name for p in out.iterdir()) == ["audit.json"]  # neither half a page nor a temporary file


# -- targets ----------------------------------------------------------------------------------


def test_waivers_apply_and_expired_ones_are_reported(aws, capsys, tmp_path):
    waived = _bucket("legacy-exports", compliant=False)
    lapsed = _bucket("legacy-old", compliant=False)
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        f"  - check: {MODEL}\n"
        f"    resource: {waived}\n"
        "    justification: read-only exports, migrated in Q3\n"
        "    owner: data-team\n"
        "    expires: 2099-12-31\n"
        f"  - control: LP-DR-1\n"
        f"    resource: {lapsed}\n"
        "    justification: was temporary\n"
        "    expires: 2020-01-01\n"
    )
    code, report = _audit_json(capsys, "--waivers", str(waivers))
    statuses = {f["resource_id"]: f for f in report["findings"]}
    assert statuses[waived]["status"] == "WAIVED"
    assert "read-only exports, migrated in Q3" in statuses[waived]["message"]
    assert statuses[lapsed]["status"] == "FAIL"
    assert "expired on 2020-01-01" in statuses[lapsed]["message"]
    assert any("expired on 2020-01-01" in note for note in report["metadata"]["notes"])
    assert code == 1


def test_all_regions_audits_every_enabled_region(aws, capsys):
    code, report = _audit_json(capsys, "--region", "all")
    regions = report["metadata"]["regions"]
    assert regions[0] == REGION  # the home region, where global services are read
    assert len(regions) > 10
    assert {"us-east-1", "eu-west-1"} <= set(regions)
    assert code == 0


def test_repeated_regions_are_audited(aws, capsys):
    _bucket("east", compliant=False)
    boto3.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    _, report = _audit_json(capsys, "--region", "eu-west-1", "--region", "us-east-1")
    assert report["metadata"]["regions"] == ["eu-west-1", "us-east-1"]
    assert {f["region"] for f in report["findings"]} == {"eu-west-1", "us-east-1"}


def test_role_arn_audits_the_assumed_account(aws, capsys):
    _bucket("in-the-caller-account", compliant=False)
    code, report = _audit_json(
        capsys, "--role-arn", "arn:aws:iam::111111111111:role/leadping-auditor", "--external-id", "ext-4242"
    )
    assert report["metadata"]["accounts"] == ["111111111111"]
    [finding] = report["findings"]
    assert finding["resource_id"] == "arn:aws:::account/111111111111"
    assert finding["evidence"] == {"resources_evaluated": 0}
    assert code == 0


def test_a_custom_endpoint_is_named_in_the_target(monkeypatch):
    assert cli._target() == "aws"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    assert cli._target() == "aws (endpoint http://127.0.0.1:1)"


def test_every_format_is_written_to_the_output_dir(aws, capsys, tmp_path):
    _bucket("aes-only", compliant=False)
    formats = "table,json,junit,sarif,markdown,html"
    code = cli.main(["audit", "--quiet", "--checks", MODEL, "--format", formats, "--output-dir", str(tmp_path)])
    assert code == 1
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["audit.html", "audit.json", "audit.junit.xml", "audit.md", "audit.sarif", "audit.txt"]
    assert "LP-DR-1" in capsys.readouterr().out  # the table also goes to the terminal


def _hrefs(html: str) -> list[str]:
    from html.parser import HTMLParser

    class Links(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "a" and not dict(attrs)["href"].startswith("#"):
                self.found.append(dict(attrs)["href"])

    parser = Links()
    parser.found = []
    parser.feed(html)
    return parser.found


def test_runbook_links_lead_from_the_report_folder_to_the_runbooks(aws, capsys, tmp_path):
    """An auditor opening reports/x/audit.html follows a runbook link to the file in the checkout."""
    _bucket("aes-only", compliant=False)
    out = tmp_path / "deep" / "reports"
    cli.main(["audit", "--quiet", "--checks", MODEL, "--format", "html,markdown", "--output-dir", str(out)])
    hrefs = _hrefs((out / "audit.html").read_text())
    assert hrefs
    for href in hrefs:
        assert (out / href).resolve().is_file(), href
        assert (out / href).resolve().parent.name == "runbooks"
    markdown_links = [line for line in (out / "audit.md").read_text().splitlines() if "](" in line]
    assert markdown_links
    assert all(f"]({hrefs[0].split('runbooks/')[0]}runbooks/" in line for line in markdown_links)


def test_a_report_handed_on_links_runbooks_under_the_given_url(aws, capsys, tmp_path):
    _bucket("aes-only", compliant=False)
    base = "https://github.com/leadping/platform/blob/0123abc/"
    args = ["--format", "html", "--output-dir", str(tmp_path), "--runbook-base-url", base]
    cli.main(["audit", "--quiet", "--checks", MODEL, *args])
    hrefs = _hrefs((tmp_path / "audit.html").read_text())
    assert hrefs
    assert all(h.startswith(f"{base}runbooks/") and h.endswith(".md") for h in hrefs)


def test_stack_expectations_and_overrides_reach_the_report(aws, capsys, tmp_path):
    # The audit reads the stack through the program's settings model: a whole, valid stack file.
    dev = (cli.stack_expectations.PROJECT_ROOT / "Pulumi.dev.yaml").read_text()
    (tmp_path / "Pulumi.staging.yaml").write_text(
        dev.replace("    - GET /health\n", "    - GET /health\n    - GET /status\n")
    )
    _, report = _audit_json(capsys, "--stack", "staging", "--project-dir", str(tmp_path))
    assert report["metadata"]["expectations"]["environment"] == "dev"
    assert report["metadata"]["expectations"]["public_routes"] == ["GET /health", "GET /status"]
    assert report["metadata"]["stack"] == "staging"
    _, report = _audit_json(
        capsys,
        "--stack",
        "staging",
        "--project-dir",
        str(tmp_path),
        "--environment",
        "prod",
        "--public-route",
        "GET /ping",
    )
    assert report["metadata"]["expectations"]["environment"] == "prod"
    assert report["metadata"]["expectations"]["public_routes"] == ["GET /ping"]
    assert report["metadata"]["expectations"]["github_repository"] == "leadping/platform"


# -- sandbox hook ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Gap:
    check_id: str
    resource_id: str | None
    reason: str


@dataclass
class _Sandbox:
    session: boto3.Session
    regions: list[str]
    expectations: Expectations
    known_gaps: list[_Gap] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)


def _install_fake_sandbox(monkeypatch, calls: list) -> None:
    @contextlib.contextmanager
    def start_sandbox(stack_name, progress=None):
        from moto import mock_aws

        calls.append((stack_name, progress))
        with mock_aws():
            _bucket("sandbox-data", compliant=False)
            _bucket("sandbox-ok", compliant=True)
            yield _Sandbox(
                session=boto3.Session(region_name=REGION),
                regions=[REGION],
                expectations=Expectations(environment="dev", public_routes=("GET /health",)),
                known_gaps=[_Gap(MODEL, "arn:aws:s3:::sandbox-data", "moto ignores BucketKeyEnabled")],
                metadata={"stack": stack_name, "timings": {"deploy_seconds": 1.5}},
            )

    package = types.ModuleType("sandbox")
    package.__path__ = []
    api = types.ModuleType("sandbox.api")
    api.start_sandbox = start_sandbox
    monkeypatch.setitem(sys.modules, "sandbox", package)
    monkeypatch.setitem(sys.modules, "sandbox.api", api)


def test_sandbox_audits_the_simulated_account_and_known_gaps_never_hide_a_fail(capsys, monkeypatch):
    calls: list = []
    _install_fake_sandbox(monkeypatch, calls)
    code = cli.main(["audit", "--sandbox", "--stack", "prod", "--checks", MODEL, "--format", "json", "--quiet"])
    report = json.loads(capsys.readouterr().out)
    assert calls == [("prod", None)]
    meta = report["metadata"]
    assert meta["target"] == "sandbox (moto)"
    assert meta["stack"] == "prod"
    assert meta["timings"] == {"deploy_seconds": 1.5}
    assert meta["expectations"]["environment"] == "dev"
    by_resource = {f["resource_id"]: f for f in report["findings"]}
    gap = by_resource["arn:aws:s3:::sandbox-data"]
    assert gap["status"] == "FAIL"
    assert "moto ignores BucketKeyEnabled" not in gap["message"]
    assert by_resource["arn:aws:s3:::sandbox-ok"]["status"] == "PASS"
    assert code == 1


def test_sandbox_refuses_real_account_options(capsys, monkeypatch):
    _install_fake_sandbox(monkeypatch, [])
    code = cli.main(["audit", "--sandbox", "--region", "eu-west-1", "--quiet"])
    assert code == 2
    assert "do not apply" in capsys.readouterr().err


def test_a_sandbox_that_cannot_start_exits_2_with_the_reason(capsys, monkeypatch):
    @contextlib.contextmanager
    def start_sandbox(stack_name, progress=None):
        raise ValueError(f"Pulumi.{stack_name}.yaml: leadping:environment: unknown environment 'qa'")
        yield

    api = types.ModuleType("sandbox.api")
    api.start_sandbox = start_sandbox
    monkeypatch.setitem(sys.modules, "sandbox.api", api)
    code = cli.main(["audit", "--sandbox", "--stack", "qa", "--quiet", "--checks", MODEL])
    err = capsys.readouterr().err
    assert code == 2
    assert "the sandbox could not start stack 'qa'" in err
    assert "unknown environment 'qa'" in err


def test_sandbox_missing_exits_2(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "sandbox.api", None)
    code = cli.main(["audit", "--sandbox", "--quiet", "--checks", MODEL])
    assert code == 2
    assert "--sandbox needs the sandbox" in capsys.readouterr().err


# -- list and permissions -------------------------------------------------------------------


def test_list_shows_every_control_with_its_checks_and_severities(capsys, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)  # piped output is 160 wide unless COLUMNS says otherwise
    assert cli.main(["list", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    controls = {c["id"]: c for c in listing["controls"]}
    assert "LP-SEC-4" in controls
    assert controls["LP-SEC-4"]["manual"]
    model = next(c for c in controls["LP-DR-1"]["checks"] if c["id"] == MODEL)
    assert model == {"id": MODEL, "severity": "high", "implemented": True, "title": model["title"]}
    assert cli.main(["list"]) == 0
    text = capsys.readouterr().out
    assert "LP-IR-1" in text
    assert MODEL in text


def test_permissions_prints_a_read_only_policy_from_the_declared_permissions(capsys):
    assert cli.main(["permissions"]) == 0
    policy = json.loads(capsys.readouterr().out)
    assert policy["Version"] == "2012-10-17"
    actions = [a for statement in policy["Statement"] for a in statement["Action"]]
    assert actions == sorted(actions)
    assert {"s3:GetEncryptionConfiguration", "s3:ListAllMyBuckets", "sts:GetCallerIdentity"} <= set(actions)
    assert all(is_read_only(a) for a in actions)
    assert all(s["Resource"] == "*" and s["Effect"] == "Allow" for s in policy["Statement"])
    prefixes = [s["Action"][0].split(":")[0] for s in policy["Statement"]]
    assert prefixes == sorted(set(prefixes))  # one statement per service


def test_permissions_for_a_subset(capsys):
    assert cli.main(["permissions", "--checks", MODEL]) == 0
    policy = json.loads(capsys.readouterr().out)
    actions = {a for statement in policy["Statement"] for a in statement["Action"]}
    assert actions == {
        # what the runner reads whatever the checks (--region all, --source config)
        "config:BatchGetAggregateResourceConfig",
        "config:BatchGetResourceConfig",
        "config:DescribeConfigurationRecorderStatus",
        "ec2:DescribeRegions",
        "kms:DescribeKey",
        "s3:GetBucketLocation",
        "s3:GetEncryptionConfiguration",
        "s3:ListAllMyBuckets",
        "sts:GetCallerIdentity",
    }


def test_the_module_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "compliance_checks", "list", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["controls"]


# -- progress -------------------------------------------------------------------------------


class _RecordingDisplay(cli.ProgressDisplay):
    instances: list[_RecordingDisplay] = []

    def __init__(self, enabled: bool) -> None:
        super().__init__(enabled)
        self.updates: list[tuple[int, int, str]] = []
        _RecordingDisplay.instances.append(self)

    def checks(self, done: int, total: int, what: str) -> None:
        self.updates.append((done, total, what))
        super().checks(done, total, what)


class _Terminal:
    """A stderr that says it is a terminal."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def isatty(self) -> bool:
        return True

    def __getattr__(self, name):
        return getattr(self._stream, name)


@pytest.mark.parametrize(("tty", "quiet", "enabled"), [(True, False, True), (True, True, False), (False, False, False)])
def test_progress_shows_on_a_terminal_unless_quiet(aws, capsys, monkeypatch, tty, quiet, enabled):
    _bucket("progress", compliant=True)
    _RecordingDisplay.instances = []
    monkeypatch.setattr(cli, "ProgressDisplay", _RecordingDisplay)
    if tty:
        monkeypatch.setattr(sys, "stderr", _Terminal(sys.stderr))
    args = ["audit", "--checks", MODEL, "--format", "json", *(["--quiet"] if quiet else [])]
    assert cli.main(args) == 0
    [display] = _RecordingDisplay.instances
    assert display.enabled is enabled
    assert display.updates == [(1, 1, MODEL)]  # the runner reports each finished check either way
    json.loads(capsys.readouterr().out)  # progress never mixes into standard output


# -- Security Hub import --------------------------------------------------------------------


def _hub_findings() -> list[dict]:
    hub = boto3.client("securityhub", region_name=REGION)
    return hub.get_findings()["Findings"]


def test_security_hub_imports_the_findings_once_however_often_the_audit_runs(aws, capsys):
    boto3.client("securityhub", region_name=REGION).enable_security_hub()
    arn = _bucket("aes-only", compliant=False)
    for _ in range(2):
        code = cli.main(["audit", "--checks", MODEL, "--quiet", "--format", "json", "--security-hub"])
        captured = capsys.readouterr()
        assert code == 1
        assert f"Security Hub {REGION}:" in captured.err
    [finding] = _hub_findings()
    assert finding["Resources"][0]["Id"] == arn
    assert finding["Compliance"]["Status"] == "FAILED"


def test_security_hub_not_enabled_exits_2_in_one_line(aws, capsys):
    _bucket("compliant", compliant=True)
    code = cli.main(["audit", "--checks", MODEL, "--quiet", "--format", "json", "--security-hub"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--security-hub" in err
    assert len(err.strip().splitlines()) == 1


def test_findings_security_hub_refuses_make_a_clean_audit_exit_4(aws, capsys, monkeypatch):
    from compliance_checks import security_hub

    boto3.client("securityhub", region_name=REGION).enable_security_hub()
    _bucket("compliant", compliant=True)
    real = security_hub.import_findings

    def refusing(session, report, **kwargs):
        result = real(session, report, **kwargs)
        result.failed.append(security_hub.FailedImport("some-id", "InvalidInput", "refused"))
        return result

    monkeypatch.setattr(security_hub, "import_findings", refusing)
    code = cli.main(["audit", "--checks", MODEL, "--quiet", "--format", "json", "--security-hub"])
    assert code == cli.EXIT_IMPORT_FAILED
    assert "1 FAILED" in capsys.readouterr().err
