"""Runs Checkov inside its own environment (.venv-checkov) and describes the checks it has.

Started by the gate as ``.venv-checkov/bin/python policies/checkov_driver.py CATALOG [--wait] -- <checkov args>``.
It runs Checkov in-process (one interpreter start instead of two), then writes CATALOG: every
Terraform check Checkov loaded (built-in and ours) with its name, categories and resource
types, which the gate uses to validate the skip list and to name a failure's control.

With ``--wait`` the driver starts before the plans exist: it imports Checkov and loads its checks
(about 3 s), then waits for a line on its standard input: ``go`` runs the scan, anything else
(or end of input: the gate could not render) exits with code 3 without scanning. The gate starts
it first so that this start-up overlaps the render.

Only the standard library and Checkov are imported: the project's packages (pulumi, infra/) are
not installed in this environment.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
from typing import Any

# Checkov would otherwise call its vendor's API at start (guidelines) and check for a new version.
os.environ.setdefault("BC_SKIP_MAPPING", "TRUE")
os.environ.setdefault("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")


def _category_names(check: Any) -> list[str]:
    categories = getattr(check, "categories", None) or []
    if not categories and getattr(check, "category", None):
        categories = [check.category]
    return sorted({getattr(c, "name", str(c)) for c in categories})


def catalog() -> dict[str, dict[str, Any]]:
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.terraform.checks.data.registry import data_registry
    from checkov.terraform.checks.provider.registry import provider_registry
    from checkov.terraform.checks.resource.registry import resource_registry

    try:  # checks that read a `lifecycle` block, which plans do not carry: Checkov skips them on plans
        from checkov.terraform.plan_runner import TF_LIFECYCLE_CHECK_IDS as not_on_plans
    except ImportError:  # pragma: no cover - another Checkov version
        not_on_plans = set()

    found: dict[str, dict[str, Any]] = {}

    def add(check: Any, kind: str, resource_types: list[str]) -> None:
        entry = found.setdefault(
            check.id,
            {
                "name": check.name,
                "kind": kind,
                "categories": _category_names(check),
                "resource_types": [],
                "runs_on_plans": check.id not in not_on_plans,
            },
        )
        entry["resource_types"] = sorted(set(entry["resource_types"]) | set(resource_types))

    for registry, kind in ((resource_registry, "resource"), (data_registry, "data"), (provider_registry, "provider")):
        for entity, checks in registry.checks.items():
            for check in checks:
                add(check, kind, [entity])
        for entity, checks in getattr(registry, "wildcard_checks", {}).items():
            for check in checks:
                add(check, kind, [entity])
    graph_registry = get_graph_checks_registry("terraform")
    if not graph_registry.checks:
        graph_registry.load_checks()
    for check in graph_registry.checks:
        add(check, "graph", list(getattr(check, "resource_types", None) or ["all"]))
    return found


EXIT_CANCELLED = 3
GO = "go"


def _warm_up() -> None:
    """What a scan would load first: the built-in graph checks (resource checks load on import)."""
    from checkov.common.checks_infra.registry import get_graph_checks_registry

    get_graph_checks_registry("terraform").load_checks()


def main(argv: list[str]) -> int:
    wait = len(argv) > 1 and argv[1] == "--wait"
    if wait:
        argv = [argv[0], *argv[2:]]
    if len(argv) < 2 or argv[1] != "--":
        print("usage: checkov_driver.py CATALOG_OUT [--wait] -- <checkov arguments>", file=sys.stderr)
        return 2
    catalog_out, checkov_args = argv[0], argv[2:]
    from checkov.main import Checkov

    # Checkov logs thousands of debug records per scan that LOG_LEVEL only filters at the handler.
    logging.disable(logging.INFO)
    if wait:
        _warm_up()
        if sys.stdin.readline().strip() != GO:
            return EXIT_CANCELLED
    exit_code = Checkov(argv=checkov_args).run() or 0
    with open(catalog_out, "w") as handle:
        json.dump(catalog(), handle, sort_keys=True)
    return int(exit_code)


if __name__ == "__main__":
    code = main(sys.argv[1:])
    # The process ends here: spare the final garbage collections a walk over Checkov's modules,
    # checks and graphs (about half a second); files are closed and streams flushed as usual.
    gc.freeze()
    sys.exit(code)
