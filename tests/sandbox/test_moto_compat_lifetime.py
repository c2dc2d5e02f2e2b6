"""The sandbox's moto fixes exist only while a sandbox runs (``fixes()``), and are undone after it."""

from __future__ import annotations

from sandbox.moto_compat import fixes


def test_the_fixes_last_as_long_as_the_outermost_block():
    from moto.backup import urls
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore
    from moto.sns.models import SNSBackend

    original = SNSBackend.__dict__["subscribe"]
    assert not hasattr(ElasticBlockStore, "get_ebs_default_kms_key_id")
    with fixes():
        with fixes():  # re-entrant: leaving the inner block keeps them
            pass
        assert hasattr(ElasticBlockStore, "get_ebs_default_kms_key_id")
        assert "{0}/account-settings$" in urls.url_paths
        assert SNSBackend.__dict__["subscribe"] is not original
    assert not hasattr(ElasticBlockStore, "get_ebs_default_kms_key_id")
    assert "{0}/account-settings$" not in urls.url_paths
    assert SNSBackend.__dict__["subscribe"] is original
