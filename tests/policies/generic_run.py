"""The programs judged under the ``generic`` profile in one Checkov run per test session.

The session's batch (batch.py) judges under Leadping's profile (its skips, its checks); the generic
profile needs a run of its own: Checkov's built-in checks with nothing skipped, plus a team's own
check (fixtures/team_checks, as ``--external-checks-dir`` brings it). It judges the insecure sample
and every corpus program (tests/policies/programs/*/expected.yaml) the gate does not refuse.

The first xdist worker to ask renders the programs, writes their plans and runs Checkov while
holding the batch's lock pattern; every worker then renders the programs itself (deterministic,
a second or two) and judges them with ``policies.gate.judge`` on the run's stored reports, so each
gets real GateResults without a second Checkov run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from infra.render import PROJECT_ROOT, load_stack_outputs
from policies import cli, gate
from policies import config as gate_config
from tests.policies.batch import _locked
from tests.policies.corpus import CorpusProgram, corpus

PROGRAMS_DIR = Path(__file__).resolve().parent / "programs"
TEAM_CHECKS = Path(__file__).resolve().parent / "fixtures" / "team_checks"
RUN_FILE = "run.json"
# The insecure sample opens port 80 to the internet, which Leadping's profile skips (CKV_AWS_260).
INSECURE = "insecure_webapp"


def target(program: CorpusProgram) -> gate.Target:
    """The program as `python -m policies gate --program DIR [--stack-outputs FILE]` picks its stack,
    named after its directory."""
    outputs = load_stack_outputs(program.stack_outputs) if program.stack_outputs else None
    return replace(cli.program_target(program.directory, None, None), name=program.name, stack_outputs=outputs)


def insecure_target() -> gate.Target:
    directory = PROGRAMS_DIR / INSECURE
    return replace(cli.program_target(directory, None, directory / "Pulumi.sample.yaml"), name=INSECURE)


def profile(**changes) -> gate_config.Profile:
    return gate_config.load_profile(gate_config.GENERIC, external_checks_dirs=(TEAM_CHECKS,), **changes)


@dataclass
class GenericRun:
    result: gate.GateResult
    # label -> the gate's one-line refusal (exit 2) for the programs it refused
    refused: dict[str, str]
    prepared: list[gate.Prepared]
    run: gate.CheckovRun
    plan_files: dict[str, Path]


def _prepare(targets: list[gate.Target]) -> tuple[list[gate.Prepared], dict[str, str]]:
    prepared, refused = [], {}
    for item in targets:
        try:
            prepared += gate.prepare([item])
        except gate.GateError as exc:
            refused[item.label] = str(exc)
    return prepared, refused


def shared_generic_run(shared_dir: Path) -> GenericRun:
    work = shared_dir / "leadping-gate-generic"
    targets, refused = [insecure_target()], {}
    for program in corpus():
        try:
            targets.append(target(program))
        except gate.GateError as exc:  # e.g. no single stack: the gate refuses it as it would on the command line
            refused[program.name] = str(exc)
    prepared, refused_when_rendered = _prepare(targets)
    refused.update(refused_when_rendered)
    plan_files = {item.target.label: work / "plans" / f"{item.target.label}.tfplan.json" for item in prepared}
    chosen = profile()
    with _locked(shared_dir / "leadping-gate-generic.lock"):
        if not (work / RUN_FILE).exists():
            work.mkdir(parents=True, exist_ok=True)
            gate.write_plans(prepared, work / "plans")
            run = gate.run_checkov(work / "plans", work, chosen.skips.global_ids, checks_dirs=chosen.checks_dirs)
            (work / RUN_FILE).write_text(json.dumps(run.__dict__))
    run = gate.CheckovRun(**json.loads((work / RUN_FILE).read_text()))
    result = gate.judge(prepared, run, plan_files, chosen, source_root=PROJECT_ROOT)
    return GenericRun(result, refused, prepared, run, plan_files)
