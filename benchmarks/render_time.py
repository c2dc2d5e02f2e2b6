"""How long the offline render of a stack takes (Pulumi's mock runtime), median of several runs.

    .venv/bin/python -m benchmarks.render_time [--stack prod] [--runs 5]

Two figures, because they answer different questions:
- cold: a fresh ``python -m infra.render --stack <stack> --summary`` process, from start to exit.
  This is what a command-line user, the gate and the sandbox pay once: it includes importing
  pulumi and the pulumi_aws modules the program uses (most of the time).
- warm: ``infra.render.render()`` called again in a process that has rendered once: the cost of
  running the program itself under the mock runtime, which is what a test of one stack pays.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def cold(stack: str) -> float:
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-m", "infra.render", "--stack", stack, "--summary"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def warm(stack: str, runs: int) -> tuple[list[float], int]:
    from infra.render import PROJECT_ROOT, load_stack_config, render

    config = load_stack_config(PROJECT_ROOT / f"Pulumi.{stack}.yaml")
    rendering = render(stack, config=config)  # the first render pays the imports
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rendering = render(stack, config=config)
        times.append(time.perf_counter() - started)
    return times, len(rendering.resources)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    colds = [cold(args.stack) for _ in range(args.runs)]
    warms, count = warm(args.stack, args.runs)
    print(f"stack {args.stack}: {count} resources registered")
    print(f"cold (new process, imports included): median {statistics.median(colds):.2f}s of {args.runs} "
          f"(min {min(colds):.2f}s, max {max(colds):.2f}s)")  # fmt: skip
    print(f"warm (render() again in-process):     median {statistics.median(warms):.2f}s of {args.runs} "
          f"(min {min(warms):.2f}s, max {max(warms):.2f}s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
