"""``python -m sandbox serve``: a stack deployed into a moto server that other tools can be pointed at.

::

    python -m sandbox serve --stack prod [--port 5000]

Deploys the stack into a moto server on 127.0.0.1, prints the endpoint and the environment to
export (``export X=...`` lines: AWS_ENDPOINT_URL, the region, dummy credentials that name
themselves as such, no profile or credentials file), an example, and what the simulated account
cannot show as a real one would (a person's act, with the evidence to attach), also written to a
file for ``compliance_checks audit --known-gaps`` (removed at stop); then serves until Ctrl-C or
SIGTERM, and stops within about a second (exit 0).

Exit codes: 0 stopped by Ctrl-C/SIGTERM; 1 the stack could not be deployed; 2 bad usage (unknown
stack, port in use or not allowed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import re
import shlex
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from compliance_checks.cli_vocabulary import add_version, prog
from compliance_checks.usage import OneLineParser, one_line

if TYPE_CHECKING:
    from sandbox.serve import ServedSandbox

INSTALLED = "leadping-sandbox"
PROG = prog(INSTALLED, "sandbox")
# What a terminal colour code looks like (werkzeug colours its request log by status).
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXIT_CODES = """exit codes:
  0  stopped with Ctrl-C or SIGTERM
  1  the stack could not be deployed into the sandbox
  2  bad usage (unknown stack, port in use, ...)
"""


class UsageError(Exception):
    """A mistake of the caller: reported as one line, exit 2."""


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0-65535; 0 picks a free one)")
    return port


def build_parser() -> argparse.ArgumentParser:
    from sandbox.serve import DEFAULT_PORT, HOST

    parser = OneLineParser(
        prog=PROG,
        description="The simulated AWS account (moto) with a stack of the Pulumi program deployed into it.",
    )
    add_version(parser, INSTALLED)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve a deployed stack on 127.0.0.1 for the AWS CLI, the audit or any AWS tool",
        description=f"Deploy the stack into a moto server on {HOST} and serve it until Ctrl-C or SIGTERM. "
        "Prints the endpoint and the environment to export so that the AWS CLI, the audit "
        "(python -m compliance_checks audit) or another auditing tool talks to it and to nothing else.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--stack", default="prod", help="the stack whose Pulumi.<stack>.yaml is deployed (default prod)")
    serve.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"port on {HOST} (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    serve.add_argument(
        "--program",
        type=Path,
        metavar="DIR",
        help="deploy this Pulumi program directory instead of the project's (infra/), with the stack's settings",
    )
    serve.add_argument("--quiet", action="store_true", help="no deploy progress or request log on stderr")
    serve.add_argument(
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="write known-gaps.json (for the audit's --known-gaps) here and keep it; by default it goes to a "
        "temporary folder removed at stop",
    )
    return parser


class _PlainLog(logging.Filter):
    """The request log without colour codes: werkzeug colours it for a terminal, a file keeps the codes."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _ANSI.sub("", record.getMessage())
        record.args = ()
        return True


def plain_log_when_not_a_terminal(stream=None) -> bool:
    """Strips werkzeug's colour codes when the log (stderr) is not a terminal; True when it does."""
    stream = stream or sys.stderr
    if getattr(stream, "isatty", lambda: False)():
        return False
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, _PlainLog) for f in logger.filters):
        logger.addFilter(_PlainLog())
    return True


@contextmanager
def _phases(quiet: bool) -> Iterator[Callable[[str], None]]:
    """The deploy's progress reports: a spinner with the current phase on a terminal (stderr), each report
    a line on stderr otherwise; nothing with --quiet."""
    if quiet:
        yield lambda message: None
        return
    if not sys.stderr.isatty():
        yield lambda message: print(message, file=sys.stderr, flush=True)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(stderr=True)
    with console.status(Text("starting the sandbox")) as status:

        def report(message: str) -> None:
            console.print(Text(one_line(message), style="dim"))
            status.update(Text(one_line(message)))

        yield report


