"""Requests per resource, per check: where each check's reads grow with the account.

    .venv/bin/python -m benchmarks.requests_per_check [--resources 5] [--markdown]

Starts a moto server on 127.0.0.1 with the sandbox's fixes (``benchmarks.audit_requests``), plants
N resources of every kind the checks read (``benchmarks.estate``), audits the account once per
check with a fresh reader (so no check profits from another's reads), then plants N more of each
kind and audits again. A check's requests grow by ``per resource`` x N between the two: that is its
cost per resource of its kind (a check that reads two kinds per resource, say a bucket and its key,
counts both; one unit of the estate holds three secrets: its own, its database's managed master
secret and its API destination connection's), and ``fixed`` is what it costs however large the
account. The column "grows with" names the reads that grow, per resource, so that a read a check
could take from a listing stands out.
Requests are the reader's count, which the request-budget test proves equal to what the server
receives.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from benchmarks import estate
from benchmarks.audit_requests import REGION, _environment, moto_server


@dataclass(frozen=True)
class CheckCost:
    check_id: str
    small: int  # requests with N resources of each kind
    large: int  # ... with 2N
    resources: int  # N
    growing: tuple[tuple[str, float], ...]  # (operation, requests per resource) of the reads that grow
    statuses: str  # the verdicts of the larger run, e.g. "PASS 10, FAIL 10"

    @property
    def per_resource(self) -> float:
        return (self.large - self.small) / self.resources

    @property
    def fixed(self) -> float:
        return self.small - self.per_resource * self.resources


def _run(check_id: str, endpoint: str) -> tuple[Counter[tuple[str, str]], str]:
    import boto3

    from compliance_checks import registry
    from compliance_checks.catalog import load_catalog
    from compliance_checks.reader import Reader
    from compliance_checks.runner import run_audit, select

    reader = Reader(boto3.Session(region_name=REGION), [REGION], endpoint_url=endpoint)
    report = run_audit([reader], select(load_catalog(), registry.all_checks(), check_ids=[check_id]))
    statuses = Counter(str(f.status.value) for f in report.findings if f.check_id == check_id)
    return reader.requests, ", ".join(f"{status} {n}" for status, n in sorted(statuses.items()))


@contextlib.contextmanager
def _account() -> Iterator[str]:
    werkzeug = logging.getLogger("werkzeug")  # one line per request would drown the table
    level = werkzeug.level
    werkzeug.setLevel(logging.WARNING)
    try:
        with moto_server() as endpoint, _environment(endpoint):
            yield endpoint
    finally:
        werkzeug.setLevel(level)


def measure(resources: int = 5, checks: tuple[str, ...] | None = None) -> list[CheckCost]:
    from compliance_checks import registry

    check_ids = checks or tuple(sorted(registry.all_checks()))
    with _account() as endpoint:
        planted = estate.Estate(endpoint)
        planted.add(resources)
        small = {check_id: _run(check_id, endpoint)[0] for check_id in check_ids}
        planted.add(resources)
        large = {check_id: _run(check_id, endpoint) for check_id in check_ids}
    costs = []
    for check_id in check_ids:
        before, (after, statuses) = small[check_id], large[check_id]
        growing = tuple(
            (f"{service}:{operation}", (after[(service, operation)] - before[(service, operation)]) / resources)
            for service, operation in sorted(after)
            if after[(service, operation)] > before[(service, operation)]
        )
        costs.append(CheckCost(check_id, sum(before.values()), sum(after.values()), resources, growing, statuses))
    return costs


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def markdown(costs: list[CheckCost]) -> str:
    n = costs[0].resources if costs else 0
    lines = [
        f"| check | requests, {n} of each kind | {2 * n} of each | per resource | fixed | grows with (per resource) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for cost in costs:
        grows = ", ".join(f"{op} {_number(k)}" for op, k in cost.growing) or "nothing"
        lines.append(
            f"| `{cost.check_id}` | {cost.small} | {cost.large} | {_number(cost.per_resource)} "
            f"| {_number(cost.fixed)} | {grows} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=5, help="N: resources of each kind (then 2N)")
    parser.add_argument("--checks", nargs="+", metavar="ID", help="only these checks (default: every check)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    args = parser.parse_args(argv)
    if args.resources < 1:
        print("requests_per_check: --resources must be at least 1", file=sys.stderr)
        return 2
    costs = measure(args.resources, tuple(args.checks) if args.checks else None)
    if args.markdown:
        print(markdown(costs))
        return 0
    width = max(len(c.check_id) for c in costs)
    print(f"{'check':{width}}  {'N':>5} {'2N':>5} {'per res':>7} {'fixed':>6}  grows with / verdicts at 2N")
    for cost in costs:
        grows = ", ".join(f"{op} {_number(k)}" for op, k in cost.growing) or "nothing"
        print(
            f"{cost.check_id:{width}}  {cost.small:5d} {cost.large:5d} {_number(cost.per_resource):>7} "
            f"{_number(cost.fixed):>6}  {grows}  [{cost.statuses}]"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
