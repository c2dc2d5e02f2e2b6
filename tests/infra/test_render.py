"""The offline renderer: what it records and how it reports a bad program or stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from infra.render import RenderError, load_stack_config, render
from infra.render_runtime import ENCRYPTED_VALUE

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


def test_a_preview_reads_a_top_level_encrypted_setting_and_still_refuses_one_nested_in_a_value(tmp_path: Path):
    stack_file = tmp_path / "Pulumi.x.yaml"
    stack_file.write_text("config:\n  app:token:\n    secure: AAAA\n  app:name: web\n")
    assert load_stack_config(stack_file, encrypted=True) == {"app:token": ENCRYPTED_VALUE, "app:name": "web"}
    stack_file.write_text("config:\n  app:list:\n    - secure: AAAA\n")
    with pytest.raises(RenderError, match="encrypted secret"):
        load_stack_config(stack_file, encrypted=True)


ENCRYPTED_SETTINGS = """\
import json
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
password = config.require_secret("dbPassword")
settings = config.get_secret_object("settings")
aws.ssm.Parameter(
    "password",
    type="SecureString",
    value=password.apply(lambda text: json.loads(text)["password"]),
)
aws.s3.Bucket("name", tags={"db": config.require("dbName")})
aws.s3.Bucket("plain-use", tags={"key": config.require("apiKey")})
"""


def test_a_preview_renders_encrypted_settings_as_unknown_secrets(tmp_path: Path):
    """Given settings set with `pulumi config set --secret`, then a preview runs the program with each
    secret use unknown (its .apply code does not run) where a deployment render refuses to start."""
    directory = write_program(tmp_path, ENCRYPTED_SETTINGS)
    (directory / "Pulumi.dev.yaml").write_text(
        "config:\n  aws:region: us-east-1\n  sample:dbName: leads\n"
        "  sample:dbPassword:\n    secure: v1:AAAAexample\n  sample:settings:\n    secure: v1:AAAAexample\n"
        "  sample:apiKey:\n    secure: v1:AAAAexample\n"
    )
    rendering = render("dev", project_dir=directory, preview=True)
    by_name = {r.name: r for r in rendering.resources}
    assert by_name["password"].unknown == ("value",)
    assert by_name["name"].inputs["tags"] == {"db": "leads"}
    # A secret read through a plain getter: the program sees a placeholder, never the ciphertext.
    assert by_name["plain-use"].inputs["tags"] == {"key": ENCRYPTED_VALUE}
    with pytest.raises(RenderError, match=r"config.sample:dbPassword: is an encrypted secret"):
        render("dev", project_dir=directory)
    config = load_stack_config(directory / "Pulumi.dev.yaml", encrypted=True)
    with pytest.raises(RenderError, match=r"sample:apiKey, sample:dbPassword, sample:settings encrypted"):
        render("dev", project_dir=directory, config=config)


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


# -- rendering as `pulumi preview` does (render(preview=True)) -----------------------------------


def write_program(tmp_path: Path, source: str, files: dict[str, str] | None = None) -> Path:
    """A one-stack Pulumi project ("dev", us-east-1) whose __main__.py is ``source``."""
    directory = tmp_path / "program"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: sample\nruntime: python\n")
    (directory / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (directory / "__main__.py").write_text(textwrap.dedent(source))
    for name, text in (files or {}).items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(textwrap.dedent(text))
    return directory


def line_of(directory: Path, text: str, file: str = "__main__.py") -> str:
    """``file:line`` of the first line of ``file`` that contains ``text``."""
    lines = (directory / file).read_text().splitlines()
    return f"{file}:{next(i for i, line in enumerate(lines, 1) if text in line)}"


WEBSITE = """\
import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("site")
website = aws.s3.BucketWebsiteConfiguration("site-website", bucket=bucket.id, index_document={"suffix": "index.html"})
pulumi.export("url", website.website_endpoint.apply(lambda endpoint: endpoint.upper()))
aws.s3.BucketObject("index", bucket=bucket.id, key="index.html", content=website.website_endpoint)
"""


def test_a_preview_runs_no_apply_on_an_output_only_the_cloud_knows(tmp_path: Path):
    """Given a program that upper-cases its website endpoint, then a preview renders it (the
    endpoint is unknown, as in `pulumi preview`) where a deployment render, which must know
    everything, fails at that line."""
    directory = write_program(tmp_path, WEBSITE)
    rendering = render("dev", project_dir=directory, preview=True)
    assert "url" not in rendering.stack_outputs
    index = next(r for r in rendering.resources if r.name == "index")
    assert index.unknown == ("content",)
    assert "content" not in index.inputs
    with pytest.raises(RenderError) as failed:
        render("dev", project_dir=directory)
    assert f"at {line_of(directory, 'endpoint.upper()')}: AttributeError" in str(failed.value)


def test_unknown_parts_of_an_input_are_recorded_by_path_and_the_known_parts_kept(tmp_path: Path):
    directory = write_program(
        tmp_path,
        """\
        import pulumi
        import pulumi_aws as aws

        website = aws.s3.BucketWebsiteConfiguration("w", bucket="b", index_document={"suffix": "i.html"})
        aws.ec2.SecurityGroup(
            "web",
            description=website.website_endpoint,
            ingress=[{"protocol": "tcp", "from_port": 443, "to_port": 443,
                      "cidr_blocks": [website.website_domain, "10.0.0.0/8"]}],
            tags={"team": "web", "endpoint": website.website_endpoint},
        )
        """,
    )
    rendering = render("dev", project_dir=directory, preview=True)
    group = next(r for r in rendering.resources if r.name == "web")
    assert group.unknown == ("description", "ingress[0].cidrBlocks[0]", "tags.endpoint")
    assert group.inputs["ingress"][0]["cidrBlocks"] == [None, "10.0.0.0/8"]
    assert group.inputs["tags"] == {"team": "web"}
    assert "description" not in group.inputs


FUNCTIONS = """\
import pulumi
import pulumi_aws as aws

