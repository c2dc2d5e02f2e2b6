"""leadping-audit: the live audit's command line (also ``python -m compliance_checks``)."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import botocore.loaders
import botocore.utils

from compliance_checks import expectations as stack_expectations
from compliance_checks import outputs, permissions, registry
from compliance_checks.budget import MAX_WORKERS, MIN_WORKERS, RateBudgets
from compliance_checks.catalog import CATALOG_FILE, Catalog, load_catalog
from compliance_checks.cli_organization import (
    add_merge_command,
    add_organization_arguments,
    check_organization_arguments,
    cmd_merge,
    organization_audit,
    with_shard_formats,
)
from compliance_checks.cli_vocabulary import add_version, output_width, prog
from compliance_checks.core import ACCOUNT_READS_IN_FLIGHT, Expectations, ReadError
from compliance_checks.known_gaps import FileKnownGap, KnownGapsError, load_known_gaps
from compliance_checks.permissions import NotReadOnlyError
from compliance_checks.reader import Reader, assume_role_session, aws_session, enabled_regions, has_credentials
from compliance_checks.reports import FORMATS, links
from compliance_checks.reports.model import SEVERITY_ORDER, Report
from compliance_checks.runner import AuditOptions, Selection, SelectionError, run_audit, select
from compliance_checks.sources.config import ConfigSource, merged_descriptions
from compliance_checks.usage import OneLineParser, one_line
from compliance_checks.waivers import Waiver, WaiverError, load_waivers

INSTALLED = "leadping-audit"
# Help and errors name the command as it was run (cli_vocabulary.prog).
PROG = prog(INSTALLED, "compliance_checks")
EXIT_CODES = """exit codes:
  0  no FAIL and no ERROR finding (PASS, WAIVED and MANUAL only)
  1  at least one FAIL finding
  2  bad usage or input (unknown check or control, malformed waivers file, no AWS credentials and
     no --sandbox, a bad region or endpoint, an output folder that cannot be written, ...)
  3  at least one ERROR finding (the audit could not read something) and no FAIL
  4  with --security-hub: no FAIL and no ERROR, but findings Security Hub did not take (listed on stderr)
