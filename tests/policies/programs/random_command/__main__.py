"""A database and an artifacts bucket that lean on other providers.

pulumi-random names the bucket and makes the database password (both unknown until created), a
pulumi-command step packages a release, and a dynamic provider (a Python class, as Pulumi's dynamic
provider examples write one) records it. The gate judges the AWS resources and lists the others as
not judged.
"""

import pulumi
import pulumi_aws as aws
import pulumi_command as command
import pulumi_random as random
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class ReleaseNoteProvider(ResourceProvider):
    def create(self, props):
        return CreateResult(id_=props["version"], outs={**props, "published": True})


class ReleaseNote(Resource):
    def __init__(self, name, version, opts=None):
        super().__init__(ReleaseNoteProvider(), name, {"version": version, "published": None}, opts)


suffix = random.RandomPet("artifacts-suffix", length=2)
password = random.RandomPassword("db-password", length=24, special=False)

artifacts = aws.s3.Bucket("artifacts", bucket=suffix.id.apply(lambda pet: f"artifacts-{pet}"))

database = aws.rds.Instance(
    "app-db",
    engine="postgres",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    password=password.result,
    skip_final_snapshot=True,
)

package = command.local.Command("package", create="tar czf release.tgz --files-from /dev/null && echo 1.4.2")

note = ReleaseNote("release-note", version="1.4.2", opts=pulumi.ResourceOptions(depends_on=[package]))

pulumi.export("artifacts_bucket", artifacts.bucket)
pulumi.export("database_endpoint", database.endpoint)
