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
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from infra.render import PROJECT_ROOT
from policies import cli
from policies import config as gate_config
from policies import gate as gate_module

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
            import pulumi

            # Every pulumi-aws type is mapped: a type the provider does not have stands for an unmapped one.
            pulumi.CustomResource("aws:s3/madeUpConfiguration:MadeUpConfiguration", "fast", {"bucket": "b"})
            """
        )
    )
    (program / "Pulumi.sample.yaml").write_text("config:\n  aws:region: us-east-1\n")
    code, out, err = gate(capsys, "--program", str(program), "--stack-config", str(program / "Pulumi.sample.yaml"),
                          "--output-dir", str(tmp_path / "out"))  # fmt: skip
    assert code == cli.EXIT_ERROR
    assert out == ""
    line = one_line_error(err)
    assert "'aws:s3/madeUpConfiguration:MadeUpConfiguration' (resources: fast)" in line
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


# -- --program DIR: which stack, which profile ------------------------------------------------------


def project(tmp_path: Path, *stacks: str, program: str = "import pulumi\n") -> Path:
    directory = tmp_path / "team"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: team\nruntime: python\n")
    (directory / "__main__.py").write_text(program)
    for stack in stacks:
        (directory / f"Pulumi.{stack}.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    return directory


def selected(*argv: str) -> cli.Selection:
    return cli.select(cli.build_parser().parse_args(["gate", *argv]))


def test_a_program_directory_with_one_stack_is_gated_as_that_stack_under_the_generic_profile(tmp_path):
    directory = project(tmp_path, "staging")
    selection = selected("--program", str(directory))
    (target,) = selection.targets
    assert (target.stack, target.project_dir, target.program_dir) == ("staging", directory, None)
    assert target.config_file == directory / "Pulumi.staging.yaml"
    assert selection.profile == "generic"
    assert selection.secrets_root == directory, "the secrets scan reads the program's directory"
    assert selection.source_root == tmp_path / "team", "a program outside any git work tree is its own root"


def test_this_repositorys_stacks_are_gated_under_the_leadping_profile():
    selection = selected("--stack", "prod")
    assert selection.profile == "leadping"
    assert [t.stack for t in selection.targets] == ["prod"]
    assert selection.secrets_root == PROJECT_ROOT
    assert selected("--program", str(PROGRAMS / "compliant_storage"), "--profile", "leadping").profile == "leadping"


def test_a_program_directory_of_the_repository_points_its_findings_at_the_repository_root():
    selection = selected("--program", str(PROGRAMS / "compliant_storage"))
    assert selection.source_root == PROJECT_ROOT.resolve()


def test_a_program_with_several_stacks_needs_one_named(tmp_path):
    directory = project(tmp_path, "dev", "prod")
    with pytest.raises(cli.GateError, match=r"has stacks dev, prod; name the stack with --stack NAME"):
        selected("--program", str(directory))
    (target,) = selected("--program", str(directory), "--stack", "prod").targets
    assert target.config_file == directory / "Pulumi.prod.yaml"


def test_a_named_stack_without_a_settings_file_renders_with_no_settings_and_says_so(tmp_path):
    directory = project(tmp_path)
    with pytest.raises(cli.GateError, match=r"has no Pulumi.<stack>.yaml; name the stack with --stack NAME"):
        selected("--program", str(directory))
    (target,) = selected("--program", str(directory), "--stack", "dev").targets
    assert target.config == {}
    (note,) = target.notes
    assert "no Pulumi.dev.yaml in " in note
    assert note.endswith(": rendered with no stack settings")


def test_a_stack_config_overrides_the_programs_stack_files(tmp_path):
    directory = project(tmp_path, "dev")
    other = tmp_path / "Pulumi.ci.yaml"
    other.write_text("config: {}\n")
    (target,) = selected("--program", str(directory), "--stack-config", str(other)).targets
    assert (target.stack, target.config_file) == ("ci", other)


def test_the_directory_of_a_main_inside_a_project_is_gated_with_that_project(tmp_path):
    directory = project(tmp_path, "dev")
    inner = directory / "src"
    inner.mkdir()
    (inner / "__main__.py").write_text("")
    (target,) = selected("--program", str(inner)).targets
    assert (target.project_dir, target.program_dir, target.stack) == (directory, inner, "dev")


def test_stack_outputs_and_the_interpreter_reach_the_target(tmp_path):
    directory = project(tmp_path, "dev")
    outputs = tmp_path / "outputs.yaml"
    outputs.write_text("acme/network/prod:\n  vpcId: vpc-0abc\n")
    python = tmp_path / "python"
    python.write_text("")
    (target,) = selected("--program", str(directory), "--stack-outputs", str(outputs), "--python", str(python)).targets
    assert target.stack_outputs == {"acme/network/prod": {"vpcId": "vpc-0abc"}}
    assert target.python == python


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--program", "{tmp}/none"], "the program directory {tmp}/none does not exist"),
        (["--program", "{tmp}"], "holds no Pulumi project (Pulumi.yaml) and no __main__.py"),
        (
            ["--program", "{team}", "--python", "{tmp}/no-python"],
            "the interpreter (--python) {tmp}/no-python does not exist",
        ),
        (
            ["--program", "{team}", "--stack-outputs", "{tmp}/none.json"],
            "the stack outputs file {tmp}/none.json does not exist",
        ),
        (
            ["--program", "{team}", "--stack-outputs", "{tmp}/list.json"],
            "expected a map of referenced stack name (org/project/stack)",
        ),
        (
            ["--program", "{team}", "--stack-outputs", "{tmp}/broken.json"],
            "the stack outputs file: {tmp}/broken.json:2:1: not valid YAML",
        ),
        (["--program", "{team}", "--skips", "{tmp}/skips.yaml"], "skips.yaml checks: CKV_AWS_7 has no written reason"),
        (["--program", "{team}", "--skips", "{tmp}/none.yaml"], "cannot read the skip list"),
        (["--program", "{team}", "--external-checks-dir", "{tmp}/none"], "the external checks directory"),
        (["--program", "{team}", "--accept-unrendered", "awsx"], "'awsx' is not a Pulumi type token"),
        (["--program", "{team}", "--profile", "strict"], "argument --profile: invalid choice: 'strict'"),
        (["--python", "{tmp}/python"], "--python goes with --program"),
    ],
)
def test_bad_program_arguments_give_one_line_and_exit_2(capsys, tmp_path, argv, message):
    team = project(tmp_path, "dev")
    (tmp_path / "list.json").write_text('["acme/network/prod"]')
    (tmp_path / "broken.json").write_text('{"acme/network/prod": ')
    (tmp_path / "skips.yaml").write_text("checks:\n  - id: CKV_AWS_7\n")
    (tmp_path / "python").write_text("")
    filled = [a.format(tmp=tmp_path, team=team) for a in argv]
    try:
        code = cli.main(["gate", *filled, "--output-dir", str(tmp_path / "out")])
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    assert code == cli.EXIT_ERROR
    assert message.format(tmp=tmp_path) in one_line_error(captured.err)
    assert captured.out == ""


# -- refusals through the whole command ------------------------------------------------------------


def test_a_program_with_nothing_to_judge_exits_2_saying_so(capsys, tmp_path):
    directory = project(tmp_path, "dev", program='import pulumi\n\npulumi.export("greeting", "hello")\n')
    code, out, err = gate(capsys, "--program", str(directory), "--output-dir", str(tmp_path / "out"))
    assert code == cli.EXIT_ERROR
    assert out == ""
    assert "dev: nothing to judge: the program exports no AWS resource the gate can judge" in one_line_error(err)


def test_a_remote_component_exits_2_naming_it(capsys, tmp_path, monkeypatch):
    """The exporter's list of remote components (faked: the render of this checkout may not mark them) stops it."""
    directory = project(tmp_path, "dev", program='import pulumi_aws as aws\n\naws.s3.Bucket("site")\n')
    export = gate_module.export

    def with_a_remote_component(rendering):
        exported = export(rendering)
        exported.unrendered = [SimpleNamespace(type="awsx:ec2:Vpc", name="vpc", source=None)]
        return exported

    monkeypatch.setattr(gate_module, "export", with_a_remote_component)
    code, out, err = gate(capsys, "--program", str(directory), "--output-dir", str(tmp_path / "out"))
    assert code == cli.EXIT_ERROR
    assert out == ""
    line = one_line_error(err)
    assert "remote components the offline render cannot see into: awsx:ec2:Vpc (vpc)" in line
    assert "--accept-unrendered TYPE (awsx:ec2:Vpc)" in line