def stacks(project_dir: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


@contextmanager
def _until_stopped() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM while the block runs; the previous handlers come back after."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def write_known_gaps(served: ServedSandbox, directory: Path) -> Path:
    """The known gaps as the file ``compliance_checks audit --known-gaps`` reads."""
    from compliance_checks.known_gaps import known_gaps_document

    path = directory / "known-gaps.json"
    path.write_text(json.dumps(known_gaps_document(served.known_gaps), indent=1) + "\n", encoding="utf-8")
    return path


def instructions(served: ServedSandbox, stack: str, known_gaps_file: Path | None = None) -> str:
    """What to export and what to try, as shell lines."""
    from compliance_checks.known_gaps import MANUAL

    settings = served.deployment.settings
    regions = served.deployment.regions
    lines = [
        f"Sandbox ready: stack {stack} ({len(served.deployment.resources)} resources) at {served.endpoint}",
        "",
        "Point a tool at it (dummy credentials; no profile or credentials file is read):",
        "",
        *(f"export {name}={shlex.quote(value)}" for name, value in served.environment.items()),
        "",
        "For example:",
        "",
        "aws s3 ls",
        f"python -m compliance_checks audit --stack {stack} "
        + " ".join(f"--region {r}" for r in regions)
        + (f" --known-gaps {shlex.quote(str(known_gaps_file))}" if known_gaps_file and served.known_gaps else ""),
        "",
    ]
    if served.known_gaps:
        applied = (
            f"; with --known-gaps {shlex.quote(str(known_gaps_file))} the audit reports what awaits a person as "
            "MANUAL with the evidence to attach, and explains an ERROR an unsupported operation causes"
            if known_gaps_file
            else ""
        )
        lines.append(
            f"What the simulated account cannot show as a real one would (other tools auditing the "
            f"{settings.environment} stack here see it as it is{applied}):"
        )
        for gap in sorted(served.known_gaps, key=lambda g: (g.check_id, g.resource_id or "")):
            where = f" ({gap.resource_id})" if gap.resource_id else ""
            what = f"attach {gap.evidence_to_attach}" if gap.kind == MANUAL else f"{gap.operation} unsupported"
            lines.append(f"  {gap.check_id}{where}: {gap.reason}; {what}")
        lines.append("")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def cmd_serve(args: argparse.Namespace) -> int:
    from infra.render import PROJECT_ROOT
    from sandbox.api import SandboxError
    from sandbox.serve import PortInUseError, serving

    known = stacks(PROJECT_ROOT)
    if args.stack not in known:
        raise UsageError(f"unknown stack {args.stack!r} (stacks: {', '.join(known) or 'none'})")
    if args.program is not None and not (args.program / "__main__.py").is_file():
        raise UsageError(f"--program {args.program}: no __main__.py there")

    if args.quiet:
        # The moto server logs every request it answers through werkzeug.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    plain_log_when_not_a_terminal()
    if args.output_dir is not None:
        try:
            args.output_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(f"--output-dir {args.output_dir}: {error.strerror or error}") from None

    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    with _until_stopped() as stop, contextlib.ExitStack() as running:
        try:
            # The spinner runs while the stack deploys; the request log follows as plain lines.
            with _phases(args.quiet) as deploying:
                served = running.enter_context(
                    serving(args.stack, port=args.port, program_dir=args.program, progress=deploying)
                )
            scratch = args.output_dir or Path(
                running.enter_context(tempfile.TemporaryDirectory(prefix="leadping-sandbox-"))
            )
            gaps_file = write_known_gaps(served, Path(scratch))
            print(instructions(served, args.stack, gaps_file), flush=True)
            while not stop.wait(0.2):
                pass
            progress("stopping the sandbox")
        except PortInUseError as error:
            raise UsageError(str(error)) from None
        except SandboxError as error:
            print(f"{PROG}: error: {error}", file=sys.stderr)
            return 1
    print("Sandbox stopped.", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return cmd_serve(args)
    except UsageError as error:
        print(f"{PROG}: error: {one_line(error)}", file=sys.stderr)
        return 2
