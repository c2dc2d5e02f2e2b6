"""How long ``python -m sandbox serve`` takes to stop on SIGTERM, with clients still connected.

    .venv/bin/python -m benchmarks.serve_stop [--stack prod] [--runs 5]

Each run starts ``python -m sandbox serve --stack STACK --port 0 --quiet`` as a fresh process,
waits until it prints that it is ready, points the audit at it (two checks, through the exports it
printed, as a person would), keeps a client connection of its own open (HTTP keep-alive, as an AWS
CLI or SDK session does), then sends SIGTERM and times two moments: when the process prints
"Sandbox stopped." (the server is down and the port released) and when it has exited. Prints each
run and the medians.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
READY = "Press Ctrl-C to stop."
STOPPED = "Sandbox stopped."
_EXPORT = re.compile(r"^export (AWS_[A-Z_]+)=(\S+)$")
AUDITED_CHECKS = ("kms_key_rotation_enabled", "s3_bucket_policy_tls_only")


@dataclass(frozen=True)
class Run:
    stopped: float  # SIGTERM to "Sandbox stopped."
    exited: float  # SIGTERM to the process's exit
    exit_code: int


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}


def run_once(stack: str, timeout: float = 600) -> Run:
    # The project's own command lines, with this interpreter: no untrusted input.
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "sandbox", "serve", "--stack", stack, "--port", "0", "--quiet"],
        cwd=ROOT,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: list[str] = []
    ready, stopped = threading.Event(), threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if lines[-1] == READY:
                ready.set()
            if lines[-1] == STOPPED:
                stopped.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    try:
        if not ready.wait(timeout) or READY not in lines:
            raise SystemExit(f"serve did not get ready (exit {process.poll()})")
        exports = dict(m.groups() for m in map(_EXPORT.match, lines) if m)
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "compliance_checks",
                "audit",
                "--quiet",
                "--format",
                "json",
                "--region",
                exports["AWS_REGION"],
                "--checks",
                *AUDITED_CHECKS,
            ],
            cwd=ROOT,
            env={**_environment(), **exports},
            capture_output=True,
            check=False,
            timeout=timeout,
        )
        client = boto3.client(
            "s3",
            endpoint_url=exports["AWS_ENDPOINT_URL"],
            region_name=exports["AWS_REGION"],
            aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"],
        )
        client.list_buckets()  # the connection stays open in the client's pool
        started = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        stopped.wait(timeout)
        stopped_after = time.perf_counter() - started
        code = process.wait(timeout)
        return Run(stopped_after, time.perf_counter() - started, code)
    finally:
        if process.poll() is None:
            process.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_stop", description=__doc__.split("\n")[0])
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    print(f"$ python -m sandbox serve --stack {args.stack} --port 0 --quiet, then SIGTERM  (x{args.runs})")
    runs = []
    for index in range(1, args.runs + 1):
        run = run_once(args.stack)
        runs.append(run)
        print(f"run {index}: stopped {run.stopped:5.2f}s, exited {run.exited:5.2f}s (exit {run.exit_code})", flush=True)
    print(
        f"median of {len(runs)}: server stopped {statistics.median(r.stopped for r in runs):.2f}s, "
        f"process exited {statistics.median(r.exited for r in runs):.2f}s after SIGTERM"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
