"""How long a big waivers file takes to load and apply, median of several runs.

    .venv/bin/python -m benchmarks.waivers_scale [--entries 50000] [--findings 5000] [--runs 3]

The file holds ``--entries`` waivers (nine in ten for one resource each, one in ten a pattern
over a team's buckets), written as a person would write them; the audit's findings are
``--findings`` FAIL findings (half waived by a resource waiver, a quarter by a pattern, the rest
by none) and as many PASS findings. "load" is ``load_waivers`` with the real catalog's ids (the
strict loader, then each entry validated); "apply" is ``apply_waivers`` on those findings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from compliance_checks import registry
from compliance_checks.catalog import load_catalog
from compliance_checks.core import Status
from compliance_checks.reports.model import Finding
from compliance_checks.waivers import Waiver, apply_waivers, load_waivers

CHECK = "s3_bucket_default_encryption_kms"
TODAY = dt.date(2026, 6, 1)


def waivers_text(entries: int) -> str:
    lines = ["waivers:"]
    for i in range(entries):
        target = f"resource_pattern: 'arn:aws:s3:::team-{i}-*'" if i % 10 == 9 else f"resource: arn:aws:s3:::data-{i}"
        lines += [
            f"  - check: {CHECK}",
            f"    {target}",
            f"    justification: legacy bucket {i}, migrated in Q3 (ticket SEC-{i})",
            "    owner: platform-team",
            "    expires: 2026-09-30",
        ]
    return "\n".join(lines) + "\n"


def findings(count: int, entries: int) -> list[Finding]:
    found = []
    for i in range(count):
        waiver = (i * 7919) % entries  # spread over the file
        if i % 4 < 2:
            resource = f"arn:aws:s3:::data-{waiver - waiver % 10}"  # a resource waiver's bucket
        elif i % 4 == 2:
            resource = f"arn:aws:s3:::team-{waiver - waiver % 10 + 9}-exports"  # a pattern's bucket
        else:
            resource = f"arn:aws:s3:::unwaived-{i}"
        for status in (Status.FAIL, Status.PASS):
            found.append(Finding("LP-DR-1", CHECK, resource, "AWS::S3::Bucket", "us-east-1", status, "not SSE-KMS"))
    return found


def measure(path: Path, audit_findings: list[Finding]) -> tuple[float, float, list[Waiver], int]:
    catalog = load_catalog()
    checks = set(catalog.check_ids) | set(registry.all_checks())
    started = time.perf_counter()
    waivers = load_waivers(path, catalog.control_ids, checks)
    loaded = time.perf_counter()
    out, _ = apply_waivers(audit_findings, waivers, TODAY)
    applied = time.perf_counter()
    return loaded - started, applied - loaded, waivers, sum(f.status is Status.WAIVED for f in out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--findings", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    audit_findings = findings(args.findings, args.entries)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "waivers.yaml"
        path.write_text(waivers_text(args.entries))
        size = path.stat().st_size
        runs = [measure(path, audit_findings) for _ in range(args.runs)]
    loads, applies = [r[0] for r in runs], [r[1] for r in runs]
    totals = [load + apply for load, apply, *_ in runs]
    _, _, waivers, waived = runs[-1]
    print(f"{len(waivers)} waivers ({size / 1e6:.1f} MB), {len(audit_findings)} findings ({waived} waived)")
    for name, values in (("load", loads), ("apply", applies), ("total", totals)):
        print(f"{name:>5}: median {statistics.median(values):.2f}s of {args.runs} "
              f"(min {min(values):.2f}s, max {max(values):.2f}s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
