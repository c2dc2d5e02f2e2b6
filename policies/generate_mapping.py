"""Generates ``policies/data/pulumi-aws-<version>.mapping.json.gz``: every pulumi-aws resource type
and property, named the way Terraform names them.

The gate exports a Pulumi program as a Terraform plan, so it must know, for every resource token
of pulumi-aws, the Terraform resource type it bridges and, for every property at every depth,
the Terraform attribute or block name and the shape a plan gives its value (a list of blocks, a
single nested object, a map). This script derives that table from what the two providers
publish, for the pulumi-aws version installed in ``.venv`` (pinned in ``uv.lock``):

- the pulumi-aws Python SDK itself: its registry of resource modules (``pulumi_aws/__init__.py``,
  every resource token), and each resource's ``Args``/``State`` input types, whose
  ``@pulumi.getter(name=...)`` give the wire names and whose annotations give the nesting (an
  object, a list of objects, a map);
- the Terraform AWS provider's schema (``terraform providers schema -json``), which names every
  attribute and block and says which are blocks, single nested objects, maps. Point
  ``--terraform-schema`` at that command's output, or at a checkout of
  github.com/lonegunmanb/terraform-aws-schema (a per-version dump of the same output) at the tag
  of the Terraform provider version to record;
- ``policies/type_map.yaml``: the exceptions the rules below cannot derive (written by hand, each
  proven by a rendered resource or the goldens in tests/policies).

pulumi-aws's own bridge metadata (``bridge-metadata.json``: token -> Terraform type and per-field
renames) would make the matching exact; its repository snapshot is too large for the offline
tools this repository is built with, so the bridge's naming rules are applied in reverse instead:
a Pulumi property is the camelCase of its Terraform name, pluralised when the Terraform value is a
list, and a list block of at most one item is flattened to an object. A property is matched to the
Terraform name those rules lead to when the schema has it; otherwise to the one remaining
Terraform name that extends it (``restApi`` -> ``rest_api_id``, ``topic`` -> ``topic_arn``).
What matches nothing is kept under the rules' name and flagged ``guessed`` in the data, so that
the exporter reports every path a program sets that the data could not vouch for. A type the
schema dump lacks (blobs of 4 MiB and more are not in the dump: the WAFv2 web ACL and rule group,
QuickSight analyses, dashboards and templates) falls back to ``--fallback-schema``, the trimmed
Terraform AWS 5.100.0 schema kept in ``policies/data`` for the WAFv2 web ACL; a token whose
Terraform type is newer than the schema is mapped by the rules and flagged ``unverified``.

Usage (the Terraform provider version is the newest the dump has at or after the one the pinned
pulumi-aws bridges; attributes only grow within a major version)::

    git -C /path/to/terraform-aws-schema checkout v6.47.0
    .venv/bin/python -m policies.generate_mapping --terraform-schema /path/to/terraform-aws-schema \\
        --terraform-version 6.47.0

It prints what it could not verify; review that before committing the data file.
"""

from __future__ import annotations

import argparse
import collections
import collections.abc as abc
import functools
import gzip
import importlib
import importlib.util
import json
import re
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policies import mapping
from policies.mapping import GUESSED, LIST, MAP, OBJECT, WRAP, singular, singular_candidates, snake

