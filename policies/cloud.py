"""The resource handler the gate renders with: the shared FakeCloud plus the outputs links need.

When a program passes one resource's output to another (``allocation_id=eip.id`` is fine, but
``parameter_group_name=group.name`` or ``allocation_id=eip.allocation_id`` read outputs) and the
offline cloud does not answer that output, a preview render sees it as unknown: the plan keeps the
link (a reference in ``configuration``) but loses the value, and a value built from it (a name, a
policy) becomes unknown too. GateCloud answers those outputs the provider knows before anything is
created: ``name`` for every type whose Terraform schema has one (Pulumi auto-names it when the
program does not), and a few ids other types are known by.

GateCloud is plain data (``FakeCloud.spec()``), so a program rendered in its own environment
(``render(python=...)``) gets the same answers.
"""

from __future__ import annotations

from typing import Any

from infra.fake_cloud import FakeCloud
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


def named_types(type_map: TypeMap) -> set[str]:
    """The Pulumi types whose Terraform resource has a ``name`` attribute."""
    return {token for token in type_map.tokens() if "name" in type_map.terraform_attributes(token)}


class GateCloud(FakeCloud):
    def __init__(self, *args: Any, type_map: TypeMap | None = None, **kwargs: Any) -> None:
        tm = type_map or TypeMap()
        super().__init__(*args, named_types=named_types(tm), extra_outputs=EXTRA_OUTPUTS, **kwargs)
        self.type_map = tm
