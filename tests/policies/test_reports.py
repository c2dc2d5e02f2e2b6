"""The gate's reports (policies/reports.py) on a hand-built result: where findings point, what was not judged.

Every format names the file and line where the program constructs a failing resource, and lists
what the gate did not judge; the SARIF is valid 2.1.0 and its paths are relative to the repository.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema

from infra.render import PROJECT_ROOT
from policies import gate
from policies.export import ExportedPlan, PulumiResource
from policies.reports import CHECKOV_POLICY_INDEX, SOURCE_ROOT_ID, cli_text, junit_xml, sarif

SARIF_SCHEMA = json.loads((PROJECT_ROOT / "compliance_checks" / "schemas" / "sarif-2.1.0.json").read_text())

WEB = PulumiResource(
    "aws_security_group.web", "urn:pulumi:dev::team::aws:ec2/securityGroup:SecurityGroup::web", "web",
    "aws:ec2/securityGroup:SecurityGroup", None,
)  # fmt: skip
OPEN_80 = gate.Finding(
    stack="dev",
    check_id="CKV_AWS_260",
    check_name="Ensure no security groups allow ingress from 0.0.0.0:0 to port 80",
    address="aws_security_group.web",
    resource=WEB,
    control="NETWORKING",
    source="team/infra/network.py:18",
)
NO_LINE = gate.Finding("dev", "CKV_AWS_24", "port 22", "aws_security_group.web", WEB, "NETWORKING")
CUSTOM = gate.Finding(
    "dev", "TEAM_S3_OWNER_TAG", "owner tag", "aws_s3_bucket.site", None, "GENERAL_SECURITY", severity="HIGH",
    guideline="https://example.com/team/owner-tags", source="team/infra/__main__.py:4",
)  # fmt: skip
PET = gate.Unjudged(
    "dev", "pet", "random:index/randomPet:RandomPet", "team/infra/__main__.py:3", "a resource of the random provider"
)
VPC = gate.Unjudged("dev", "vpc", "awsx:ec2:Vpc", "", "remote component: accepted unjudged")


def result(**changes) -> gate.GateResult:
    base = gate.GateResult(
        stacks=["dev"],
        failures=[OPEN_80, NO_LINE, CUSTOM],
        not_judged=[PET, VPC],
        profile="generic",
        stack_context=False,
        skipped_ids=[],
        limited_ids=[],
        source_root=Path("/repo"),
        entry_files={"dev": "team/infra/__main__.py"},
        exports={"dev": ExportedPlan("dev", {}, {WEB.address: WEB})},
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def locations(document: dict) -> dict[str, tuple[dict, int]]:
    return {
        r["ruleId"]: (
            r["locations"][0]["physicalLocation"]["artifactLocation"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in document["runs"][0]["results"]
    }


def test_sarif_is_valid_and_points_each_result_at_the_line_constructing_its_resource():
    document = sarif(result())
    jsonschema.validate(document, SARIF_SCHEMA)
    found = locations(document)
    assert found["CKV_AWS_260"] == ({"uri": "team/infra/network.py", "uriBaseId": SOURCE_ROOT_ID}, 18)
    assert found["TEAM_S3_OWNER_TAG"] == ({"uri": "team/infra/__main__.py", "uriBaseId": SOURCE_ROOT_ID}, 4)


def test_a_finding_whose_line_is_unknown_points_at_the_programs_entry_file():
    assert locations(sarif(result()))["CKV_AWS_24"] == (
        {"uri": "team/infra/__main__.py", "uriBaseId": SOURCE_ROOT_ID},
        1,
    )


def test_a_file_outside_the_repository_is_an_absolute_file_uri_without_a_base():
    outside = gate.Finding("dev", "CKV_AWS_24", "port 22", WEB.address, WEB, "NETWORKING", source="/opt/lib/net.py:9")
    document = sarif(result(failures=[outside]))
    jsonschema.validate(document, SARIF_SCHEMA)
    assert locations(document)["CKV_AWS_24"] == ({"uri": "file:///opt/lib/net.py"}, 9)


def test_sarif_results_name_the_pulumi_resource_as_their_logical_location():
    (first, *_rest) = sarif(result())["runs"][0]["results"]
    assert first["locations"][0]["logicalLocations"] == [
        {"name": "web", "fullyQualifiedName": WEB.urn, "kind": "resource"}
    ]


def test_sarif_rules_carry_help_and_the_security_severity_where_known():
    rules = {r["id"]: r for r in sarif(result())["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["CKV_AWS_260"]["helpUri"] == CHECKOV_POLICY_INDEX
    assert "security-severity" not in rules["CKV_AWS_260"]["properties"], "Checkov gave no severity offline"
    assert rules["TEAM_S3_OWNER_TAG"]["helpUri"] == "https://example.com/team/owner-tags"
    assert rules["TEAM_S3_OWNER_TAG"]["properties"]["security-severity"] == "8.0"
    assert "owner tag" in rules["TEAM_S3_OWNER_TAG"]["help"]["text"]


def test_sarif_lists_what_was_not_judged_as_notifications_and_run_properties():
    run = sarif(result())["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["note", "note"]
    assert "random:index/randomPet:RandomPet" in notes[0]["message"]["text"]
    assert notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert run["properties"]["notJudgedCount"] == 2
    assert {(u["type"], u["name"]) for u in run["properties"]["notJudged"]} == {
        ("random:index/randomPet:RandomPet", "pet"),
        ("awsx:ec2:Vpc", "vpc"),
    }
    assert not [r for r in run["results"] if r["level"] != "error"], "not judged is no alert"


def test_junit_lists_not_judged_resources_as_skipped_cases_and_locates_failures():
    root = ET.fromstring(junit_xml(result()))  # noqa: S314 - the gate's own report
    (suite,) = root.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("5", "3", "2")
    skipped = [c for c in suite.findall("testcase") if c.find("skipped") is not None]
    assert [(c.get("classname"), c.get("name")) for c in skipped] == [
        ("dev.not-judged", "pet (random:index/randomPet:RandomPet)"),
        ("dev.not-judged", "vpc (awsx:ec2:Vpc)"),
    ]
    assert skipped[0].get("file") == "team/infra/__main__.py"
    assert skipped[0].get("line") == "3"
    failed = {c.get("classname"): c for c in suite.findall("testcase") if c.find("failure") is not None}
    assert (failed["dev.CKV_AWS_260"].get("file"), failed["dev.CKV_AWS_260"].get("line")) == (
        "team/infra/network.py",
        "18",
    )
    assert failed["dev.CKV_AWS_260"].find("failure").text.endswith(" at team/infra/network.py:18")
    assert failed["dev.CKV_AWS_24"].get("file") is None, "no line is invented"


def test_the_console_names_the_line_of_each_failure_and_counts_what_was_not_judged():
    text = cli_text(result())
    assert "FAIL CKV_AWS_260 [NETWORKING] stack dev: web (aws:ec2/securityGroup:SecurityGroup)" in text
    assert "port 80 at team/infra/network.py:18\n" in text
    assert "  dev: 1 resources exported, 2 not judged\n" in text
    assert (
        "NOT JUDGED stack dev: pet (random:index/randomPet:RandomPet) at team/infra/__main__.py:3: "
        "a resource of the random provider\n"
    ) in text
    assert "NOT JUDGED stack dev: vpc (awsx:ec2:Vpc): remote component: accepted unjudged\n" in text
    assert (
        "gate FAILED: 3 failed checks, 0 secrets, 0 errors; 2 resources not judged; profile generic, nothing skipped"
        in text
    )
    assert "environment" not in text, "the generic profile reads no Leadping environment"


def test_not_judged_resources_alone_do_not_fail_the_gate():
    passing = result(failures=[])
    assert passing.ok
    assert "gate PASSED: 0 failed checks, 0 secrets, 0 errors; 2 resources not judged" in cli_text(passing)


def test_the_console_names_the_profiles_skip_list():
    text = cli_text(
        result(profile="leadping", skipped_ids=["CKV_AWS_260"], limited_ids=["CKV_AWS_157"], skips_source="skips.yaml")
    )
    assert (
        "profile leadping (skips.yaml: 1 built-in checks skipped, 1 limited to named environments or resources)" in text
    )
