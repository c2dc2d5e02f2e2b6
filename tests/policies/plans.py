"""Plans for the tests: hand-written fixture plans, and the gate's own exports of rendered programs.

A fixture plan is written the way the gate's exporter writes one (policies.export.plan_document):
resources' values under ``planned_values``, references between them under ``configuration``, and
the stack context in ``variables``, built from the same conventions as a real stack's
(policies.export.environment_context) so that the custom checks read what they read in the gate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from policies.export import environment_context, plan_document

# Values a fixture writes as mappings but a Terraform plan carries as JSON text.
JSON_TEXT_ATTRIBUTES = frozenset({"policy", "assume_role_policy", "container_definitions"})
# The context a rendering would add, empty: a fixture names what its scenario needs.
RENDERING_CONTEXT_DEFAULTS: Mapping[str, Any] = {
    "environment_source": "test fixture",
    "public_routes": [],
    "tenant_tables": [],
    "tenant_buckets": [],
    "tenant_bucket_addresses": {},
    "policy_workloads": {},
    "roles_tagged": False,
    "permission_boundaries": [],
}


def _as_plan_value(key: str, value: Any) -> Any:
    if key in JSON_TEXT_ATTRIBUTES and isinstance(value, Mapping | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, Mapping):
        return {k: _as_plan_value(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_plan_value(key, v) for v in value]
    return value


def fixture_plan(
    resources: Mapping[str, Mapping[str, Any]],
    *,
    environment: str = "prod",
    context: Mapping[str, Any] | None = None,
    references: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """A plan of ``{"<type>.<name>": values}``; ``references`` maps an address to {attribute: address}.

    A referenced attribute is left out of the values, as Terraform leaves out a value known only
    after apply, and named in the configuration, where Checkov's graph finds the connection.
    """
    references = references or {}
    planned, configured = [], []
    for address, values in resources.items():
        resource_type, name = address.split(".", 1)
        linked = references.get(address, {})
        planned_values = {k: _as_plan_value(k, v) for k, v in (values or {}).items() if k not in linked}
        planned.append(
            {"address": address, "mode": "managed", "type": resource_type, "name": name, "values": planned_values}
        )
        configured.append(
            {
                "address": address,
                "mode": "managed",
                "type": resource_type,
                "name": name,
                "provider_config_key": "aws",
                "expressions": {
                    attribute: {"references": [f"{target}.id", target]} for attribute, target in linked.items()
                },
            }
        )
    unknown = sorted({target for linked in references.values() for target in linked.values()} - set(resources))
    if unknown:
        raise ValueError(f"references to resources the fixture does not declare: {unknown}")
    full_context = {**environment_context(environment), **RENDERING_CONTEXT_DEFAULTS, **(context or {})}
    return plan_document(planned, configured, full_context, "us-east-1")
