"""The gate's checked-in configuration: the policy profiles, the skip list and the check -> control map.

A profile says which checks judge a program: ``generic`` (Checkov's built-in checks, nothing
skipped, for anyone's Pulumi program) or ``leadping`` (our stacks: ``skips.yaml``, our checks in
``checks/`` and the control map). ``skips.yaml`` lists every built-in Checkov check the Leadping
profile does not run, each with the reason an auditor reads, and the paths the secrets scan leaves
out (test fixtures), each with its reason. Which control of shared/CONTROLS.md each check enforces
is read from the one control map, ``compliance_checks/catalog.yaml``. Both are validated: a skip
without a reason, or for an id Checkov does not have, fails the gate; a team's own skip list
(``--skips FILE``) is held to the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from compliance_checks.catalog import CATALOG_FILE, CatalogError, parse_catalog
from compliance_checks.strict_yaml import InputError, load_yaml_file, load_yaml_text

PACKAGE_DIR = Path(__file__).resolve().parent
SKIPS_FILE = PACKAGE_DIR / "skips.yaml"
CHECKS_DIR = PACKAGE_DIR / "checks"
CONTROL_ID = re.compile(r"^LP-[A-Z]+-\d+$")
MIN_REASON_WORDS = 5


class ConfigError(ValueError):
    """The gate's own configuration is invalid (the message names the file and entry)."""


@dataclass(frozen=True)
class Skip:
    id: str
    reason: str
    # Environments the skip is limited to; empty: every stack.
    environments: tuple[str, ...] = ()
    # Pulumi logical names the skip is limited to; empty: every resource. A skip with neither limit
    # is passed to Checkov's --skip-check; a limited one lets the check run and accepts (reports,
    # without failing) only its results on those stacks and resources.
    resources: tuple[str, ...] = ()

    @property
    def limited(self) -> bool:
        return bool(self.environments or self.resources)

    def accepts(self, check_id: str, environment: str, resource_name: str | None) -> bool:
        return (
            self.limited
            and check_id == self.id
            and (not self.environments or environment in self.environments)
            and (not self.resources or resource_name in self.resources)
        )


# How Checkov names a secrets-scan finding: the SHA-1 of the value it found.
SECRET_HASH = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class PathSkip:
    path: str
    reason: str


@dataclass(frozen=True)
class AcceptedSecret:
    """Secrets-scan findings judged not to be credentials: exact file, detector and values.

    ``hashes`` are the SHA-1 digests of the accepted values, as Checkov reports each finding
    (its ``resource``): another value from the same detector in the same file is a new finding.
    """

    path: str
    check: str
    reason: str
    hashes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkipList:
    checks: tuple[Skip, ...]
    secret_paths: tuple[PathSkip, ...]
    accepted_secrets: tuple[AcceptedSecret, ...] = ()
    # The file the list was read from (messages name it); None for the generic profile's empty list.
    source: Path | None = None

    @property
    def source_name(self) -> str:
        return self.source.name if self.source else "no skip list"

    def secret_accepted(self, path: str, check_id: str, secret_hash: str) -> AcceptedSecret | None:
        path = path.lstrip("/")
        return next(
            (a for a in self.accepted_secrets if a.path == path and a.check == check_id and secret_hash in a.hashes),
            None,
        )

    def path_skipped(self, relative_path: str) -> bool:
        return any(re.search(p.path, relative_path) for p in self.secret_paths)

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.checks]

    @property
    def global_ids(self) -> list[str]:
        return [s.id for s in self.checks if not s.limited]

    def accepting(self, check_id: str, environment: str, resource_name: str | None) -> Skip | None:
        """The limited skip that accepts this failure, if any."""
        return next((s for s in self.checks if s.accepts(check_id, environment, resource_name)), None)


