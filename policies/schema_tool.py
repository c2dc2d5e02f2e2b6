"""Regenerates ``policies/data/terraform_aws_schema.json`` from a Terraform AWS provider schema.

The exporter names attributes the way Terraform does by looking them up in the provider's own
schema (attribute or block, map or object, nesting), so the names Checkov's rules test are the
real ones rather than guesses. Only the types in ``type_map.yaml`` are kept, names only, with
blocks nested at most ``MAX_DEPTH`` levels (deeper levels fall back to the naming rules).

Usage (with a provider available to ``terraform init``)::

    terraform init && terraform providers schema -json > schema.json
    python -m policies.schema_tool schema.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from policies.mapping import SCHEMA_FILE, load_type_map_entries

MAX_DEPTH = 5
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
        print(f"error: the provider schema has no {', '.join(missing)}", file=sys.stderr)
        return 2
    trimmed = {
        "provider": PROVIDER,
        "provider_version": args.provider_version,
        "resources": {name: trim_block(resources[name]["block"]) for name in wanted},
    }
    SCHEMA_FILE.write_text(json.dumps(trimmed, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {len(wanted)} resource schemas to {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
