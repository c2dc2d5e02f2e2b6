"""The corpus renders (tests/policies/programs, described in tests/policies/corpus.py).

Each program renders as the gate renders it (a preview, with the gate's cloud) without a crash:
what it could not know is recorded where expected.yaml says, what the render cannot answer is a
warning naming it, each resource points at the statement of the program that constructed it, and
other providers' resources and remote components are recorded. The program pinned to an older
pulumi-aws is refused here, naming its missing environment (tests/infra/test_render_host.py
renders it in that environment).
"""

from __future__ import annotations

import re

import pytest

from infra.render import RenderError, Rendering, load_stack_config, render
from policies.cloud import GateCloud
from tests.policies.corpus import CorpusProgram, corpus, program

RENDERED_HERE = [p for p in corpus() if not p.needs_own_venv]
_RENDERINGS: dict[str, Rendering] = {}


def rendered(entry: CorpusProgram, *, with_stack_outputs: bool = False) -> Rendering:
    """The program rendered as the gate renders it, once per test process."""
    key = f"{entry.name}:{with_stack_outputs}"
    if key not in _RENDERINGS:
        config = load_stack_config(entry.config_file)
        _RENDERINGS[key] = render(
            entry.stack,
            project_dir=entry.directory,
            config=config,
            handler=GateCloud(region=config["aws:region"]),
            preview=True,
            stack_outputs=entry.stack_outputs_document() if with_stack_outputs else None,
        )
    return _RENDERINGS[key]


def statement_at(entry: CorpusProgram, source: str) -> str:
    """The Python statement that starts at ``file:line`` (up to its closing parenthesis)."""
    file, line = source.rsplit(":", 1)
    lines = (entry.directory / file).read_text().splitlines()[int(line) - 1 :]
    text, depth = "", 0
    for row in lines:
        text += row + "\n"
        depth += row.count("(") - row.count(")")
        if depth <= 0:
            break
    return text


def test_the_corpus_covers_the_styles_people_write():
    assert {p.name for p in corpus()} == {
        "s3_website",
        "ec2_webserver",
        "fargate_alb",
        "apigateway_lambda",
        "random_command",
        "stack_reference",
        "remote_component",
        "file_assets",
        "older_aws_venv",
    }


@pytest.mark.parametrize("entry", RENDERED_HERE, ids=lambda p: p.name)
def test_each_program_records_as_unknown_what_a_preview_cannot_know(entry: CorpusProgram):
    rendering = rendered(entry)
    unknown = {r.name: list(r.unknown) for r in rendering.resources if r.unknown}
    assert unknown == {name: sorted(paths) for name, paths in entry.render.get("unknown", {}).items()}
    for name in entry.render.get("outputs_unknown", []):
        assert name not in rendering.stack_outputs


@pytest.mark.parametrize("entry", RENDERED_HERE, ids=lambda p: p.name)
def test_each_program_warns_of_what_the_render_could_not_answer_and_nothing_else(entry: CorpusProgram):
    rendering = rendered(entry)
    expected = entry.render.get("warnings", [])
    assert len(rendering.warnings) == len(expected), rendering.warnings
    for text in expected:
        assert any(text in warning for warning in rendering.warnings), (text, rendering.warnings)


@pytest.mark.parametrize("entry", RENDERED_HERE, ids=lambda p: p.name)
def test_each_resource_points_at_the_statement_that_constructs_it(entry: CorpusProgram):
    rendering = rendered(entry)
    resources = [r for r in rendering.resources if not r.type.startswith("pulumi:providers:")]
    assert resources
    for resource in resources:
        assert resource.source, f"{resource.name} has no source"
        statement = statement_at(entry, resource.source)
        if resource.type == "pulumi-python:dynamic:Resource":
            assert "ReleaseNote(" in statement
            continue
        class_name = resource.type.rsplit(":", 1)[1]
        assert re.search(rf"\b{class_name}\(", statement), (resource.name, resource.source, statement)


@pytest.mark.parametrize("entry", RENDERED_HERE, ids=lambda p: p.name)
def test_other_providers_and_remote_components_are_recorded(entry: CorpusProgram):
    rendering = rendered(entry)
    others = {r.type for r in rendering.resources if r.custom and r.type.split(":")[0] not in ("aws", "pulumi")}
    remote = {r.type for r in rendering.resources if r.remote}
    assert others == entry.not_judged_types
    assert remote == entry.refused_types
    for component in (r for r in rendering.resources if r.remote):
        assert not [r for r in rendering.resources if r.parent == component.urn], "nothing renders inside it"


def test_the_objects_of_the_website_come_from_the_folder_beside_the_program():
    rendering = rendered(program("s3_website"))
    objects = {r.name: r.inputs["source"] for r in rendering.of_type("aws:s3/bucketObject:BucketObject")}
    assert objects == {"404.html": "file:www/404.html", "index.html": "file:www/index.html"}


def test_file_assets_are_taken_from_the_programs_directory():
    entry = program("file_assets")
    rendering = rendered(entry)
    for name, inputs in entry.render["assets"].items():
        resource = next(r for r in rendering.resources if r.name == name)
        assert {key: resource.inputs[key] for key in inputs} == inputs


def test_the_policy_the_program_reads_from_a_relative_file_is_rendered():
    rendering = rendered(program("file_assets"))
    (policy,) = rendering.of_type("aws:iam/rolePolicy:RolePolicy")
    assert '"s3:GetObject"' in policy.inputs["policy"]


def test_stack_outputs_given_fill_what_the_stack_reference_left_unknown():
    entry = program("stack_reference")
    rendering = rendered(entry, with_stack_outputs=True)
    assert [r.name for r in rendering.resources if r.unknown] == []
    assert rendering.warnings == []
    (group,) = rendering.of_type("aws:ec2/securityGroup:SecurityGroup")
    assert [rule["cidrBlocks"] for rule in group.inputs["ingress"]] == [["10.40.0.0/16"], ["0.0.0.0/0"]]


def test_the_program_pinned_to_its_own_environment_is_refused_here_naming_the_missing_interpreter():
    entry = program("older_aws_venv")
    with pytest.raises(RenderError, match=r"older_aws_venv/venv/bin/python, which does not exist"):
        render(entry.stack, project_dir=entry.directory, config_file=entry.config_file, preview=True)
