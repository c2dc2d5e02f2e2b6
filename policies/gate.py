"""The CI gate: render each stack offline, export it as a Terraform plan, scan it with Checkov.

One Checkov run scans every stack's plan with the profile's checks (``generic``: Checkov's built-in
checks; ``leadping``: those plus ours from ``policies/checks``, minus the reasoned skip list) while
a second, concurrent run scans the program's files for secrets. Each failure is reported with the
check, the Pulumi resource it concerns (logical name, type, and the file and line that construct
it), the stack, and the control (Leadping's, or Checkov's category under ``generic``).

What the gate cannot judge it says: another provider's resources are listed as not judged; a
remote component, an unmapped type or a program with nothing to judge stops it (exit 2).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.render import PROJECT_ROOT, RenderError, Rendering, collector_paused, load_stack_config, render
from infra.settings import SettingsError
from policies import config as gate_config
from policies.cloud import GateCloud
from policies.export import ExportedPlan, PulumiResource, export
from policies.mapping import UnknownTypeError

CHECKOV_VENV_ENV = "LEADPING_CHECKOV_VENV"
DEFAULT_CHECKOV_VENV = PROJECT_ROOT / ".venv-checkov"
DRIVER = Path(__file__).resolve().parent / "checkov_driver.py"
CHECKOV_TIMEOUT_SECONDS = 600
SECRETS_FRAMEWORK = "secrets"


class GateError(RuntimeError):
    """The gate could not judge (bad input, missing tool, broken configuration): exit 2.

    ``details`` is what ``--verbose`` adds (a render failure's traceback); the message stays one line.
    """

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


@dataclass(frozen=True)
class Target:
    """One stack of one Pulumi program to gate."""

    stack: str
    project_dir: Path
    program_dir: Path | None = None
    config_file: Path | None = None
    # The stack settings themselves (wins over config_file): {} for a stack that has no settings file.
    config: Mapping[str, str] | None = field(default=None, compare=False)
    # The interpreter the program renders in (its own environment: pulumi, pulumi-aws, extra packages).
    python: Path | None = None
    # StackReference outputs: {"org/project/stack": {"output": value}}; absent ones are unknown.
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = field(default=None, compare=False)
    # The plan's name when programs of one run share a stack name; the stack name otherwise.
    name: str = ""
    # What the user should know about how the target was chosen (shown as warnings).
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.name or self.stack

    @property
    def entry_file(self) -> Path:
        """The program's entry point: where a finding points when its resource's line is unknown."""
        return Path(self.program_dir or self.project_dir) / "__main__.py"


@dataclass(frozen=True)
class Unjudged:
    """A resource the gate rendered but cannot judge, listed in every report (never passed silently)."""

    stack: str
    name: str
    type: str
    source: str
    reason: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.type})"


@dataclass(frozen=True)
class Finding:
    stack: str
    check_id: str
    check_name: str
    address: str
    resource: PulumiResource | None
    control: str
    details: tuple[str, ...] = ()
    file: str = ""
    # The attributes Checkov judged (its evaluated_keys), e.g. environment/[0]/variables/[0]/TOKEN.
    attributes: tuple[str, ...] = ()
    # Where the program constructs the resource: "path:line", the path relative to the result's
    # source_root ("" when the render could not tell).
    source: str = ""
    # Checkov's guideline URL and severity, where its record carries them (they come from its platform).
    guideline: str = ""
    severity: str = ""

    @property
    def resource_label(self) -> str:
        if self.resource is None:
            return self.address
        return self.resource.label()


@dataclass
class GateResult:
    stacks: list[str]
    failures: list[Finding] = field(default_factory=list)
    passed: list[Finding] = field(default_factory=list)
    secret_findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped_ids: list[str] = field(default_factory=list)
    limited_ids: list[str] = field(default_factory=list)
    # Failures a limited skip (policies/skips.yaml: environments, resources) accepted, shown but not failing.
    accepted: list[Finding] = field(default_factory=list)
    # Rendered resources the gate does not judge: other providers', accepted remote components.
    not_judged: list[Unjudged] = field(default_factory=list)
    exports: dict[str, ExportedPlan] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    profile: str = gate_config.LEADPING
    # Whether the profile reads Leadping's stack context (the environment each stack is judged as).
    stack_context: bool = True
    skips_source: str = gate_config.SKIPS_FILE.name
    # The repository the findings' paths are relative to (SARIF's %SRCROOT%).
    source_root: Path = PROJECT_ROOT
    # Each stack's program entry point, relative to source_root: where a finding without a line points.
    entry_files: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.secret_findings and not self.problems


def checkov_python() -> Path:
    venv = Path(os.environ.get(CHECKOV_VENV_ENV) or DEFAULT_CHECKOV_VENV)
    python = venv / "bin" / "python"
    if not python.exists() or not (venv / "bin" / "checkov").exists():
        raise GateError(
            f"Checkov is not installed in {venv}; run `make setup-gate`, "
            "which creates it from policies/requirements-checkov.txt"
        )
    return python


def _render_options(target: Target) -> dict[str, Any]:
    """The render's options for a target: preview-style, in the program's own interpreter, with its stack outputs."""
    wanted = {"python": target.python, "stack_outputs": target.stack_outputs}
    return {"preview": True, **{key: value for key, value in wanted.items() if value is not None}}


def _traceback_text(exc: RenderError) -> str:
    """A render failure's traceback: the render's own text (a program run in another interpreter), or its cause's."""
    if exc.traceback:
        return exc.traceback
    cause = exc.__cause__
    return "".join(traceback.format_exception(cause)) if cause is not None else ""


def render_target(target: Target) -> Rendering:
    """Renders one stack offline with the gate's handler (GateCloud)."""
    if target.program_dir is not None and not (Path(target.program_dir) / "__main__.py").exists():
        raise GateError(f"no Pulumi Python program (__main__.py) in {target.program_dir}")
    config_file = target.config_file or Path(target.project_dir) / f"Pulumi.{target.stack}.yaml"
    try:
        config = dict(target.config) if target.config is not None else load_stack_config(config_file, encrypted=True)
        return render(
            target.stack,
            project_dir=target.project_dir,
            program_dir=target.program_dir,
            config=config,
            handler=GateCloud(region=config.get("aws:region", "us-east-1")),
            **_render_options(target),
        )
    except RenderError as exc:
        raise GateError(f"cannot render stack {target.stack!r}: {exc}", _traceback_text(exc)) from None


def export_rendering(rendering: Rendering) -> ExportedPlan:
    try:
        return export(rendering)
    except (UnknownTypeError, SettingsError) as exc:
        raise GateError(str(exc)) from None


def export_target(target: Target) -> ExportedPlan:
    return export_rendering(render_target(target))


@dataclass
class Prepared:
    """One target rendered and exported, with what the gate will list about it."""

    target: Target
    exported: ExportedPlan
    warnings: list[str]
    not_judged: list[Unjudged]


# Notices of the program's own style (deprecated names), not of what the gate could judge.
_STYLE_NOTICES = ("DeprecationWarning:", "FutureWarning:")


def render_warnings(rendering: Rendering) -> list[str]:
    """The render's warnings worth a line in the gate's output (an unanswered provider function ...), once each."""
    kept = [w for w in rendering.warnings if not w.startswith(_STYLE_NOTICES) and " is deprecated" not in w]
    return list(dict.fromkeys(kept))


def _remote_components(rendering: Rendering) -> list[Any]:
    return [r for r in rendering.resources if r.remote]


def _listed(resources: Sequence[Any], source_of: Callable[[Any], str] = lambda _r: "") -> str:
    """'awsx:ec2:Vpc (vpc at __main__.py:5), random:index:RandomPet (a, b)', one entry per type."""
    by_type: dict[str, list[str]] = {}
    for resource in resources:
        where = source_of(resource)
        by_type.setdefault(resource.type, []).append(f"{resource.name} at {where}" if where else resource.name)
    return ", ".join(f"{token} ({', '.join(names)})" for token, names in sorted(by_type.items()))


def prepare(
    targets: Sequence[Target], accept_unrendered: Sequence[str] = (), source_root: Path = PROJECT_ROOT
) -> list[Prepared]:
    """Renders and exports every target; refuses (GateError) what the gate cannot judge, naming all of it at once.

    Refused: a resource type the gate cannot map, a remote component (its children are created by
    another language's plugin, so the offline render never sees them) unless its type is accepted
    as unjudged, and a program that exports nothing the gate can judge ("0 resources" is no pass).
    Resources of other providers are judged by no AWS check: they are listed, and do not stop the gate.
    """
    accepted = set(accept_unrendered)
    prepared: list[Prepared] = []
    refusals: list[str] = []
    for target in targets:
        rendering = render_target(target)

        def located(resource: Any, target: Target = target) -> str:
            return source_location(resource.source, target, source_root)

        try:
            exported = export(rendering)
        except SettingsError as exc:
            refusals.append(f"{target.label}: invalid settings: {exc}")
            continue
        except UnknownTypeError as exc:
            remote = [r for r in _remote_components(rendering) if r.type not in accepted]
            refusals.append(f"{target.label}: {exc}")
            if remote:
                refusals.append(f"{target.label}: {_remote_refusal(remote, located)}")
            continue
        remote = [r for r in exported.unrendered if r.type not in accepted]
        if remote:
            refusals.append(f"{target.label}: {_remote_refusal(remote, located)}")
            continue
        not_judged = [
            Unjudged(target.label, r.name, r.type, located(r), _other_provider_reason(r.type))
            for r in exported.not_judged
        ] + [
            Unjudged(
                target.label,
                r.name,
                r.type,
                located(r),
                "remote component: its children are created by its own plugin, which the offline render does not "
                "run; accepted unjudged with --accept-unrendered",
            )
            for r in exported.unrendered
        ]
        if not exported.resources:
            listed = f" (not judged: {_listed(not_judged, lambda u: u.source)})" if not_judged else ""
            refusals.append(
                f"{target.label}: nothing to judge: the program exports no AWS resource the gate can judge{listed}"
            )
            continue
        warnings = [*target.notes, *render_warnings(rendering)]
        prepared.append(Prepared(target, exported, [f"{target.label}: {w}" for w in warnings], not_judged))
    if refusals:
        raise GateError("; ".join(refusals))
    return prepared


def _remote_refusal(remote: Sequence[Any], located: Callable[[Any], str]) -> str:
    types = ", ".join(sorted({r.type for r in remote}))
    return (
        f"remote components the offline render cannot see into: {_listed(remote, located)}; their children are "
        f"created by their own plugin, so nothing in them would be judged. Accept them as unjudged with "
        f"--accept-unrendered TYPE ({types})"
    )


def _other_provider_reason(token: str) -> str:
    provider = token.split(":", 1)[0]
    return f"a resource of the {provider} provider: the gate judges AWS resources only"


def source_location(source: str | None, target: Target, root: Path) -> str:
    """Where the program constructs a resource, as "path:line" with the path relative to ``root``.

    The render records "path:line"; a relative path is the program's (its directory, else the
    project's). A file outside ``root`` keeps its absolute path. "" when the render could not tell.
    """
    if not source:
        return ""
    text, colon, line = str(source).rpartition(":")
    if not colon or not line.isdigit():
        text, line = str(source), ""
    path = Path(text)
    if not path.is_absolute():
        bases = [Path(d) for d in (target.program_dir, target.project_dir) if d is not None]
        path = next((base / path for base in bases if (base / path).exists()), bases[0] / path)
    try:
        shown = path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    return f"{shown}:{line}" if line else shown


def repository_root(directory: Path) -> Path:
    """The repository a program lives in (its git work tree), else the directory itself."""
    try:
        top = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["git", "-C", str(directory), "rev-parse", "--show-toplevel"],  # noqa: S607
            capture_output=True,
            check=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return Path(directory).resolve()
    return Path(top).resolve() if top else Path(directory).resolve()


def write_plans(prepared: Sequence[Prepared], plans_dir: Path) -> dict[str, Path]:
    """Writes each target's plan (and its Pulumi index) as <label>.tfplan.json; returns label -> plan file."""
    plans_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for item in prepared:
        label, exported = item.target.label, item.exported
        path = plans_dir / f"{label}.tfplan.json"
        path.write_text(json.dumps(exported.plan, indent=1, sort_keys=True) + "\n")
        (plans_dir / f"{label}.pulumi-index.txt").write_text(json.dumps(exported.index(), indent=1) + "\n")
        written[label] = path
    return written


def _checkov_env(plans_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(
        {
            "LEADPING_GATE_PLANS_DIR": str(plans_dir),
            # Offline and quiet: no vendor API call for guidelines, no version check.
            "BC_SKIP_MAPPING": "TRUE",
            "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
            "LOG_LEVEL": "ERROR",
        }
    )
    return env


def plan_scan_options(
    out_dir: Path, skip_ids: Sequence[str], checks_dirs: Sequence[Path] = (gate_config.CHECKS_DIR,)
) -> list[str]:
    """Checkov's options for the plan scan: every built-in check and the profile's, minus the skips, as JSON."""
    options = ["--framework", "terraform_plan"]
    for directory in checks_dirs:
        options += ["--external-checks-dir", str(directory)]
    options += ["--output", "json", "--output-file-path", str(out_dir), "--skip-download", "--compact"]
    return [*options, "--skip-check", ",".join(skip_ids)] if skip_ids else options


def plan_scan_command(
    python: Path,
    plans_dir: Path,
    out_dir: Path,
    skip_ids: Sequence[str],
    *,
    wait: bool = False,
    checks_dirs: Sequence[Path] = (gate_config.CHECKS_DIR,),
) -> list[str]:
    driver = [str(python), str(DRIVER), str(out_dir / "catalog.json"), *(["--wait"] if wait else []), "--"]
    return [*driver, "--directory", str(plans_dir), *plan_scan_options(out_dir, skip_ids, checks_dirs)]


# Never source: environments, caches, VCS data (used when the root is not a git checkout).
_NOT_SOURCE = {"node_modules", "__pycache__", "site-packages", "reports"}


def repository_files(root: Path, skip_paths: Sequence[str] = ()) -> list[str]:
    """The files of the repository at ``root`` (tracked and not ignored), relative, minus skip_paths.

    Checkov's own directory walk either ignores source code (its default secrets scan reads only
    IaC file types) or, with --enable-secret-scan-all-files, walks into .venv and .git; the gate
    therefore hands it the repository's files one by one.
    """
    root = Path(root)
    try:
        listed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["git", "-C", str(root), "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "."],  # noqa: S607
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode()
        files = [f for f in listed.split("\0") if f]
    except (OSError, subprocess.SubprocessError):
        files = []
        for directory, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _NOT_SOURCE]
            files += [str((Path(directory) / n).relative_to(root)) for n in names]
    patterns = [re.compile(p) for p in skip_paths]
    return sorted(f for f in files if (root / f).is_file() and not any(p.search(f) for p in patterns))


def secrets_scan_command(python: Path, root: Path, out_dir: Path, files: Sequence[str]) -> list[str]:
    checkov = python.parent / "checkov"
    command = [
        str(checkov),
        "--framework",
        SECRETS_FRAMEWORK,
        "--enable-secret-scan-all-files",
        "--output",
        "json",
        "--output-file-path",
        str(out_dir),
        "--skip-download",
        "--compact",
    ]
    for name in files:
        command += ["--file", str(Path(root) / name)]
    return command


def _reports(path: Path) -> list[dict[str, Any]]:
    try:
        document = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise GateError(f"Checkov wrote no readable report at {path}: {exc}") from None
    documents = document if isinstance(document, list) else [document]
    return [d for d in documents if isinstance(d, dict) and "results" in d]


def _start(command: list[str], env: dict[str, str], log: Path, stdin: int | None = None) -> subprocess.Popen:
    handle = log.open("w")
    try:
        return subprocess.Popen(command, stdin=stdin, stdout=handle, stderr=subprocess.STDOUT, env=env)  # noqa: S603
    finally:
        handle.close()


def _wait(process: subprocess.Popen, what: str, log: Path) -> int:
    try:
        code = process.wait(timeout=CHECKOV_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        raise GateError(f"Checkov ({what}) did not finish within {CHECKOV_TIMEOUT_SECONDS}s") from None
    if code not in (0, 1):
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise GateError(f"Checkov ({what}) failed with exit code {code}:\n{tail}")
    return code


def _finding(record: dict[str, Any], stack: str, item: Prepared | None, control: str, root: Path) -> Finding:
    address = str(record.get("resource_address") or record.get("resource") or "")
    resource = item.exported.resources.get(address) if item else None
    details = tuple(str(d) for d in record.get("details") or [])
    check_result = record.get("check_result") if isinstance(record.get("check_result"), dict) else {}
    attributes = tuple(str(k) for k in check_result.get("evaluated_keys") or [])
    source = source_location(resource.source, item.target, root) if item and resource else ""
    return Finding(
        stack=stack,
        check_id=str(record.get("check_id")),
        check_name=str(record.get("check_name") or ""),
        address=address,
        resource=resource,
        control=control,
        details=details,
        file=str(record.get("file_path") or ""),
        attributes=attributes,
        source=source,
        guideline=str(record.get("guideline") or ""),
        severity=str(record.get("severity") or ""),
    )


def default_profile() -> gate_config.Profile:
    return _load(lambda: gate_config.load_profile(gate_config.LEADPING))


def run_gate(
    targets: Sequence[Target],
    *,
    profile: gate_config.Profile | None = None,
    output_dir: Path | None = None,
    secrets_root: Path | None = PROJECT_ROOT,
    accept_unrendered: Sequence[str] = (),
    source_root: Path = PROJECT_ROOT,
) -> GateResult:
    """Renders, exports and scans every target; returns what failed (never raises for findings).

    Raises GateError when it cannot judge: a program that does not render, a type it cannot map,
    a remote component not accepted, nothing to judge, Checkov missing or failing.
    """
    profile = profile or default_profile()
    checkov_python()  # before the render: say at once when Checkov is missing
    work = Path(output_dir) if output_dir else Path(tempfile.mkdtemp(prefix="leadping-gate-"))
    plans_dir = work / "plans"
    if plans_dir.exists():
        shutil.rmtree(plans_dir)
    skip_paths = [p.path for p in profile.skips.secret_paths]
    if secrets_root is not None:
        with contextlib.suppress(ValueError):  # the gate's own output (plans, reports) is not source
            skip_paths.append(str(work.resolve().relative_to(Path(secrets_root).resolve())) + "/")
    # Checkov starts first: its start-up (imports, loading its checks) and the secrets scan, which
    # needs no plan, overlap the render; the plan scan begins once the plans are written.
    scan = CheckovScan.start(
        plans_dir,
        work,
        profile.skips.global_ids,
        secrets_root=secrets_root,
        secrets_skip_paths=skip_paths,
        checks_dirs=profile.checks_dirs,
    )
    seconds = {}
    try:
        started = time.perf_counter()
        with collector_paused():
            prepared = prepare(targets, accept_unrendered, source_root)
        seconds["render+export"] = time.perf_counter() - started
        plan_files = write_plans(prepared, plans_dir)
        started = time.perf_counter()
        run = scan.finish()
        seconds["checkov (after the render)"] = time.perf_counter() - started
    finally:
        scan.cancel()
    result = judge(prepared, run, plan_files, profile, source_root=source_root, secrets_root=secrets_root)
    result.seconds.update(seconds)
    return result


def judge(
    prepared: Sequence[Prepared],
    run: CheckovRun,
    plan_files: Mapping[str, Path],
    profile: gate_config.Profile,
    *,
    source_root: Path = PROJECT_ROOT,
    secrets_root: Path | None = None,
) -> GateResult:
    """The verdict on the prepared targets from Checkov's run (records of other plans are ignored)."""
    skips = profile.skips
    by_label = {item.target.label: item for item in prepared}
    result = GateResult(
        stacks=list(by_label),
        skipped_ids=skips.global_ids,
        limited_ids=[s.id for s in skips.checks if s.limited],
        profile=profile.name,
        stack_context=profile.stack_context,
        skips_source=skips.source_name,
        source_root=Path(source_root),
        exports={label: item.exported for label, item in by_label.items()},
        entry_files={
            label: source_location(str(item.target.entry_file), item.target, source_root)
            for label, item in by_label.items()
        },
    )
    for label, item in by_label.items():
        result.warnings += item.warnings
        result.not_judged += item.not_judged
        for address, paths in item.exported.unmapped_attributes.items():
            result.warnings.append(f"{label}: {address}: attributes not in the Terraform schema: {paths}")
        if profile.stack_context and item.exported.context.get("environment_source", "").startswith("default"):
            result.warnings.append(f"{label}: no environment in the stack config; judged as prod")
    catalog = run.catalog
    result.problems += gate_config.validate_skips(skips, set(catalog))
    expected = sum(len(item.exported.resources) for item in prepared)
    judged_types = checked_types(catalog)
    ours = {Path(path).name: label for label, path in plan_files.items()}
    seen: set[tuple[str, str]] = set()
    for report in run.plan_reports:
        summary = report.get("summary") or {}
        if summary.get("parsing_errors"):
            result.problems.append(f"Checkov could not parse {summary['parsing_errors']} plan file(s)")
        for status, sink in (("failed_checks", result.failures), ("passed_checks", result.passed)):
            for record in report["results"].get(status) or []:
                label = ours.get(Path(str(record.get("file_path", ""))).name)
                if label is None:
                    continue  # another plan of a shared run
                seen.add((label, str(record.get("resource_address"))))
                check_id = str(record.get("check_id"))
                control = profile.control_for(check_id, catalog.get(check_id, {}).get("categories", []))
                sink.append(_finding(record, label, by_label[label], control, source_root))
    unseen = [
        address
        for label, item in by_label.items()
        for address in item.exported.resources
        if (label, address) not in seen and address.split(".", 1)[0] in judged_types
    ]
    if unseen:
        result.warnings.append(f"{len(unseen)} resources got no check result (e.g. {unseen[:3]})")
    if expected and not result.passed and not result.failures:
        result.problems.append("Checkov judged none of the exported resources (is the plan format still read?)")
    if secrets_root is not None:
        findings, stale = judge_secrets(run.secrets_reports, Path(secrets_root), skips, profile, source_root)
        result.secret_findings += findings
        result.problems += stale
    environments = {label: e.context.get("environment", "") for label, e in result.exports.items()}
    kept = []
    for finding in result.failures:
        name = finding.resource.name if finding.resource else None
        if skips.accepting(finding.check_id, environments.get(finding.stack, ""), name):
            result.accepted.append(finding)
        else:
            kept.append(finding)
    result.failures = sorted(kept, key=lambda f: (f.stack, f.check_id, f.address))
    return result


def judge_secrets(
    reports: Sequence[dict[str, Any]],
    root: Path,
    skips: gate_config.SkipList,
    profile: gate_config.Profile | None = None,
    source_root: Path | None = None,
) -> tuple[list[Finding], list[str]]:
    """The secrets-scan findings that fail the gate, and the accepted findings that went stale.

    An accepted finding (policies/skips.yaml) names a file of this repository; one that the scan
    no longer reports is stale and must be removed, so that the list cannot outlive its reasons.
    Staleness is judged only when ``root`` is the repository the skip list belongs to.
    """
    profile = profile or default_profile()
    findings: list[Finding] = []
    used: set[tuple[gate_config.AcceptedSecret, str]] = set()
    for report in reports:
        for record in report["results"].get("failed_checks") or []:
            absolute = str(record.get("file_abs_path") or record.get("file_path"))
            relative = _relative_to(absolute, root)
            secret_hash = str(record.get("resource") or "")
            accepted = skips.secret_accepted(relative, str(record.get("check_id")), secret_hash)
            if accepted is not None:
                used.add((accepted, secret_hash))
                continue
            line = (record.get("file_line_range") or ["?"])[0]
            shown = _relative_to(str(Path(root) / relative), source_root) if source_root else relative
            check_id = str(record.get("check_id"))
            findings.append(
                Finding(
                    stack="repository",
                    check_id=check_id,
                    check_name=str(record.get("check_name") or ""),
                    address=f"{relative}:{line}",
                    resource=None,
                    control=profile.control_for(check_id, ["SECRETS"]),
                    details=(f"value sha1 {secret_hash}",) if secret_hash else (),
                    source=f"{shown}:{line}",
                )
            )
    stale = []
    if Path(root).resolve() == PROJECT_ROOT.resolve():
        stale = [
            f"{skips.source_name} accepts a {a.check} finding in {a.path} (value sha1 {h}) that the "
            "secrets scan no longer reports: remove it"
            for a in skips.accepted_secrets
            for h in a.hashes
            if (a, h) not in used
        ]
    return findings, stale


@dataclass
class CheckovRun:
    """What one Checkov run over a directory of plans (and optionally a secrets scan) reported."""

    plan_reports: list[dict[str, Any]]
    catalog: dict[str, Any]
    secrets_reports: list[dict[str, Any]] = field(default_factory=list)

    def records(self, *statuses: str) -> list[dict[str, Any]]:
        return [r for report in self.plan_reports for r in _records(report, *statuses)]


class CheckovScan:
    """Checkov's plan scan (the driver, started before the plans exist) and the secrets scan."""

    def __init__(self, work: Path, plan: subprocess.Popen | None, secrets: subprocess.Popen | None) -> None:
        self.work = work
        self.plan = plan
        self.secrets = secrets

    @classmethod
    def start(
        cls,
        plans_dir: Path | None,
        work: Path,
        skip_ids: Sequence[str] = (),
        *,
        secrets_root: Path | None = None,
        secrets_skip_paths: Sequence[str] = (),
        checks_dirs: Sequence[Path] = (gate_config.CHECKS_DIR,),
    ) -> CheckovScan:
        python = checkov_python()
        for directory in (work / "checkov-plans", work / "checkov-secrets"):
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)
        env = _checkov_env(plans_dir or work)
        plan = secrets = None
        try:
            if plans_dir is not None:
                command = plan_scan_command(
                    python, plans_dir, work / "checkov-plans", skip_ids, wait=True, checks_dirs=checks_dirs
                )
                plan = _start(command, env, work / "checkov-plans.log", stdin=subprocess.PIPE)
            if secrets_root is not None:
                files = repository_files(Path(secrets_root), secrets_skip_paths)
                command = secrets_scan_command(python, Path(secrets_root), work / "checkov-secrets", files)
                secrets = _start(command, env, work / "checkov-secrets.log")
        except BaseException:
            cls(work, plan, secrets).cancel()
            raise
        return cls(work, plan, secrets)

    def finish(self) -> CheckovRun:
        """Lets the plan scan begin (the plans are written), waits for both scans and reads their reports."""
        scan_dir, secrets_dir = self.work / "checkov-plans", self.work / "checkov-secrets"
        try:
            if self.plan is not None:
                with contextlib.suppress(BrokenPipeError):  # a driver that died is reported by _wait
                    self.plan.stdin.write(b"go\n")
                    self.plan.stdin.close()
                _wait(self.plan, "plan scan", self.work / "checkov-plans.log")
            if self.secrets is not None:
                _wait(self.secrets, "secrets scan", self.work / "checkov-secrets.log")
        finally:
            self.cancel()
        secrets_report = secrets_dir / "results_json.json"
        return CheckovRun(
            plan_reports=_reports(scan_dir / "results_json.json") if self.plan is not None else [],
            catalog=_read_catalog(scan_dir / "catalog.json") if self.plan is not None else {},
            secrets_reports=_reports(secrets_report) if secrets_report.exists() else [],
        )

    def cancel(self) -> None:
        """Stops what is still running (the render failed, or finish() is done)."""
        for process in (self.plan, self.secrets):
            if process is None:
                continue
            if process.stdin is not None and not process.stdin.closed:
                with contextlib.suppress(OSError):
                    process.stdin.close()  # end of input: a waiting driver exits without scanning
            if process.poll() is None:
                process.kill()
                process.wait()


def run_checkov(
    plans_dir: Path | None,
    work: Path,
    skip_ids: Sequence[str] = (),
    *,
    secrets_root: Path | None = None,
    secrets_skip_paths: Sequence[str] = (),
    checks_dirs: Sequence[Path] = (gate_config.CHECKS_DIR,),
) -> CheckovRun:
    """Runs Checkov once over every plan in ``plans_dir`` (and, concurrently, the secrets scan).

    ``plans_dir`` None runs the secrets scan alone.
    """
    scan = CheckovScan.start(
        plans_dir,
        work,
        skip_ids,
        secrets_root=secrets_root,
        secrets_skip_paths=secrets_skip_paths,
        checks_dirs=checks_dirs,
    )
    return scan.finish()


def _relative_to(path: str, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return path.lstrip("/")


def _records(report: dict[str, Any], *statuses: str) -> list[dict[str, Any]]:
    return [r for s in statuses for r in report["results"].get(s) or []]


def checked_types(catalog: dict[str, Any]) -> set[str]:
    """The Terraform types Checkov runs at least one resource check on when it scans a plan."""
    return {
        resource_type
        for entry in catalog.values()
        if entry.get("kind") == "resource" and entry.get("runs_on_plans", True)
        for resource_type in entry.get("resource_types", [])
    }


def has_checks(address: str, catalog: dict[str, Any]) -> bool:
    """Whether Checkov runs a resource check on this address's type when it scans a plan."""
    return address.split(".", 1)[0] in checked_types(catalog)


def _read_catalog(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise GateError(f"the Checkov driver wrote no check catalog ({exc})") from None


def _load(loader):
    try:
        return loader()
    except gate_config.ConfigError as exc:
        raise GateError(str(exc)) from None


def repo_targets(stacks: Sequence[str]) -> list[Target]:
    return [Target(stack=s, project_dir=PROJECT_ROOT) for s in stacks]


def available_stacks(project_dir: Path = PROJECT_ROOT) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


if __name__ == "__main__":  # pragma: no cover - use `python -m policies`
    sys.exit("use: python -m policies gate --help")
