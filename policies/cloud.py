"""The resource handler the gate renders with: the shared FakeCloud plus the outputs links need.

When a program passes one resource's output to another (``allocation_id=eip.id`` is fine, but
``parameter_group_name=group.name`` or ``allocation_id=eip.allocation_id`` read outputs) and the
offline cloud does not answer that output, Pulumi drops the input *and* its dependency, so the
plan would lose the link between the two resources and Checkov's connection checks would judge
them apart. GateCloud answers those outputs: ``name`` for every type whose Terraform schema has
one (the provider returns the given or generated name), and a few ids other types are known by.
"""

from __future__ import annotations

from typing import Any

from infra.render import FakeCloud
from policies.mapping import TypeMap

# Outputs (beyond `name`) that programs pass on, per type; same templates as FakeCloud's.
EXTRA_OUTPUTS: dict[str, dict[str, str]] = {
    "aws:ec2/eip:Eip": {"allocationId": "eipalloc-{hash}", "publicIp": "192.0.2.10"},
    "aws:apigateway/restApi:RestApi": {
        "rootResourceId": "{hash}",
        "executionArn": "arn:aws:execute-api:{region}:{account}:{id}",
    },
    "aws:lambda/function:Function": {
        "invokeArn": "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:{region}:{account}:function:{id}/invocations",
    },
}


class GateCloud(FakeCloud):
    def __init__(self, *args: Any, type_map: TypeMap | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type_map = type_map or TypeMap()

    def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]:
        resource_id, state = super().new_resource(args)
        if args.typ.startswith("pulumi:") or resource_id is None:
            return resource_id, state
        has_name = self.type_map.knows(args.typ) and "name" in self.type_map.terraform_attributes(args.typ)
        if has_name and "name" not in state:
            state["name"] = resource_id
        values = {
            "id": resource_id,
            "name": args.name,
            "region": state.get("region") if isinstance(state.get("region"), str) else self.region,
            "account": self.account_id,
            "hash": str(state.get("id", resource_id))[-7:],
        }
        for attribute, template in EXTRA_OUTPUTS.get(args.typ, {}).items():
            state.setdefault(attribute, template.format(**values))
        return resource_id, state
