"""Pulumi resource -> Terraform resource: the type, and the name and shape of every property.

Pulumi's AWS provider is generated from Terraform's, so every pulumi-aws resource is a Terraform
resource and every input an attribute or block under another spelling. The table that says which
is generated from what the providers publish (``python -m policies.generate_mapping``: the
pulumi-aws SDK's own types and the Terraform AWS provider's schema) and vendored per pulumi-aws
version as ``data/pulumi-aws-<version>.mapping.json.gz``. Its format, per resource token::

    {"tf": "aws_lb_listener", "p": {<Pulumi name>: <spec>, ...}, "unverified": 1 (optional)}

where a spec is ``0`` (a plain attribute named by the snake_case of the Pulumi name), a string (a
plain attribute of another name), or ``[name, shape, children, guessed?]``: ``name`` is ``0`` or
the Terraform name; ``shape`` is how a plan holds the value: ``list`` (a list of blocks: Pulumi
flattens a block of at most one item to an object), ``object`` (a single nested object), ``map``
(a map of objects), ``wrap`` (a list of at most one scalar that Pulumi flattens), or ``""``
(verbatim); ``children`` are the specs of the objects' own properties. ``guessed`` (1) marks a
property the Terraform schema did not vouch for: it and what lies below it are named by the
rules alone (snake_case; a list of objects is the block of the singular name), and the
converter reports each such path it meets (``unmapped``) so that a test can show nothing a
program sets depends on a guess. A type that is newer than the schema (``unverified``) is
reported whole. ``type_map.yaml`` holds the exceptions the generator cannot derive.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from policies.config import load_yaml

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
TYPE_MAP_FILE = PACKAGE_DIR / "type_map.yaml"
# The trimmed Terraform AWS 5.100.0 schema: an input of the generator only, for the types the
# newer schema dump lacks (the WAFv2 web ACL and its nested statements).
FALLBACK_SCHEMA_FILE = DATA_DIR / "terraform-aws-5.100.0.wafv2-web-acl.schema.json"
DATA_FORMAT = 1
# Shapes a value takes in a Terraform plan when it is not a plain attribute, and the flag of a guess.
LIST, OBJECT, MAP, WRAP = "list", "object", "map", "wrap"
GUESSED = 1

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DATA_NAME = re.compile(r"^pulumi-aws-(?P<version>\d+\.\d+\.\d+)\.mapping\.json\.gz$")
# Endings that look plural and are not (access, status): the name is its own singular.
_NOT_PLURAL = ("ss", "us")
# Plural endings and their singulars, most likely first (the bridge pluralises list names).
_PLURAL_ENDINGS = (
    ("indexes", "index"),
    ("ies", "y"),
    ("sses", "ss"),
    ("ses", "se"),
    ("s", ""),
    ("es", ""),
    ("ves", "f"),
    ("ves", "fe"),
    ("ices", "ex"),
    ("ices", "ix"),
)


class UnknownTypeError(LookupError):
    """The gate has no Terraform mapping for a Pulumi resource type."""

    def __init__(self, token: str, names: list[str] | None = None) -> None:
        self.token = token
        self.names = names or []
        where = f" (resources: {', '.join(self.names)})" if self.names else ""
        super().__init__(
            f"the gate cannot map the Pulumi resource type {token!r}{where} to a Terraform type; "
            f"it is not a type of pulumi-aws {TypeMap.default_version()} "
            f"(an exception can be added to {TYPE_MAP_FILE.relative_to(PACKAGE_DIR.parent)})"
        )


class MappingDataError(RuntimeError):
    """The vendored mapping data is missing or unreadable."""


@dataclass(frozen=True)
class TypeEntry:
    """A hand-written exception: a Terraform type and renames the generator cannot derive."""

    token: str
    terraform: str
    rename: Mapping[str, str] = field(default_factory=dict)


def snake(name: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def singular_candidates(name: str) -> list[str]:
    """Every singular a Pulumi plural may stand for, most likely first."""
    if name.endswith(_NOT_PLURAL):
        return []
    found: list[str] = []
    for plural, single in _PLURAL_ENDINGS:
        if name.endswith(plural):
            candidate = name[: -len(plural)] + single
            if len(candidate) > 1 and candidate not in found:
                found.append(candidate)
    return found


def singular(name: str) -> str:
    """The block name a Pulumi plural most likely stands for: ``rules``->``rule``."""
    return next(iter(singular_candidates(name)), name)


@cache
def load_exceptions(path: Path = TYPE_MAP_FILE) -> dict[str, TypeEntry]:
    document = load_yaml(path.read_text()) or {}
    entries: dict[str, TypeEntry] = {}
    for token, spec in (document.get("types") or {}).items():
        if isinstance(spec, str):
            entries[token] = TypeEntry(token, spec)
        else:
            entries[token] = TypeEntry(token, spec["terraform"], dict(spec.get("rename") or {}))
    return entries


def data_file(version: str) -> Path:
    return DATA_DIR / f"pulumi-aws-{version}.mapping.json.gz"


def vendored_versions() -> list[str]:
    found = [m["version"] for p in DATA_DIR.glob("*.gz") if (m := _DATA_NAME.match(p.name))]
    return sorted(found, key=lambda v: tuple(int(part) for part in v.split(".")))


def installed_pulumi_aws_version() -> str | None:
    """The version of the pulumi-aws SDK this interpreter would import (without importing it)."""
    spec = importlib.util.find_spec("pulumi_aws")
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(next(iter(spec.submodule_search_locations))) / "pulumi-plugin.json"
    try:
        return str(json.loads(plugin.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


@cache
def load_data(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, ValueError) as exc:
        raise MappingDataError(f"cannot read the mapping data {path.name}: {exc}") from exc
    if document.get("format") != DATA_FORMAT:
        raise MappingDataError(f"{path.name}: format {document.get('format')!r}, expected {DATA_FORMAT}")
    return document


def _list_of_dicts(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(item, Mapping) for item in value)


@dataclass
class Converter:
    """Converts one resource's Pulumi inputs to Terraform-named values of the plan's shapes."""

    token: str
    terraform: str
    specs: Mapping[str, Any]
    verified: bool = True
    unmapped: list[str] = field(default_factory=list)
    # Pulumi input name -> Terraform name, for the top level (references are recorded there).
    top_level_names: dict[str, str] = field(default_factory=dict)

    def convert(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        return self._block(inputs, self.specs, path="", guessed=not self.verified)

    def name_of(self, key: str) -> str:
        """The Terraform name of a top-level input the render left out (an unknown value)."""
        name, _spec = self._name(key, self.specs, "", guessed=not self.verified)
        return name

    def _name(self, key: str, specs: Mapping[str, Any] | None, path: str, guessed: bool) -> tuple[str, Any]:
        spec = specs.get(key) if specs is not None else None
        if spec is None:
            name = snake(key)
            if specs is not None and not guessed:
                self.unmapped.append(f"{path}{name}")  # a property the provider's types do not have
            elif guessed and not path:
                self.unmapped.append(name)  # a type newer than the schema: every top-level name is a guess
            return name, None
        if isinstance(spec, list):
            name = spec[0] or snake(key)
            if len(spec) > 3 and spec[3] == GUESSED and not guessed:
                self.unmapped.append(f"{path}{name}")
            elif guessed and not path:
                self.unmapped.append(name)
            return name, spec
        name = spec or snake(key)
        if guessed and not path:
            self.unmapped.append(name)
        return name, spec

    def _block(self, inputs: Mapping[str, Any], specs: Mapping[str, Any] | None, path: str, guessed: bool) -> dict:
        out: dict[str, Any] = {}
        for key, value in inputs.items():
            if key.startswith("__"):
                continue  # Pulumi bookkeeping (e.g. __defaults), not an argument
            name, spec = self._name(key, specs, path, guessed)
            if spec is None and specs is None and _list_of_dicts(value):
                name = singular(name)
            if not path:
                self.top_level_names[key] = name
            out[name] = self._value(value, spec, specs is None or guessed, f"{path}{name}.")
        return out

    def _value(self, value: Any, spec: Any, guessed: bool, path: str) -> Any:
        if not isinstance(spec, list):
            if spec is None:  # unknown to the data: objects become blocks, by the rules
                if isinstance(value, Mapping):
                    return [self._block(value, None, path, True)]
                if _list_of_dicts(value):
                    return [self._block(i, None, path, True) if isinstance(i, Mapping) else i for i in value]
            return value
        _name, shape, children, *flags = spec
        below = guessed or (bool(flags) and flags[0] == GUESSED)
        child_specs = children if isinstance(children, Mapping) else None

        def convert(item: Any) -> Any:
            return self._block(item, child_specs, path, below) if isinstance(item, Mapping) else item

        if shape == LIST:
            if isinstance(value, Mapping):
                return [convert(value)]
            if isinstance(value, list):
                return [convert(item) for item in value]
        elif shape == OBJECT:
            if isinstance(value, Mapping):
                return convert(value)
            if isinstance(value, list):
                return [convert(item) for item in value]
        elif shape == MAP and isinstance(value, Mapping):
            return {k: convert(v) for k, v in value.items()}
        elif shape == WRAP and value is not None and not isinstance(value, list):
            return [value]
        return value


class TypeMap:
    """The vendored mapping of one pulumi-aws version: answers type and attribute-name questions."""

    def __init__(self, data: Mapping[str, Any] | None = None, data_path: Path | None = None) -> None:
        if data is None:
            data = load_data(data_path or self.default_data_file())
        self.data = data
        self.resources: Mapping[str, Any] = data["resources"]
        self.provider_version: str = str(data["pulumi_aws_version"])
        self.terraform_provider_version: str = str(data.get("terraform_aws_version", ""))

    @staticmethod
    def default_version() -> str:
        """The vendored version for the installed pulumi-aws: the same, else the newest vendored."""
        versions = vendored_versions()
        if not versions:
            raise MappingDataError(f"no pulumi-aws mapping data in {DATA_DIR}")
        installed = installed_pulumi_aws_version()
        return installed if installed in versions else versions[-1]

    @classmethod
    def default_data_file(cls) -> Path:
        return data_file(cls.default_version())

    def version_warning(self, installed: str | None = None) -> str | None:
        """What to tell the user when the program's pulumi-aws is not the version the data describes."""
        installed = installed if installed is not None else installed_pulumi_aws_version()
        if installed is None or installed == self.provider_version:
            return None
        return (
            f"pulumi-aws {installed} is installed but the gate's mapping describes pulumi-aws "
            f"{self.provider_version}: types or properties added since are named by rule and reported"
        )

    def tokens(self) -> list[str]:
        return sorted(self.resources)

    def knows(self, token: str) -> bool:
        return token in self.resources

    def _entry(self, token: str) -> Mapping[str, Any]:
        entry = self.resources.get(token)
        if entry is None:
            raise UnknownTypeError(token)
        return entry

    def terraform_type(self, token: str) -> str:
        return str(self._entry(token)["tf"])

    def is_verified(self, token: str) -> bool:
        """False for a type newer than the Terraform schema the data was generated with."""
        return not self._entry(token).get("unverified")

    def converter(self, token: str) -> Converter:
        entry = self._entry(token)
        return Converter(token, str(entry["tf"]), entry["p"], verified=not entry.get("unverified"))

    def terraform_attribute(self, token: str, pulumi_name: str) -> str:
        """The Terraform name of a top-level (output) attribute, for reference expressions."""
        spec = self._entry(token)["p"].get(pulumi_name)
        if isinstance(spec, list):
            return spec[0] or snake(pulumi_name)
        return spec or snake(pulumi_name)

    def terraform_attributes(self, token: str) -> set[str]:
        """Every top-level Terraform name of the type (arguments and computed attributes)."""
        return {self.terraform_attribute(token, name) for name in self._entry(token)["p"]}
