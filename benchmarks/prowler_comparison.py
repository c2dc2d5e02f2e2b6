"""Our audit against Prowler on the same simulated account, with AWS's latency: wall time and requests.

    .venv/bin/python -m benchmarks.prowler_comparison [--buckets 200 1000 5000] [--latency-ms 30]

For each bucket count: a moto server on 127.0.0.1 (with the sandbox's fixes, as
``benchmarks.audit_requests``) holding that many buckets, each encrypted with a customer key and
with a TLS-only policy; in front of it a loopback proxy (``benchmarks.latency_proxy``) that adds
the latency to every request and counts them. Then, through the proxy, each as a fresh process:

- "two checks": our ``s3_bucket_default_encryption_kms`` and ``s3_bucket_policy_tls_only``
  against Prowler's ``s3_bucket_default_encryption``, ``s3_bucket_kms_encryption`` and
  ``s3_bucket_secure_transport_policy``;
- "all S3": every check of ours whose id starts with ``s3_`` against Prowler's ``--service s3``;
- with ``--with-config-source``, our audit once more with ``--source config`` (the server's AWS
  Config recorder turned on: the buckets' configurations from Config's items, 100 per request);
- with ``--with-boto3-floor``, ``benchmarks.boto3_floor``: the same reads as our audit from as many
  threads, in a bare boto3 loop that judges nothing: what any botocore client spends here.

Prowler runs from its own environment, ``.venv-prowler`` (created here with uv from PyPI the first
time: Prowler pins its own boto3, so it never enters the project's environment). The table gives the
wall time of each (process start to exit), the ratio, the requests the proxy received, and the
concurrency each achieved (peak and mean requests in flight), so a re-run after a change to how
reads are scheduled shows what it changed. A run whose tool judged fewer buckets than there are is
reported as such, never as a time.

Each tool runs ``--repeat`` times (default 3), the tools taking turns, and the table gives each
one's median with the fastest and slowest run: on this shared machine one run of a few seconds
lands in a quiet or a busy spell (the same audit took 5.6 s and 8.5 s minutes apart, its processor
time 4.3 s and 6.4 s), while Prowler's two minutes average over several.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import csv
import dataclasses
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.audit_requests import REGION, _environment, _populate, moto_server
from benchmarks.latency_proxy import LatencyProxy, Traffic

ROOT = Path(__file__).resolve().parent.parent
PROWLER_VERSION = "5.46.0"
PROWLER_VENV = ROOT / ".venv-prowler"
UV = ROOT / ".tools" / "bin" / "uv"
OUR_TWO = ("s3_bucket_default_encryption_kms", "s3_bucket_policy_tls_only")
PROWLER_TWO = ("s3_bucket_default_encryption", "s3_bucket_kms_encryption", "s3_bucket_secure_transport_policy")
TIMEOUT_SECONDS = 3 * 3600


class ProwlerUnavailable(Exception):
    """Prowler cannot run here; the message says why."""


@dataclass(frozen=True)
class Run:
    tool: str
    scope: str
    buckets: int
    seconds: float
    exit_code: int
    traffic: Traffic
    judged: int  # buckets with a verdict of the tool (PASS or FAIL) in its report
    cpu_seconds: float = 0.0  # the tool's own processor time (user + system), its child processes included
    repeats: int = 1  # runs this one stands for (``median``): its times are their medians
    spread: tuple[float, float] | None = None  # the fastest and slowest of those runs' wall times

    @property
    def per_bucket(self) -> float:
        return self.traffic.requests / self.buckets

    @property
    def complete(self) -> bool:
        return self.judged >= self.buckets


def median(runs: Sequence[Run]) -> Run:
    """The runs of one tool on the same buckets and checks as one: the median wall time and the median
    processor time, the fewest buckets any of them judged (a run that missed one is not hidden by the
    others), the first failing exit code, and the traffic of the run whose wall time is the median."""
    if not runs or len({(r.tool, r.scope, r.buckets) for r in runs}) != 1:
        raise ValueError("median() takes the runs of one tool on the same buckets and checks")
    ordered = sorted(runs, key=lambda r: r.seconds)
    middle = ordered[(len(ordered) - 1) // 2]
    return dataclasses.replace(
        middle,
        seconds=statistics.median(r.seconds for r in runs),
        cpu_seconds=statistics.median(r.cpu_seconds for r in runs),
        judged=min(r.judged for r in runs),
        exit_code=next((r.exit_code for r in runs if r.exit_code != 0), 0),
        repeats=len(runs),
        spread=(ordered[0].seconds, ordered[-1].seconds),
    )


def medians(runs: Sequence[Run]) -> list[Run]:
    """``median`` of each tool's runs on each bucket count and scope, in the order they first ran."""
    groups: dict[tuple[int, str, str], list[Run]] = {}
    for run in runs:
        groups.setdefault((run.buckets, run.scope, run.tool), []).append(run)
    return [median(group) for group in groups.values()]