def _reasoned(entry: Any, key: str, where: str) -> tuple[str, str]:
    if not isinstance(entry, Mapping) or not isinstance(entry.get(key), str) or not entry[key].strip():
        raise ConfigError(f"{where}: each entry needs a {key!r}")
    reason = entry.get("reason")
    if not isinstance(reason, str) or len(reason.split()) < MIN_REASON_WORDS:
        raise ConfigError(f"{where}: {entry[key]} has no written reason (at least {MIN_REASON_WORDS} words)")
    return entry[key].strip(), " ".join(reason.split())


def load_yaml(text: str, source: str = "<yaml>") -> Any:
    """YAML text through the one strict loader (``compliance_checks.strict_yaml``); ConfigError if refused."""
    try:
        return load_yaml_text(text, source)
    except InputError as exc:
        raise ConfigError(str(exc)) from None


def _document(path: Path, what: str) -> dict[str, Any]:
    try:
        document = load_yaml_file(path) or {}
    except InputError as exc:
        raise ConfigError(f"cannot read {what}: {exc}") from None
    if not isinstance(document, Mapping):
        raise ConfigError(f"{path.name}: expected a map of sections, found {type(document).__name__}")
    return dict(document)


def _section(document: Mapping[str, Any], key: str, kind: type, path: Path) -> Any:
    value = document.get(key) or kind()
    if not isinstance(value, kind):
        shape = "a list" if kind is list else "a map"
        raise ConfigError(f"{path.name}: {key!r} must be {shape}, found {type(value).__name__}")
    return value


def load_skips(path: Path = SKIPS_FILE) -> SkipList:
    document = _document(path, "the skip list")
    checks = []
    for entry in _section(document, "checks", list, path):
        check_id, reason = _reasoned(entry, "id", f"{path.name} checks")
        limits = {}
        for key, what in (("environments", "environment names"), ("resources", "Pulumi logical names")):
            values = entry.get(key) or []
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                raise ConfigError(f"{path.name}: {check_id}: {key!r} must be a list of {what}")
            limits[key] = tuple(v.strip() for v in values)
        checks.append(Skip(check_id, reason, **limits))
    duplicates = sorted({s.id for s in checks if [c.id for c in checks].count(s.id) > 1})
    if duplicates:
        raise ConfigError(f"{path.name}: checks listed twice: {', '.join(duplicates)}")
    paths = []
    for entry in _section(document, "secrets_scan_skip_paths", list, path):
        pattern, reason = _reasoned(entry, "path", f"{path.name} secrets_scan_skip_paths")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{path.name}: {pattern!r} is not a valid regular expression: {exc}") from None
        paths.append(PathSkip(pattern, reason))
    accepted = []
    for entry in _section(document, "secrets_accepted_findings", list, path):
        path_name, reason = _reasoned(entry, "path", f"{path.name} secrets_accepted_findings")
        check = entry.get("check")
        if not isinstance(check, str) or not check.startswith("CKV_SECRET_"):
            raise ConfigError(f"{path.name}: accepted finding {path_name} needs its detector id (CKV_SECRET_n)")
        hashes = entry.get("secrets")
        if (
            not isinstance(hashes, list)
            or not hashes
            or not all(isinstance(h, str) and SECRET_HASH.fullmatch(h) for h in hashes)
        ):
            raise ConfigError(
                f"{path.name}: accepted finding {path_name} ({check}) needs 'secrets': the SHA-1 of each accepted "
                "value (40 hex digits), as the gate prints it for the finding"
            )
        accepted.append(AcceptedSecret(path_name, check, reason, tuple(hashes)))
    return SkipList(tuple(checks), tuple(paths), tuple(accepted), source=path)


def validate_skips(skips: SkipList, known_ids: set[str]) -> list[str]:
    """Problems with the skip list against the checks Checkov has (empty when valid)."""
    return [
        f"{skips.source_name} skips {s.id}, which Checkov {checkov_version_hint()} does not have"
        for s in skips.checks
        if s.id not in known_ids
    ]


def checkov_version_hint() -> str:
    requirement = PACKAGE_DIR / "requirements-checkov.in"
    for line in requirement.read_text().splitlines():
        if line.startswith("checkov=="):
            return line.split("==", 1)[1]
    return ""


