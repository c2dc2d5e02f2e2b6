"""The programs the mapping is proven on: the dev stack, and the sample programs of tests/policies/programs.

``catalog`` renders one resource of every type policies/type_map.yaml maps; ``compliant_storage``
and ``insecure_webapp`` are what another team would write. The prod stack is in the batch already
(regressions.prod_unchanged).
"""

from __future__ import annotations

from pathlib import Path

from infra.render import PROJECT_ROOT
from policies import gate
from tests.policies.batch import Plans, Sources, exported

PROGRAMS_DIR = Path(__file__).resolve().parent / "programs"
# sample program -> its stack settings file
SAMPLES = {
    "catalog": "Pulumi.catalog.yaml",
    "compliant_storage": "Pulumi.sample.yaml",
    "insecure_webapp": "Pulumi.sample.yaml",
}


def sample_target(program: str) -> gate.Target:
    directory = PROGRAMS_DIR / program
    config_file = directory / SAMPLES[program]
    stack = config_file.name.removeprefix("Pulumi.").removesuffix(".yaml")
    return gate.Target(stack=stack, project_dir=directory, program_dir=directory, config_file=config_file)


def plans(_sources: Sources) -> Plans:
    found = {"dev": exported(gate.export_target(gate.Target("dev", PROJECT_ROOT)))}
    for program in SAMPLES:
        found[program] = exported(gate.export_target(sample_target(program)))
    return found