def prowler_binary() -> Path:
    """Prowler's entry point in its own environment, installed on first use."""
    binary = PROWLER_VENV / "bin" / "prowler"
    if binary.exists() and _prowler_version() == PROWLER_VERSION:
        return binary
    if not UV.exists():
        raise ProwlerUnavailable(f"{UV} is missing: run `make setup` first")
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    steps = (
        [str(UV), "venv", "--quiet", "--clear", "--python", sys.executable, str(PROWLER_VENV)],
        [
            str(UV),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(PROWLER_VENV / "bin" / "python"),
            f"prowler=={PROWLER_VERSION}",
        ],
    )
    for step in steps:
        done = subprocess.run(step, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our argv, no shell
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise ProwlerUnavailable(f"installing prowler=={PROWLER_VERSION} failed: {last}")
    return binary


def _prowler_version() -> str | None:
    python = PROWLER_VENV / "bin" / "python"
    if not python.exists():
        return None
    done = subprocess.run(  # noqa: S603 - our argv, no shell
        [str(python), "-c", "import importlib.metadata as m; print(m.version('prowler'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None


def _our_s3_checks() -> tuple[str, ...]:
    from compliance_checks import registry

    return tuple(sorted(c for c in registry.all_checks() if c.startswith("s3_")))


def _tool_environment(endpoint: str) -> dict[str, str]:
    # Any credentials do for moto; made up per run so that none is written down.
    return {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": f"bench{os.getpid()}",
        "AWS_SECRET_ACCESS_KEY": os.urandom(12).hex(),
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }


@dataclass(frozen=True)
class Timed:
    seconds: float
    exit_code: int
    traffic: Traffic
    tail: str  # the end of what it said (stderr, else stdout)
    stdout: str
    cpu_seconds: float


def _timed(command: Sequence[str], proxy: LatencyProxy, cwd: Path) -> Timed:
    """The command run once through the proxy: wall time, exit code, traffic, output and processor time.

    Processor time is the tool's own (what this process's finished children used, before and after):
    the simulated AWS and the proxy share the machine's cores with it here, as AWS's servers do not,
    so the wall time of a tool that keeps the cores busy carries some of theirs; its processor time
    does not."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proxy.start_counting()
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our argv, no shell
        list(command),
        env=_tool_environment(proxy.url),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    seconds = time.monotonic() - started
    traffic = proxy.stop_counting()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(seconds, done.returncode, traffic, (done.stderr or done.stdout)[-2000:], done.stdout, cpu)


def _run(tool: str, scope: str, buckets: int, timed: Timed, judged: int) -> Run:
    return Run(tool, scope, buckets, timed.seconds, timed.exit_code, timed.traffic, judged, timed.cpu_seconds)


def run_ours(scope: str, buckets: int, proxy: LatencyProxy, out: Path, source: str = "api") -> Run:
    checks = OUR_TWO if scope == "two checks" else _our_s3_checks()
    command = [sys.executable, "-m", "compliance_checks", "audit", "--quiet", "--region", REGION, "--source", source]
    command += ["--checks", *checks, "--format", "json", "--output-dir", str(out)]
    timed = _timed(command, proxy, ROOT)
    report = out / "audit.json"
    findings = json.loads(report.read_text())["findings"] if report.exists() else []
    judged = {
        f["resource_id"]
        for f in findings
        if f["status"] in ("PASS", "FAIL") and str(f.get("resource_id", "")).startswith("arn:aws:s3:::leadping-bench-")
    }
    if not judged:
        print(f"  our audit judged no bucket (exit {timed.exit_code}): {timed.tail}", file=sys.stderr)
    return _run("ours" if source == "api" else f"ours, --source {source}", scope, buckets, timed, len(judged))


def run_floor(scope: str, buckets: int, proxy: LatencyProxy) -> Run:
    from compliance_checks.core import ACCOUNT_READS_IN_FLIGHT

    command = [sys.executable, "-m", "benchmarks.boto3_floor", "--scope", scope]
    command += ["--threads", str(ACCOUNT_READS_IN_FLIGHT)]
    timed = _timed(command, proxy, ROOT)
    try:
        read = json.loads(timed.stdout.strip().splitlines()[-1]) if timed.exit_code == 0 else {}
    except (ValueError, IndexError):
        read = {}
    judged = int(read.get("buckets", 0)) if read.get("failed_reads") == 0 else 0
    if not judged:
        print(f"  the boto3 floor read no bucket cleanly (exit {timed.exit_code}): {timed.tail}", file=sys.stderr)
    return _run("boto3 alone", scope, buckets, timed, judged)


def run_prowler(binary: Path, scope: str, buckets: int, proxy: LatencyProxy, out: Path) -> Run:
    command = [str(binary), "aws", "--region", REGION, "--no-banner", "--no-color", "-M", "csv"]
    command += ["--output-directory", str(out), "--output-filename", "prowler"]
    command += ["--check", *PROWLER_TWO] if scope == "two checks" else ["--service", "s3"]
    timed = _timed(command, proxy, out)
    judged: set[str] = set()
    for report in out.glob("*.csv"):
        with report.open(newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                uid = row.get("RESOURCE_UID") or row.get("RESOURCE_ARN") or ""
                if row.get("STATUS") in ("PASS", "FAIL") and "leadping-bench-" in uid:
                    judged.add(uid)
    if not judged:
        print(f"  Prowler judged no bucket (exit {timed.exit_code}): {timed.tail}", file=sys.stderr)
    return _run("prowler", scope, buckets, timed, len(judged))


def _record_config() -> None:
    """Turns AWS Config's recorder on, as in an account that records its resources (``--source config``)."""
    import boto3

    config = boto3.client("config", region_name=REGION)
    role = "arn:aws:iam::123456789012:role/config-recorder"  # moto's default account
    config.put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": role, "recordingGroup": {"allSupported": True}}
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "leadping-bench-0000"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")


@contextlib.contextmanager
def account(buckets: int, latency_seconds: float, record_config: bool = False) -> Iterator[LatencyProxy]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the proxy counts; no line per request
    with moto_server() as endpoint:
        with _environment(endpoint):
            _populate(buckets)
            if record_config:
                _record_config()
        with LatencyProxy(endpoint, latency_seconds) as proxy:
            yield proxy


def _compile_ours() -> None:
    """Our modules' bytecode, written once before the runs, as pip writes Prowler's when it installs it:
    the project is installed editable, and where PYTHONDONTWRITEBYTECODE is set every run of ours would
    otherwise compile its ~90 modules from source first (0.1-0.2 s of each run)."""
    for package in ("compliance_checks", "benchmarks"):
        compileall.compile_dir(ROOT / package, quiet=2, workers=0)


def compare(
    bucket_counts: Sequence[int],
    latency_seconds: float,
    scopes: Sequence[str],
    with_prowler: bool = True,
    with_config: bool = False,
    with_floor: bool = False,
    repeat: int = 1,
) -> list[Run]:
    """Every run, ``repeat`` rounds of each tool per bucket count and scope. The rounds interleave the
    tools (ours, ours from Config, the floor, Prowler; then again), so that each tool's runs sample the
    same moments of a shared machine rather than one tool meeting all of its quiet or busy spells."""
    binary = prowler_binary() if with_prowler else None
    _compile_ours()
    runs: list[Run] = []

    def measured(run: Run) -> None:
        runs.append(run)
        _print(run)

    for buckets in bucket_counts:
        with account(buckets, latency_seconds, record_config=with_config) as proxy:
            for scope in scopes:
                for _ in range(repeat):
                    with tempfile.TemporaryDirectory() as ours, tempfile.TemporaryDirectory() as theirs:
                        measured(run_ours(scope, buckets, proxy, Path(ours)))
                        if with_config:
                            with tempfile.TemporaryDirectory() as from_config:
                                measured(run_ours(scope, buckets, proxy, Path(from_config), source="config"))
                        if with_floor:
                            measured(run_floor(scope, buckets, proxy))
                        if binary is not None:
                            measured(run_prowler(binary, scope, buckets, proxy, Path(theirs)))
    return runs


def _print(run: Run) -> None:
    t = run.traffic
    print(
        f"  {run.buckets:>5} buckets, {run.scope:<10} {run.tool:<11} {run.seconds:8.1f} s  "
        f"(CPU {run.cpu_seconds:.1f} s)  exit {run.exit_code}  "
        f"{t.requests:>6} requests ({run.per_bucket:.2f}/bucket)  in flight: peak {t.peak_in_flight}, "
        f"mean {t.mean_in_flight:.1f}  judged {run.judged}/{run.buckets}",
        flush=True,
    )


def table(runs: Sequence[Run], latency_ms: float) -> str:
    """One row per tool, bucket count and scope (the median of its runs, ``medians``); the ratios are
    Prowler's median wall time and processor time over the row's, for the same buckets and checks."""
    runs = medians(runs)
    lines = [
        "| buckets | checks | tool | wall time | Prowler / this | processor time | Prowler / this "
        "| requests | in flight (peak / mean) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    prowler = {(r.buckets, r.scope): r for r in runs if r.tool == "prowler" and r.complete}
    for run in runs:
        theirs = prowler.get((run.buckets, run.scope))
        compared = theirs is not None and run.complete
        ratio = f"{theirs.seconds / run.seconds:.1f}x" if compared and run.seconds else "-"
        cpu = f"{run.cpu_seconds:.1f} s" if run.complete else "-"
        cpu_ratio = f"{theirs.cpu_seconds / run.cpu_seconds:.1f}x" if compared and run.cpu_seconds else "-"
        wall = f"{run.seconds:.1f} s" if run.complete else f"incomplete ({run.judged}/{run.buckets} judged)"
        if run.complete and run.spread is not None and run.repeats > 1:
            wall += f" (median of {run.repeats}: {run.spread[0]:.1f}-{run.spread[1]:.1f} s)"
        tool = f"Prowler {PROWLER_VERSION}" if run.tool == "prowler" else run.tool
        t = run.traffic
        lines.append(
            f"| {run.buckets:,} | {run.scope} | {tool} | {wall} | {ratio} | {cpu} | {cpu_ratio} "
            f"| {t.requests:,} ({run.per_bucket:.2f}/bucket) | {t.peak_in_flight} / {t.mean_in_flight:.1f} |"
        )
    return "\n".join(lines) + f"\n\n{latency_ms:g} ms added to every request by the proxy."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--buckets", type=int, nargs="+", default=[200, 1000], help="bucket counts (e.g. 200 1000 5000)"
    )
    parser.add_argument("--latency-ms", type=float, default=30.0, help="added to every request (default 30)")
    parser.add_argument(
        "--scope", choices=("two", "s3", "both"), default="both", help="the two checks, all S3, or both"
    )
    parser.add_argument("--without-prowler", action="store_true", help="measure only our audit")
    parser.add_argument(
        "--with-config-source",
        action="store_true",
        help="also run our audit with --source config (the server's AWS Config recorder turned on)",
    )
    parser.add_argument(
        "--with-boto3-floor",
        action="store_true",
        help="also run the same reads in a bare boto3 loop with as many threads (benchmarks.boto3_floor)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each tool, interleaved; the table gives each one's median (default 3)",
    )
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.buckets) or args.latency_ms < 0:
        print("prowler_comparison: bucket counts must be at least 1 and the latency not negative", file=sys.stderr)
        return 2
    if not 1 <= args.repeat <= 25:
        print("prowler_comparison: --repeat must be 1 to 25", file=sys.stderr)
        return 2
    scopes = {"two": ("two checks",), "s3": ("all S3",), "both": ("two checks", "all S3")}[args.scope]
    try:
        runs = compare(
            args.buckets,
            args.latency_ms / 1000,
            scopes,
            with_prowler=not args.without_prowler,
            with_config=args.with_config_source,
            with_floor=args.with_boto3_floor,
            repeat=args.repeat,
        )
    except ProwlerUnavailable as exc:
        print(f"prowler_comparison: Prowler cannot run here: {exc}", file=sys.stderr)
        return 2
    print()
    print(table(runs, args.latency_ms))
    return 0 if all(run.complete for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