parameter = aws.ssm.get_parameter_output(name="/app/image")
pulumi.export("image", parameter.value.apply(lambda value: value.split(":")[1]))
plain = aws.ssm.get_parameter(name="/app/other")
pulumi.export("plain", plain.value)
again = aws.ssm.get_parameter_output(name="/app/third")
document = aws.iam.get_policy_document(
    statements=[{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"], "principals": [
        {"type": "AWS", "identifiers": ["arn:aws:iam::123456789012:root"]}]}]
)
aws.s3.BucketPolicy("policy", bucket="b", policy=document.json)
"""


def test_a_preview_answers_a_function_it_cannot_know_as_unknown_with_one_warning_naming_it(tmp_path: Path):
    """Given a program that reads SSM parameters (only the account holds them), then their value is
    unknown (the `.apply` does not run; the plain call gets an empty result) and one warning names
    the function with its number of calls; getPolicyDocument is still answered faithfully."""
    directory = write_program(tmp_path, FUNCTIONS)
    rendering = render("dev", project_dir=directory, preview=True)
    assert "image" not in rendering.stack_outputs
    assert rendering.stack_outputs.get("plain") is None
    unanswered = [w for w in rendering.warnings if "getParameter" in w]
    assert unanswered == [
        "provider function 'aws:ssm/getParameter:getParameter' could not be answered offline (3 calls): "
        "its result is unknown"
    ]
    policy = json.loads(next(r for r in rendering.resources if r.name == "policy").inputs["policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}


def test_a_deployment_render_stops_on_a_function_it_cannot_answer_naming_it(tmp_path: Path):
    directory = write_program(tmp_path, FUNCTIONS)
    with pytest.raises(RenderError, match="does not know the provider function 'aws:ssm/getParameter:getParameter'"):
        render("dev", project_dir=directory)


def test_the_program_runs_in_its_own_directory_which_is_restored_afterwards(tmp_path: Path, monkeypatch):
    """Given relative paths (a FileAsset, a file the program opens), then they resolve from the
    program's directory, as Pulumi runs a program; the caller's directory is back afterwards,
    also when the program fails."""
    directory = write_program(
        tmp_path,
        """\
        import pulumi
        import pulumi_aws as aws

        with open("config/name.txt") as handle:
            name = handle.read().strip()
        aws.s3.BucketObject("index", bucket=name, key="index.html", source=pulumi.FileAsset("www/index.html"))
        """,
        files={"config/name.txt": "site-bucket\n", "www/index.html": "<p>hi</p>\n"},
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    rendering = render("dev", project_dir=directory, preview=True)
    index = next(r for r in rendering.resources if r.name == "index")
    assert index.inputs["bucket"] == "site-bucket"
    assert index.inputs["source"] == "file:www/index.html"
    assert Path.cwd() == elsewhere
    (directory / "config" / "name.txt").unlink()
    with pytest.raises(RenderError, match="FileNotFoundError"):
        render("dev", project_dir=directory, preview=True)
    assert Path.cwd() == elsewhere


def test_a_failing_program_is_named_by_file_and_line_in_one_line_with_its_traceback_kept(tmp_path: Path):
    directory = write_program(
        tmp_path,
        """\
        import settings

        settings.check()
        """,
        files={"settings.py": 'def check():\n    raise ValueError("region\\nmissing")\n'},
    )
    with pytest.raises(RenderError) as failed:
        render("dev", project_dir=directory, preview=True)
    message = str(failed.value)
    assert message == "stack 'dev': the program failed at settings.py:2: ValueError: region; missing"
    assert "\n" not in message
    assert failed.value.traceback.startswith("Traceback (most recent call last):")
    assert 'settings.py", line 2, in check' in failed.value.traceback


def test_the_cli_prints_the_traceback_only_when_verbose(tmp_path: Path):
    directory = write_program(tmp_path, "raise KeyError('boom')\n")
    command = [sys.executable, "-m", "infra.render", "--stack", "dev", "--project-dir", str(directory), "--preview"]
    quiet, verbose = (
        subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
        for argv in (command, [*command, "--verbose"])
    )
    assert quiet.returncode == verbose.returncode == 2
    assert quiet.stderr.strip() == "error: stack 'dev': the program failed at __main__.py:1: KeyError: 'boom'"
    assert "Traceback (most recent call last)" in verbose.stderr
    assert verbose.stderr.strip().endswith(quiet.stderr.strip())


COMPONENTS = """\
import pulumi
import pulumi_aws as aws
from storage import Storage

