"""The gate on programs that are not ours: the generic profile, a team's own checks and skips, the corpus.

Judged in one Checkov run per session (generic_run.py): Checkov's built-in checks with nothing
skipped, beside a team's check (fixtures/team_checks). The same sample under Leadping's profile is
in the session's batch (batch.py), so the two verdicts on one program are compared without a third run.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from infra.render import PROJECT_ROOT
from policies import config as gate_config
from policies import gate
from policies.reports import SOURCE_ROOT_ID, sarif
from tests.policies.batch import shared_directory
from tests.policies.corpus import CorpusProgram, corpus
from tests.policies.generic_run import INSECURE, PROGRAMS_DIR, GenericRun, profile, shared_generic_run

pytestmark = [pytest.mark.checkov, pytest.mark.slow]

SARIF_SCHEMA = PROJECT_ROOT / "compliance_checks" / "schemas" / "sarif-2.1.0.json"
REASON = "a reason of at least five words that an auditor reads"


@pytest.fixture(scope="module")
def generic(tmp_path_factory: pytest.TempPathFactory) -> GenericRun:
    return shared_generic_run(shared_directory(tmp_path_factory.getbasetemp()))


def failed(result: gate.GateResult, stack: str) -> set[tuple[str, str]]:
    return {(f.check_id, f.resource.name if f.resource else f.address) for f in result.failures if f.stack == stack}


def test_port_80_open_to_the_internet_fails_ckv_aws_260_under_the_generic_profile(generic):
    assert ("CKV_AWS_260", "web") in failed(generic.result, INSECURE)


def test_leadpings_skip_of_ckv_aws_260_hides_nothing_outside_the_leadping_profile(generic, gate_batch):
    """Leadping skips CKV_AWS_260 (port 80 on its load balancer); on the same program its profile never runs it."""
    leadping = gate_batch[f"programs.{INSECURE}"]
    assert leadping.records, "the sample was judged under Leadping's profile"
    assert not [r for r in leadping.records if r.check_id == "CKV_AWS_260"]
    assert "CKV_AWS_260" in gate_config.load_profile(gate_config.LEADPING).skips.global_ids
    assert ("CKV_AWS_260", "web") in failed(generic.result, INSECURE)


def test_the_generic_profile_runs_no_leadping_check_and_names_failures_by_checkov_category(generic):
    judged = {f.check_id for f in [*generic.result.failures, *generic.result.passed]}
    assert judged, "Checkov judged the programs"
    assert not [c for c in judged if c.startswith("LP_")]
    assert not [c for c in generic.run.catalog if c.startswith("LP_")]
    by_check = {f.check_id: f.control for f in generic.result.failures}
    assert by_check["CKV_AWS_260"] == "NETWORKING"
    assert not [c for c in by_check.values() if c.startswith("LP-")]
    assert generic.result.problems == []
    # No Leadping stack context is asked of another team's program (its warnings are the render's own:
    # provider functions the offline render cannot answer).
    assert not [w for w in generic.result.warnings if "environment" in w], generic.result.warnings


def test_a_teams_own_check_runs_beside_the_built_in_checks(generic):
    assert ("TEAM_S3_OWNER_TAG", "uploads") in failed(generic.result, INSECURE)
    assert "TEAM_S3_OWNER_TAG" in generic.run.catalog


def _judged_with_skips(generic: GenericRun, tmp_path: Path, text: str) -> gate.GateResult:
    skips = tmp_path / "team-skips.yaml"
    skips.write_text(textwrap.dedent(text))
    return gate.judge(generic.prepared, generic.run, generic.plan_files, profile(skips_file=skips))


def test_a_teams_skip_list_is_held_to_the_checks_checkov_has(generic, tmp_path):
    result = _judged_with_skips(generic, tmp_path, f"checks:\n  - id: CKV_AWS_424242\n    reason: {REASON}\n")
    assert result.problems == ["team-skips.yaml skips CKV_AWS_424242, which Checkov 3.3.30 does not have"]


def test_a_teams_limited_skip_accepts_only_the_resource_it_names(generic, tmp_path):
    result = _judged_with_skips(
        generic, tmp_path, f"checks:\n  - id: CKV_AWS_260\n    resources: [web]\n    reason: {REASON}\n"
    )
    assert ("CKV_AWS_260", "web") not in failed(result, INSECURE)
    assert [(f.check_id, f.resource.name) for f in result.accepted if f.stack == INSECURE] == [("CKV_AWS_260", "web")]
    assert failed(result, INSECURE) == failed(generic.result, INSECURE) - {("CKV_AWS_260", "web")}


def test_sarif_results_name_the_program_file_relative_to_the_repository(generic):
    document = sarif(generic.result)
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text()))
    results = [r for r in document["runs"][0]["results"] if r["properties"]["stack"] == INSECURE]
    assert results
    artifacts = {json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"]) for r in results}
    assert artifacts == {
        json.dumps({"uri": f"tests/policies/programs/{INSECURE}/__main__.py", "uriBaseId": SOURCE_ROOT_ID})
    }


def test_each_finding_points_at_the_line_that_constructs_its_resource(generic):
    findings = [f for f in generic.result.failures if f.stack == INSECURE]
    if not any(f.source for f in findings):
        pytest.skip("the render of this checkout records no construction site (PulumiResource.source)")
    lines = (PROGRAMS_DIR / INSECURE / "__main__.py").read_text().splitlines()
    for finding in findings:
        path, _, line = finding.source.rpartition(":")
        assert path == f"tests/policies/programs/{INSECURE}/__main__.py", finding
        call = "\n".join(lines[int(line) - 1 : int(line) + 2])
        assert f'"{finding.resource.name}"' in call, (finding.source, call)


CORPUS = corpus()


@pytest.mark.parametrize(
    "program",
    CORPUS
    or [pytest.param(None, marks=pytest.mark.skip(reason="no corpus yet: tests/policies/programs/*/expected.yaml"))],
    ids=lambda p: p.name if p else "no-corpus",
)
def test_a_corpus_program_gets_its_expected_outcome(generic, program: CorpusProgram):
    """As `python -m policies gate --program DIR` (generic profile): judged with these failing ids, or refused."""
    label = program.name
    if program.needs_own_venv and not (program.directory / "venv").exists():
        # Its Pulumi.yaml names a virtualenv nobody created here: the gate refuses, naming the interpreter.
        # (tests/infra/test_render_host.py judges it with a real environment of its own.)
        assert "does not exist" in generic.refused.get(label, ""), generic.refused.get(label)
        return
    if not program.judged:
        message = generic.refused.get(label)
        assert message is not None, f"{label} was judged, expected a refusal naming {sorted(program.refused_types)}"
        for token in program.refused_types:
            assert token in message, message
        return
    assert label not in generic.refused, generic.refused.get(label)
    assert label in generic.result.exports, "a judged program exports something to judge"
    built_in = {f.check_id for f in generic.result.failures if f.stack == label and not f.check_id.startswith("TEAM_")}
    assert built_in == program.failed_ids
    not_judged = {u.type for u in generic.result.not_judged if u.stack == label}
    assert not_judged == program.not_judged_types
