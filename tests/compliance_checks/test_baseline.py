"""--baseline, --fail-on and --fail-on-new (compliance_checks/baseline.py, cli.py): each finding is new,
unchanged or resolved against a previous audit.json, and only what the caller names fails the run."""

from __future__ import annotations

import json
import re

import boto3
import jsonschema
import pytest

from compliance_checks import baseline, cli
from compliance_checks.catalog import CATALOG_FILE
from compliance_checks.core import Status
from compliance_checks.reports import FORMATS
from compliance_checks.reports.model import Finding
from tests.compliance_checks.conftest import REGION
from tests.compliance_checks.test_cli import MODEL, _bucket

SCHEMA = json.loads((CATALOG_FILE.parent / "schemas" / "audit-report.schema.json").read_text())


def audit(capsys, *args: str) -> tuple[int, dict, str]:
    code = cli.main(["audit", "--checks", MODEL, "--format", "json", "--quiet", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else {}, captured.err


def saved(tmp_path, document: dict, name: str = "previous.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def states(document: dict) -> dict[str, str]:
    return {f["resource_id"]: f["baseline"] for f in document["findings"]}


def test_given_a_new_failing_bucket_then_only_its_finding_is_new(aws, capsys, tmp_path):
    good = _bucket("compliant", compliant=True)
    _, first, _ = audit(capsys)
    bad = _bucket("aes-only", compliant=False)
    code, second, _ = audit(capsys, "--baseline", str(saved(tmp_path, first)))
    assert code == 1
    assert states(second) == {good: "unchanged", bad: "new"}
    assert (second["baseline"]["new"], second["baseline"]["resolved"]) == (1, 0)
    jsonschema.Draft202012Validator(SCHEMA).validate(second)


def test_given_fail_on_new_then_a_failure_already_in_the_baseline_passes_the_run(aws, capsys, tmp_path):
    _bucket("aes-only", compliant=False)
    _, first, _ = audit(capsys)
    code, second, _ = audit(capsys, "--baseline", str(saved(tmp_path, first)), "--fail-on-new")
    assert code == 0
    assert [f["baseline"] for f in second["findings"]] == ["unchanged"]
    _bucket("aes-too", compliant=False)
    code, _, _ = audit(capsys, "--baseline", str(saved(tmp_path, first)), "--fail-on-new")
    assert code == 1


def test_given_a_fixed_and_a_deleted_bucket_then_both_are_resolved(aws, capsys, tmp_path):
    fixed = _bucket("will-be-fixed", compliant=False)
    gone = _bucket("will-be-gone", compliant=False)
    _, first, _ = audit(capsys)
    s3 = boto3.client("s3", region_name=REGION)
    s3.delete_bucket(Bucket="will-be-gone")
    s3.delete_bucket(Bucket="will-be-fixed")
    _bucket("will-be-fixed", compliant=True)
    code, second, _ = audit(capsys, "--baseline", str(saved(tmp_path, first)))
    assert code == 0
    assert states(second) == {fixed: "resolved"}
    assert [(f["resource_id"], f["baseline"]) for f in second["baseline"]["resolved_findings"]] == [(gone, "resolved")]
    assert second["baseline"]["resolved"] == 2


def test_a_baseline_finding_where_this_run_did_not_look_is_not_resolved(aws, capsys, tmp_path):
    # A wider run's baseline (two checks, two regions) against a run of one check in one region: the
    # other check's failures and the other region's were not judged again, so none is "resolved".
    gone = _bucket("will-be-gone", compliant=False)
    wider = ["audit", "--checks", MODEL, "s3_bucket_policy_tls_only", "--format", "json", "--quiet"]
    cli.main([*wider, "--region", REGION])
    first = json.loads(capsys.readouterr().out)
    elsewhere = {**first["findings"][0], "region": "eu-west-3", "resource_id": "arn:aws:s3:::far-away"}
    first["findings"].append(elsewhere)
    assert {f["check_id"] for f in first["findings"] if f["status"] == "FAIL"} == {MODEL, "s3_bucket_policy_tls_only"}
    boto3.client("s3", region_name=REGION).delete_bucket(Bucket="will-be-gone")
    code, second, _ = audit(capsys, "--region", REGION, "--baseline", str(saved(tmp_path, first)))
    assert code == 0
    # Only the bucket that is gone, and only for the check this run ran, in the region it read.
    assert [(f["resource_id"], f["check_id"]) for f in second["baseline"]["resolved_findings"]] == [(gone, MODEL)]
    assert second["baseline"]["resolved"] == 1


@pytest.mark.parametrize(("fail_on", "expected"), [("critical", 0), ("high", 1), ("LOW", 1)])
def test_fail_on_counts_only_fails_at_or_above_the_severity(aws, capsys, fail_on, expected):
    _bucket("aes-only", compliant=False)  # the check is high severity
    code, document, _ = audit(capsys, "--fail-on", fail_on)
    assert code == expected
    assert [f["status"] for f in document["findings"]] == ["FAIL"], "the finding is reported either way"


def test_an_error_keeps_exit_3_whatever_fail_on_says(aws, capsys):
    report = _report_with(Status.ERROR)
    assert report.exit_code(fail_on="critical") == 3
    assert report.exit_code(only_new=True) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail-on-new"], "--fail-on-new needs --baseline"),
        (["--baseline", "/nonexistent/previous.json"], "does not exist"),
        (["--fail-on", "severe"], "invalid choice"),
    ],
)
def test_bad_baseline_options_exit_2_in_one_line(aws, capsys, args, message):
    try:
        code = cli.main(["audit", "--checks", MODEL, "--quiet", *args])
    except SystemExit as exit_:  # argparse's own refusals
        code = exit_.code
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_a_file_that_is_not_an_audit_json_is_refused(tmp_path):
    for text, message in (("{", "not a readable JSON"), ('{"runs": []}', "no 'findings' list")):
        with pytest.raises(baseline.BaselineError, match=message):
            baseline.load_baseline(saved(tmp_path, {}, "x.json").parent / _write(tmp_path, text))
    entry = {"control_id": "LP-DR-1", "check_id": "x", "resource_id": "r", "resource_type": "t", "region": "g"}
    with pytest.raises(baseline.BaselineError, match="finding #0 lacks"):
        baseline.load_baseline(saved(tmp_path, {"findings": [entry]}))
    with pytest.raises(baseline.BaselineError, match="finding #0: its status 'MAYBE' is not one of PASS, FAIL"):
        baseline.load_baseline(saved(tmp_path, {"findings": [{**entry, "status": "MAYBE"}]}))
    for member, value, message in (
        ("check_id", ["x"], "its check_id is a JSON array, neither a text nor null"),
        ("severity", "urgent", "its severity 'urgent' is not one of critical, high, medium, low"),
        ("evidence", "all good", "its evidence is a JSON text, not an object"),
        ("region", 7, "its region is a JSON number, not a text"),
    ):
        spoiled = {**entry, "status": "FAIL", member: value}
        with pytest.raises(baseline.BaselineError, match=f"finding #0: {re.escape(message)}"):
            baseline.load_baseline(saved(tmp_path, {"findings": [spoiled]}))


def test_every_format_marks_the_baseline_state(aws, capsys, tmp_path):
    _bucket("aes-only", compliant=False)
    _, first, _ = audit(capsys)
    _bucket("aes-too", compliant=False)
    out = tmp_path / "out"
    cli.main(["audit", "--checks", MODEL, "--quiet", "--baseline", str(saved(tmp_path, first)),
              "--format", "table,json,csv,markdown,html,asff,ocsf,oscal,junit", "--output-dir", str(out)])  # fmt: skip
    capsys.readouterr()
    for name in ("table", "markdown", "html"):
        assert "1 new, 1 unchanged, 0 resolved" in (out / FORMATS[name].filename).read_text(), name
    marks = {"csv": (",new\r\n", ",unchanged\r\n"), "junit": ('value="new"', 'value="unchanged"')}
    for name in ("csv", "asff", "ocsf", "oscal", "junit", "json"):
        text = (out / FORMATS[name].filename).read_bytes().decode()
        for mark in marks.get(name, ('"new"', '"unchanged"')):
            assert mark in text, (name, mark)


def _write(tmp_path, text: str) -> str:
    (tmp_path / "raw.json").write_text(text)
    return "raw.json"


def _report_with(status: Status):
    from compliance_checks.reports.model import Report

    finding = Finding("LP-DR-1", MODEL, "arn:aws:s3:::x", "AWS::S3::Bucket", REGION, status, "m", severity="high")
    return Report({}, [finding], (), {}, baseline_states={finding.identity: "new"})


# -- an account audit's SARIF locates findings in the rendered stack ------------------------------


class _Rendered:
    def __init__(self, source: str, name: str) -> None:
        self.source, self.inputs, self.outputs, self.id = source, {"bucket": name}, {}, None


def test_an_account_audits_sarif_points_a_finding_at_the_program_line_naming_its_bucket(aws, capsys, monkeypatch):
    import infra.render

    class Rendering:
        resources = [_Rendered("infra/components/secure_bucket.py:31", "aes-only")]

    seen = []
    monkeypatch.setattr(infra.render, "render", lambda stack, **kw: seen.append(stack) or Rendering())
    bucket = _bucket("aes-only", compliant=False)
    code = cli.main(["audit", "--checks", MODEL, "--format", "sarif", "--quiet", "--stack", "dev"])
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert seen == ["dev"], "the stack --stack names is rendered"
    (result,) = document["runs"][0]["results"]
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == bucket
    physical = result["locations"][0]["physicalLocation"]
    assert (physical["artifactLocation"]["uri"], physical["region"]["startLine"]) == (
        "infra/components/secure_bucket.py",
        31,
    )


def test_a_stack_that_does_not_render_leaves_findings_at_the_catalog_and_says_so(aws, capsys, monkeypatch):
    import infra.render

    def broken(stack, **kw):
        raise infra.render.RenderError("the program failed")

    monkeypatch.setattr(infra.render, "render", broken)
    _bucket("aes-only", compliant=False)
    assert cli.main(["audit", "--checks", MODEL, "--format", "sarif", "--quiet"]) == 1
    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "compliance_checks/catalog.yaml"
    )
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any("did not render" in note for note in notes)
