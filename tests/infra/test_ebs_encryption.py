"""EBS encryption by default with a customer key in every region the stack uses (LP-DR-1)."""

from __future__ import annotations

import json

from tests.infra.rendered import named, output, provider_region, regions_of

ENCRYPTION = "aws:ebs/encryptionByDefault:EncryptionByDefault"
DEFAULT_KEY = "aws:ebs/defaultKmsKey:DefaultKmsKey"


def _prefix(stack, region: str) -> str:
    """The stack's own region is the network component's; another region is EbsEncryption's."""
    return "network" if region == stack.config["aws:region"] else f"ebs-encryption-{region}"


def test_every_region_the_stack_uses_encrypts_ebs_by_default(stack):
    regions = regions_of(stack)
    encryptions = stack.of_type(ENCRYPTION)
    assert sorted(provider_region(stack, e) for e in encryptions) == sorted(regions)
    assert all(e.inputs["enabled"] is True for e in encryptions)


def test_each_region_defaults_to_its_own_rotating_customer_key(stack):
    for region in regions_of(stack):
        prefix = _prefix(stack, region)
        key = named(stack, "aws:kms/key:Key", f"{prefix}-ebs-key")
        default = named(stack, DEFAULT_KEY, f"{prefix}-ebs-default-key")
        assert provider_region(stack, key) == provider_region(stack, default) == region
        assert default.inputs["keyArn"] == output(key, "arn")
        assert key.inputs["enableKeyRotation"] is True
        policy = json.dumps(key.inputs["policy"])
        assert f"ec2.{region}.amazonaws.com" in policy, "the key admits EBS of its own region"


def test_prod_covers_the_backup_copy_region_and_dev_has_one_region(prod, dev):
    assert provider_region(prod, named(prod, ENCRYPTION, "ebs-encryption-us-west-2-ebs-encryption")) == "us-west-2"
    assert [provider_region(dev, e) for e in dev.of_type(ENCRYPTION)] == [dev.config["aws:region"]]
