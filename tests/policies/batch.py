"""One Checkov run for the whole test session: every plan the tests judge, scanned together.

Checkov spends about 3 s starting (imports, loading its ~1,100 checks) before it scans anything, and
the tests need dozens of plans: each custom check's fixtures (tests/policies/checks/fixtures), the
regressions on the prod stack (regression_cases.py), the connection variants of a secure bucket
(connection_cases.py). They are written into one directory and scanned by one run of the gate's
own driver (``policies.gate.run_checkov``, the gate's skip list applied), which also runs the
gate's secrets scan of the repository beside it, exactly as ``python -m policies gate`` does.

Under pytest-xdist every worker has its own session: the first worker that asks builds the batch
in the directory the workers share (the parent of their ``tmp_path_factory`` base) while holding a
file lock; the others wait on the lock and read the results it wrote.
"""

from __future__ import annotations

import fcntl
import json
import os
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from infra.render import PROJECT_ROOT, Rendering
from policies import config as gate_config
from policies import gate
from policies.export import ExportedPlan

RESULTS_FILE = "results.json"
PLAN_SUFFIX = ".tfplan.json"

# The unchanged prod plan again, at a path with a run of exactly 40 characters of [A-Za-z0-9/+=]
# (``probe/`` plus the name): the shape of an AWS secret access key to Checkov's secret patterns,
# which its CKV_AWS_45 applied to the parser's own ``__file__`` entry. A checkout whose path had such
# a run failed the gate on the unchanged program (CI, 2026-11). See test_regressions.py.
PATH_PROBE_DIR = "path-probe"
PATH_PROBE_PLAN = "prodplanatacheckoutpathofthatshape"  # 34 characters: "probe/" + 34 = 40
PATH_PROBE_SOURCE = "regressions.prod_unchanged"


@dataclass(frozen=True)
class Record:
    check_id: str
    address: str
    result: str  # PASSED or FAILED
    details: tuple[str, ...] = ()


@dataclass
class PlanResults:
    """What Checkov reported for one plan of the batch."""

    name: str
    records: list[Record]
    # Terraform address -> (Pulumi logical name, Pulumi type), for plans exported from a rendering.
    resources: dict[str, tuple[str, str]] = field(default_factory=dict)
    # What the exporter named by the naming rules alone (policies.export.ExportedPlan.unmapped_attributes).
    unmapped: dict[str, list[str]] = field(default_factory=dict)

    @property
    def names(self) -> dict[str, str]:
        return {address: name for address, (name, _type) in self.resources.items()}

    def addresses(self, check_id: str, result: str) -> list[str]:
        """Sorted, duplicates kept: a check that reports a resource twice shows it twice."""
        return sorted(r.address for r in self.records if r.check_id == check_id and r.result == result)

    def passed(self, check_id: str) -> list[str]:
        return self.addresses(check_id, "PASSED")

    def failed(self, check_id: str) -> list[str]:
        return self.addresses(check_id, "FAILED")

    def failures(self) -> set[tuple[str, str]]:
        return {(r.check_id, r.address) for r in self.records if r.result == "FAILED"}

    def details(self, check_id: str, address: str) -> list[str]:
        return [d for r in self.records if (r.check_id, r.address) == (check_id, address) for d in r.details]


@dataclass
class Batch:
    plans: dict[str, PlanResults]
    catalog: dict[str, Any]
    secrets_reports: list[dict[str, Any]]
    plans_dir: Path

    def plan(self, name: str) -> dict[str, Any]:
        """The plan document as Checkov read it."""
        return json.loads((self.plans_dir / f"{name}{PLAN_SUFFIX}").read_text())

    def __getitem__(self, name: str) -> PlanResults:
        if name not in self.plans:
            raise KeyError(f"no plan {name!r} in the batch (built: {sorted(self.plans)[:5]}...)")
        return self.plans[name]


class Sources:
    """What the plan builders share: the prod stack rendered once, as the gate renders it."""

    @cached_property
    def prod(self) -> Rendering:
        return gate.render_target(gate.Target("prod", PROJECT_ROOT))


# name -> (plan, metadata: {"resources": {address: [Pulumi name, Pulumi type]}, "unmapped": {...}})
Plans = dict[str, tuple[dict[str, Any], dict[str, Any]]]