# Pulumi module -> the Terraform type prefixes pulumi-aws maps into it (its provider/resources.go
# module table), where the prefix is not the module's own name.
MODULE_PREFIXES: dict[str, tuple[str, ...]] = {
    "amp": ("prometheus",),
    "apigateway": ("api_gateway",),
    "appconfig": ("appintegrations",),
    "bcmdata": ("bcmdataexports",),
    "cfg": ("config",),
    "cloudcontrol": ("cloudcontrolapi",),
    "cloudhsmv2": ("cloudhsm_v2",),
    "costexplorer": ("ce",),
    "directconnect": ("dx",),
    "ec2": ("", "vpc", "default"),
    "ec2transitgateway": ("ec2_transit_gateway",),
    "elasticbeanstalk": ("elastic_beanstalk",),
    "elb": ("", "elb", "load_balancer", "lb"),
    "mediaconvert": ("media_convert",),
    "mediapackage": ("media_package",),
    "mediapackagev2": ("media_packagev2",),
    "mediastore": ("media_store",),
    "opensearchingest": ("osis",),
    "rds": ("db", "rds"),
    "resourceexplorer": ("resourceexplorer2",),
    "route53recoverycontrol": ("route53recoverycontrolconfig",),
    "serverlessrepository": ("serverlessapplicationrepository",),
    "servicediscovery": ("service_discovery",),
}
# Pulumi bookkeeping that has no Terraform counterpart to find.
IGNORED = frozenset({"id", "urn"})
_ACRONYM = re.compile(r"([A-Z])([A-Z][a-z])")
_DIGITS = re.compile(r"(?<=[a-z])(\d+)")


@dataclass
class TfNode:
    """One Terraform block: its attributes (name -> type) and nested blocks."""

    attributes: dict[str, Any] = field(default_factory=dict)
    # name -> (shape in a plan, child node)
    nested: dict[str, tuple[str, TfNode]] = field(default_factory=dict)

    def names(self) -> set[str]:
        return set(self.attributes) | set(self.nested)


# --- the Terraform side ---------------------------------------------------------------------------


def _node_from_attribute_type(type_spec: Any) -> tuple[str, TfNode] | None:
    """An object-typed attribute (``["object", {...}]``, a list, set or map of them) as a node."""
    if isinstance(type_spec, list) and len(type_spec) == 2:
        kind, inner = type_spec
        if kind == "object" and isinstance(inner, dict):
            return OBJECT, _node({"attributes": {k: {"type": v} for k, v in inner.items()}})
        if kind in ("list", "set"):
            found = _node_from_attribute_type(inner)
            return (LIST, found[1]) if found else None
        if kind == "map":
            found = _node_from_attribute_type(inner)
            return (MAP, found[1]) if found else None
    return None


_NESTING_SHAPES = {"single": OBJECT, "group": OBJECT, "list": LIST, "set": LIST, "map": MAP}


def _node(block: dict[str, Any]) -> TfNode:
    """A node from ``terraform providers schema -json``'s block format."""
    node = TfNode()
    for name, spec in (block.get("attributes") or {}).items():
        nested_type = spec.get("nested_type")
        if nested_type:  # plugin-framework nested attributes
            shape = _NESTING_SHAPES[nested_type.get("nesting_mode", "single")]
            node.nested[name] = (shape, _node(nested_type))
            continue
        found = _node_from_attribute_type(spec.get("type"))
        if found:
            node.nested[name] = found
        else:
            node.attributes[name] = spec.get("type")
    for name, spec in (block.get("block_types") or {}).items():
        node.nested[name] = (_NESTING_SHAPES[spec["nesting_mode"]], _node(spec.get("block") or {}))
    return node


def _trimmed_node(block: dict[str, Any]) -> TfNode:
    """A node from the trimmed format of the fallback schema (attributes: name -> type only)."""
    node = _node({"attributes": {k: {"type": v} for k, v in (block.get("attributes") or {}).items()}})
    for name, spec in (block.get("blocks") or {}).items():
        node.nested[name] = (_NESTING_SHAPES[spec["nesting"]], _trimmed_node(spec.get("block") or {}))
    return node


