"""Regenerates ``policies/data/terraform_aws_schema.json`` from a Terraform AWS provider schema.

The exporter names attributes the way Terraform does by looking them up in the provider's own
schema (attribute or block, map or object, nesting), so the names Checkov's rules test are the
real ones rather than guesses. Only the types in ``type_map.yaml`` are kept, names only, with
blocks nested at most ``MAX_DEPTH`` levels (deeper levels fall back to the naming rules, and the
exporter reports every path it names that way). ``MAX_DEPTH`` reaches the deepest blocks the
programs use: a WAF web ACL's managed rule group override
(``rule.statement.managed_rule_group_statement.rule_action_override.action_to_use.count``, six
levels) with its custom request handling (``count.custom_request_handling.insert_header``, eight).

Usage, in a directory whose ``main.tf`` requires ``hashicorp/aws`` at the version to record
(``-plugin-dir`` reads a local provider mirror; CHECKPOINT_DISABLE keeps Terraform offline)::

    CHECKPOINT_DISABLE=1 terraform init -plugin-dir=/path/to/mirror
    CHECKPOINT_DISABLE=1 terraform providers schema -json > schema.json
    python -m policies.schema_tool schema.json --provider-version 5.100.0

Mapped types the provider version does not have (newer resources pulumi-aws already bridges) are
listed in the file's ``not_in_provider``; the exporter names their attributes by the rules alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from policies.mapping import SCHEMA_FILE, load_type_map_entries

MAX_DEPTH = 8
PROVIDER = "registry.terraform.io/hashicorp/aws"


def trim_block(block: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    attributes = {name: spec.get("type", "dynamic") for name, spec in (block.get("attributes") or {}).items()}
    if depth == 0:
        attributes.pop("id", None)  # the resource id is computed; nested `id`s (rule ids) are arguments
    if attributes:
        out["attributes"] = attributes
    if depth < MAX_DEPTH:
        blocks = {}
        for name, spec in (block.get("block_types") or {}).items():
            entry: dict[str, Any] = {"nesting": spec["nesting_mode"]}
            if spec.get("max_items"):
                entry["max_items"] = spec["max_items"]
            entry["block"] = trim_block(spec["block"], depth + 1)
            blocks[name] = entry
        if blocks:
            out["blocks"] = blocks
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policies.schema_tool", description=__doc__.split("\n\n")[0])
    parser.add_argument("schema", type=Path, help="output of `terraform providers schema -json`")
    parser.add_argument("--provider-version", default="", help="recorded in the file (e.g. 5.100.0)")
    args = parser.parse_args(argv)
    document = json.loads(args.schema.read_text())
    resources = document["provider_schemas"][PROVIDER]["resource_schemas"]
    wanted = sorted({entry.terraform for entry in load_type_map_entries().values()})
    missing = [name for name in wanted if name not in resources]
    if missing:
        print(f"warning: provider {args.provider_version or '(version?)'} has no {', '.join(missing)}", file=sys.stderr)
    trimmed = {
        "provider": PROVIDER,
        "provider_version": args.provider_version,
        "max_depth": MAX_DEPTH,
        "not_in_provider": missing,
        "resources": {name: trim_block(resources[name]["block"]) for name in wanted if name in resources},
    }
    SCHEMA_FILE.write_text(json.dumps(trimmed, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {len(trimmed['resources'])} resource schemas to {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
