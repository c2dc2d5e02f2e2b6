"""The command line of an organization audit (``audit --organization``, ``--shard``) and of ``merge``.

Kept apart from ``cli`` (which imports it) so that the account audit's options and these grow
independently; what both share (usage errors, sessions, writing reports) is ``cli``'s, imported
when a command runs.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compliance_checks import merge, organization, partials, shards
from compliance_checks.budget import MAX_WORKERS, MIN_WORKERS, RateBudgets
from compliance_checks.core import ACCOUNT_READS_IN_FLIGHT, ReadError
from compliance_checks.reader import Reader
from compliance_checks.sources.config import ConfigSource

if TYPE_CHECKING:
    from compliance_checks.reports.model import Report
    from compliance_checks.runner import AuditOptions, Selection

DEFAULT_ACCOUNT_WORKERS = 4
_ORGANIZATION_ONLY = (
    "member_role",
    "session_name",
    "duration",
    "accounts",
    "exclude_accounts",
    "account_workers",
    "shard",
    "run_id",
)


def _count(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,6}", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(text)


def add_organization_arguments(audit: argparse.ArgumentParser) -> None:
    org = audit.add_argument_group(
        "a whole AWS Organization",
        "From the management (or a delegated administrator) account: every ACTIVE account, through the member "
        "audit role (infra/components/audit_member_role.py), in the regions of --region ('all': each account's "
        "enabled regions).",
    )
    org.add_argument("--organization", action="store_true", help="audit the organization's accounts")
    org.add_argument("--member-role", metavar="NAME", help="the audit role's name in every member account")
    org.add_argument(
        "--session-name", metavar="NAME", help="role session name (default leadping-audit-<your principal's name>)"
    )
    org.add_argument(
        "--duration",
        type=_count,
        default=3600,
        metavar="SECONDS",
        help=f"session duration, {organization.MIN_DURATION} to {organization.MAX_DURATION} (default 3600)",
    )
    org.add_argument(
        "--accounts",
        action="extend",
        nargs="+",
        metavar="ID",
        help="only these accounts, OUs (ou-...) or roots (r-...)",
    )
    org.add_argument(
        "--exclude-accounts", action="extend", nargs="+", metavar="ID", help="not these accounts, OUs or roots"
    )
    org.add_argument(
        "--account-workers",
        type=_count,
        default=DEFAULT_ACCOUNT_WORKERS,
        help=f"accounts audited at once, {MIN_WORKERS} to {MAX_WORKERS} (default {DEFAULT_ACCOUNT_WORKERS}); "
        "each runs --workers checks",
    )
    org.add_argument(
        "--shard", metavar="I/N", help="audit only shard I of N (a stable hash of each account id); see `merge`"
    )
    org.add_argument("--run-id", metavar="ID", help="the run the shards belong to (required with --shard)")


def check_organization_arguments(args: argparse.Namespace) -> None:
    from compliance_checks.cli import UsageError

    if not args.organization:
        given = [name for name in _ORGANIZATION_ONLY if getattr(args, name) not in (None, False)]
        given = [n for n in given if not (n == "duration" and args.duration == 3600)]
        given = [n for n in given if not (n == "account_workers" and args.account_workers == DEFAULT_ACCOUNT_WORKERS)]
        if given:
            raise UsageError(f"--{given[0].replace('_', '-')} goes with --organization")
        return
    if args.sandbox or args.role_arn:
        raise UsageError("--organization discovers the accounts itself: --sandbox and --role-arn do not apply")
    if args.security_hub is not None:
        raise UsageError(
            "--security-hub is not supported with --organization (the member role is read-only): "
            "import each account's ASFF report"
        )
    if not args.member_role:
        raise UsageError("--organization needs --member-role NAME, the audit role in every member account")
    try:
        organization.MemberRole(
            args.member_role, args.session_name or "leadping-audit", args.external_id, args.duration
        )
        args.accounts = organization.parse_targets(args.accounts or [])
        args.exclude_accounts = organization.parse_targets(args.exclude_accounts or [])
        args.shard = shards.parse_shard(args.shard) if args.shard else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not MIN_WORKERS <= args.account_workers <= MAX_WORKERS:
        raise UsageError(f"--account-workers must be {MIN_WORKERS} to {MAX_WORKERS}, not {args.account_workers}")
    if args.run_id is not None and not shards.RUN_ID.fullmatch(args.run_id):
        raise UsageError(f"--run-id {args.run_id!r}: 1-128 of letters, digits and ._:- starting with one of the first")
    if args.shard and not (args.run_id and args.output_dir):
        raise UsageError("--shard needs --run-id ID (the same on every shard) and --output-dir DIR (for `merge`)")


def with_shard_formats(args: argparse.Namespace, formats: list[str]) -> list[str]:
    """A shard always writes audit.json: it is what ``merge`` reads."""
    return [*formats, "json"] if args.shard and "json" not in formats else formats


def _selection_record(args: argparse.Namespace, selection: Selection) -> dict[str, Any]:
    return {
        "accounts": list(args.accounts),
        "exclude_accounts": list(args.exclude_accounts),
        "regions": sorted(set(args.region or [])),
        "member_role": args.member_role,
        "controls": [c.id for c in selection.controls],
        "checks": list(selection.checks),
    }


def organization_audit(args: argparse.Namespace, selection: Selection) -> Callable[..., Report]:
    """Checks what the organization audit needs without calling AWS, and returns what runs it."""
    from compliance_checks import cli
    from compliance_checks.runner import AccountTarget, run_accounts

    if args.output_dir is not None:
        folder = args.output_dir / partials.FOLDER
        if folder.exists() and not folder.is_dir():
            raise cli.UsageError(
                f"--output-dir {args.output_dir}: {folder} is in the way (the accounts' results go there)"
            )
    base, home = cli._account_session(args)
    expectations, source = cli._stack_expectations(args)
    known_gaps = cli._file_known_gaps(args.known_gaps)
    home = home or "us-east-1"

    def audit(options: AuditOptions, display: Any) -> Report:
        rates = RateBudgets()
        management = Reader(base, [home], rates=rates.for_account())
        try:
            caller = management.call("sts", "get_caller_identity", expect=("Arn", "Account")) or {}
            members = organization.discover(management, args.accounts, args.exclude_accounts)
        except ReadError as exc:
            raise cli.UsageError(
                f"cannot list the organization's accounts (run from the management account "
                f"or a delegated administrator): {exc}"
            ) from None
        if args.accounts and not members:
            raise cli.UsageError("--accounts selects no active account of the organization")
        if args.shard:
            members = [m for m in members if args.shard.holds(m.account_id)]
        role = organization.MemberRole(
            args.member_role,
            args.session_name or organization.session_name_for(str(caller["Arn"])),
            args.external_id,
            args.duration,
        )
        sources: list[ConfigSource] = []  # each member's, for the report's metadata.source

        def config_source() -> ConfigSource:
            made = ConfigSource(args.config_aggregator, via=management if args.config_aggregator else None)
            sources.append(made)
            return made

        access = organization.MemberAccess(
            base,
            role,
            home,
            regions=list(dict.fromkeys(args.region or [home])),
            partition=management.partition(),
            max_pool_connections=max(ACCOUNT_READS_IN_FLIGHT, args.workers * 2),
            rates=rates,
            source=config_source if args.source == "config" else None,
        )
        options.expectations = expectations
        options.known_gaps = known_gaps
        options.target = cli._target()
        options.metadata = {
            "stack": args.stack or "prod",
            "stack_file": source,
            "organization": {
                "management_account": str(caller["Account"]),
                "member_role": role.name,
                "session_name": role.session_name,
                "members": len(members),
            },
            "run": shards.run_identity(args.run_id or _new_run_id(), args.shard, _selection_record(args, selection)),
        }
        targets = [AccountTarget(open=_opener(access, m), account_id=m.account_id) for m in members]
        where = args.output_dir if args.output_dir is not None else Path(tempfile.gettempdir())
        try:
            # Each account's findings go to disk when it is done: beside the reports, or (no --output-dir)
            # to a folder that goes with the run; the report's findings are a store on disk (runner.run_accounts).
            with contextlib.ExitStack() as stack:
                if args.output_dir is not None:
                    folder = args.output_dir / partials.FOLDER
                else:
                    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="leadping-accounts-")))
                sink = partials.DirectorySink(folder)
                sink.prepare()
                report = run_accounts(
                    targets, selection, options, account_workers=args.account_workers, sink=sink, store=True
                )
        except OSError as exc:  # the folder of partial results: a file in the way, a full disk
            raise cli.UsageError(f"cannot write the accounts' results under {where}: {exc}") from None
        source_metadata = cli._source_metadata(sources)
        if source_metadata is not None:
            report.metadata["source"] = source_metadata
        return report

    return audit


def _opener(access: organization.MemberAccess, member: organization.Member) -> Callable[[], Reader]:
    return lambda: access.open(member)


def _new_run_id() -> str:
    import uuid

    return str(uuid.uuid4())


# -- merge --------------------------------------------------------------------------------


def add_merge_command(commands: Any) -> None:
    from compliance_checks.reports import FORMATS

    merging = commands.add_parser(
        "merge",
        help="combine the reports of --shard runs into one",
        description="Reads each DIR/audit.json written by `audit --organization --shard I/N` and writes one "
        "report in every format asked for. Refuses shards of different runs (run id, N, selection, catalog), "
        "an account in two shards, and a missing shard.",
    )
    merging.add_argument("directories", nargs="+", type=Path, metavar="DIR", help="a shard's --output-dir")
    merging.add_argument("--output-dir", type=Path, required=True, help="where the merged reports go")
    merging.add_argument(
        "--format", default="json,html", help=f"comma-separated formats among {','.join(FORMATS)} (default json,html)"
    )


def cmd_merge(args: argparse.Namespace) -> int:
    from compliance_checks import cli

    formats = cli._formats(args.format)
    cli._check_destinations(formats, args.output_dir)
    try:
        report = merge.merge_directories(args.directories)
    except merge.MergeError as exc:
        raise cli.UsageError(f"merge: {exc}") from None
    report.runbook_base = cli._runbook_base(None, args.output_dir)
    cli._write(report, formats, args.output_dir)
    print(
        f"merged {len(args.directories)} shards: {len(report.metadata.get('accounts', []))} accounts, "
        f"{len(report.findings)} findings",
        file=sys.stderr,
    )
    return report.exit_code()