storage = Storage("data")
key = aws.kms.Key(
    "key",
    description="the data key",
)
"""
STORAGE = """\
import pulumi
import pulumi_aws as aws


class Storage(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("sample:storage:Storage", name, None, opts)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})
"""


def test_each_resource_records_the_program_statement_that_constructed_it(tmp_path: Path):
    """Given a component in a module of the program, then the component points at the line that
    constructs it, its child at the line inside the component, a multi-line call at its first line."""
    directory = write_program(tmp_path, COMPONENTS, files={"storage.py": STORAGE})
    rendering = render("dev", project_dir=directory, preview=True)
    sources = {r.name: r.source for r in rendering.resources}
    assert sources["data"] == line_of(directory, 'Storage("data")')
    assert sources["data-bucket"] == line_of(directory, "aws.s3.Bucket(", "storage.py")
    assert sources["key"] == line_of(directory, "aws.kms.Key(")


def test_our_stacks_record_the_component_line_of_each_resource(dev):
    bucket = next(r for r in dev.resources if r.name == "data-call-recordings-bucket")
    path, line = bucket.source.split(":")
    assert path == "infra/components/secure_bucket.py"
    assert "aws.s3.Bucket(" in (ROOT / path).read_text().splitlines()[int(line) - 1]
    assert all(r.source and r.source.startswith("infra/") for r in dev.resources)
    (keys,) = dev.of_type("leadping:security:DataKeys")
    path, line = keys.source.split(":")
    assert path == "infra/__main__.py"
    assert "DataKeys(" in (ROOT / path).read_text().splitlines()[int(line) - 1]


def test_a_remote_component_is_recorded_without_children_and_its_outputs_stay_unknown(tmp_path: Path):
    """Given an awsx-style component (registered with remote=True), then it is recorded as remote,
    nothing is rendered inside it, and what the program builds from its outputs is unknown."""
    directory = write_program(
        tmp_path,
        """\
        import pulumi
        import pulumi_aws as aws

        class Vpc(pulumi.ComponentResource):
            def __init__(self, name, opts=None):
                super().__init__("awsx:ec2:Vpc", name, {"vpc_id": None}, opts, remote=True)

        vpc = Vpc("vpc")
        aws.ec2.SecurityGroup("web", vpc_id=vpc.vpc_id)
        """,
    )
    rendering = render("dev", project_dir=directory, preview=True)
    (vpc,) = rendering.of_type("awsx:ec2:Vpc")
    assert vpc.remote
    assert not vpc.custom
    assert not [r for r in rendering.resources if r.parent == vpc.urn]
    (group,) = rendering.of_type("aws:ec2/securityGroup:SecurityGroup")
    assert group.unknown == ("vpcId",)
    assert group.property_dependencies["vpcId"] == (vpc.urn,)
    assert not group.remote


@pytest.mark.parametrize("preview", [False, True], ids=["deployment", "preview"])
def test_a_remote_component_given_the_programs_resources_renders_and_records_their_ids(tmp_path: Path, preview):
    """Given a remote component whose inputs are resources of the program (pulumi-aws-apigateway's
    RestAPI takes a Lambda Function as a route's handler; the SDK sends the component references to
    them), then the render finishes and records each reference as the resource's id, or a component's
    urn. It waited for ever before: each reference was rebuilt as a new resource on the monitor's
    thread, whose outputs no event loop resolved (the pulumi/templates serverless-aws-python hung)."""
    directory = write_program(
        tmp_path,
        """\
        import pulumi
        import pulumi_aws as aws

        class Group(pulumi.ComponentResource):
            def __init__(self, name):
                super().__init__("example:index:Group", name, None, None)

        class RestAPI(pulumi.ComponentResource):
            def __init__(self, name, props):
                super().__init__("aws-apigateway:index:RestAPI", name, props, None, remote=True)

        role = aws.iam.Role("role", assume_role_policy="{}")
        fn = aws.lambda_.Function("fn", role=role.arn, runtime="python3.12", handler="h.h", s3_bucket="code",
                                  s3_key="fn.zip")
        api = RestAPI("api", {"routes": [{"path": "/date", "eventHandler": fn}], "group": Group("group"),
                              "url": None})
        pulumi.export("url", api.url)
        """,
    )
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(render("dev", project_dir=directory, preview=preview)))
    worker.daemon = True
    worker.start()
    worker.join(120)
    assert done, "the render did not finish in 120 s"
    (rendering,) = done
    (api,) = rendering.of_type("aws-apigateway:index:RestAPI")
    (fn,) = rendering.of_type("aws:lambda/function:Function")
    (group,) = rendering.of_type("example:index:Group")
    assert api.remote
    assert api.inputs["routes"] == [{"path": "/date", "eventHandler": fn.id}]
    assert fn.id
    assert api.inputs["group"] == group.urn


def test_a_program_that_does_not_finish_is_stopped_with_one_line(tmp_path: Path, monkeypatch):
    """A program that waits on something the offline render cannot give is stopped after
    RENDER_TIMEOUT_SECONDS (in a program's own interpreter the render stops itself the same way)."""
    from infra import render_runtime

    monkeypatch.setattr(render_runtime, "RENDER_TIMEOUT_SECONDS", 1)
    directory = write_program(tmp_path, "import time\nimport pulumi_aws as aws\ntime.sleep(4)\naws.s3.Bucket('b')\n")
    with pytest.raises(RenderError, match=r"^stack 'dev': the program did not finish rendering within 1s") as caught:
        render("dev", project_dir=directory)
    assert "\n" not in str(caught.value)
    time.sleep(4)  # the stopped program's thread ends before the next test renders


def test_another_providers_resource_is_recorded_with_only_its_inputs_known(tmp_path: Path):
    directory = write_program(
        tmp_path,
        """\
        import pulumi_aws as aws
        import pulumi_random as random

        suffix = random.RandomPet("suffix", length=2)
        aws.s3.Bucket("named", bucket=suffix.id.apply(lambda pet: f"data-{pet}"))
        aws.s3.BucketPolicy("policy", bucket="b", policy=suffix.keepers.apply(str))
        """,
    )
    rendering = render("dev", project_dir=directory, preview=True)
    (pet,) = rendering.of_type("random:index/randomPet:RandomPet")
    assert pet.custom
    assert pet.id is None
    assert pet.inputs == {"length": 2}
    named = next(r for r in rendering.resources if r.name == "named")
    assert named.unknown == ("bucket",)
    assert named.id is None, "a bucket named after an unknown value has an unknown id too"


STACK_REFERENCE = """\
import pulumi
import pulumi_aws as aws

network = pulumi.StackReference("acme/network/dev")
aws.ec2.SecurityGroup("db", vpc_id=network.require_output("vpcId"), description=network.get_output("note"))
"""


def test_a_stack_references_outputs_come_from_the_outputs_given_or_are_unknown_with_a_warning(tmp_path: Path):
    directory = write_program(tmp_path, STACK_REFERENCE)
    given = render("dev", project_dir=directory, preview=True, stack_outputs={"acme/network/dev": {"vpcId": "vpc-123"}})
    (group,) = given.of_type("aws:ec2/securityGroup:SecurityGroup")
    assert group.inputs["vpcId"] == "vpc-123"
    assert group.unknown == ()
    assert not [w for w in given.warnings if "StackReference" in w]
    unknown = render("dev", project_dir=directory, preview=True)
    (group,) = unknown.of_type("aws:ec2/securityGroup:SecurityGroup")
    assert group.unknown == ("description", "vpcId")
    assert (
        "StackReference 'acme/network/dev': no outputs were given for that stack; its outputs are unknown"
        in unknown.warnings
    )


def test_a_deployment_render_needs_the_outputs_of_each_stack_reference(tmp_path: Path):
    directory = write_program(tmp_path, STACK_REFERENCE)
    with pytest.raises(RenderError, match="StackReference 'acme/network/dev': no outputs were given"):
        render("dev", project_dir=directory)


def test_a_rendering_reads_back_from_its_json_form(tmp_path: Path):
    from infra.render import Rendering

    directory = write_program(tmp_path, WEBSITE)
    rendering = render("dev", project_dir=directory, preview=True)
    again = Rendering.from_json(json.loads(json.dumps(rendering.to_json())))
    assert again.resources == rendering.resources
    assert again.environment == rendering.environment
    assert rendering.environment["pulumi-aws"].startswith("7.")


def test_our_stacks_preview_records_the_inputs_a_deployment_render_does(dev):
    """Given our dev stack, then a preview records the same inputs as a deployment render; what it
    leaves unknown is only what the default fake cloud does not make up (a NAT gateway's Elastic
    IP allocation id; the gate's cloud answers it, see tests/policies/test_export.py)."""
    preview = render("dev", preview=True)
    assert {r.urn: r.inputs for r in preview.resources} == {r.urn: r.inputs for r in dev.resources}
    assert {r.name: r.unknown for r in preview.resources if r.unknown} == {"network-nat-0": ("allocationId",)}
    assert preview.warnings == []


def test_stack_outputs_are_read_from_json_or_yaml_keyed_by_the_referenced_stack(tmp_path: Path):
    from infra.render import load_stack_outputs

    (tmp_path / "outputs.json").write_text('{"acme/network/dev": {"vpcId": "vpc-1", "subnets": ["a", "b"]}}')
    (tmp_path / "outputs.yaml").write_text("acme/network/dev:\n  vpcId: vpc-1\n  subnets: [a, b]\n")
    expected = {"acme/network/dev": {"vpcId": "vpc-1", "subnets": ["a", "b"]}}
    assert load_stack_outputs(tmp_path / "outputs.json") == expected
    assert load_stack_outputs(tmp_path / "outputs.yaml") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "cannot read the file: No such file"),
        ("acme: [unclosed", r"outputs.yaml:2:1: not valid YAML"),
        ("- a list\n", r"expected a map of referenced stack name \(org/project/stack\) to a map of its outputs"),
        ("acme/network/dev: vpc-1\n", "the outputs of stack 'acme/network/dev' must be a map"),
    ],
)
def test_a_bad_stack_outputs_file_is_a_one_line_render_error(tmp_path: Path, text, message):
    from infra.render import load_stack_outputs

    path = tmp_path / "outputs.yaml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(RenderError, match=message) as failed:
        load_stack_outputs(path)
    assert "\n" not in str(failed.value)
