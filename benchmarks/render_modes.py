"""What the render's modes cost: a preview against a deployment render, and the render host.

    .venv/bin/python -m benchmarks.render_modes [--stack prod] [--program fargate_alb] [--runs 5]

- preview vs deployment: ``render(stack, preview=True)`` against ``render(stack)`` again in a
  process that has rendered once (the program's own run under the mock runtime, imports paid).
- render host: the same corpus program rendered in a fresh process, once as ``python -m
  infra.render --preview`` (in-process render) and once through ``infra.render_host`` (the render
  modules copied into a fresh interpreter, as for a program's own environment). Both pay the
  interpreter's start and the imports, so the difference is the host's own cost.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from infra.render import PROJECT_ROOT, FakeCloud, load_stack_config, render
from infra.render_host import run_in_interpreter

PROGRAMS_DIR = PROJECT_ROOT / "tests" / "policies" / "programs"


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def summary(label: str, times: list[float]) -> str:
    spread = f"min {min(times):.2f}s, max {max(times):.2f}s"
    return f"{label:<48} median {statistics.median(times):.2f}s of {len(times)} ({spread})"


def in_process_cold(directory: Path) -> None:
    subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [
            sys.executable,
            "-m",
            "infra.render",
            "--stack",
            "dev",
            "--project-dir",
            str(directory),
            "--preview",
            "--summary",
        ],
        check=True,
        capture_output=True,
        cwd=PROJECT_ROOT,
    )


def through_host(directory: Path) -> None:
    config = load_stack_config(directory / "Pulumi.dev.yaml")
    request = {
        "stack": "dev",
        "project_dir": str(directory),
        "program_dir": str(directory),
        "project_name": directory.name,
        "config": config,
        "preview": True,
        "stack_outputs": {},
        "handler": FakeCloud(region=config["aws:region"]).spec(),
    }
    run_in_interpreter(Path(sys.executable), request, cwd=directory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--program", default="fargate_alb", help="a corpus program (tests/policies/programs)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    config = load_stack_config(PROJECT_ROOT / f"Pulumi.{args.stack}.yaml")
    render(args.stack, config=config)  # the first render pays the imports
    rows = [
        (f"stack {args.stack}, deployment render (warm)", lambda: render(args.stack, config=config)),
        (f"stack {args.stack}, preview render (warm)", lambda: render(args.stack, config=config, preview=True)),
    ]
    directory = PROGRAMS_DIR / args.program
    rows += [
        (f"{args.program}, fresh process, in-process render", lambda: in_process_cold(directory)),
        (f"{args.program}, fresh process, render host", lambda: through_host(directory)),
    ]
    for label, action in rows:
        print(summary(label, timed(action, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
