"""What each report format costs on the main job's report, and what a Security Hub import costs.

    .venv/bin/python -m benchmarks.report_formats [--report reports/audit.json] [--runs 5]

Reads an audit's JSON report (without ``--report``: runs the main job, ``audit --sandbox --stack
prod``, into a temporary folder first), rebuilds the report model from it, and renders every format
``--runs`` times: prints the median render time and the size of each. Then imports the findings
into an in-process moto Security Hub ``--runs`` times (the first run creates every finding, the
others update them) and prints the medians of the first and the later imports, with the number of
BatchImportFindings requests. moto answers in microseconds: the import figure is our side's cost
(building, batching, listing), not Security Hub's latency.
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
from pathlib import Path
from typing import Any

from compliance_checks.catalog import load_catalog, select_controls
from compliance_checks.core import Status
from compliance_checks.reports import FORMATS
from compliance_checks.reports.model import Finding, Report

ROOT = Path(__file__).resolve().parent.parent


def main_job_report(folder: Path) -> Path:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    command = [sys.executable, "-m", "compliance_checks", "audit", "--sandbox", "--stack", "prod"]
    command += ["--format", "json", "--output-dir", str(folder), "--quiet"]
    # The project's own command line, with this interpreter: no untrusted input.
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode not in (0, 1, 3):
        raise SystemExit(f"the audit could not run (exit {done.returncode}): {done.stderr.strip()}")
    return folder / "audit.json"


def report_from_json(document: dict[str, Any]) -> Report:
    findings = [
        Finding(**{**f, "status": Status(f["status"]), "evidence": f["evidence"] or {}}) for f in document["findings"]
    ]
    controls = select_controls(load_catalog(), document["metadata"]["controls"])
    return Report(metadata=document["metadata"], findings=findings, controls=controls, checks=document["checks"])


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:8.1f} ms"


def time_formats(report: Report, runs: int) -> None:
    print(f"{len(report.findings)} findings, {len(report.controls)} controls; median of {runs} renders")
    for name, fmt in FORMATS.items():
        samples, text = [], ""
        for _ in range(runs):
            started = time.perf_counter()
            text = fmt.render(report)
            samples.append(time.perf_counter() - started)
        print(f"  {name:9} {_median_ms(samples)}  {len(text.encode()) / 1024:8.0f} KiB")


def time_import(report: Report, runs: int) -> None:
    import boto3
    from moto import mock_aws

    from compliance_checks.security_hub import import_findings

    region = report.metadata["regions"][0]
    with mock_aws():
        session = boto3.Session(region_name=region)
        session.client("securityhub").enable_security_hub()
        requests: list[int] = []
        session.events.register(
            "provide-client-params.securityhub.BatchImportFindings",
            lambda params, **_: requests.append(len(params["Findings"])),
        )
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            result = import_findings(session, report)
            samples.append(time.perf_counter() - started)
            if not result.ok:
                raise SystemExit(result.summary())
    per_run = len(requests) // runs
    print(
        f"Security Hub import (moto), {per_run} BatchImportFindings requests per run: "
        f"first {samples[0] * 1000:.0f} ms, re-imports median {_median_ms(samples[1:] or samples).strip()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report_formats", description=__doc__.split("\n")[0])
    parser.add_argument("--report", type=Path, help="an audit.json (default: run the main job first)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="report-formats-") as folder:
        path = args.report or main_job_report(Path(folder))
        report = report_from_json(json.loads(path.read_text(encoding="utf-8")))
    time_formats(report, args.runs)
    time_import(report, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
