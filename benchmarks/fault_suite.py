"""How long the fault suite takes (tests/faults: every check through a fault-injecting proxy), median of N runs.

    .venv/bin/python -m benchmarks.fault_suite [--runs 3] [--json FILE]

Each run is ``pytest tests/faults -n 0`` in a fresh process, as CI runs it. The table gives the
median (min-max) of the whole run and of each part pytest times: the module setup (moto server,
planted account, a warm-up audit that pays moto's and botocore's first-use costs, the fault-free
audit) and each faulted audit. ``--json`` also writes the figures, so that a CI job can keep them.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

SUITE = "tests/faults"
# pytest --durations lines: "12.34s call     tests/faults/test_fault_suite.py::test_x[throttle]"
_DURATION = re.compile(r"^\s*([\d.]+)s\s+(setup|call|teardown)\s+(\S+)", re.M)


def run_once() -> tuple[float, dict[str, float]]:
    """(seconds for the whole run, seconds per test phase) of one run of the suite."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-m", "pytest", SUITE, "-q", "-n", "0", "-p", "no:cacheprovider", "--durations=0"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:])
        raise SystemExit(f"the fault suite failed (exit {done.returncode}); nothing to measure")
    parts: dict[str, float] = defaultdict(float)
    for value, phase, test in _DURATION.findall(done.stdout):
        name = test.split("::", 1)[-1]
        parts["module setup (server, account, warm-up, fault-free audit)" if phase == "setup" else name] += float(value)
    return seconds, dict(parts)


def _row(label: str, values: list[float]) -> str:
    return f"| {label} | {statistics.median(values):.1f} s | {min(values):.1f}-{max(values):.1f} s |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 50:
        parser.error("--runs must be 1 to 50")
    totals: list[float] = []
    parts: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.runs):
        total, each = run_once()
        totals.append(total)
        for name, seconds in each.items():
            parts[name].append(seconds)
    print(f"fault suite ({SUITE}), {args.runs} run(s), one process each")
    print("| part | median | range |")
    print("| --- | --- | --- |")
    print(_row("whole run (interpreter start and imports included)", totals))
    for name, values in sorted(parts.items(), key=lambda item: -statistics.median(item[1])):
        if statistics.median(values) >= 0.05:
            print(_row(name, values))
    if args.json:
        figures = {
            "runs": args.runs,
            "median_seconds": round(statistics.median(totals), 2),
            "seconds": [round(t, 2) for t in totals],
            "parts": {name: round(statistics.median(v), 2) for name, v in parts.items()},
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
