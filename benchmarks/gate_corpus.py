"""The gate over a directory of Pulumi programs: judged / refused (and why) / crashed, and its overhead.

    .venv/bin/python -m benchmarks.gate_corpus                                  # the test corpus
    .venv/bin/python -m benchmarks.gate_corpus --programs /tmp/examples --pattern 'aws-py-*' [--runs 3]
        [--install /tmp/example-venvs]      # each program in its own virtualenv, from its requirements.txt

Each program (a directory with a Pulumi.yaml whose runtime is python) is gated as a new user would:
``python -m policies gate --program DIR --no-secrets-scan`` (generic profile), with ``--stack dev``
when it has no Pulumi.<stack>.yaml (as after ``pulumi stack init dev``) and its first stack when it
has several, and ``--stack-config`` from ``--settings DIR`` where the program's README has the user
set values first (benchmarks/public_examples_settings). The outcome is read from the exit code and the output:
- judged: exit 0 or 1 with the gate's verdict line (passed or failed checks);
- refused: exit 2 with one ``error:`` line, the reason (grouped by kind below);
- crashed: anything else (a traceback, another exit code, a verdict missing, a timeout).

For every judged program the gate's overhead over bare Checkov is measured as in
benchmarks/gate_overhead.py: the gate and ``checkov -f <the plan the gate wrote>`` with the same
options (the generic profile's: no skips, no Leadping checks), run alternately ``--runs`` times
after the unmeasured first gate run; the overhead is the difference of the medians.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from benchmarks.gate_overhead import bare_command, timed
from infra.render import PROJECT_ROOT
from policies import config as gate_config
from policies import gate

CORPUS_DIR = PROJECT_ROOT / "tests" / "policies" / "programs"
VERDICT = re.compile(r"^gate (?P<verdict>PASSED|FAILED): (?P<failed>\d+) failed checks", re.MULTILINE)
EXPORTED = re.compile(r"^  (?P<stack>\S+): (?P<count>\d+) resources exported", re.MULTILINE)
# Kinds of refusal, first match wins: (kind, pattern in the gate's error line).
REFUSALS = (
    ("remote component", r"remote components the offline render cannot see into"),
    ("nothing to judge", r"nothing to judge"),
    ("unmapped type", r"cannot map the Pulumi resource type"),
    ("missing package", r"ModuleNotFoundError|No module named"),
    ("unanswered provider function", r"does not know the provider function"),
    ("needs stack settings", r"ConfigMissingError|Missing required configuration"),
    ("encrypted secret in settings", r"encrypted secret"),
    ("program failed offline", r"the program failed"),
    ("bad input", r"."),
)


@dataclass
class Outcome:
    program: str
    kind: str  # judged, refused, crashed
    detail: str
    seconds: float
    plans: list[Path] = field(default_factory=list)
    gate_times: list[float] = field(default_factory=list)
    bare_times: list[float] = field(default_factory=list)

    @property
    def overhead(self) -> float | None:
        if not self.gate_times or not self.bare_times:
            return None
        return statistics.median(self.gate_times) - statistics.median(self.bare_times)


def programs(directory: Path, pattern: str) -> list[Path]:
    """The Python Pulumi programs under ``directory`` (one or two levels down: an example may hold several
    projects) whose top-level directory name matches ``pattern``."""
    found = []
    for project in sorted([*directory.glob("*/Pulumi.yaml"), *directory.glob("*/*/Pulumi.yaml")]):
        if not fnmatch.fnmatch(project.relative_to(directory).parts[0], pattern):
            continue
        try:
            runtime = (yaml.safe_load(project.read_text()) or {}).get("runtime")
        except yaml.YAMLError:
            runtime = None
        name = runtime.get("name") if isinstance(runtime, dict) else runtime
        if name == "python":
            found.append(project.parent)
    return found


def gate_command(program: Path, output_dir: Path, python: Path | None, settings: Path | None = None) -> list[str]:
    command = [sys.executable, "-m", "policies", "gate", "--program", str(program), "--no-secrets-scan",
               "--output-dir", str(output_dir)]  # fmt: skip
    stacks = gate.available_stacks(program)
    if len(stacks) != 1:
        command += ["--stack", stacks[0] if stacks else "dev"]
    if settings is not None:
        command += ["--stack-config", str(settings)]
    if python is not None:
        command += ["--python", str(python)]
    return command


def poetry_requirements(pyproject: Path) -> list[str]:
    """A poetry project's dependencies as pip requirements (``^X.Y`` -> ``>=X.Y,<X+1``; python left out)."""
    document = tomllib.loads(pyproject.read_text())
    dependencies = document.get("tool", {}).get("poetry", {}).get("dependencies", {})
    found = []
    for name, spec in dependencies.items():
        if name == "python":
            continue
        version = spec.get("version", "*") if isinstance(spec, dict) else str(spec)
        if version.startswith("^"):
            low = version[1:]
            version = f">={low},<{int(low.split('.')[0]) + 1}"
        found.append(name if version == "*" else f"{name}{version if version[0] in '<>=!~' else '==' + version}")
    return found


