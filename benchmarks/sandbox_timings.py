"""How long the main job takes: the prod stack deployed into the sandbox and audited, command to report.

    .venv/bin/python -m benchmarks.sandbox_timings [--stack prod] [--runs 5]

Runs the README's main-job command ``python -m compliance_checks audit --sandbox --stack prod
--format json --output-dir <tmp> --quiet`` as a fresh process ``--runs`` times, one after the
other, and times each from the command's start to its exit (the report written). Each report's
metadata gives the sandbox's own split (``timings.render_s``: the Pulumi program running through
the offline renderer; ``timings.deploy_s``: the handlers creating every resource in moto). The rest
of the wall time is reported as ``audit``: interpreter start-up and imports, every check over the
simulated account, and writing the report. Prints each run and the median of each part.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("total", "render", "deploy", "audit")


@dataclass(frozen=True)
class Run:
    total: float
    render: float
    deploy: float
    findings: int
    exit_code: int

    @property
    def audit(self) -> float:
        return self.total - self.render - self.deploy


def command(stack: str, output_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "compliance_checks",
        "audit",
        "--sandbox",
        "--stack",
        stack,
        "--format",
        "json",
        "--output-dir",
        str(output_dir),
        "--quiet",
    ]


def run_once(stack: str) -> Run:
    # No AWS variables: the sandbox reads none, and a caller's profile must not slow start-up.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    with tempfile.TemporaryDirectory(prefix="sandbox-timings-") as folder:
        started = time.perf_counter()
        # The project's own command line, with this interpreter: no untrusted input.
        result = subprocess.run(  # noqa: S603
            command(stack, Path(folder)), cwd=ROOT, env=environment, capture_output=True, text=True, check=False
        )
        total = time.perf_counter() - started
        if result.returncode not in (0, 1, 3):
            raise SystemExit(f"the audit could not run (exit {result.returncode}): {result.stderr.strip()}")
        report = json.loads((Path(folder) / "audit.json").read_text())
    timings = report["metadata"]["timings"]
    return Run(total, timings["render_s"], timings["deploy_s"], len(report["findings"]), result.returncode)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sandbox_timings", description=__doc__.split("\n")[0])
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    print(f"$ python {' '.join(command(args.stack, Path('<tmp>'))[1:])}  (x{args.runs}, {sys.executable})")
    runs = []
    for index in range(1, args.runs + 1):
        run = run_once(args.stack)
        runs.append(run)
        print(
            f"run {index}: total {run.total:5.1f}s = render {run.render:5.1f}s + deploy {run.deploy:5.1f}s "
            f"+ audit {run.audit:5.1f}s ({run.findings} findings, exit {run.exit_code})",
            flush=True,
        )
    medians = {part: statistics.median(getattr(r, part) for r in runs) for part in PARTS}
    print(
        f"median of {len(runs)}: command to report {medians['total']:.1f}s; render {medians['render']:.1f}s, "
        f"deploy {medians['deploy']:.1f}s, audit {medians['audit']:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