def _lonegunmanb_blocks(root: Path) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Resource blocks of a terraform-aws-schema checkout, and the types it registers without one."""
    register = (root / "generated" / "register.go").read_text()
    functions = {f: t for t, f in re.findall(r'resources\["([^"]+)"\]\s*=\s*resource\.(\w+)\(\)', register)}
    blocks: dict[str, dict[str, Any]] = {}
    for path in (root / "generated" / "resource").glob("*.go"):
        if path.name.endswith("_test.go"):
            continue
        source = path.read_text()
        body = re.search(r"const \w+ = `(.*?)`\n", source, re.S)
        function = re.search(r"func (\w+)\(\) \*tfjson\.Schema", source)
        if body and function and function.group(1) in functions:
            blocks[functions[function.group(1)]] = json.loads(body.group(1).replace('` + "`" + `', "`"))["block"]
    return blocks, set(functions.values()) - set(blocks)


def load_terraform_schema(path: Path) -> tuple[dict[str, TfNode], set[str]]:
    """Terraform type -> node, and the types the source names but holds no schema for."""
    if path.is_dir():
        blocks, without = _lonegunmanb_blocks(path)
    else:
        document = json.loads(path.read_text())
        (provider,) = [v for k, v in document["provider_schemas"].items() if k.endswith("/aws")]
        blocks, without = {t: s["block"] for t, s in provider["resource_schemas"].items()}, set()
    return {t: _node(b) for t, b in blocks.items()}, without


def load_fallback_schema(path: Path) -> dict[str, TfNode]:
    nodes = {t: _trimmed_node(b) for t, b in json.loads(path.read_text())["resources"].items()}
    for node in nodes.values():
        node.attributes.setdefault("region", "string")  # Terraform AWS 6 gave every resource `region`
    return nodes


# --- the Pulumi side ------------------------------------------------------------------------------


def sdk_resource_tokens() -> dict[str, tuple[str, str]]:
    """Every resource token of the installed pulumi-aws -> (module, class name).

    Read from the SDK's registry of resource modules (what the Pulumi runtime uses to rebuild a
    resource from its token), without importing the 270 MB of modules it names.
    """
    spec = importlib.util.find_spec("pulumi_aws")
    if spec is None or spec.origin is None:
        raise RuntimeError("pulumi_aws is not installed in this interpreter")
    source = Path(spec.origin).read_text()
    registry = re.search(r'resource_modules="""(.*?)"""', source, re.S)
    if registry is None:
        raise RuntimeError(f"{spec.origin}: no resource_modules registry")
    return {
        token: (module["fqn"], class_name)
        for module in json.loads(registry.group(1))
        for token, class_name in module["classes"].items()
    }


@dataclass(frozen=True)
class PulumiProperty:
    shape: str  # "scalar", LIST, MAP or OBJECT
    child: type | None  # the input type of the object(s), if any


def _input_type_of(hint: Any) -> type | None:
    import pulumi._types as pulumi_types

    if isinstance(hint, type) and pulumi_types.is_input_type(hint):
        return hint
    for member in typing.get_args(hint):
        if isinstance(member, type) and pulumi_types.is_input_type(member):
            return member
    return None


def classify(hint: Any) -> PulumiProperty:
    import pulumi._types as pulumi_types

    unwrapped = pulumi_types.unwrap_type(hint)
    origin = typing.get_origin(unwrapped)
    if origin in (list, abc.Sequence, typing.Sequence):
        (element,) = typing.get_args(unwrapped) or (None,)
        return PulumiProperty(LIST, _input_type_of(pulumi_types.unwrap_type(element)))
    if origin in (dict, abc.Mapping, typing.Mapping):
        args = typing.get_args(unwrapped)
        return PulumiProperty(MAP, _input_type_of(pulumi_types.unwrap_type(args[1])) if len(args) == 2 else None)
    child = _input_type_of(unwrapped)
    return PulumiProperty(OBJECT, child) if child else PulumiProperty("scalar", None)


@functools.cache
def input_properties(*classes: type | None) -> dict[str, PulumiProperty]:
    import pulumi._types as pulumi_types

    found: dict[str, PulumiProperty] = {}
    for cls in classes:
        if cls is None:
            continue
        for name, hint in pulumi_types.input_type_types(cls).items():
            found.setdefault(name, classify(hint))
    return found


def resource_input_classes(module: str, class_name: str) -> tuple[type | None, type | None]:
    package = importlib.import_module(module)
    resource_class = getattr(package, class_name)
    defining = importlib.import_module(resource_class.__module__)
    return getattr(defining, f"{class_name}Args", None), getattr(defining, f"_{class_name}State", None)


# --- matching ------------------------------------------------------------------------------------


@dataclass
class Report:
    """What the generator could not vouch for, printed for review."""

    guessed: list[str] = field(default_factory=list)
    paired: list[str] = field(default_factory=list)
    unverified_types: list[str] = field(default_factory=list)
    derived_types: list[str] = field(default_factory=list)


def _terraform_name(pulumi_name: str, node: TfNode, renames: dict[str, str], path: str) -> tuple[str, bool]:
    """(Terraform name, verified) of one property at one level."""
    renamed = renames.get(f"{path}{pulumi_name}")
    if renamed:
        return renamed, True
    names = node.names()
    for base in snake_variants(pulumi_name):
        for candidate in [base, *singular_candidates(base)]:
            if candidate in names:
                return candidate, True
    return snake(pulumi_name), False


def snake_variants(pulumi_name: str) -> list[str]:
    """The Terraform names whose camelCase is this Pulumi name: ``addressLine1`` is ``address_line_1``,
    ``xAmznTlsVersion`` is ``x_amzn_tls_version``."""
    base = snake(pulumi_name)
    acronym = snake(_ACRONYM.sub(r"\1_\2", pulumi_name))
    return list(dict.fromkeys([base, acronym, _DIGITS.sub(r"_\1", base), _DIGITS.sub(r"_\1", acronym)]))


def _pair_leftovers(leftovers: list[str], node: TfNode, matched: set[str]) -> dict[str, str]:
    """Pulumi names the rules missed -> the one unmatched Terraform name that extends them."""
    free = node.names() - matched
    paired: dict[str, str] = {}
    for pulumi_name in leftovers:
        base = snake(pulumi_name)
        options = [n for n in free if n.startswith(f"{base}_") or n.endswith(f"_{base}")]
        if len(options) == 1:
            paired[pulumi_name] = options[0]
            free.discard(options[0])
    return paired


def _names(
    props: dict[str, PulumiProperty],
    node: TfNode | None,
    renames: dict[str, str],
    report: Report,
    where: str,
    path: str,
) -> dict[str, tuple[str, bool]]:
    """Pulumi name -> (Terraform name, verified) for one level."""
    if node is None:  # below a guess: the rules alone (a list of objects is a block of the singular)
        return {
            p: (
                renames.get(f"{path}{p}") or (singular(snake(p)) if prop.shape == LIST and prop.child else snake(p)),
                False,
            )
            for p, prop in props.items()
        }
    names = {p: _terraform_name(p, node, renames, path) for p in props}
    leftovers = [p for p, (_, verified) in names.items() if not verified and p not in IGNORED]
    if leftovers:
        matched = {n for n, verified in names.values() if verified}
        for pulumi_name, tf_name in _pair_leftovers(leftovers, node, matched).items():
            names[pulumi_name] = (tf_name, True)
            report.paired.append(f"{where}: {path}{pulumi_name} -> {tf_name}")
    for p, (tf_name, verified) in names.items():
        if not verified and p not in IGNORED:
            report.guessed.append(f"{where}: {path}{tf_name}")
    return names


def map_properties(
    props: dict[str, PulumiProperty],
    node: TfNode | None,
    renames: dict[str, str],
    report: Report,
    where: str,
    path: str = "",
    ancestors: tuple[type, ...] = (),
) -> dict[str, Any]:
    """The data file's entry for one level: Pulumi name -> spec (the format is in mapping.py).

    A spec flagged GUESSED marks where the Terraform schema stopped vouching; what lies below it
    is named by the rules alone and carries no flags of its own.
    """
    out: dict[str, Any] = {}
    names = _names(props, node, renames, report, where, path)
    for pulumi_name, prop in sorted(props.items()):
        tf_name, verified = names[pulumi_name]
        shown = 0 if tf_name == snake(pulumi_name) else tf_name
        flag = [GUESSED] if node is not None and not verified and pulumi_name not in IGNORED else []
        nested = node.nested.get(tf_name) if node is not None and verified else None
        if prop.child is not None and prop.child in ancestors:
            # A recursive type (a condition made of conditions): named by the rules below here.
            shape = nested[0] if nested is not None else (MAP if prop.shape == MAP else LIST)
            out[pulumi_name] = [shown, shape, 0, GUESSED]
            report.guessed.append(f"{where}: {path}{tf_name} (recursive)")
            continue
        if prop.child is not None and verified and node is not None and nested is None:
            # A document Pulumi also takes as an object (a policy): Terraform's attribute is its JSON.
            out[pulumi_name] = shown
            continue
        if prop.child is not None:
            if nested is not None:
                shape, child_node = nested
            else:  # outside the schema: a single object is most often a list block of at most one item
                shape, child_node = (MAP if prop.shape == MAP else LIST), None
            child = map_properties(
                input_properties(prop.child),
                child_node,
                renames,
                report,
                where,
                f"{path}{tf_name}.",
                (*ancestors, prop.child),
            )
            out[pulumi_name] = [shown, shape, child, *flag]
            continue
        attribute_type = node.attributes.get(tf_name) if node is not None else None
        wraps = (
            prop.shape == "scalar" and isinstance(attribute_type, list) and attribute_type[:1] in (["list"], ["set"])
        )
        if wraps:  # a list of at most one scalar, flattened by the bridge
            out[pulumi_name] = [shown, WRAP, 0]
        elif flag:
            out[pulumi_name] = [shown, "", 0, *flag]
        else:
            out[pulumi_name] = shown
    return out


def _normalized(name: str) -> str:
    return name.replace("_", "").lower()


def match_types(
    tokens: dict[str, dict[str, PulumiProperty]],
    schema: dict[str, TfNode],
    known_types: set[str],
    exceptions: dict[str, str],
    report: Report,
) -> dict[str, str]:
    """Pulumi token -> Terraform type."""
    by_key = {_normalized(t.removeprefix("aws_")): t for t in known_types}
    suffixes: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    for tf_type in known_types:
        parts = tf_type.removeprefix("aws_").split("_")
        for cut in range(len(parts)):
            suffixes["".join(parts[cut:])].append(("_".join(parts[:cut]), tf_type))

    def score(token: str, tf_type: str) -> float:
        node = schema.get(tf_type)
        props = [p for p in tokens[token] if p not in ("id", "urn", "region", "tags", "tagsAll")]
        if node is None or not props:
            return 0.0
        names = node.names()
        return sum(1 for p in props if any(c in names for c in [snake(p), *singular_candidates(snake(p))])) / len(props)

    found: dict[str, str] = {}
    unresolved: list[str] = []
    for token in tokens:
        if token in exceptions:
            found[token] = exceptions[token]
            continue
        module, _, rest = token.removeprefix("aws:").partition("/")
        name = rest.split(":", 1)[1]
        prefixes = (module, *MODULE_PREFIXES.get(module, ()))
        # The module's own prefix first, then the others in the order pulumi-aws lists them.
        exact = next((by_key[k] for p in prefixes if (k := _normalized(p + name)) in by_key), None)
        if exact is not None:
            found[token] = exact
            continue
        related = []
        for prefix, tf_type in suffixes.get(name.lower(), ()):
            flat = _normalized(prefix)
            if any(flat == _normalized(p) for p in prefixes):
                related.append((2, score(token, tf_type), tf_type))
            elif flat and any(flat.startswith(_normalized(p)) for p in prefixes if p):
                related.append((1, score(token, tf_type), tf_type))
        related.sort(key=lambda r: (r[0] * (r[1] >= 0.5), r[1], r[0]), reverse=True)
        if related and related[0][1] >= 0.5:
            found[token] = related[0][2]
            if related[0][0] < 2:
                report.derived_types.append(f"{token} -> {related[0][2]} (related prefix)")
            continue
        unresolved.append(token)
    for token in unresolved:
        module, _, rest = token.removeprefix("aws:").partition("/")
        name = rest.split(":", 1)[1]
        # pulumi-aws 7 keeps its former "V2" tokens as aliases of the resource that took the name.
        base = name.removesuffix("V2").removesuffix("v2")
        base_token = f"aws:{module}/{base[:1].lower()}{base[1:]}:{base}"
        if base != name and base_token in found and base_token not in unresolved:
            found[token] = found[base_token]
            report.derived_types.append(f"{token} -> {found[token]} (as {base_token})")
            continue
        derived = f"aws_{(MODULE_PREFIXES.get(module) or (module,))[0] or module}_{snake(name)}".replace("__", "_")
        found[token] = derived
        if derived not in known_types:
            report.unverified_types.append(f"{token} -> {derived}")
    return found


# --- the file -------------------------------------------------------------------------------------


def build(terraform_schema: Path, terraform_version: str, fallback: Path | None) -> tuple[dict[str, Any], Report]:
    report = Report()
    schema, without = load_terraform_schema(terraform_schema)
    fallback_nodes = load_fallback_schema(fallback) if fallback else {}
    for tf_type in without:
        if tf_type in fallback_nodes:
            schema[tf_type] = fallback_nodes[tf_type]
    known_types = set(schema) | without
    exceptions = mapping.load_exceptions()
    classes = sdk_resource_tokens()
    props = {token: input_properties(*resource_input_classes(*found)) for token, found in classes.items()}
    types = match_types(props, schema, known_types, {t: e.terraform for t, e in exceptions.items()}, report)
    resources: dict[str, Any] = {}
    for token in sorted(props):
        tf_type = types[token]
        node = schema.get(tf_type)
        renames = dict(exceptions[token].rename) if token in exceptions else {}
        entry: dict[str, Any] = {"tf": tf_type, "p": map_properties(props[token], node, renames, report, token)}
        if node is None:
            entry["unverified"] = 1
        resources[token] = entry
    document = {
        "format": mapping.DATA_FORMAT,
        "pulumi_aws_version": mapping.installed_pulumi_aws_version(),
        "terraform_aws_version": terraform_version,
        "sources": {
            "pulumi": "the pulumi-aws Python SDK (resource registry, Args/State input types)",
            "terraform": f"terraform providers schema -json, hashicorp/aws {terraform_version}",
            "fallback": f"policies/data/{mapping.FALLBACK_SCHEMA_FILE.name} (hashicorp/aws 5.100.0, trimmed)",
            "exceptions": "policies/type_map.yaml",
            "generator": "python -m policies.generate_mapping",
        },
        "resources": resources,
    }
    return document, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policies.generate_mapping", description=__doc__.split("\n\n")[0])
    parser.add_argument("--terraform-schema", type=Path, required=True, help="schema JSON or terraform-aws-schema dir")
    parser.add_argument("--terraform-version", required=True, help="the Terraform AWS provider version, e.g. 6.47.0")
    parser.add_argument("--fallback-schema", type=Path, default=mapping.FALLBACK_SCHEMA_FILE)
    parser.add_argument("--report", type=Path, help="write what could not be verified to this file")
    args = parser.parse_args(argv)
    if not args.terraform_schema.exists():
        print(f"error: {args.terraform_schema} does not exist", file=sys.stderr)
        return 2
    document, report = build(args.terraform_schema, args.terraform_version, args.fallback_schema)
    target = mapping.data_file(document["pulumi_aws_version"])
    payload = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    target.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    lines = [
        *(f"unverified type: {line}" for line in report.unverified_types),
        *(f"related-prefix type: {line}" for line in report.derived_types),
        *(f"paired: {line}" for line in report.paired),
        *(f"guessed: {line}" for line in report.guessed),
    ]
    if args.report:
        args.report.write_text("\n".join(lines) + "\n")
    print(
        f"wrote {target.name}: {len(document['resources'])} resource types; "
        f"{sum(1 for e in document['resources'].values() if e.get('unverified'))} without a Terraform schema "
        f"({len(report.unverified_types)} of them newer than it), "
        f"{len(report.paired)} properties paired, {len(report.guessed)} guessed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