def program_environment(program: Path, cache: Path) -> tuple[Path | None, str]:
    """The program's own virtualenv, as ``pulumi install`` would make it from its requirements.txt or its
    poetry project (built once with uv, cached in ``cache``): (interpreter, "") or (None, why not)."""
    requirements = program / "requirements.txt"
    if not requirements.is_file():
        pyproject = program / "pyproject.toml"
        if not pyproject.is_file():
            return None, ""
        cache.mkdir(parents=True, exist_ok=True)
        requirements = cache / "requirements-from-poetry.txt"
        requirements.write_text("\n".join(poetry_requirements(pyproject)) + "\n")
    venv = cache / program.name
    python = venv / "bin" / "python"
    if (venv / ".complete").exists():
        return python, ""
    uv = PROJECT_ROOT / ".tools" / "bin" / "uv"
    for command in (
        [str(uv), "venv", "--quiet", "--python", sys.base_prefix + "/bin/python3", str(venv)],
        [str(uv), "pip", "install", "--quiet", "--python", str(python), "-r", str(requirements)],
    ):
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)  # noqa: S603
        if done.returncode != 0:
            return None, (done.stderr.strip().splitlines() or ["?"])[-1]
    (venv / ".complete").touch()
    return python, ""


def settings_file(settings_dir: Path | None, name: str) -> Path | None:
    """The settings a program's README has the user set, when ``--settings`` holds them (``a/b`` -> a--b.yaml)."""
    if settings_dir is None:
        return None
    path = settings_dir / f"{name.replace('/', '--')}.yaml"
    return path if path.is_file() else None


def refusal_kind(line: str) -> str:
    return next(kind for kind, pattern in REFUSALS if re.search(pattern, line))


def classify(name: str, code: int | None, out: str, err: str, seconds: float, output_dir: Path) -> Outcome:
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    if code is None:
        return Outcome(name, "crashed", "timed out", seconds)
    if "Traceback (most recent call last)" in err:
        return Outcome(name, "crashed", err.strip().splitlines()[-1], seconds)
    verdict = VERDICT.search(out)
    if code in (0, 1) and verdict:
        exported = sum(int(m["count"]) for m in EXPORTED.finditer(out))
        plans = sorted((output_dir / "plans").glob("*.tfplan.json"))
        detail = f"{verdict['verdict'].lower()}: {exported} resources, {verdict['failed']} failed checks"
        return Outcome(name, "judged", detail, seconds, plans)
    if code == 2 and len(errors) == 1:
        return Outcome(name, "refused", f"{refusal_kind(errors[0])}: {errors[0][len('error: ') :]}", seconds)
    return Outcome(name, "crashed", f"exit {code}: {(err or out).strip()[-300:]}", seconds)