The offline sandbox is audited only when --sandbox is given, never as a fallback.
"""
EXIT_IMPORT_FAILED = 4


class UsageError(Exception):
    """A mistake of the caller: reported in one line, exit code 2."""


def _ids(values: Sequence[str] | None, option: str) -> list[str] | None:
    """The ids given to ``option`` (repeated, space- or comma-separated); None when it was not given.
    Given but empty (``--checks ""``) is a mistake, never "run everything"."""
    if values is None:
        return None
    ids = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if not ids:
        raise UsageError(f"{option} was given no id; name at least one, or leave {option} out to run every one")
    return ids


def _workers(text: str) -> int:
    # int() would also take "1_000" and non-ASCII digits; a count on the command line is ASCII digits.
    if not re.fullmatch(r"[0-9]{1,6}", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from {MIN_WORKERS} to {MAX_WORKERS}")
    return int(text)


@functools.cache
def _region_patterns() -> tuple[re.Pattern[str], ...]:
    """Every AWS partition's region-name pattern, from botocore's own partition data."""
    partitions = botocore.loaders.create_loader().load_data("partitions")["partitions"]
    return tuple(re.compile(partition["regionRegex"], re.ASCII) for partition in partitions)


def is_region_name(text: str) -> bool:
    """An AWS region name in ASCII (us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ...)."""
    return bool(re.fullmatch(r"[a-z0-9-]+", text)) and any(p.match(text) for p in _region_patterns())


def _region(text: str) -> str:
    if text != "all" and not is_region_name(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an AWS region name (e.g. us-east-1) or 'all'")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=PROG,
        description="Leadping's live compliance audit: checks each control of the security page against an "
        "AWS account (or the offline sandbox) and reports findings per control.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_version(parser, INSTALLED)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{audit,merge,list,permissions}")

    audit = commands.add_parser(
        "audit",
        help="audit an account and report",
        description="Run the checks and report one finding per control, check and resource. "
        "Credentials and region come from the standard AWS environment (AWS_PROFILE, AWS_REGION, "
        "AWS_ENDPOINT_URL, ...) unless given here.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = audit.add_argument_group("what to audit")
    where.add_argument(
        "--sandbox",
        action="store_true",
        help="audit the stack deployed into the offline sandbox (moto), a simulated account; only when given, "
        "never as a fallback for missing credentials",
    )
    where.add_argument("--profile", help="AWS profile (default: AWS_PROFILE or the default chain)")
    where.add_argument(
        "--region",
        action="append",
        type=_region,
        metavar="REGION",
        help="region to audit; repeatable; 'all' for every enabled region (default: AWS_REGION/AWS_DEFAULT_REGION)",
    )
    where.add_argument(
        "--role-arn", action="append", metavar="ARN", help="assume this role in the audited account; repeatable"
    )
    where.add_argument("--external-id", help="external id for --role-arn")
    where.add_argument("--checks", action="extend", nargs="+", metavar="ID", help="run only these checks")
    where.add_argument("--controls", action="extend", nargs="+", metavar="ID", help="audit only these controls")
    where.add_argument(
        "--workers", type=_workers, default=8, help=f"concurrent checks, {MIN_WORKERS} to {MAX_WORKERS} (default 8)"
    )

    add_organization_arguments(audit)

    source = audit.add_argument_group("where configurations are read from")
    source.add_argument(
        "--source",
        choices=("api", "config"),
        default="api",
        help="api: each resource's configuration from its service's API (default); config: S3 buckets' "
        "configurations from AWS Config's recorded items, 100 per request, where the account records them "
        "(everything else, and what Config has not recorded, is still read from the API; the report's "
        "metadata says which)",
    )
    source.add_argument(
        "--config-aggregator",
        metavar="NAME",
        help="with --source config: read through this AWS Config aggregator (an organization's) instead of "
        "the account's own recorder",
    )

    expect = audit.add_argument_group("what the environment must meet")
    expect.add_argument("--stack", help="stack whose Pulumi.<stack>.yaml sets the expectations (default prod)")
    expect.add_argument(
        "--project-dir", type=Path, default=stack_expectations.PROJECT_ROOT, help="where Pulumi.<stack>.yaml lives"
    )
    expect.add_argument("--environment", choices=("dev", "prod"), help="override the stack's environment")
    expect.add_argument(
        "--public-route", action="append", metavar="'METHOD /path'", help="a route allowed without authorizer"
    )
    expect.add_argument("--github-repository", metavar="OWNER/NAME", help="the repository the CI role trusts")
    expect.add_argument("--protected-branch", metavar="BRANCH", help="the only branch that may deploy")
    expect.add_argument("--waivers", type=Path, metavar="FILE", help="YAML waivers (see compliance_checks/waivers.py)")
    expect.add_argument(
        "--known-gaps",
        type=Path,
        metavar="FILE",
        help="JSON of checks a simulated account cannot show (written by `python -m sandbox serve`): "
        "their results become ERROR with the reason",
    )

    out = audit.add_argument_group("output")
    out.add_argument(
        "--format",
        default="table",
        help=f"comma-separated formats among {','.join(FORMATS)} (default table; the gate's name cli is taken too)",
    )
    out.add_argument("--output-dir", type=Path, help="write each format to a file here (audit.json, audit.html, ...)")
    out.add_argument(
        "--runbook-base-url",
        metavar="URL",
        help="prefix runbook links with this https URL of the repository's files (e.g. "
        "https://github.com/OWNER/REPO/blob/main/), for reports handed on; by default links lead from "
        "the report's folder to the runbooks in this checkout",
    )
    out.add_argument("--quiet", action="store_true", help="no progress display")
    out.add_argument(
        "--security-hub",
        nargs="?",
        const="",
        default=None,
        metavar="REGION",
        help="also import the findings into AWS Security Hub in REGION (default: the first audited region), "
        "as the audited account's own integration; needs securityhub:BatchImportFindings, DescribeHub and "
        "GetFindings, which the read-only auditor role does not hold",
    )

    add_outcome_options(audit)
    add_filter_options(audit, with_status=True)
    add_merge_command(commands)

    listing = commands.add_parser("list", help="list the catalog: controls, their checks and severities")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.add_argument("--controls", action="extend", nargs="+", metavar="ID", help="only these controls")
    add_filter_options(listing, with_status=False)

    perms = commands.add_parser("permissions", help="print the auditor role's IAM policy (JSON)")
    perms.add_argument("--checks", action="extend", nargs="+", metavar="ID", help="only what these checks need")
    perms.add_argument("--controls", action="extend", nargs="+", metavar="ID", help="only what these controls need")
    return parser


def add_outcome_options(audit: argparse.ArgumentParser) -> None:
    """--baseline, --fail-on and --fail-on-new: what this run is compared with and what makes it fail."""
    outcome = audit.add_argument_group("baseline and what fails the run")
    outcome.add_argument(
        "--baseline",
        type=Path,
        metavar="PREVIOUS.json",
        help="a previous audit.json: mark each finding new, unchanged or resolved in every format and the summary",
    )
    outcome.add_argument(
        "--fail-on",
        type=str.lower,
        choices=SEVERITY_ORDER,
        metavar="SEVERITY",
        help=f"exit 1 only for a FAIL of this severity or above ({', '.join(SEVERITY_ORDER)}); ERROR still exits 3",
    )
    outcome.add_argument(
        "--fail-on-new",
        action="store_true",
        help="exit 1 only for a FAIL that is new against --baseline; ERROR still exits 3",
    )


def add_filter_options(command: argparse.ArgumentParser, *, with_status: bool) -> None:
    """--severity, --service, --framework (and --status for the audit): compliance_checks/filters.py."""
    filters = command.add_argument_group("filters (repeatable or comma-separated)")
    filters.add_argument(
        "--severity", action="append", metavar="SEVERITY", help=f"only checks of {'/'.join(SEVERITY_ORDER)}"
    )
    filters.add_argument(
        "--service", action="append", metavar="SERVICE", help="only checks of this AWS service (s3, iam, kms, ...)"
    )
    filters.add_argument(
        "--framework",
        action="append",
        metavar="REF",
        help="only controls citing this SOC 2 criterion (CC6.1) or Security Hub/FSBP control (S3.17); "
        "soc2:CC6.1 or security_hub:S3.17 names the framework too",
    )
    if with_status:
        filters.add_argument(
            "--status",
            action="append",
            metavar="STATUS",
            help="show only findings of these statuses (PASS, FAIL, ERROR, MANUAL, WAIVED) in the reports; "
            "the exit code still counts every finding",
        )


def _filters(args: argparse.Namespace) -> Any:
    from compliance_checks.filters import FilterError, Filters

    try:
        return Filters.parse(args.severity, args.service, getattr(args, "status", None), args.framework)
    except FilterError as exc:
        raise UsageError(str(exc)) from None


def _narrowed(catalog: Catalog, selection: Selection, filters: Any) -> Selection:
    from compliance_checks.filters import FilterError, narrow

    try:
        return narrow(catalog, registry.available(), selection, filters)
    except FilterError as exc:
        raise UsageError(str(exc)) from None


# -- progress -----------------------------------------------------------------------------
# rich is imported where it is used: a run with --quiet and file formats only (CI's) does not load it.


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


class ProgressDisplay:
    """Rich progress on stderr, only on a terminal and without --quiet: a spinner with the current phase
    (the sandbox's render and deploy reports), then the checks done."""

    def __init__(self, enabled: bool) -> None:
        self._progress = _progress() if enabled else None
        self._task: Any = None
        self._phase: Any = None

    @contextmanager
    def running(self) -> Iterator[ProgressDisplay]:
        if self._progress is None:
            yield self
            return
        with self._progress:
            yield self

    def message(self, text: object, *_: object, **__: object) -> None:
        """For the sandbox's progress reports: the spinner shows the phase; each report stays above it."""
        if self._progress is None:
            return
        line = one_line(text)
        if self._phase is None:
            self._phase = self._progress.add_task(line, total=None)
        self._progress.update(self._phase, description=line)
        from rich.text import Text

        self._progress.console.print(Text(line, style="dim"), highlight=False)

    def checks(self, done: int, total: int, what: str) -> None:
        if self._progress is None:
            return
        if self._phase is not None:
            self._progress.remove_task(self._phase)
            self._phase = None
        if self._task is None:
            self._task = self._progress.add_task("checks", total=total)
        self._progress.update(self._task, completed=done, description=f"done {what}")

    @property
    def enabled(self) -> bool:
        return self._progress is not None


# -- audit --------------------------------------------------------------------------------


# The gate calls the console report "cli"; both commands take both names (README: table).
FORMAT_ALIASES = {"cli": "table"}


def _formats(value: str) -> list[str]:
    names = [FORMAT_ALIASES.get(n.strip().lower(), n.strip().lower()) for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        named = ", ".join(unknown) or repr(value)
        raise UsageError(f"unknown format(s) {named}; choose among {', '.join(FORMATS)}")
    return list(dict.fromkeys(names))


def _check_destinations(formats: list[str], output_dir: Path | None) -> None:
    file_formats = [f for f in formats if f != "table"]
    if output_dir is None and (len(file_formats) > 1 or (file_formats and "table" in formats)):
        raise UsageError("several formats at once need --output-dir DIR (only one can go to standard output)")
    if output_dir is not None:
        try:
            outputs.check_output_dir(output_dir, [FORMATS[name].filename for name in formats])
        except outputs.DestinationError as exc:
            raise UsageError(str(exc)) from None


def _check_workers(workers: int) -> None:
    if not MIN_WORKERS <= workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be at least {MIN_WORKERS} and at most {MAX_WORKERS}, not {workers}")


def _selection(catalog: Catalog, checks: list[str] | None, controls: list[str] | None) -> Selection:
    try:
        return select(catalog, registry.available(), check_ids=checks, control_ids=controls)
    except SelectionError as exc:
        raise UsageError(str(exc)) from None


def _waivers(path: Path | None, catalog: Catalog) -> list[Waiver]:
    if path is None:
        return []
    try:
        return load_waivers(path, catalog.control_ids, set(catalog.check_ids) | set(registry.available()))
    except WaiverError as exc:
        raise UsageError(f"waivers: {exc}") from None


def _file_known_gaps(path: Path | None) -> list[FileKnownGap]:
    if path is None:
        return []
    try:
        return load_known_gaps(path, set(registry.available()))
    except KnownGapsError as exc:
        raise UsageError(f"known gaps: {exc}") from None


def _overrides(args: argparse.Namespace, base: Expectations) -> Expectations:
    try:
        return stack_expectations.with_overrides(
            base,
            environment=args.environment,
            public_routes=args.public_route,
            github_repository=args.github_repository,
            protected_branch=args.protected_branch,
        )
    except stack_expectations.ExpectationsError as exc:
        raise UsageError(str(exc)) from None


def _stack_expectations(args: argparse.Namespace) -> tuple[Expectations, str | None]:
    try:
        loaded = stack_expectations.from_stack(args.stack or "prod", args.project_dir, required=args.stack is not None)
    except stack_expectations.ExpectationsError as exc:
        raise UsageError(str(exc)) from None
    return _overrides(args, loaded.expectations), loaded.source


def _check_endpoints() -> None:
    """AWS_ENDPOINT_URL (and the per-service AWS_ENDPOINT_URL_<SERVICE>) must be URLs botocore can use:
    otherwise every read would fail and the audit would report ERROR for a typo in the environment."""
    for name, value in sorted(os.environ.items()):
        if not (name == "AWS_ENDPOINT_URL" or name.startswith("AWS_ENDPOINT_URL_")) or not value:
            continue  # botocore treats an empty value as unset
        url = value.strip()
        if not (
            url.startswith(("http://", "https://"))
            and (botocore.utils.is_valid_endpoint_url(url) or botocore.utils.is_valid_ipv6_endpoint_url(url))
        ):
            raise UsageError(
                f"{name}={value!r} is not an endpoint URL (http:// or https:// and a host, e.g. "
                "http://127.0.0.1:5000); fix or unset it"
            )


def _home_region(args: argparse.Namespace) -> str | None:
    """The region to start from: the first --region, else AWS_REGION, else AWS_DEFAULT_REGION (AWS_REGION
    wins, as in the AWS CLI and SDKs; boto3 reads only the second), else the profile's (None here)."""
    explicit = [r for r in args.region or [] if r != "all"]
    if explicit:
        return explicit[0]
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        value = os.environ.get(name, "").strip()
        if value:
            if not is_region_name(value):
                raise UsageError(f"{name}={value!r} is not an AWS region name (e.g. us-east-1)")
            return value
    return None


def _account_session(args: argparse.Namespace) -> tuple[boto3.Session, str | None]:
    """The caller's session and home region, checked without calling AWS: endpoint, region, credentials."""
    _check_endpoints()
    home = _home_region(args)
    try:
        base = aws_session(args.profile, home)
    except ReadError as exc:
        raise UsageError(exc.reason) from None
    if not has_credentials(base):
        raise UsageError(
            "no AWS credentials found: name the account to audit with --profile NAME (or AWS_PROFILE), "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, SSO (aws sso login) or an instance role, and "
            "--role-arn ARN to assume the audit role in it; or pass --sandbox to audit the offline "
            "simulated account"
        )
    home = home or base.region_name
    if home and not is_region_name(home):
        raise UsageError(f"the profile's region {home!r} is not an AWS region name (e.g. us-east-1)")
    if not home and not args.region:
        raise UsageError("no region: pass --region REGION (or 'all'), or set AWS_REGION")
    return base, home


def _aws_readers(args: argparse.Namespace, base: boto3.Session, home: str | None) -> list[Reader]:
    regions = list(dict.fromkeys(args.region or []))
    sessions = [base]
    if args.role_arn:
        try:
            sessions = [
                assume_role_session(base, arn, external_id=args.external_id, region=home or "us-east-1")
                for arn in dict.fromkeys(args.role_arn)
            ]
        except ReadError as exc:
            raise UsageError(f"cannot assume the audit role: {exc}") from None
    if "all" in regions:
        try:
            # The audited account's enabled regions (the first one's, when several are audited).
            regions = enabled_regions(sessions[0], home=home or "us-east-1")
            # Global services are read in the first region: keep it the caller's home region.
            regions.sort(key=lambda region: region != home)
        except ReadError as exc:
            raise UsageError(f"cannot list the enabled regions for --region all: {exc}") from None
    elif not regions:
        regions = [home]
    # Each account paces its own requests (budget.RateBudgets), as in an organization run.
    rates = RateBudgets()
    return [
        Reader(
            session,
            regions,
            max_pool_connections=max(ACCOUNT_READS_IN_FLIGHT, args.workers * 2),
            source=_source(args),
            rates=rates.for_account(),
        )
        for session in sessions
    ]


def _source(args: argparse.Namespace) -> ConfigSource | None:
    """One per audited account: what it answered is reported per run."""
    return ConfigSource(args.config_aggregator) if args.source == "config" else None


def _check_source(args: argparse.Namespace) -> None:
    if args.config_aggregator is not None and args.source != "config":
        raise UsageError("--config-aggregator goes with --source config")
    if args.config_aggregator is not None and not args.config_aggregator.strip():
        raise UsageError("--config-aggregator needs the aggregator's name")
    if args.source == "config" and args.sandbox:
        raise UsageError(
            "--source config reads AWS Config's recorder, which the sandbox does not run; use --source api"
        )


def _source_metadata(sources: Sequence[ConfigSource | None]) -> dict[str, Any] | None:
    """The report's ``metadata.source``: what Config answered and what was read live, over every account."""
    return merged_descriptions([source.describe() for source in sources if source is not None])


def _target() -> str:
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    return f"aws (endpoint {endpoint})" if endpoint else "aws"


def _runbook_base(url: str | None, output_dir: Path | None) -> str:
    """What runbook links start with: the URL given, else the way from the report to this checkout."""
    if url:
        if not url.startswith("https://"):
            raise UsageError(f"--runbook-base-url must be an https:// URL, not {url!r}")
        try:
            return links.check_base(url)
        except links.LinkBaseError as exc:
            raise UsageError(f"--runbook-base-url: {exc}") from None
    repository = CATALOG_FILE.parent.parent
    if not (repository / "runbooks").is_dir():
        return ""
    try:
        return links.check_base(links.relative_base(repository, output_dir or Path.cwd()))
    except (links.LinkBaseError, ValueError):
        return ""  # a path links cannot carry (odd characters, another drive): plain repository paths


def _write(report: Report, formats: list[str], output_dir: Path | None) -> None:
    file_formats = [f for f in formats if f != "table"]
    if "table" in formats:
        from rich.console import Console

        from compliance_checks.reports import table

        table.print_report(report, Console(width=output_width(sys.stdout)))
    if output_dir is None:
        for name in file_formats:
            FORMATS[name].write(report, sys.stdout)
        return
    # Every format is written to its temporary file before the first is renamed: a report set is
    # never half new. The streaming formats write a finding at a time (Format.write).
    writers = {FORMATS[name].filename: functools.partial(FORMATS[name].write, report) for name in formats}
    try:
        outputs.write_reports(output_dir, writers)
    except outputs.DestinationError as exc:
        raise UsageError(str(exc)) from None


def _import_to_security_hub(args: argparse.Namespace, sessions: Sequence[boto3.Session], report: Report) -> None:
    """``--security-hub``: each audited account's findings go to its own Security Hub; what failed is kept
    on the report (``security_hub_failures``) so that the exit code says so."""
    if args.security_hub is None:
        return
    from compliance_checks import security_hub

    region = args.security_hub or (report.metadata.get("regions") or [None])[0]
    failures = 0
    for session in sessions:
        try:
            result = security_hub.import_findings(session, report, region=region)
        except security_hub.SecurityHubImportError as exc:
            raise UsageError(f"--security-hub: {exc}") from None
        # Findings of the other audited accounts are refused by each account's own product: only this
        # account's failures count here.
        failed = [f for f in result.failed if f.code != security_hub.OTHER_ACCOUNT]
        failures += len(failed)
        print(result.summary(), file=sys.stderr)
    report.metadata["security_hub_failures"] = failures


def _start_sandbox() -> Callable[..., Any]:
    try:
        from sandbox.api import start_sandbox
    except ImportError as exc:
        raise UsageError(f"--sandbox needs the sandbox (sandbox/api.py, start_sandbox): {exc}") from None
    return start_sandbox


def _audit_sandbox(args: argparse.Namespace, selection: Selection, options: AuditOptions, display) -> Report:
    start_sandbox = _start_sandbox()
    stack = args.stack or "prod"
    with contextlib.ExitStack() as cleanup:
        try:
            sb = cleanup.enter_context(start_sandbox(stack, progress=display.message if display.enabled else None))
        except Exception as exc:
            raise UsageError(f"the sandbox could not start stack {stack!r}: {type(exc).__name__}: {exc}") from None
        options.expectations = _overrides(args, sb.expectations)
        options.known_gaps = list(sb.known_gaps)
        options.metadata = {"stack": stack, **dict(sb.metadata or {})}
        options.target = "sandbox (moto)"
        report = run_audit([Reader(sb.session, list(sb.regions))], selection, options)
        # The deployed rendering is the stack itself: its ARNs are the sandbox's.
        deployment = getattr(sb, "deployment", None)
        if deployment is not None:
            _attach_sources(report, deployment.rendering.resources)
        _import_to_security_hub(args, [sb.session], report)
        return report


def _refuse_account_options(args: argparse.Namespace) -> None:
    if args.profile or args.region or args.role_arn or args.known_gaps:
        raise UsageError(
            "--sandbox audits the simulated account with its own known gaps: --profile, --region, --role-arn "
            "and --known-gaps do not apply"
        )


def _account_audit(args: argparse.Namespace, selection: Selection) -> Callable[..., Report]:
    """Checks everything the account audit needs without calling AWS, and returns what runs it."""
    # No account and no --sandbox is exit 2: a CI job whose credentials step failed must not go green.
    base, home = _account_session(args)
    expectations, source = _stack_expectations(args)
    known_gaps = _file_known_gaps(args.known_gaps)

    def audit(options: AuditOptions, display: ProgressDisplay) -> Report:
        options.expectations = expectations
        options.metadata = {"stack": args.stack or "prod", "stack_file": source}
        options.known_gaps = known_gaps
        if args.known_gaps:
            options.metadata["known_gaps_file"] = str(args.known_gaps)
        options.target = _target()
        readers = _aws_readers(args, base, home)
        report = run_audit(readers, selection, options)
        source_metadata = _source_metadata([r.source for r in readers])
        if source_metadata is not None:
            report.metadata["source"] = source_metadata
        if "sarif" in _formats(args.format):
            _attach_rendered_sources(args, report, display)
        _import_to_security_hub(args, [r.session for r in readers], report)
        return report

    return audit


# -- where findings point, the baseline, what fails the run --------------------------------


def _attach_sources(report: Report, resources: Sequence[Any]) -> None:
    from compliance_checks.reports import sources
    from infra.render import PROJECT_ROOT

    known = sources.source_map(resources, PROJECT_ROOT, CATALOG_FILE.parent.parent)
    report.resource_sources = sources.locate({f.resource_id for f in report.findings}, known)


def _attach_rendered_sources(args: argparse.Namespace, report: Report, display: ProgressDisplay) -> None:
    """For an account audit's SARIF: render the stack (--stack, default prod) offline to learn where the
    program declares each resource. A stack that does not render leaves findings at their catalog line."""
    from infra.render import RenderError, render

    stack = args.stack or "prod"
    display.message(f"rendering stack {stack} to locate findings in the program")
    try:
        rendering = render(stack, project_dir=args.project_dir)
    except (RenderError, OSError) as exc:
        report.metadata.setdefault("notes", []).append(
            f"stack {stack} did not render ({one_line(exc)}): SARIF points findings at the catalog"
        )
        return
    _attach_sources(report, rendering.resources)


def _baseline(path: Path | None) -> Any:
    if path is None:
        return None
    from compliance_checks import baseline

    try:
        return baseline.load_baseline(path)
    except baseline.BaselineError as exc:
        raise UsageError(f"--baseline: {exc}") from None


def _exit_code(args: argparse.Namespace, report: Report) -> int:
    code = report.exit_code(fail_on=args.fail_on, only_new=args.fail_on_new)
    if code == 0 and report.metadata.get("security_hub_failures"):
        return EXIT_IMPORT_FAILED
    return code


def cmd_audit(args: argparse.Namespace) -> int:
    # Everything the caller gave is checked first, before the sandbox starts or AWS is called.
    formats = _formats(args.format)
    _check_destinations(formats, args.output_dir)
    runbook_base = _runbook_base(args.runbook_base_url, args.output_dir)
    _check_workers(args.workers)
    _check_source(args)
    if args.external_id and not (args.role_arn or args.organization):
        raise UsageError("--external-id goes with --role-arn or --organization")
    check_organization_arguments(args)
    catalog = load_catalog()
    filters = _filters(args)
    selection = _selection(catalog, _ids(args.checks, "--checks"), _ids(args.controls, "--controls"))
    selection = _narrowed(catalog, selection, filters)
    waivers = _waivers(args.waivers, catalog)
    if args.fail_on_new and args.baseline is None:
        raise UsageError("--fail-on-new needs --baseline PREVIOUS.json (new is against a previous run)")
    previous = _baseline(args.baseline)
    if args.sandbox:
        _refuse_account_options(args)
        audit = functools.partial(_audit_sandbox, args, selection)
    elif args.organization:
        audit = organization_audit(args, selection)
        formats = with_shard_formats(args, formats)
    else:
        audit = _account_audit(args, selection)
    display = ProgressDisplay(enabled=sys.stderr.isatty() and not args.quiet)
    options = AuditOptions(waivers=waivers, workers=args.workers, progress=display.checks)
    with display.running():
        report = audit(options, display)
    report.runbook_base = runbook_base
    if previous is not None:
        from compliance_checks import baseline

        baseline.compare(report, previous)
    code = _exit_code(args, report)  # every finding counts, whatever --status shows
    if code in (0, 1, 3):
        report.metadata["exit_code"] = code  # what the JSON report says the run exited with
    if filters.statuses:
        shown = sorted(filters.statuses)
        report = dataclasses.replace(report, findings=filters.shown(report.findings))
        report.metadata["notes"] = [
            *report.metadata.get("notes", []),
            f"showing only {', '.join(shown)} findings (--status); the exit code ({code}) counts every finding",
        ]
    _write(report, formats, args.output_dir)
    return code


# -- list and permissions -----------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    checks = registry.all_checks()
    filters = _filters(args)
    selection = _narrowed(catalog, _selection(catalog, None, _ids(args.controls, "--controls")), filters)
    selected = set(selection.checks) | (set(selection.unimplemented) if not filters.narrows_checks else set())
    rows = []
    for control in selection.controls:
        entries = [
            {
                "id": check_id,
                "severity": str(checks[check_id].metadata.severity) if check_id in checks else None,
                "implemented": check_id in checks,
                "title": checks[check_id].metadata.title if check_id in checks else None,
            }
            for check_id in control.checks
            if check_id in selected
        ]
        manual = control.manual_evidence if selection.include_manual else None
        rows.append({"id": control.id, "title": control.title, "manual": manual, "checks": entries})
    if args.format == "json":
        sys.stdout.write(json.dumps({"controls": rows}, indent=2) + "\n")
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(width=output_width(sys.stdout))
    view = Table(title="Leadping controls and their live checks")
    for column in ("Control", "Title", "Check", "Severity"):
        view.add_column(column, overflow="fold")
    for row in rows:
        if row["manual"]:
            view.add_row(row["id"], escape(row["title"]), "[blue]manual[/]: " + escape(row["manual"]), "")
        for i, entry in enumerate(row["checks"]):
            severity = entry["severity"] or "[yellow]not implemented[/]"
            view.add_row(row["id"] if i == 0 else "", escape(row["title"]) if i == 0 else "", entry["id"], severity)
    console.print(view)
    return 0


def cmd_permissions(args: argparse.Namespace) -> int:
    selection = _selection(load_catalog(), _ids(args.checks, "--checks"), _ids(args.controls, "--controls"))
    try:
        sys.stdout.write(permissions.render(selection.checks))
    except NotReadOnlyError as exc:
        raise UsageError(f"a check declares a permission an auditor must not hold: {exc}") from None
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"audit": cmd_audit, "merge": cmd_merge, "list": cmd_list, "permissions": cmd_permissions}
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        print(f"{PROG}: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