def exported(plan: ExportedPlan) -> tuple[dict[str, Any], dict[str, Any]]:
    resources = {address: [r.name, r.type] for address, r in plan.resources.items()}
    return plan.plan, {"resources": resources, "unmapped": plan.unmapped_attributes}


def _builders() -> list[tuple[str, Callable[[Sources], Plans]]]:
    from tests.policies import connection_cases, program_cases, regression_cases
    from tests.policies.checks import cases

    return [
        ("checks", cases.plans),
        ("regressions", regression_cases.plans),
        ("connections", connection_cases.plans),
        ("programs", program_cases.plans),
    ]


def build(work: Path) -> None:
    """Writes every plan into work/plans, runs Checkov once and writes work/results.json."""
    plans_dir = work / "plans"
    plans_dir.mkdir(parents=True, exist_ok=True)
    sources = Sources()
    metadata: dict[str, dict[str, Any]] = {}
    for group, builder in _builders():
        for name, (plan, meta) in builder(sources).items():
            full_name = f"{group}.{name}"
            (plans_dir / f"{full_name}{PLAN_SUFFIX}").write_text(json.dumps(plan, indent=1, sort_keys=True))
            metadata[full_name] = meta
    probe = plans_dir / PATH_PROBE_DIR
    probe.mkdir(exist_ok=True)
    source = plans_dir / f"{PATH_PROBE_SOURCE}{PLAN_SUFFIX}"
    (probe / f"{PATH_PROBE_PLAN}{PLAN_SUFFIX}").write_text(source.read_text())
    metadata[PATH_PROBE_PLAN] = metadata[PATH_PROBE_SOURCE]
    skips = gate_config.load_skips()
    run = gate.run_checkov(
        plans_dir,
        work,
        skips.global_ids,
        secrets_root=PROJECT_ROOT,
        secrets_skip_paths=[p.path for p in skips.secret_paths],
    )
    records: dict[str, list[list[Any]]] = {name: [] for name in metadata}
    for status in ("passed_checks", "failed_checks"):
        for record in run.records(status):
            plan_name = Path(str(record.get("file_path"))).name.removesuffix(PLAN_SUFFIX)
            records.setdefault(plan_name, []).append(
                [
                    str(record.get("check_id")),
                    str(record.get("resource_address") or record.get("resource")),
                    str((record.get("check_result") or {}).get("result")),
                    [str(d) for d in record.get("details") or []],
                ]
            )
    document = {
        "records": records,
        "metadata": metadata,
        "catalog": run.catalog,
        "secrets_reports": run.secrets_reports,
    }
    (work / RESULTS_FILE).write_text(json.dumps(document))


def load(work: Path) -> Batch:
    document = json.loads((work / RESULTS_FILE).read_text())
    plans = {}
    for name in set(document["records"]) | set(document["metadata"]):
        meta = document["metadata"].get(name) or {}
        plans[name] = PlanResults(
            name,
            [Record(c, a, r, tuple(d)) for c, a, r, d in document["records"].get(name, [])],
            {address: (n, t) for address, (n, t) in (meta.get("resources") or {}).items()},
            meta.get("unmapped") or {},
        )
    return Batch(plans, document["catalog"], document["secrets_reports"], work / "plans")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def shared_batch(shared_dir: Path) -> Batch:
    """The batch, built by the first caller among the session's workers and read by the others."""
    work = shared_dir / "leadping-gate-batch"
    failed = work / "build-failed.txt"
    with _locked(shared_dir / "leadping-gate-batch.lock"):
        if failed.exists():  # the build failed in another worker: do not pay for it twice
            raise RuntimeError(f"the gate test batch could not be built:\n{failed.read_text()}")
        if not (work / RESULTS_FILE).exists():
            work.mkdir(parents=True, exist_ok=True)
            try:
                build(work)
            except BaseException:
                failed.write_text(traceback.format_exc())
                raise
    return load(work)


def shared_directory(base_temp: Path) -> Path:
    """The directory every xdist worker of this session sees (their base temps' parent)."""
    return base_temp.parent if os.environ.get("PYTEST_XDIST_WORKER") else base_temp
