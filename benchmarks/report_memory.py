"""What assembling and writing an organization's report holds, as the accounts grow: store vs list.

    .venv/bin/python -m benchmarks.report_memory [--accounts 100 1000 3000] [--formats json,csv,sarif]

No AWS and no moto: every account is one the audit could not enter (its role refused), which the
runner turns into one ERROR finding per check of the catalog, through the same path an organization
run takes (``runner.run_accounts`` with each account's findings written to a folder as it is done,
then the report assembled from that folder, waivers applied a finding at a time) and the reports
written as the command line writes them (``outputs.write_reports``). Each size runs twice, in child
processes of their own: with the findings in a ``reports.store.FindingStore`` (what ``audit
--organization`` does) and in a list (what it did before). Printed per size and mode: findings, wall
time, peak resident memory (``ru_maxrss``, the whole process: interpreter and catalog included) and
the size of the reports written.
"""

from __future__ import annotations

import argparse
import functools
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from compliance_checks import outputs, partials, registry
from compliance_checks.catalog import load_catalog
from compliance_checks.core import ReadError
from compliance_checks.reader import Reader
from compliance_checks.reports import FORMATS
from compliance_checks.runner import AccountTarget, AuditOptions, run_accounts, select

REFUSED = ReadError(ReadError.ACCESS_DENIED, "sts:assume_role", "AccessDenied: not authorized", "us-east-1")


def _refused() -> Reader:
    raise REFUSED


def _one(accounts: int, formats: Sequence[str], store: bool) -> str:
    selection = select(load_catalog(), registry.all_checks())
    targets = [AccountTarget(open=_refused, account_id=f"{100000000000 + n}") for n in range(accounts)]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        sink = partials.DirectorySink(output / partials.FOLDER)
        sink.prepare()
        options = AuditOptions(workers=1)
        report = run_accounts(targets, selection, options, account_workers=4, sink=sink, store=store)
        writers = {FORMATS[n].filename: functools.partial(FORMATS[n].write, report) for n in formats}
        outputs.write_reports(output, writers)
        size = sum((output / FORMATS[n].filename).stat().st_size for n in formats)
        findings = len(report.findings)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mode = "store" if store else "list"
    return f"| {accounts} | {mode} | {findings} | {seconds:.1f} | {peak:.0f} | {size / 2**20:.0f} |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.report_memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[100, 1000, 3000])
    streaming = ",".join(name for name, f in FORMATS.items() if f.streams)
    parser.add_argument("--formats", default=streaming, help="reports written (default the streaming ones)")
    parser.add_argument("--modes", default="store,list", help="store, list or both (default)")
    parser.add_argument("--one", nargs=2, metavar=("ACCOUNTS", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        parser.error(f"unknown format(s) {', '.join(unknown)}")
    if args.one:
        print(_one(int(args.one[0]), formats, args.one[1] == "store"))
        return 0
    print(f"formats: {', '.join(formats)}")
    print("| accounts | findings in | findings | wall s | peak RSS MiB | reports MiB |")
    print("|---:|---|---:|---:|---:|---:|")
    for accounts in args.accounts:
        for mode in args.modes.split(","):
            command = [sys.executable, "-m", "benchmarks.report_memory", "--one", str(accounts), mode]
            command += ["--formats", args.formats]
            # This benchmark, again, in a child process of its own: no untrusted input.
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            print(done.stdout.strip() or f"| {accounts} | {mode} | failed: {done.stderr.strip()[-300:]} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
