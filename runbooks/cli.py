"""``python -m runbooks <action>`` (also ``leadping-runbook``): plan, print, and with --apply act and log.

Exit codes: 0 done (planned, applied, or nothing to do); 1 AWS refused or failed, or the result
did not verify; 2 the request was refused before anything changed (bad input, unknown target,
no credentials, audit log not writable); 130 interrupted (Ctrl-C, SIGTERM or SIGHUP).

With --apply the action is recorded before it acts (an intent record, flushed and fsynced) and
completed after, under the same id; an audit log that cannot take the intent stops the action
before any change.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError, ProfileNotFound

from compliance_checks.cli_vocabulary import add_version, prog
from compliance_checks.usage import OneLineParser, one_line
from runbooks.actions import ACTIONS, responder_policy
from runbooks.audit_log import DEFAULT_PATH, INTENT, AuditLog, AuditLogError, new_record_id, os_user
from runbooks.aws import Aws, error_message, make_session
from runbooks.core import Action, ActionFailed, InputError, Outcome, Plan, Verification, jsonable
from runbooks.interrupts import Interruptions

OK, FAILED, REFUSED, INTERRUPTED = 0, 1, 2, 130
INSTALLED = "leadping-runbook"
_COMMON = ("action", "apply", "audit_log", "profile", "region", "print_policy")

SessionFactory = Callable[[str | None, str | None], boto3.Session]


def _common_options() -> argparse.ArgumentParser:
    common = OneLineParser(add_help=False)
    group = common.add_argument_group("common options")
    group.add_argument("--apply", action="store_true", help="make the changes (without it: dry run, print the plan)")
    group.add_argument(
        "--audit-log",
        type=Path,
        default=DEFAULT_PATH,
        metavar="FILE",
        help=f"JSON-lines audit log that applied actions append to (default ./{DEFAULT_PATH})",
    )
    group.add_argument(
        "--region",
        action="append",
        metavar="REGION",
        help="AWS region; repeatable: the action runs in each region named, in order "
        "(default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)",
    )
    group.add_argument("--profile", metavar="NAME", help="AWS profile from your AWS config")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=prog(INSTALLED, "runbooks"),
        description=(
            "Leadping incident and operations automation. Every action is a dry run that prints its plan "
            "unless --apply is given; applied actions append who/what/when/before/after to the audit log. "
            "Running an action twice is safe: the second run sees the work done and changes nothing."
        ),
        epilog="The procedures that use these actions are the Markdown runbooks in runbooks/.",
    )
    add_version(parser, INSTALLED)
    parser.add_argument(
        "--print-policy",
        action="store_true",
        help="print the IAM policy (JSON) a role needs to run every action, and exit",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    common = _common_options()
    for name, action in ACTIONS.items():
        sub = actions.add_parser(
            name,
            parents=[common],
            help=action.summary,
            description=f"{action.description} Controls: {', '.join(action.controls)}.",
        )
        action.add_arguments(sub)
    return parser


class _Printer:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def line(self, text: str = "") -> None:
        print(text, file=self.out)

    def section(self, title: str, lines: Sequence[str], *, numbered: bool = False) -> None:
        if not lines:
            return
        self.line(f"  {title}")
        for index, text in enumerate(lines, 1):
            self.line(f"    {index}. {text}" if numbered else f"    - {text}")

    def verifications(self, checks: Sequence[Verification]) -> None:
        if not checks:
            return
        self.line("  checks")
        for check in checks:
            mark = {True: "ok  ", False: "FAIL", None: "?   "}[check.ok]
            self.line(f"    {mark} {check.name}: {check.detail}")

    def plan(self, plan: Plan) -> None:
        self.line(f"  target   {plan.target}")
        self.section("plan", plan.changes, numbered=True)
        self.section("notes", plan.notes)
        self.verifications(plan.verifications)


def _arguments(args: argparse.Namespace) -> dict[str, Any]:
    values = {k: v for k, v in vars(args).items() if k not in _COMMON}
    return {k: str(v) if isinstance(v, Path) else v for k, v in values.items()}


def main(
    argv: Sequence[str] | None = None,
    *,
    session_factory: SessionFactory = make_session,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = build_parser()
    try:
        with contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exit_:  # usage errors (one line) and --help; argparse already printed
        return exit_.code if isinstance(exit_.code, int) else REFUSED
    if args.print_policy:
        print(json.dumps(responder_policy(), indent=2), file=out)
        return OK
    if args.action is None:
        print(f"{parser.prog}: error: choose an ACTION ({', '.join(ACTIONS)}), or --help", file=err)
        return REFUSED
    regions = list(dict.fromkeys(args.region or [None]))
    codes = []
    with Interruptions() as interruptions:
        for region in regions:
            if len(regions) > 1:
                print(f"== region {region}", file=out)
            try:
                codes.append(_run(argparse.Namespace(**{**vars(args), "region": region}), session_factory,
                                  _Printer(out), err, interruptions))  # fmt: skip
            except KeyboardInterrupt:
                # Raised only while nothing is being changed: identifying the caller, reading, planning.
                print(f"INTERRUPTED by {interruptions.name} before any change. Nothing was changed.", file=err)
                return INTERRUPTED
            if codes[-1] == INTERRUPTED:
                break  # the regions after an interruption are not started
    # The worst outcome of the regions: a refusal or failure in one region is not hidden by another's success.
    return max(codes)


def _refusal(err: TextIO) -> Callable[..., int]:
    def refuse(message: str, code: int = REFUSED) -> int:
        print(f"error: {one_line(message)}. Nothing was changed.", file=err)
        return code

    return refuse


def _run(
    args: argparse.Namespace,
    session_factory: SessionFactory,
    show: _Printer,
    err: TextIO,
    interruptions: Interruptions,
) -> int:
    refuse = _refusal(err)
    log = AuditLog(args.audit_log)
    if args.apply:
        try:
            log.ensure_writable()
        except AuditLogError as error:
            return refuse(f"{error}; fix it or pass --audit-log, so the change can be recorded")
    try:
        aws = Aws(session_factory(args.profile, args.region))
        if not aws.region:
            return refuse("no AWS region: pass --region, or set AWS_REGION or the profile's region")
        caller = aws.identity["Arn"]
    except ProfileNotFound as error:
        return refuse(f"{error} (check --profile and your AWS config)")
    except (NoCredentialsError, NoRegionError) as error:
        return refuse(f"{error}: sign in first (e.g. aws sso login --profile <name>) or pass --profile")
    except ClientError as error:
        return refuse(f"could not identify you with sts:GetCallerIdentity: {error_message(error)}")
    except BotoCoreError as error:
        return refuse(f"cannot reach AWS: {error}", FAILED)

    action: Action = ACTIONS[args.action](args, aws)
    mode = "APPLY" if args.apply else "DRY RUN, nothing will be changed"
    show.line(f"{action.name}: {mode}")
    show.line(f"  account  {aws.account_id}, region {aws.region}, as {caller} (OS user {os_user()})")
    try:
        plan = action.plan()
    except InputError as error:
        return refuse(str(error))
    except ClientError as error:
        return refuse(f"AWS refused while reading the current state: {error_message(error)}", FAILED)
    except BotoCoreError as error:
        return refuse(f"cannot reach AWS: {error}", FAILED)
    show.plan(plan)

    if not args.apply:
        if plan.is_noop:
            show.line(f"NOTHING TO DO: {plan.noop_reason}")
        else:
            show.line("DRY RUN: nothing was changed. Re-run with --apply to make these changes.")
        return OK if plan.verified else FAILED
    entry = _Entry(log, caller, action, _arguments(args), aws.region, plan)
    interruptions.hold()
    if plan.is_noop:
        return _record_noop(entry, plan, show, refuse)
    return _apply(entry, action, plan, show, err, refuse, interruptions)


@dataclass
class _Entry:
    """The audit records of one applied action: its intent, then its completion under the same id."""

    log: AuditLog
    caller: str
    action: Action
    arguments: dict[str, Any]
    region: str
    plan: Plan
    record_id: str = field(default_factory=new_record_id)

    def write(self, result: str, after: dict[str, Any] | None, error: str | None = None) -> None:
        self.log.record(
            caller_arn=self.caller,
            action=self.action.name,
            arguments=self.arguments,
            result=result,
            region=self.region,
            target=self.plan.target,
            before=self.plan.before,
            changes=self.plan.changes,
            after=after,
            error=error,
            record_id=self.record_id,
        )

    def complete(self, err: TextIO, result: str, after: dict[str, Any] | None, error: str | None = None) -> bool:
        """Writes the completion; on failure prints what the record would have said, to paste into the incident."""
        try:
            self.write(result, after, error)
        except AuditLogError as problem:
            print(f"WARNING: {problem}: the change is recorded only as intended (id {self.record_id}); "
                  "paste this into the incident: "
                  + json.dumps(jsonable({"id": self.record_id, "result": result, "after": after, "error": error}),
                               sort_keys=True), file=err)  # fmt: skip
            return False
        return True


def _record_noop(entry: _Entry, plan: Plan, show: _Printer, refuse: Callable[..., int]) -> int:
    result = "no-op" if plan.verified else "unverified"
    try:
        entry.write(result, plan.before)
    except AuditLogError as error:
        return refuse(f"{error}; nothing needed doing, but that could not be recorded")
    show.line(f"NOTHING TO DO: {plan.noop_reason}")
    show.line(f"  recorded as {result} in {entry.log.path}")
    return OK if plan.verified else FAILED


def _apply(
    entry: _Entry,
    action: Action,
    plan: Plan,
    show: _Printer,
    err: TextIO,
    refuse: Callable[..., int],
    interruptions: Interruptions,
) -> int:
    # Record before acting: a change that cannot be recorded is not made.
    try:
        entry.write(INTENT, None)
    except AuditLogError as error:
        return refuse(f"{error}; fix it or pass --audit-log, so the change can be recorded")
    outcome: Outcome | None = None
    started = False
    try:
        interruptions.arm()  # a signal that came while the intent was written interrupts here
        started = True
        outcome = action.apply(plan)
        interruptions.hold()
    except KeyboardInterrupt:
        interruptions.hold()
        if outcome is None:  # else the signal came after the change was made: record it as applied
            how = "the changes may be partial" if started else "before the change started; nothing was changed"
            entry.complete(err, "interrupted", None, f"interrupted by {interruptions.name}: {how}")
            print(f"INTERRUPTED by {interruptions.name}: {how}. Re-run the same command to finish; "
                  f"recorded in {entry.log.path} (id {entry.record_id}).", file=err)  # fmt: skip
            return INTERRUPTED
    except ClientError as error:
        interruptions.hold()
        return _failed(entry, err, f"AWS refused: {error_message(error)}")
    except (ActionFailed, InputError, BotoCoreError) as error:
        interruptions.hold()
        return _failed(entry, err, str(error))
    except Exception as error:
        # A defect in the action: the traceback is for us, but the log still says how it ended.
        interruptions.hold()
        entry.complete(err, "failed", None, f"unexpected {type(error).__name__}: {error}")
        raise

    assert outcome is not None
    result = "applied" if outcome.verified else "unverified"
    recorded = entry.complete(err, result, outcome.after)
    show.section("done", outcome.summary)
    show.verifications(outcome.verifications)
    where = f"Recorded in {entry.log.path}." if recorded else "Completion NOT recorded (see the warning)."
    if outcome.verified:
        show.line(f"APPLIED. {where}")
        return OK if recorded else FAILED
    show.line(f"APPLIED BUT NOT VERIFIED: see the FAIL lines above. {where}")
    return FAILED


def _failed(entry: _Entry, err: TextIO, message: str) -> int:
    recorded = entry.complete(err, "failed", None, message)
    where = f" Recorded in {entry.log.path}." if recorded else ""
    print(f"FAILED while applying: {one_line(message)}. Some changes may have been made. "
          f"Re-run the same command: it picks up from the current state.{where}", file=err)  # fmt: skip
    return FAILED
