"""A type the sandbox does not simulate stops the deploy with an error naming the type and the resource.

Its own module: it starts a sandbox of its own, and one sandbox runs per process, so it must not
overlap a module-scoped sandbox (tests/sandbox/test_handlers.py keeps the coverage program's alive
for its module).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sandbox import handlers
from sandbox.api import SandboxError, start_sandbox

pytestmark = pytest.mark.slow


def test_a_type_without_a_handler_stops_the_deploy_naming_type_and_resource(tmp_path: Path) -> None:
    program = tmp_path / "program"
    program.mkdir()
    (program / "__main__.py").write_text(
        textwrap.dedent(
            """
            import pulumi_aws as aws

            aws.s3.Bucket("kept", bucket="leadping-unknown-type-test")
            aws.lightsail.Instance("unsimulated", availability_zone="us-east-1a", blueprint_id="amazon_linux_2",
                                   bundle_id="nano_3_0")
            """
        )
    )
    assert "aws:lightsail/instance:Instance" not in handlers.supported_types()
    sandbox = start_sandbox("dev", program_dir=program)
    with pytest.raises(SandboxError, match=r"aws:lightsail/instance:Instance.*'unsimulated'"), sandbox:
        pass
