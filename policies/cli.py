"""``python -m policies gate`` (console script ``leadping-gate``): the CI gate's command line.

Exit codes: 0 every check passed; 1 a check failed (or a secret was found); 2 the gate could not
judge (bad arguments, a program that does not render, an unknown resource type, Checkov missing,
an invalid skip list).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from infra.render import PROJECT_ROOT

EXIT_PASSED, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def _formats(text: str) -> list[str]:
    from policies.reports import FORMATS

    formats = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")
    return formats


class _Parser(argparse.ArgumentParser):
    """Bad arguments: one line on stderr and exit 2 (argparse would print the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m policies",
        description="Leadping's CI gate: renders the Pulumi program offline, exports each stack as a "
        "Terraform-plan JSON and runs Checkov's AWS checks plus Leadping's own (policies/checks) on it.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    gate = commands.add_parser(
        "gate",
        help="judge one or all stacks; exit 1 when a check fails",
        description="Render, export and scan stacks. Every failure names the check, the Pulumi resource "
        "(logical name and type), the stack and the control (shared/CONTROLS.md).",
    )
    gate.add_argument("--stack", default="all", help="stack name, or 'all' (default) for every Pulumi.<stack>.yaml")
    gate.add_argument(
        "--format",
        type=_formats,
        default=["cli"],
        help="comma-separated outputs: cli (stdout), junit, sarif (files in --output-dir); default cli",
    )
    gate.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help="where plans, Checkov's reports and junit/sarif files go (default: reports/gate)",
    )
    gate.add_argument(
        "--program",
        type=Path,
        help="gate another Pulumi Python program: the directory holding its __main__.py",
    )
    gate.add_argument(
        "--stack-config",
        type=Path,
        help="with --program: its stack settings file (Pulumi.<stack>.yaml); the stack name is taken from it",
    )
    gate.add_argument(
        "--no-secrets-scan",
        action="store_true",
        help="skip Checkov's secrets scan of the repository (the plan scan still runs)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from policies.gate import GateError, Target, available_stacks, repo_targets, run_gate
    from policies.reports import cli_text, write_reports

    output_dir = args.output_dir or PROJECT_ROOT / "reports" / "gate"
    try:
        if args.program is not None or args.stack_config is not None:
            if args.program is None or args.stack_config is None:
                raise GateError("--program and --stack-config go together")
            program = args.program.resolve()
            if not program.is_dir():
                raise GateError(f"the program directory {args.program} does not exist")
            stack_file = args.stack_config.resolve()
            if not stack_file.is_file():
                raise GateError(f"the stack settings file {args.stack_config} does not exist")
            stack = args.stack
            if stack == "all":
                name = stack_file.name
                stack = name[len("Pulumi.") : -len(".yaml")] if name.startswith("Pulumi.") else stack_file.stem
            project_dir = next((d for d in (program, program.parent) if (d / "Pulumi.yaml").exists()), program)
            targets = [Target(stack=stack, project_dir=project_dir, program_dir=program, config_file=stack_file)]
            secrets_root = program
            program_file = _relative(program / "__main__.py")
        else:
            stacks = available_stacks() if args.stack == "all" else [args.stack]
            if not stacks:
                raise GateError(f"no Pulumi.<stack>.yaml in {PROJECT_ROOT}")
            known = available_stacks()
            unknown = [s for s in stacks if s not in known]
            if unknown:
                raise GateError(f"unknown stack {unknown[0]!r}; stacks: {', '.join(known)} or all")
            targets = repo_targets(stacks)
            secrets_root = PROJECT_ROOT
            program_file = "infra/__main__.py"
        result = run_gate(
            targets,
            output_dir=output_dir,
            secrets_root=None if args.no_secrets_scan else secrets_root,
            program_file=program_file,
        )
    except GateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # an output directory that cannot be written, a file that cannot be read
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if "cli" in args.format:
        sys.stdout.write(cli_text(result))
    for path in write_reports(result, args.format, output_dir):
        print(f"wrote {_relative(path)}", file=sys.stderr)
    if result.problems:
        return EXIT_ERROR
    return EXIT_PASSED if result.ok else EXIT_FAILED


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
