"""The generator of the mapping data (policies/generate_mapping.py) on small schemas and real SDK types."""

from __future__ import annotations

import json

from policies import generate_mapping as g

LISTENER_BLOCK = {
    "attributes": {
        "port": {"type": "number"},
        "tags": {"type": ["map", "string"]},
        "load_balancer_arn": {"type": "string"},
        "mutual_authentication_ids": {"type": ["set", "string"]},
    },
    "block_types": {
        "default_action": {
            "nesting_mode": "list",
            "block": {
                "attributes": {"type": {"type": "string"}},
                "block_types": {
                    "redirect": {
                        "nesting_mode": "list",
                        "max_items": 1,
                        "block": {"attributes": {"status_code": {"type": "string"}}},
                    }
                },
            },
        }
    },
}


def test_terraform_blocks_become_nodes_with_the_shape_a_plan_gives_them():
    node = g._node(
        {
            "attributes": {
                "name": {"type": "string"},
                "settings": {"type": ["object", {"max_size": "number"}]},
                "targets": {"type": ["map", ["object", {"arn": "string"}]]},
                "framework": {"nested_type": {"nesting_mode": "single", "attributes": {"inner": {"type": "string"}}}},
            },
            "block_types": {
                "rule": {"nesting_mode": "set", "block": {}},
                "timeouts": {"nesting_mode": "single", "block": {}},
            },
        }
    )
    assert set(node.attributes) == {"name"}
    shapes = {name: shape for name, (shape, _child) in node.nested.items()}
    assert shapes == {
        "settings": "object",
        "targets": "map",
        "framework": "object",
        "rule": "list",
        "timeouts": "object",
    }
    assert node.nested["framework"][1].attributes == {"inner": "string"}


def test_a_terraform_providers_schema_document_is_read(tmp_path):
    document = {
        "provider_schemas": {
            "registry.terraform.io/hashicorp/aws": {"resource_schemas": {"aws_lb_listener": {"block": LISTENER_BLOCK}}}
        }
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(document))
    schema, without = g.load_terraform_schema(path)
    assert set(schema) == {"aws_lb_listener"}
    assert without == set()
    assert "default_action" in schema["aws_lb_listener"].nested


def test_properties_are_named_from_the_sdk_types_and_the_schema():
    """The listener's SDK types against a cut-down schema: plurals find their blocks, an object is
    flattened from a block of one, and what the schema lacks is flagged and reported."""
    import pulumi_aws

    props = g.input_properties(pulumi_aws.lb.ListenerArgs)
    props = {k: v for k, v in props.items() if k in ("port", "tags", "loadBalancerArn", "defaultActions", "sslPolicy")}
    report = g.Report()
    specs = g.map_properties(props, g._node(LISTENER_BLOCK), {}, report, "listener")
    assert specs["port"] == 0
    assert specs["tags"] == 0
    name, shape, children = specs["defaultActions"]
    assert (name, shape) == ("default_action", "list")
    assert children["redirect"][:2] == [0, "list"]
    assert children["redirect"][2]["statusCode"] == 0
    assert specs["sslPolicy"] == [0, "", 0, g.GUESSED]
    assert "listener: ssl_policy" in report.guessed


def test_a_renamed_property_the_rules_miss_is_paired_with_the_one_name_that_extends_it():
    node = g._node({"attributes": {"rest_api_id": {"type": "string"}, "stage_name": {"type": "string"}}})
    props = {"restApi": g.PulumiProperty("scalar", None), "stageName": g.PulumiProperty("scalar", None)}
    report = g.Report()
    assert g.map_properties(props, node, {}, report, "stage") == {"restApi": "rest_api_id", "stageName": 0}
    assert report.paired == ["stage: restApi -> rest_api_id"]


def test_tokens_find_their_terraform_types():
    scalar = g.PulumiProperty("scalar", None)
    tokens = {
        "aws:ec2/securityGroup:SecurityGroup": {"name": scalar},
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {"name": scalar},
        "aws:rds/instance:Instance": {"identifier": scalar},
        "aws:s3/bucket:Bucket": {"bucket": scalar},
        "aws:s3/bucketV2:BucketV2": {"bucket": scalar},
        "aws:newservice/widget:Widget": {"size": scalar},
    }
    known = {"aws_security_group", "aws_default_security_group", "aws_db_instance", "aws_s3_bucket"}
    schema = {
        "aws_db_instance": g._node({"attributes": {"identifier": {"type": "string"}}}),
        "aws_security_group": g._node({"attributes": {"name": {"type": "string"}}}),
        "aws_default_security_group": g._node({"attributes": {"name": {"type": "string"}}}),
        "aws_s3_bucket": g._node({"attributes": {"bucket": {"type": "string"}}}),
    }
    report = g.Report()
    found = g.match_types(tokens, schema, known, {}, report)
    assert found == {
        "aws:ec2/securityGroup:SecurityGroup": "aws_security_group",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "aws_default_security_group",
        "aws:rds/instance:Instance": "aws_db_instance",
        "aws:s3/bucket:Bucket": "aws_s3_bucket",
        "aws:s3/bucketV2:BucketV2": "aws_s3_bucket",
        "aws:newservice/widget:Widget": "aws_newservice_widget",
    }
    assert report.unverified_types == ["aws:newservice/widget:Widget -> aws_newservice_widget"]
    exceptions = {"aws:newservice/widget:Widget": "aws_widget"}
    assert g.match_types(tokens, schema, known, exceptions, g.Report())["aws:newservice/widget:Widget"] == "aws_widget"


def test_the_snake_case_variants_cover_digits_and_acronyms():
    assert "address_line_1" in g.snake_variants("addressLine1")
    assert "x_amzn_tls_version" in g.snake_variants("xAmznTlsVersion")
    assert g.snake_variants("enableKeyRotation") == ["enable_key_rotation"]


def test_a_missing_schema_path_is_one_line_and_exit_2(tmp_path, capsys):
    assert g.main(["--terraform-schema", str(tmp_path / "absent"), "--terraform-version", "6.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "does not exist" in err