def run_gate(command: list[str], timeout: float) -> tuple[int | None, str, str, float]:
    started = time.perf_counter()
    try:
        done = subprocess.run(  # noqa: S603 - our own command line
            command,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, "", "", time.perf_counter() - started
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - started


def measure_overhead(outcome: Outcome, command: list[str], work: Path, runs: int) -> None:
    """Gate and bare Checkov alternately on the program's plan (one plan: the gate judges one stack)."""
    profile = gate_config.load_profile(gate_config.GENERIC)
    plan = outcome.plans[0]
    env = gate._checkov_env(plan.parent)
    timed(bare_command(plan, work / "bare", profile), env)  # unmeasured, as the gate's first run
    for _ in range(runs):
        outcome.gate_times.append(timed(command)[0])
        outcome.bare_times.append(timed(bare_command(plan, work / "bare", profile), env)[0])


def report(outcomes: list[Outcome]) -> str:
    lines = [f"{'program':40} {'outcome':8} {'seconds':>7}  detail"]
    for o in outcomes:
        overhead = f" (overhead {o.overhead:+.2f}s)" if o.overhead is not None else ""
        lines.append(f"{o.program:40} {o.kind:8} {o.seconds:7.1f}  {o.detail[:200]}{overhead}")
    total = len(outcomes)
    counts = {kind: sum(1 for o in outcomes if o.kind == kind) for kind in ("judged", "refused", "crashed")}
    share = ", ".join(f"{kind} {n} ({100 * n / total:.0f} %)" for kind, n in counts.items()) if total else "none"
    lines.append(f"{total} programs: {share}")
    kinds: dict[str, int] = {}
    for o in outcomes:
        if o.kind == "refused":
            kind = o.detail.split(":", 1)[0]
            kinds[kind] = kinds.get(kind, 0) + 1
    if kinds:
        lines.append("refused, by reason: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    measured = [o for o in outcomes if o.overhead is not None]
    if measured:
        gate_median = statistics.median(t for o in measured for t in o.gate_times)
        bare_median = statistics.median(t for o in measured for t in o.bare_times)
        overheads = [o.overhead for o in measured]
        lines.append(
            f"overhead over bare Checkov on the same plans ({len(measured)} programs, "
            f"{len(measured[0].gate_times)} runs each): gate median {gate_median:.2f}s, "
            f"bare median {bare_median:.2f}s, "
            f"per-program overhead median {statistics.median(overheads):+.2f}s "
            f"(min {min(overheads):+.2f}s, max {max(overheads):+.2f}s)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=Path, default=CORPUS_DIR, help="a directory of program directories")
    parser.add_argument("--pattern", default="*", help="program directory names to take, e.g. 'aws-py-*'")
    parser.add_argument("--runs", type=int, default=1, help="timed gate/bare pairs per judged program (0: none)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a gate run counts as crashed")
    parser.add_argument("--python", type=Path, help="passed to the gate: the interpreter to render the programs in")
    parser.add_argument(
        "--settings",
        type=Path,
        help="a directory of stack settings files named after the programs (a/b -> a--b.yaml), passed as "
        "--stack-config: what each README has the user `pulumi config set` (e.g. benchmarks/public_examples_settings)",
    )
    parser.add_argument(
        "--install",
        type=Path,
        metavar="CACHE_DIR",
        help="give each program with a requirements.txt its own virtualenv (built with uv into CACHE_DIR, as "
        "`pulumi install` would) and render it there with --python",
    )
    args = parser.parse_args(argv)
    if not args.programs.is_dir():
        print(f"error: {args.programs} is not a directory", file=sys.stderr)
        return 2
    found = programs(args.programs, args.pattern)
    if not found:
        print(f"error: no Python Pulumi program matching {args.pattern!r} in {args.programs}", file=sys.stderr)
        return 2
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="gate-corpus-") as tmp:
        work = Path(tmp)
        for program in found:
            name = program.relative_to(args.programs).as_posix()
            program_work = work / name.replace("/", "--")
            settings = settings_file(args.settings, name)
            python = args.python
            if args.install is not None:
                own, problem = program_environment(program, args.install / name.replace("/", "--"))
                if problem:
                    print(f"{name}: its requirements did not install ({problem})", file=sys.stderr)
                python = own or python
            code, out, err, seconds = run_gate(gate_command(program, program_work, python, settings), args.timeout)
            outcome = classify(name, code, out, err, seconds, program_work)
            if settings is not None:
                outcome.detail += f" (settings {settings.name})"
            if outcome.kind == "judged" and outcome.plans and args.runs > 0:
                timed_command = gate_command(program, program_work / "timed", python, settings)
                measure_overhead(outcome, timed_command, program_work, args.runs)
            outcomes.append(outcome)
            print(f"{name}: {outcome.kind} ({outcome.detail[:160]})", file=sys.stderr, flush=True)
    print(report(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
