"""``python -m policies gate``: exit codes, what a failure names, the report files, argument errors.

The sample programs (tests/policies/programs) are gated with --program/--stack-config as another
team would gate theirs; each test that needs a verdict runs the whole gate (render, export, Checkov).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from infra.render import PROJECT_ROOT
from policies import cli
from policies import config as gate_config

PROGRAMS = Path(__file__).resolve().parent / "programs"
SARIF_SCHEMA = PROJECT_ROOT / "compliance_checks" / "schemas" / "sarif-2.1.0.json"


def gate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["gate", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sample(program: str, profile: str = "leadping") -> list[str]:
    """The sample program gated as in its docstring; the samples are judged under Leadping's policy unless asked."""
    directory = PROGRAMS / program
    return ["--program", str(directory), "--stack-config", str(directory / "Pulumi.sample.yaml"), "--profile", profile]


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    return lines[0]


# Leadping's checks the insecure sample must fail: (check, Pulumi name, Pulumi type, control).
INSECURE_CUSTOM_FAILURES = {
    ("LP_EC2_SECURITY_GROUP_PUBLIC_INGRESS", "web", "aws:ec2/securityGroup:SecurityGroup", "LP-TX-1"),
    ("LP_ELB_HTTP_LISTENER_REDIRECTS", "web-http", "aws:lb/listener:Listener", "LP-TX-1"),
    ("LP_ELB_LISTENER_TLS_POLICY", "web-https", "aws:lb/listener:Listener", "LP-TX-1"),
    ("LP_IAM_NO_PASSROLE_WILDCARD", "app-role-access", "aws:iam/rolePolicy:RolePolicy", "LP-PA-1"),
    ("LP_IAM_WORKLOAD_DATA_WILDCARD", "app-role-access", "aws:iam/rolePolicy:RolePolicy", "LP-AC-2"),
    ("LP_LOGS_LOG_GROUP_RETENTION", "app-logs", "aws:cloudwatch/logGroup:LogGroup", "LP-LOG-2"),
    ("LP_RDS_BACKUP_RETENTION", "database", "aws:rds/instance:Instance", "LP-BK-1"),
    ("LP_S3_BUCKET_HAS_POLICY", "uploads", "aws:s3/bucket:Bucket", "LP-TX-1"),
}
# Built-in checks it must fail too (the program's docstring lists its mistakes).
INSECURE_BUILT_IN_FAILURES = {
    ("CKV_AWS_24", "web"),  # SSH from the internet
    ("CKV_AWS_25", "web"),  # RDP from the internet
    ("CKV_AWS_17", "database"),  # a public database
    ("CKV_AWS_16", "database"),  # unencrypted storage
    ("CKV_AWS_7", "app-key"),  # no key rotation
    ("CKV_AWS_158", "app-logs"),  # a log group without a KMS key
    ("CKV_AWS_145", "uploads"),  # a bucket without SSE-KMS
    ("CKV2_AWS_6", "uploads"),  # ... nor a public access block
}
FAIL_LINE = (
    r"^FAIL (?P<check>\S+) \[(?P<control>[A-Z-0-9]+|unmapped)\] stack sample: (?P<name>\S+) \((?P<type>[^)]+)\) "
    r"\(plan address (?P<address>[^)]+)\): "
)


@pytest.mark.checkov
def test_a_compliant_program_passes(capsys, tmp_path):
    code, out, err = gate(capsys, *sample("compliant_storage"), "--output-dir", str(tmp_path))
    assert code == cli.EXIT_PASSED, out + err
    assert "gate PASSED: 0 failed checks, 0 secrets, 0 errors" in out
    assert "FAIL" not in out
    assert "warning" not in out


