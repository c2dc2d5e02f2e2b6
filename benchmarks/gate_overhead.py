"""The CI gate's overhead over a bare Checkov scan of the same plan, median of several runs.

    .venv/bin/python -m benchmarks.gate_overhead [--stack prod] [--runs 5]

Two commands, each in a new process, timed from start to exit, run alternately (so that a busy
machine slows both alike) after one unmeasured run of each:
- gate: ``python -m policies gate --stack <stack> --no-secrets-scan --output-dir <tmp>``: render the
  program offline, export the plan, scan it with Checkov (through policies/checkov_driver.py, which
  starts while the program renders), read the results.
- bare: ``.venv-checkov/bin/checkov -f <tmp>/plans/<stack>.tfplan.json --framework terraform_plan``
  on the plan the gate wrote, judging exactly what the gate's scan judges: the same environment
  (BC_SKIP_MAPPING=TRUE, no SCA scan, LOG_LEVEL=ERROR, LEADPING_GATE_PLANS_DIR for our checks'
  stack context), our checks (--external-checks-dir policies/checks), the same --skip-check list,
  and the same JSON report written to a directory (--output json --output-file-path, --compact,
  --skip-download).
Neither runs the secrets scan (the gate's --no-secrets-scan): it scans the repository, not the plan.
The overhead is the difference of the medians: what rendering and exporting add to the scan.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from infra.render import PROJECT_ROOT
from policies import config as gate_config
from policies import gate

PHASES = re.compile(r"render\+export (?P<render>[\d.]+)s, checkov \(after the render\) (?P<scan>[\d.]+)s")


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=PROJECT_ROOT, env=env)  # noqa: S603
    return time.perf_counter() - started, done.stdout


def gate_command(stack: str, output_dir: Path) -> list[str]:
    return [sys.executable, "-m", "policies", "gate", "--stack", stack, "--no-secrets-scan",
            "--output-dir", str(output_dir)]  # fmt: skip


def bare_command(plan: Path, out_dir: Path, profile: gate_config.Profile | None = None) -> list[str]:
    """Checkov on one plan with the options the gate's scan uses under ``profile`` (default: leadping)."""
    profile = profile or gate_config.load_profile(gate_config.LEADPING)
    checkov = gate.checkov_python().parent / "checkov"
    options = gate.plan_scan_options(out_dir, profile.skips.global_ids, profile.checks_dirs)
    return [str(checkov), "-f", str(plan), *options]


def summary(name: str, times: list[float]) -> str:
    return (
        f"{name}: median {statistics.median(times):.2f}s of {len(times)} (min {min(times):.2f}s, max {max(times):.2f}s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gate-overhead-") as tmp:
        work = Path(tmp)
        plan = work / "gate" / "plans" / f"{args.stack}.tfplan.json"
        # The bare scan's environment is the one the gate gives its driver.
        env = gate._checkov_env(plan.parent)
        timed(gate_command(args.stack, work / "gate"))  # unmeasured: writes the plan, warms the caches
        if not plan.exists():
            print(f"error: the gate wrote no plan at {plan}", file=sys.stderr)
            return 2
        timed(bare_command(plan, work / "bare"), env)
        gate_times, bare_times, renders, scans = [], [], [], []
        for _ in range(args.runs):
            seconds, output = timed(gate_command(args.stack, work / "gate"))
            gate_times.append(seconds)
            phases = PHASES.search(output)
            if phases:
                renders.append(float(phases["render"]))
                scans.append(float(phases["scan"]))
            bare_times.append(timed(bare_command(plan, work / "bare"), env)[0])
        passed = len(gate._reports(work / "bare" / "results_json.json")[0]["results"]["passed_checks"])
    overhead = statistics.median(gate_times) - statistics.median(bare_times)
    print(f"stack {args.stack} (secrets scan off in both; {passed} passed checks in the bare scan)")
    print(summary("gate (render + export + Checkov)", gate_times))
    print(summary("bare checkov -f plan.json       ", bare_times))
    if renders:
        print(
            f"  the gate's own phases (medians): render+export {statistics.median(renders):.2f}s (Checkov starts "
            f"meanwhile), then Checkov {statistics.median(scans):.2f}s"
        )
    print(f"overhead of rendering and exporting: {overhead:+.2f}s (goal: < 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
