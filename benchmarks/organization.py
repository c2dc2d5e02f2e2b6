"""An organization audit at scale: wall time, requests and peak memory for N member accounts.

    .venv/bin/python -m benchmarks.organization [--accounts 50 200] [--regions 2] [--latency-ms 30]
        [--account-workers 8] [--workers 8] [--checks ID ...]

A moto server runs in its own process on 127.0.0.1 (so that the peak memory measured here, with
tracemalloc, is the auditor's alone), with an organization of N member accounts; every tenth
member holds an unencrypted bucket and every seventh a log group kept 7 days, in the second region.
Each size runs in a child process of its own, whose peak resident memory (``ru_maxrss``) is the
auditor's whole footprint (interpreter, botocore's models, the run); tracemalloc is not used here
(it slows Python several times; tests/compliance_checks/organization/test_memory.py uses it).
A loopback proxy adds ``--latency-ms`` to every request, as AWS's round trip does. The audit is the
organization audit of the command line, in process: discovery from the management account, the
member role assumed in every account, every check (or ``--checks``) in ``--regions`` regions, each
account's findings written to a folder as it is done, the report assembled at the end (its findings
a store on disk) and written as json, csv, asff, ocsf and html. Printed per
size: wall time, requests (the auditor's count, and the server's), requests per account, peak
memory, and whether every planted failure was found.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from benchmarks.latency_proxy import LatencyProxy
from compliance_checks import organization, outputs, partials, registry
from compliance_checks.budget import RateBudgets
from compliance_checks.catalog import load_catalog
from compliance_checks.reader import Reader
from compliance_checks.reports import FORMATS
from compliance_checks.runner import AccountTarget, AuditOptions, _assemble, audit_accounts, select

REGIONS = ("us-east-1", "eu-west-1")
ROLE = "leadping-audit-member"
REPORTS = ("json", "csv", "asff", "ocsf", "html")


# -- the world ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server in a child process; yields its URL."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the moto server did not start")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a server with 200 accounts' backends takes long to stop: not measured
            process.kill()
            process.wait()


@contextlib.contextmanager
def latency_proxy(upstream: str, latency_ms: float) -> Iterator[str]:
    """The loopback proxy of ``benchmarks.latency_proxy`` (its own process), waiting ``latency_ms``
    before forwarding each request; none when the latency is 0."""
    if latency_ms <= 0:
        yield upstream
        return
    with LatencyProxy(upstream, latency_ms / 1000) as proxy:
        yield proxy.url


@dataclass
class World:
    endpoint: str
    management: str
    members: list[str]
    planted: set[tuple[str, str]] = field(default_factory=set)  # (check, account)


def _client(service: str, endpoint: str, region: str = REGIONS[0], session: boto3.Session | None = None):
    return (session or boto3.Session()).client(service, region_name=region, endpoint_url=endpoint)


def _member(endpoint: str, account: str) -> boto3.Session:
    credentials = _client("sts", endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/setup", RoleSessionName="setup"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def build(endpoint: str, size: int, regions: Sequence[str] = REGIONS) -> World:
    """An organization of ``size`` members, with planted failures (see the module's docstring)."""
    orgs = _client("organizations", endpoint)
    management = orgs.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
    members = [
        orgs.create_account(AccountName=f"member-{i}", Email=f"member-{i}@example.com")["CreateAccountStatus"][
            "AccountId"
        ]
        for i in range(size)
    ]
    world = World(endpoint, management, members)
    for i, account in enumerate(members):
        if i % 10 == 3:
            _client("s3", endpoint, session=_member(endpoint, account)).create_bucket(Bucket=f"plain-{account}")
            world.planted.add(("s3_bucket_default_encryption_kms", account))
        if i % 7 == 5:
            logs = _client("logs", endpoint, regions[-1], _member(endpoint, account))
            logs.create_log_group(logGroupName="/app/short")
            logs.put_retention_policy(logGroupName="/app/short", retentionInDays=7)
            world.planted.add(("logs_log_group_retention", account))
    return world


# -- the audit ------------------------------------------------------------------------------


@dataclass
class Measured:
    accounts: int
    seconds: float
    requests: int
    peak_rss_mb: float
    findings: int
    found_planted: bool
    errors: int


def audit(
    world: World,
    endpoint: str,
    output: Path,
    *,
    checks: Sequence[str] | None = None,
    regions: Sequence[str] = REGIONS,
    account_workers: int = 8,
    workers: int = 8,
) -> Measured:
    """The organization audit through ``endpoint``, measured."""
    selection = select(load_catalog(), registry.all_checks(), check_ids=list(checks) if checks else None)
    base = boto3.Session(region_name=regions[0])
    rates = RateBudgets()
    started = time.perf_counter()
    management = Reader(base, [regions[0]], endpoint_url=endpoint, rates=rates.for_account())
    members = organization.discover(management)
    access = organization.MemberAccess(
        base,
        organization.MemberRole(ROLE, "leadping-audit-benchmark"),
        regions[0],
        list(regions),
        endpoint_url=endpoint,
        max_pool_connections=max(16, workers * 2),
        rates=rates,
    )
    targets = [AccountTarget(open=lambda m=m: access.open(m), account_id=m.account_id) for m in members]
    sink = partials.DirectorySink(output / partials.FOLDER)
    options = AuditOptions(workers=workers)
    now = dt.datetime.now(dt.UTC)
    runs = audit_accounts(targets, selection, options, account_workers=account_workers, sink=sink, now=now)
    report = _assemble(runs, sink, selection, options, now, now, store=True)
    # The reports an auditor asks for, written as the command line writes them (the findings streamed
    # from the store to json, csv, asff and ocsf; html built whole).
    outputs.write_reports(output, {FORMATS[n].filename: functools.partial(FORMATS[n].write, report) for n in REPORTS})
    seconds = time.perf_counter() - started
    failing = {(f.check_id, f.account_id) for f in report.findings if str(f.status) == "FAIL"}
    wanted = {p for p in world.planted if p[0] in selection.checks}
    return Measured(
        accounts=len(members),
        seconds=seconds,
        requests=report.metadata["requests"] + sum(management.requests.values()) + len(members),  # + AssumeRole
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        findings=len(report.findings),
        found_planted=wanted <= failing,
        errors=sum(1 for f in report.findings if str(f.status) == "ERROR"),
    )


def _environment() -> None:
    # moto accepts any credentials; these name themselves as the benchmark's.
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "benchmark",
            "AWS_SECRET_ACCESS_KEY": "benchmark",
            "AWS_DEFAULT_REGION": REGIONS[0],
            "AWS_REGION": REGIONS[0],
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)


