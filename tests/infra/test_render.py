"""The offline renderer: what it records and how it reports a bad program or stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.render import RenderError, load_stack_config, render

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev():
    return render("dev")


def test_render_records_type_name_inputs_parent_and_dependencies(dev):
    aliases = dev.of_type("aws:kms/alias:Alias")
    assert aliases
    alias = aliases[0]
    key_urn = alias.property_dependencies["targetKeyId"][0]
    assert key_urn in alias.dependencies
    assert dev.by_urn()[key_urn].type == "aws:kms/key:Key"
    assert alias.parent is not None
    assert "DataKeys" in alias.parent
    assert alias.inputs["name"].startswith("alias/leadping-dev-")


def test_render_is_json_serialisable(dev):
    document = json.loads(json.dumps(dev.to_json()))
    assert document["stack"] == "dev"
    assert {r["type"] for r in document["resources"]} >= {"aws:kms/key:Key"}


def test_two_stacks_render_independently_in_one_process():
    dev = render("dev")
    prod = render("prod")
    assert all(":dev::" in r.urn for r in dev.resources)
    assert all(":prod::" in r.urn for r in prod.resources)
    assert dev.stack_outputs["environment"] == "dev"
    assert prod.stack_outputs["environment"] == "prod"


def test_invalid_settings_become_a_render_error_naming_the_key(tmp_path: Path):
    config = load_stack_config(ROOT / "Pulumi.dev.yaml")
    config["leadping:environment"] = "staging"
    with pytest.raises(RenderError, match="leadping:environment"):
        render("dev", config=config)


def test_missing_stack_file_is_a_render_error(tmp_path: Path):
    with pytest.raises(RenderError, match="no stack settings file"):
        render("nope", config_file=tmp_path / "Pulumi.nope.yaml")


def test_encrypted_config_values_are_refused(tmp_path: Path):
    stack_file = tmp_path / "Pulumi.x.yaml"
    stack_file.write_text("config:\n  leadping:token:\n    secure: AAAA\n")
    with pytest.raises(RenderError, match="encrypted secret"):
        load_stack_config(stack_file)


def test_structured_config_is_passed_as_json_like_pulumi_does():
    config = load_stack_config(ROOT / "Pulumi.dev.yaml")
    assert json.loads(config["leadping:publicRoutes"]) == ["GET /health"]
    assert config["aws:region"] == "us-east-1"


def test_cli_summary_and_bad_stack_exit_codes():
    ok = subprocess.run(
        [sys.executable, "-m", "infra.render", "--stack", "dev", "--summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert "aws:kms/key:Key" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "infra.render", "--stack", "staging"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "no stack settings file" in bad.stderr
    assert "Traceback" not in bad.stderr


LANGUAGE_HOST = """
import asyncio, runpy, sys
import pulumi, pulumi.runtime
from pulumi.runtime.stack import run_pulumi_func

class Mocks(pulumi.runtime.Mocks):
    def __init__(self):
        self.count = 0
    def new_resource(self, args):
        self.count += 1
        state = dict(args.inputs)
        state.setdefault("arn", "arn:aws:x:us-east-1:123456789012:" + args.name)
        state.setdefault("keyId", args.name)
        if state.get("manageMasterUserPassword"):
            secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-x"
            state.setdefault("masterUserSecrets", [{"secretArn": secret}])
        return args.name + "-id", state
    def call(self, args):
        return {"accountId": "123456789012", "partition": "aws", "name": "us-east-1",
                "names": ["us-east-1a", "us-east-1b", "us-east-1c"], "ids": ["vpc-default"]}

mocks = Mocks()
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), [])
pulumi.runtime.set_mocks(mocks, project="leadping", stack="prod", preview=False)
loop.run_until_complete(run_pulumi_func(lambda: runpy.run_path(sys.argv[1], run_name="__main__")))
print(mocks.count)
"""


def test_program_runs_the_way_the_pulumi_language_host_runs_it(tmp_path: Path):
    """The language host runs `runpy.run_path("infra/", run_name="__main__")` from the project
    root, with the stack's config in PULUMI_CONFIG and its own directory (not the project) first
    on sys.path."""
    host = tmp_path / "pulumi-language-python-exec.py"
    host.write_text(LANGUAGE_HOST)
    config = load_stack_config(ROOT / "Pulumi.prod.yaml")
    env = {**os.environ, "PULUMI_CONFIG": json.dumps(config)}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [sys.executable, str(host), "infra/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) == len(render("prod").resources)


def test_assets_are_described_by_what_they_hold_not_by_their_memory_address(tmp_path: Path):
    import pulumi

    from infra.render import PROJECT_ROOT, asset_label

    inside = PROJECT_ROOT / "infra" / "__main__.py"
    archive = pulumi.AssetArchive(
        {"b.py": pulumi.FileAsset(str(inside)), "a.txt": pulumi.StringAsset("hello"), "c": pulumi.FileArchive(".")}
    )
    label = asset_label(archive)
    assert label == asset_label(pulumi.AssetArchive(dict(archive.assets)))
    assert label.startswith("archive(a.txt=string:5 characters, sha256 2cf24dba5fb0, b.py=file:infra/__main__.py, c=")
    assert "0x" not in label
    outside = tmp_path / "code.zip"
    assert asset_label(pulumi.FileArchive(str(outside))) == f"file:{outside}"
    assert asset_label(pulumi.RemoteAsset("https://example.com/x.py")) == "https://example.com/x.py"
    assert asset_label("not an asset") is None