def test_verbose_adds_the_render_failures_traceback(capsys, tmp_path):
    directory = project(tmp_path, "dev", program="raise ValueError('the program is broken')\n")
    code, _out, err = gate(capsys, "--program", str(directory), "--verbose", "--output-dir", str(tmp_path / "out"))
    assert code == cli.EXIT_ERROR
    first, *rest = err.strip().splitlines()
    assert first.startswith("error: cannot render stack 'dev'")
    assert "Traceback (most recent call last):" in rest[0]
    assert "ValueError: the program is broken" in rest[-1]


@pytest.mark.checkov
@pytest.mark.slow
def test_this_repositorys_stacks_pass_the_gate_under_the_leadping_profile(capsys, tmp_path):
    """What `make gate` runs: every stack, Leadping's profile by default, the repository's secrets scan."""
    code, out, err = gate(capsys, "--format", "cli,sarif", "--output-dir", str(tmp_path))
    assert code == cli.EXIT_PASSED, out + err
    assert out.startswith("Leadping gate: stacks dev, prod (profile leadping (skips.yaml: ")
    assert "gate PASSED: 0 failed checks, 0 secrets, 0 errors; 0 resources not judged" in out
    sarif = json.loads((tmp_path / "gate.sarif").read_text())
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    assert sarif["runs"][0]["results"] == []