def _one(args: argparse.Namespace, size: int) -> str:
    regions = REGIONS[: args.regions]
    with moto_server() as server, latency_proxy(server, args.latency_ms) as endpoint:
        world = build(server, size, regions)
        with tempfile.TemporaryDirectory() as output:
            m = audit(
                world,
                endpoint,
                Path(output),
                checks=args.checks,
                regions=regions,
                account_workers=args.account_workers,
                workers=args.workers,
            )
    return (
        f"{m.accounts} | {m.seconds:.1f} | {m.requests} | {m.requests / m.accounts:.0f} | {m.peak_rss_mb:.0f} | "
        f"{m.findings} | {m.errors} | {'yes' if m.found_planted else 'NO'}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.organization", description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--regions", type=int, choices=(1, 2), default=2)
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--account-workers", type=int, default=8)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--checks", nargs="+", help="default: every check")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a child: one size, one row
    args = parser.parse_args(argv)
    _environment()
    if args.one:
        print(_one(args, args.accounts[0]), flush=True)
        return 0
    print(
        f"organization audit, {args.regions} region(s), {args.latency_ms:g} ms per request, "
        f"{args.account_workers} accounts x {args.workers} checks at once, "
        f"{len(args.checks) if args.checks else len(registry.all_checks())} checks"
    )
    print("accounts | wall s | requests | per account | peak RSS MB | findings | ERROR | planted found", flush=True)
    for size in args.accounts:
        given = list(argv) if argv is not None else sys.argv[1:]
        child = [*_without_accounts(given), "--accounts", str(size), "--one"]
        done = subprocess.run(  # noqa: S603 - this interpreter and this module
            [sys.executable, "-m", "benchmarks.organization", *child], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            print(f"{size}: failed: {done.stderr.strip().splitlines()[-1:]}", flush=True)
            return 1
        print(done.stdout.strip().splitlines()[-1], flush=True)
    return 0


def _without_accounts(argv: list[str]) -> list[str]:
    """The arguments less --accounts and its values (each child gets one size)."""
    out, skipping = [], False
    for arg in argv:
        if arg == "--accounts":
            skipping = True
            continue
        if skipping and not arg.startswith("--"):
            continue
        skipping = False
        out.append(arg)
    return out


if __name__ == "__main__":
    sys.exit(main())
