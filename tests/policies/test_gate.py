"""What the gate cannot judge, it says (policies/gate.py: prepare, render options, source locations).

The render and the exporter are replaced by small fakes shaped like their interface (a rendered
resource's ``remote`` and ``source``, an exported plan's ``not_judged`` and ``unrendered``), so
that the gate's own decisions are tested apart from how a program is rendered. No Checkov here.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from infra.render import RenderError
from policies import gate
from policies.mapping import UnknownTypeError

PROGRAM = Path("/repo/team/infra")


def resource(token: str, name: str, source: str | None = None, **extra):
    return SimpleNamespace(type=token, name=name, source=source, address=f"x.{name}", **extra)


def exported(resources=(), not_judged=(), unrendered=()):
    return SimpleNamespace(
        stack="dev",
        plan={},
        resources={r.address: r for r in resources},
        not_judged=list(not_judged),
        unrendered=list(unrendered),
        unmapped_attributes={},
        context={},
    )


BUCKET = resource("aws:s3/bucket:Bucket", "site", "/repo/team/infra/__main__.py:7")
PET = resource("random:index/randomPet:RandomPet", "pet", "/repo/team/infra/__main__.py:3")
VPC = resource("awsx:ec2:Vpc", "vpc", "/repo/team/infra/network.py:12")
CLUSTER = resource("eks:index:Cluster", "cluster")


@pytest.fixture
def program(monkeypatch):
    """gate.prepare on one target whose rendering and export the test chooses."""
    state = {"rendering": SimpleNamespace(resources=[], warnings=[]), "export": exported([BUCKET])}

    def fake_export(_rendering):
        if isinstance(state["export"], Exception):
            raise state["export"]
        return state["export"]

    monkeypatch.setattr(gate, "render_target", lambda _target: state["rendering"])
    monkeypatch.setattr(gate, "export", fake_export)
    return state


TARGET = gate.Target("dev", PROGRAM.parent, PROGRAM)


def test_a_program_of_aws_resources_only_is_prepared_with_nothing_unjudged(program):
    (prepared,) = gate.prepare([TARGET], source_root=Path("/repo"))
    assert prepared.not_judged == []
    assert list(prepared.exported.resources) == ["x.site"]


def test_other_providers_resources_are_listed_as_not_judged_and_do_not_stop_the_gate(program):
    program["export"] = exported([BUCKET], not_judged=[PET])
    (prepared,) = gate.prepare([TARGET], source_root=Path("/repo"))
    assert prepared.not_judged == [
        gate.Unjudged(
            "dev",
            "pet",
            "random:index/randomPet:RandomPet",
            "team/infra/__main__.py:3",
            "a resource of the random provider: the gate judges AWS resources only",
        )
    ]


def test_a_remote_component_stops_the_gate_naming_each_one(program):
    program["export"] = exported([BUCKET], unrendered=[VPC, CLUSTER])
    with pytest.raises(gate.GateError) as refused:
        gate.prepare([TARGET], source_root=Path("/repo"))
    message = str(refused.value)
    assert "awsx:ec2:Vpc (vpc at team/infra/network.py:12)" in message
    assert "eks:index:Cluster (cluster)" in message
    assert "--accept-unrendered TYPE (awsx:ec2:Vpc, eks:index:Cluster)" in message
    assert "\n" not in message


def test_an_accepted_remote_component_is_listed_as_not_judged(program):
    program["export"] = exported([BUCKET], unrendered=[VPC])
    (prepared,) = gate.prepare([TARGET], ["awsx:ec2:Vpc"], source_root=Path("/repo"))
    (item,) = prepared.not_judged
    assert (item.type, item.name, item.source) == ("awsx:ec2:Vpc", "vpc", "team/infra/network.py:12")
    assert item.reason.startswith("remote component")


def test_accepting_one_remote_type_still_refuses_another(program):
    program["export"] = exported([BUCKET], unrendered=[VPC, CLUSTER])
    with pytest.raises(gate.GateError, match=r"eks:index:Cluster \(cluster\)") as refused:
        gate.prepare([TARGET], ["awsx:ec2:Vpc"])
    assert "awsx:ec2:Vpc (vpc" not in str(refused.value)


def test_a_program_that_exports_nothing_to_judge_is_refused_naming_what_it_had(program):
    program["export"] = exported([], not_judged=[PET])
    with pytest.raises(gate.GateError) as refused:
        gate.prepare([TARGET], source_root=Path("/repo"))
    assert str(refused.value) == (
        "dev: nothing to judge: the program exports no AWS resource the gate can judge "
        "(not judged: random:index/randomPet:RandomPet (pet at team/infra/__main__.py:3))"
    )


def test_a_program_that_registers_no_resource_is_refused(program):
    program["export"] = exported([])
    with pytest.raises(gate.GateError, match=r"^dev: nothing to judge: .*can judge$"):
        gate.prepare([TARGET])


def test_an_accepted_remote_component_alone_is_still_nothing_to_judge(program):
    program["export"] = exported([], unrendered=[VPC])
    with pytest.raises(gate.GateError, match=r"nothing to judge.*awsx:ec2:Vpc \(vpc"):
        gate.prepare([TARGET], ["awsx:ec2:Vpc"])


def test_unmapped_types_and_remote_components_are_named_in_one_message(program):
    error = UnknownTypeError("aws:foo/bar:Bar", ["bar"])
    program["export"] = error
    program["rendering"] = SimpleNamespace(resources=[resource("awsx:lb:ApplicationLoadBalancer", "lb", remote=True)])
    with pytest.raises(gate.GateError) as refused:
        gate.prepare([TARGET])
    message = str(refused.value)
    assert str(error) in message
    assert "awsx:lb:ApplicationLoadBalancer (lb)" in message


def test_every_targets_refusal_is_in_one_message(program):
    program["export"] = exported([], unrendered=[VPC])
    other = gate.Target("prod", PROGRAM.parent, PROGRAM, name="other")
    with pytest.raises(gate.GateError) as refused:
        gate.prepare([TARGET, other])
    assert str(refused.value).count("awsx:ec2:Vpc (vpc") == 2
    assert "dev: " in str(refused.value)
    assert "other: " in str(refused.value)


def test_the_renders_warnings_reach_the_gate_once_each_without_style_notices(program):
    program["rendering"] = SimpleNamespace(
        resources=[],
        warnings=[
            "DeprecationWarning: s3.BucketV2 has been deprecated in favor of s3.Bucket",
            "pulumi log: name is deprecated: name is deprecated. Use region instead.",
            "the offline render does not answer aws:ec2/getAmi:getAmi; its result is unknown",
            "the offline render does not answer aws:ec2/getAmi:getAmi; its result is unknown",
        ],
    )
    (prepared,) = gate.prepare([TARGET])
    assert prepared.warnings == ["dev: the offline render does not answer aws:ec2/getAmi:getAmi; its result is unknown"]


def test_a_stack_without_settings_is_noted(program):
    noted = gate.Target("dev", PROGRAM.parent, PROGRAM, config={}, notes=("no Pulumi.dev.yaml: no settings",))
    (prepared,) = gate.prepare([noted])
    assert prepared.warnings == ["dev: no Pulumi.dev.yaml: no settings"]


# -- the render's options -------------------------------------------------------------------------


def test_the_render_gets_the_interpreter_the_stack_outputs_and_a_preview(monkeypatch, tmp_path):
    calls = []

    def render(stack, *, project_dir, program_dir, config, handler, preview=False, python=None, stack_outputs=None):
        calls.append({"stack": stack, "config": config, "preview": preview, "python": python, "outputs": stack_outputs})
        return "rendered"

    monkeypatch.setattr(gate, "render", render)
    outputs = {"acme/network/prod": {"vpcId": "vpc-1"}}
    python = tmp_path / "venv" / "bin" / "python"
    target = gate.Target("dev", tmp_path, config={"aws:region": "eu-west-1"}, python=python, stack_outputs=outputs)
    assert gate.render_target(target) == "rendered"
    assert calls == [
        {"stack": "dev", "config": {"aws:region": "eu-west-1"}, "preview": True, "python": python, "outputs": outputs}
    ]


def test_a_render_failure_is_one_line_and_keeps_its_traceback_for_verbose(monkeypatch, tmp_path):
    def render(stack, **_kwargs):
        try:
            raise ValueError("the program is broken")
        except ValueError as exc:
            raise RenderError("__main__.py:3: ValueError: the program is broken") from exc

    monkeypatch.setattr(gate, "render", render)
    with pytest.raises(gate.GateError) as failed:
        gate.render_target(gate.Target("dev", tmp_path, config={}))
    assert str(failed.value) == "cannot render stack 'dev': __main__.py:3: ValueError: the program is broken"
    assert "Traceback (most recent call last)" in failed.value.details
    assert "ValueError: the program is broken" in failed.value.details


def test_a_traceback_the_render_brings_from_another_interpreter_is_kept(monkeypatch, tmp_path):
    def render(stack, **_kwargs):
        error = RenderError("__main__.py:9: KeyError: 'ami'")
        error.traceback = "Traceback (most recent call last):\n  File \"__main__.py\", line 9\nKeyError: 'ami'\n"
        raise error

    monkeypatch.setattr(gate, "render", render)
    with pytest.raises(gate.GateError) as failed:
        gate.render_target(gate.Target("dev", tmp_path, config={}))
    assert failed.value.details.endswith("KeyError: 'ami'\n")


# -- where a resource is constructed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("/repo/team/infra/__main__.py:12", "team/infra/__main__.py:12"),  # absolute, inside the repository
        ("/elsewhere/lib/helpers.py:4", "/elsewhere/lib/helpers.py:4"),  # outside: the absolute path
        ("__main__.py:7", "team/infra/__main__.py:7"),  # relative: the program's
        (None, ""),  # the render could not tell
        ("", ""),
    ],
)
def test_a_source_location_is_relative_to_the_repository_root(source, expected):
    assert gate.source_location(source, TARGET, Path("/repo")) == expected


def test_a_relative_source_is_found_in_the_project_when_not_in_the_program(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "components.py").write_text("")
    target = gate.Target("dev", tmp_path, tmp_path / "src")
    assert gate.source_location("components.py:5", target, tmp_path) == "components.py:5"
    assert gate.source_location("__main__.py:5", target, tmp_path) == "src/__main__.py:5"


def test_the_repository_root_of_a_program_is_its_git_work_tree(tmp_path):
    assert gate.repository_root(Path(__file__).parent) == Path(gate.PROJECT_ROOT).resolve()
    assert gate.repository_root(tmp_path) == tmp_path.resolve()