@dataclass(frozen=True)
class ControlMap:
    by_check: Mapping[str, str]
    by_category: Mapping[str, str]

    def control_for(self, check_id: str, categories: list[str] | tuple[str, ...] = ()) -> str:
        if check_id in self.by_check:
            return self.by_check[check_id]
        for category in categories:
            control = self.by_category.get(category.upper())
            if control:
                return control
        return "unmapped"


def load_controls(path: Path = CATALOG_FILE) -> ControlMap:
    """The gate's view of the control catalog: policy id -> control, Checkov category -> control."""
    try:
        catalog = parse_catalog(load_yaml_file(path))
    except (InputError, CatalogError) as exc:
        raise ConfigError(f"cannot read the control map: {exc}") from None
    by_category = catalog.control_by_gate_category
    for control in catalog.controls:
        if not CONTROL_ID.match(control.id):
            raise ConfigError(f"{path.name}: {control.id!r} is not a control id (LP-XX-n)")
    return ControlMap(catalog.control_by_policy, by_category)


def custom_check_ids(directory: Path = CHECKS_DIR) -> dict[str, Path]:
    """Our checks' ids, read from their files (the Checkov environment is not importable here)."""
    found: dict[str, Path] = {}
    id_pattern = re.compile(r"""\bid\s*[:=]\s*["'](LP_[A-Z0-9_]+)["']""")
    for path in sorted(directory.iterdir()):
        if path.suffix not in (".py", ".yaml", ".yml") or path.name.startswith(("_", "lp_common")):
            continue
        for match in id_pattern.finditer(path.read_text()):
            found[match.group(1)] = path
    return found


@dataclass(frozen=True)
class Profile:
    """Which checks judge a program, which are skipped, and what a failure is mapped to.

    ``generic`` is for anyone's program: Checkov's built-in checks, nothing skipped, a failure
    named by Checkov's category. ``leadping`` is for our stacks: skips.yaml, our checks and
    the catalog's control map, and the stack's Leadping context (its environment) is expected. Leadping's
    choices (a skip such as CKV_AWS_260, port 80 on our load balancer) never reach ``generic``.
    """

    name: str
    description: str
    skips: SkipList
    checks_dirs: tuple[Path, ...] = ()
    controls: ControlMap | None = None
    # Whether the program is expected to carry Leadping's stack settings (environment and its minimums).
    stack_context: bool = False

    def control_for(self, check_id: str, categories: list[str] | tuple[str, ...] = ()) -> str:
        """The control a failure is reported under: Leadping's id, or else Checkov's category."""
        if self.controls is not None:
            return self.controls.control_for(check_id, categories)
        return "/".join(sorted(c.upper() for c in categories)) or "uncategorised"


GENERIC, LEADPING = "generic", "leadping"
PROFILES = (GENERIC, LEADPING)


def load_profile(
    name: str, *, skips_file: Path | None = None, external_checks_dirs: tuple[Path, ...] | list[Path] = ()
) -> Profile:
    """The named profile; a team's skip list replaces the profile's, its checks run beside the profile's."""
    if name == GENERIC:
        profile = Profile(GENERIC, "Checkov's built-in checks, nothing skipped", SkipList((), ()))
    elif name == LEADPING:
        profile = Profile(
            LEADPING,
            f"Leadping's stacks: {SKIPS_FILE.name}, policies/checks and {CATALOG_FILE.name}",
            load_skips(),
            (CHECKS_DIR,),
            load_controls(),
            stack_context=True,
        )
    else:
        raise ConfigError(f"unknown profile {name!r}; choose from {', '.join(PROFILES)}")
    skips = load_skips(Path(skips_file)) if skips_file is not None else profile.skips
    for directory in external_checks_dirs:
        if not Path(directory).is_dir():
            raise ConfigError(f"the external checks directory {directory} does not exist")
    return replace(profile, skips=skips, checks_dirs=(*profile.checks_dirs, *(Path(d) for d in external_checks_dirs)))
