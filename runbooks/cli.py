"""``python -m runbooks <action>`` (also ``leadping-runbook``): plan, print, and with --apply act and log.

Exit codes: 0 done (planned, applied, or nothing to do); 1 AWS refused or failed, or the result
did not verify; 2 the request was refused before anything changed (bad input, unknown target,
no credentials, audit log not writable); 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError, ProfileNotFound

from runbooks.actions import ACTIONS, responder_policy
from runbooks.audit_log import DEFAULT_PATH, AuditLog, AuditLogError, os_user
from runbooks.aws import Aws, error_message, make_session
from runbooks.core import Action, ActionFailed, InputError, Outcome, Plan, Verification, jsonable

OK, FAILED, REFUSED, INTERRUPTED = 0, 1, 2, 130
_COMMON = ("action", "apply", "audit_log", "profile", "region", "print_policy")

SessionFactory = Callable[[str | None, str | None], boto3.Session]


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
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
        "--region", metavar="REGION", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)"
    )
    group.add_argument("--profile", metavar="NAME", help="AWS profile from your AWS config")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m runbooks",
        description=(
            "Leadping incident and operations automation. Every action is a dry run that prints its plan "
            "unless --apply is given; applied actions append who/what/when/before/after to the audit log. "
            "Running an action twice is safe: the second run sees the work done and changes nothing."
        ),
        epilog="The procedures that use these actions are the Markdown runbooks in runbooks/.",
    )
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
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # usage errors and --help; argparse already printed
        return exit_.code if isinstance(exit_.code, int) else REFUSED
    if args.print_policy:
        print(json.dumps(responder_policy(), indent=2), file=out)
        return OK
    if args.action is None:
        parser.print_usage(err)
        print(f"{parser.prog}: error: choose an ACTION ({', '.join(ACTIONS)}), or --help", file=err)
        return REFUSED
    show = _Printer(out)

    def refuse(message: str, code: int = REFUSED) -> int:
        print(f"error: {message}", file=err)
        print("Nothing was changed.", file=err)
        return code

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

    log = AuditLog(args.audit_log)
    try:
        log.ensure_writable()
    except AuditLogError as error:
        return refuse(f"{error}; fix it or pass --audit-log, so the change can be recorded")

    def record(result: str, after: dict[str, Any] | None, error: str | None = None) -> str | None:
        try:
            log.record(
                caller_arn=caller,
                action=action.name,
                arguments=_arguments(args),
                result=result,
                region=aws.region,
                target=plan.target,
                before=plan.before,
                changes=plan.changes,
                after=after,
                error=error,
            )
        except (AuditLogError, OSError) as problem:
            print(f"WARNING: the audit record was not written ({problem}); paste this into the incident:", file=err)
            print(json.dumps(jsonable({"result": result, "after": after, "error": error}), sort_keys=True), file=err)
            return None
        return str(args.audit_log)

    if plan.is_noop:
        result = "no-op" if plan.verified else "unverified"
        where = record(result, plan.before)
        show.line(f"NOTHING TO DO: {plan.noop_reason}")
        show.line(f"  recorded as {result} in {where}" if where else "  NOT recorded")
        return OK if plan.verified else FAILED

    try:
        outcome: Outcome = action.apply(plan)
    except KeyboardInterrupt:
        record("interrupted", None, "interrupted by the operator")
        print("INTERRUPTED while applying: the changes may be partial. Re-run the same command to finish.", file=err)
        return INTERRUPTED
    except ClientError as error:
        return _failed(record, err, f"AWS refused: {error_message(error)}")
    except (ActionFailed, InputError, BotoCoreError) as error:
        return _failed(record, err, str(error))

    result = "applied" if outcome.verified else "unverified"
    where = record(result, outcome.after)
    show.section("done", outcome.summary)
    show.verifications(outcome.verifications)
    if outcome.verified:
        show.line(f"APPLIED. Recorded in {where}." if where else "APPLIED, but NOT recorded (see the warning).")
        return OK if where else FAILED
    show.line(f"APPLIED BUT NOT VERIFIED: see the FAIL lines above. Recorded in {where}.")
    return FAILED


def _failed(record: Callable[..., str | None], err: TextIO, message: str) -> int:
    where = record("failed", None, message)
    print(f"FAILED while applying: {message}", file=err)
    print("Some changes may have been made. Re-run the same command: it picks up from the current state.", file=err)
    if where:
        print(f"Recorded in {where}.", file=err)
    return FAILED
