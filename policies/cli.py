"""``python -m policies gate`` (console script ``leadping-gate``): the CI gate's command line.

Exit codes: 0 every check passed; 1 a check failed (or a secret was found); 2 the gate could not
judge (bad arguments, a program that does not render, a resource type it cannot map, a remote
component not accepted with --accept-unrendered, a program with nothing to judge, Checkov missing,
an invalid skip list).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

from compliance_checks.cli_vocabulary import add_version, prog
from infra.render import PROJECT_ROOT, RenderError, load_stack_outputs
from infra.render_host import locate
from policies.config import GENERIC, LEADPING, PROFILES, ConfigError, load_profile
from policies.gate import GateError, Target, available_stacks, repo_targets, repository_root, run_gate

EXIT_PASSED, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
INSTALLED = "leadping-gate"


def _type_token(text: str) -> str:
    if len(text.split(":")) != 3 or not all(text.split(":")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Pulumi type token (package:module:Type)")
    return text


def _formats(text: str) -> list[str]:
    from policies.reports import FORMAT_ALIASES, FORMATS

    formats = [FORMAT_ALIASES.get(f.strip(), f.strip()) for f in text.split(",") if f.strip()]
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
        prog=prog(INSTALLED, "policies"),
        description="Leadping's CI gate: renders the Pulumi program offline, exports each stack as a "
        "Terraform-plan JSON and runs Checkov's AWS checks plus Leadping's own (policies/checks) on it.",
    )
    add_version(parser, INSTALLED)
    commands = parser.add_subparsers(dest="command", required=True)
    gate = commands.add_parser(
        "gate",
        help="judge one or all stacks; exit 1 when a check fails",
        description="Render, export and scan stacks. Every failure names the check, the Pulumi resource "
        "(logical name and type), the stack and the control (shared/CONTROLS.md).",
    )
    gate.add_argument(
        "--stack",
        default=None,
        help="stack name; default: every Pulumi.<stack>.yaml of this repository, or the one stack of --program",
    )
    gate.add_argument(
        "--format",
        type=_formats,
        default=["cli"],
        help="comma-separated outputs: table (stdout; also called cli), junit, sarif (files in --output-dir); "
        "default table",
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
        help="gate another Pulumi Python program: its project directory (Pulumi.yaml) or the directory of its "
        "__main__.py; the stack is its one Pulumi.<stack>.yaml, or --stack",
    )
    gate.add_argument(
        "--stack-config",
        type=Path,
        help="with --program: the stack settings file to use (Pulumi.<stack>.yaml); the stack name is taken from it",
    )
    gate.add_argument(
        "--profile",
        choices=PROFILES,
        default=None,
        help="generic: Checkov's built-in checks, nothing skipped (default with --program); leadping: our skip "
        "list, checks and control map (default for this repository's stacks)",
    )
    gate.add_argument(
        "--skips",
        type=Path,
        help="a skip list in the format of policies/skips.yaml (each skip with its reason), replacing the profile's",
    )
    gate.add_argument(
        "--external-checks-dir",
        type=Path,
        action="append",
        default=[],
        help="a directory of your own Checkov checks, run beside the profile's (repeatable)",
    )
    gate.add_argument(
        "--accept-unrendered",
        metavar="TYPE",
        type=_type_token,
        action="append",
        default=[],
        help="a remote component type (e.g. awsx:ec2:Vpc) to list as not judged instead of refusing the program "
        "(repeatable)",
    )
    gate.add_argument(
        "--stack-outputs",
        type=Path,
        help='JSON or YAML: the outputs of each stack the program references, {"org/project/stack": {name: value}}; '
        "outputs not given are unknown",
    )
    gate.add_argument(
        "--python",
        type=Path,
        help="the interpreter to render the program in (its own environment: pulumi, pulumi-aws, extra packages)",
    )
    gate.add_argument("--verbose", action="store_true", help="print a render failure's traceback")
    add_outcome_options(gate)
    gate.add_argument(
        "--no-secrets-scan",
        action="store_true",
        help="skip Checkov's secrets scan of the repository or program (the plan scan still runs)",
    )
    return parser


def add_outcome_options(gate: argparse.ArgumentParser) -> None:
    """--baseline, --fail-on, --soft-fail-on (Checkov's vocabulary) and --quiet: what fails the run, what is shown."""
    outcome = gate.add_argument_group("baseline and what fails the gate (policies/fail_rules.py)")
    outcome.add_argument(
        "--baseline",
        type=Path,
        metavar="PREVIOUS",
        help="a previous gate.sarif (or Checkov's --create-baseline JSON): failures it had are marked unchanged "
        "and do not fail the gate; new ones do",
    )
    outcome.add_argument(
        "--fail-on",
        action="append",
        metavar="CHECKS_OR_SEVERITY",
        help="fail only on these check ids, or on this severity (CRITICAL, HIGH, MEDIUM, LOW) and above; "
        "a failure of unknown severity still fails",
    )
    outcome.add_argument(
        "--soft-fail-on",
        action="append",
        metavar="CHECKS_OR_SEVERITY",
        help="do not fail on these check ids, or on this severity and below (reported all the same)",
    )
    outcome.add_argument(
        "--quiet", action="store_true", help="print only failures, errors and the verdict (no per-stack summary)"
    )


def _fail_rules(args: argparse.Namespace, failures: list) -> Any:
    from policies.baseline import GateBaselineError, compare
    from policies.fail_rules import FailRuleError, FailRules, Threshold

    try:
        return FailRules(
            fail_on=Threshold.parse(args.fail_on, "--fail-on"),
            soft_fail_on=Threshold.parse(args.soft_fail_on, "--soft-fail-on"),
            baseline=compare(failures, args.baseline) if args.baseline else None,
        )
    except (FailRuleError, GateBaselineError) as exc:
        raise GateError(str(exc)) from None


def _check_fail_rules(args: argparse.Namespace) -> None:
    """The options' own mistakes, before anything renders."""
    from policies.baseline import GateBaselineError, load
    from policies.fail_rules import FailRuleError, Threshold

    try:
        Threshold.parse(args.fail_on, "--fail-on")
        Threshold.parse(args.soft_fail_on, "--soft-fail-on")
        if args.baseline:
            load(args.baseline)
    except (FailRuleError, GateBaselineError) as exc:
        raise GateError(str(exc)) from None


QUIET_PREFIXES = ("FAIL ", "ERROR ", "gate ")


@contextlib.contextmanager
def _spinner(phase: str, quiet: bool) -> Iterator[None]:
    """A spinner with the phase on stderr while the gate renders and scans: on a terminal only, never with --quiet."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console
    from rich.text import Text

    with Console(stderr=True).status(Text(phase)):
        yield


@dataclass(frozen=True)
class Selection:
    """What one invocation gates: the targets, where their secrets scan and source paths are rooted."""

    targets: list[Target]
    secrets_root: Path
    source_root: Path
    profile: str


def select(args: argparse.Namespace) -> Selection:
    """The targets the arguments name (GateError naming what is wrong)."""
    python = _interpreter(args.python) if args.python else None
    stack_outputs = _stack_outputs(args.stack_outputs) if args.stack_outputs else None
    if args.program is None:
        for flag, value in (("--stack-config", args.stack_config), ("--python", args.python)):
            if value is not None:
                raise GateError(f"{flag} goes with --program")
        stacks = available_stacks() if args.stack in (None, "all") else [args.stack]
        if not stacks:
            raise GateError(f"no Pulumi.<stack>.yaml in {PROJECT_ROOT}")
        known = available_stacks()
        unknown = [s for s in stacks if s not in known]
        if unknown:
            raise GateError(f"unknown stack {unknown[0]!r}; stacks: {', '.join(known)} or all")
        targets = [replace(t, stack_outputs=stack_outputs) for t in repo_targets(stacks)]
        return Selection(targets, PROJECT_ROOT, PROJECT_ROOT, args.profile or LEADPING)
    target = program_target(args.program, args.stack, args.stack_config)
    target = replace(target, python=python, stack_outputs=stack_outputs)
    program = Path(target.program_dir or target.project_dir)
    return Selection([target], program, repository_root(program), args.profile or GENERIC)


def program_target(directory: Path, stack: str | None, stack_config: Path | None) -> Target:
    """The stack of another team's program: ``--program DIR`` [``--stack NAME``] [``--stack-config FILE``].

    DIR is the project directory (Pulumi.yaml) or the directory of its ``__main__.py`` inside one.
    The stack is the one ``Pulumi.<stack>.yaml`` beside Pulumi.yaml, the one --stack names, or the
    one --stack-config gives; a named stack without a settings file renders with no settings, as
    ``pulumi stack init`` leaves one.
    """
    program = Path(directory).resolve()
    if not program.is_dir():
        raise GateError(f"the program directory {directory} does not exist")
    project_dir = next((d for d in (program, program.parent) if (d / "Pulumi.yaml").exists()), None)
    if project_dir is None and not (program / "__main__.py").exists():
        raise GateError(f"{directory} holds no Pulumi project (Pulumi.yaml) and no __main__.py")
    project_dir = project_dir or program
    # A project directory lets the render find the program (Pulumi.yaml's main); a program directory is used as is.
    program_dir = None if program == project_dir and (program / "Pulumi.yaml").exists() else program
    if stack_config is not None:
        config_file = _existing_file(stack_config, "the stack settings file")
        name = config_file.name
        from_file = name[len("Pulumi.") : -len(".yaml")] if name.startswith("Pulumi.") else config_file.stem
        return Target(stack or from_file, project_dir, program_dir, config_file)
    stacks = available_stacks(project_dir)
    if stack in (None, "all"):
        if len(stacks) != 1:
            found = f"stacks {', '.join(stacks)}" if stacks else "no Pulumi.<stack>.yaml"
            raise GateError(f"{project_dir} has {found}; name the stack with --stack NAME or --stack-config FILE")
        stack = stacks[0]
    if stack in stacks:
        return Target(stack, project_dir, program_dir, project_dir / f"Pulumi.{stack}.yaml")
    note = f"no Pulumi.{stack}.yaml in {_relative(project_dir)}: rendered with no stack settings"
    return Target(stack, project_dir, program_dir, config={}, notes=(note,))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from policies.reports import cli_text, write_reports

    output_dir = args.output_dir or PROJECT_ROOT / "reports" / "gate"
    try:
        _check_fail_rules(args)
        selection = select(args)
        profile = load_profile(
            selection.profile, skips_file=args.skips, external_checks_dirs=tuple(args.external_checks_dir)
        )
        with _spinner(f"rendering, exporting and scanning {', '.join(t.label for t in selection.targets)}", args.quiet):
            result = run_gate(
                selection.targets,
                profile=profile,
                output_dir=output_dir,
                secrets_root=None if args.no_secrets_scan else selection.secrets_root,
                accept_unrendered=args.accept_unrendered,
                source_root=selection.source_root,
            )
    except GateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.verbose and exc.details:
            print(exc.details.rstrip(), file=sys.stderr)
        return EXIT_ERROR
    except (ConfigError, OSError) as exc:  # a bad skip list, an output directory that cannot be written
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    findings = [*result.failures, *result.secret_findings]
    try:
        rules = _fail_rules(args, findings)
    except GateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    failing = rules.failing(findings)
    if "cli" in args.format:
        text = cli_text(result)
        if args.quiet:
            text = "".join(line for line in text.splitlines(keepends=True) if line.startswith(QUIET_PREFIXES))
        sys.stdout.write(text)
        if len(failing) < len(findings) and not result.problems:
            print(
                f"{len(findings) - len(failing)} of {len(findings)} failures do not fail the gate "
                f"(--fail-on, --soft-fail-on, --baseline); exit {EXIT_FAILED if failing else EXIT_PASSED}"
            )
    for path in write_reports(result, args.format, output_dir, rules.baseline):
        if not args.quiet:
            print(f"wrote {_relative(path)}", file=sys.stderr)
    if result.problems:
        return EXIT_ERROR
    return EXIT_FAILED if failing else EXIT_PASSED


def _stack_outputs(path: Path) -> dict[str, dict[str, Any]]:
    """``--stack-outputs FILE``: a map of referenced stack name -> map of its outputs (JSON or YAML)."""
    try:
        return load_stack_outputs(_existing_file(path, "the stack outputs file"))
    except RenderError as exc:
        raise GateError(f"the stack outputs file: {exc}") from None


def _interpreter(python: Path) -> Path:
    """--python: a path (kept as given: a virtualenv's ``bin/python`` is a symlink whose target is
    another environment's interpreter) or a name on the PATH."""
    found = locate(python)
    if not found.is_file():
        raise GateError(f"the interpreter (--python) {python} does not exist")
    return found.absolute()


def _existing_file(path: Path, what: str) -> Path:
    resolved = Path(path).resolve()
    if not resolved.is_file():
        raise GateError(f"{what} {path} does not exist")
    return resolved


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
