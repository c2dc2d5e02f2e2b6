"""Small helpers the components share for turning Outputs into policy JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi


def policy_json(build: Callable[..., dict[str, Any]], *inputs: pulumi.Input[Any], **keyword: Any) -> pulumi.Output[str]:
    """JSON of ``build(*resolved inputs, **keyword)``: policy functions stay pure, Outputs stay here."""
    return pulumi.Output.all(*inputs).apply(lambda values: json.dumps(build(*values, **keyword), sort_keys=True))


def child(parent: pulumi.Resource, **options: Any) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, **options)
