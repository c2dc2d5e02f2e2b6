"""The default VPCs AWS creates in every region: flow-logged and locked down (LP-LOG-1, LP-TX-1).

CONTROLS.md asks for flow logs (ALL traffic) on every VPC, and the live check sees the default VPC
of each region the stack uses. The program does not run anything there, so it adopts what exists
instead of creating anything: it looks the default VPC up (``aws.ec2.get_vpcs`` filtered on
``is-default``) and gives it a flow log into the log archive and a default security group with no
rules. An account (or region) whose default VPC has been deleted simply has none to adopt.

``aws.ec2.DefaultVpc`` is not used: it creates a default VPC where there is none, bringing back
the public-by-default network that deleting it removed (which is also why Checkov's CKV_AWS_148
fails it). VPC flow logs deliver to an S3 bucket in another region (the object keys carry the
region), so every region's flow logs land in the one archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from infra.components._outputs import child
from infra.components.network import lock_down_and_log


@dataclass(frozen=True)
class DefaultVpcsArgs:
    name_prefix: str
    # The stack's own region (its default provider) first, then the other regions it uses.
    regions: tuple[str, ...]
    flow_log_bucket_arn: pulumi.Input[str]
    tags: dict[str, str] = field(default_factory=dict)


class DefaultVpcs(pulumi.ComponentResource):
    flow_logs: list[aws.ec2.FlowLog]

    def __init__(self, name: str, args: DefaultVpcsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:network:DefaultVpcs", name, None, opts)
        self.flow_logs = []
        self.vpc_ids: dict[str, list[str]] = {}
        for index, region in enumerate(args.regions):
            # The home region uses the stack's provider; another region gets its own.
            provider = None if index == 0 else aws.Provider(f"{name}-{region}", region=region, opts=child(self))
            found = aws.ec2.get_vpcs(
                filters=[{"name": "is-default", "values": ["true"]}],
                opts=pulumi.InvokeOptions(parent=self, provider=provider),
            )
            self.vpc_ids[region] = list(found.ids)
            for vpc_id in found.ids:
                self.flow_logs.append(
                    lock_down_and_log(
                        f"{name}-{region}",
                        vpc_id,
                        args.flow_log_bucket_arn,
                        security_group_name=f"{args.name_prefix}-default-vpc-locked",
                        tags={**args.tags, "Name": f"{args.name_prefix}-default-vpc-{region}"},
                        opts=child(self, provider=provider),
                    )
                )
        self.register_outputs({"default_vpc_ids": self.vpc_ids})