@pytest.mark.checkov
def test_an_insecure_program_fails_naming_check_resource_and_control_in_every_format(capsys, tmp_path):
    code, out, err = gate(
        capsys, *sample("insecure_webapp"), "--format", "cli,junit,sarif", "--output-dir", str(tmp_path)
    )
    assert code == cli.EXIT_FAILED, err

    failures = [m.groupdict() for line in out.splitlines() if (m := re.match(FAIL_LINE, line))]
    assert len(failures) == len([line for line in out.splitlines() if line.startswith("FAIL ")])
    custom = {(f["check"], f["name"], f["type"], f["control"]) for f in failures if f["check"].startswith("LP_")}
    assert custom == INSECURE_CUSTOM_FAILURES
    assert {(f["check"], f["name"]) for f in failures} >= INSECURE_BUILT_IN_FAILURES
    assert all(f["control"].startswith("LP-") for f in failures), "every failure names its control"
    assert f"gate FAILED: {len(failures)} failed checks" in out
    assert "no environment in the stack config; judged as prod" in out

    junit = ET.parse(tmp_path / "gate.junit.xml").getroot()  # noqa: S314 - the gate's own report
    (suite,) = junit.findall("testsuite")
    assert suite.get("name") == "gate.sample"
    assert int(suite.get("failures")) == len(failures)
    failed_cases = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert {c.get("classname") for c in failed_cases} >= {f"sample.{check}" for check, *_ in INSECURE_CUSTOM_FAILURES}

    sarif = json.loads((tmp_path / "gate.sarif").read_text())
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    (run,) = sarif["runs"]
    assert len(run["results"]) == len(failures)
    found = {(r["ruleId"], r["properties"]["pulumiName"], r["properties"]["pulumiType"]) for r in run["results"]}
    assert {(c, n, t) for c, n, t, _ in INSECURE_CUSTOM_FAILURES} <= found
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {r["ruleId"] for r in run["results"]}
    locations = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert locations == {"tests/policies/programs/insecure_webapp/__main__.py"}


@pytest.mark.checkov
def test_a_skip_for_a_check_checkov_does_not_have_stops_the_gate(capsys, tmp_path, monkeypatch):
    skips = tmp_path / "skips.yaml"
    skips.write_text("checks:\n  - id: CKV_AWS_424242\n    reason: a check that Checkov never had at all\n")
    load_skips = gate_config.load_skips
    monkeypatch.setattr(gate_config, "load_skips", lambda: load_skips(skips))
    code, out, _err = gate(capsys, *sample("compliant_storage"), "--output-dir", str(tmp_path / "out"))
    assert code == cli.EXIT_ERROR
    assert "ERROR skips.yaml skips CKV_AWS_424242, which Checkov 3.3.30 does not have" in out


def test_an_unknown_resource_type_stops_the_gate_naming_it(capsys, tmp_path):
    program = tmp_path / "program"
    program.mkdir()
    (program / "__main__.py").write_text(
        textwrap.dedent(
            """\
            import pulumi_aws as aws

            aws.s3.BucketAccelerateConfiguration("fast", bucket="some-bucket", status="Enabled")
            """
        )
    )
    (program / "Pulumi.sample.yaml").write_text("config:\n  aws:region: us-east-1\n")
    code, out, err = gate(capsys, "--program", str(program), "--stack-config", str(program / "Pulumi.sample.yaml"),
                          "--output-dir", str(tmp_path / "out"))  # fmt: skip
    assert code == cli.EXIT_ERROR
    assert out == ""
    line = one_line_error(err)
    assert "'aws:s3/bucketAccelerateConfiguration:BucketAccelerateConfiguration' (resources: fast)" in line
    assert "policies/type_map.yaml" in line


def test_a_program_that_fails_to_render_stops_the_gate(capsys, tmp_path):
    program = tmp_path / "program"
    program.mkdir()
    (program / "__main__.py").write_text("raise ValueError('the program is broken')\n")
    (program / "Pulumi.dev.yaml").write_text("config: {}\n")
    code, _out, err = gate(capsys, "--program", str(program), "--stack-config", str(program / "Pulumi.dev.yaml"),
                           "--output-dir", str(tmp_path / "out"))  # fmt: skip
    assert code == cli.EXIT_ERROR
    assert "cannot render stack 'dev'" in err
    assert "ValueError: the program is broken" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "xml"], "unknown format(s) ['xml']"),
        (["--stack", "staging"], "unknown stack 'staging'; stacks: dev, prod or all"),
        (["--stack-config", "Pulumi.dev.yaml"], "--stack-config goes with --program"),
        (["--program", "no/such/dir", "--stack-config", "Pulumi.dev.yaml"], "the program directory no/such/dir"),
        (["--program", "tests/policies/programs/compliant_storage", "--stack-config", "nope.yaml"], "nope.yaml"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(capsys, monkeypatch, argv, message):
    monkeypatch.chdir(PROJECT_ROOT)
    try:
        code = cli.main(["gate", *argv])
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    assert code == cli.EXIT_ERROR
    assert message in one_line_error(captured.err)
    assert captured.out == ""


def test_the_command_line_entry_point_exits_2_on_bad_arguments():
    process = subprocess.run(
        [sys.executable, "-m", "policies", "gate", "--format", "pdf"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == 2
    assert "unknown format(s) ['pdf']" in one_line_error(process.stderr)
