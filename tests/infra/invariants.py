"""Whole-program properties of a rendered stack; each returns the violations it finds.

Kept apart from the tests so that each property is also tested against a tampered rendering
(a property that cannot fail proves nothing).
"""

from __future__ import annotations

from compliance_checks import conventions
from infra.policy_documents import ADMINISTRATOR_ACCESS
from infra.render import RenderedResource, Rendering
from tests.infra.rendered import as_list, document, key_class, output, policies_attached_to_roles, statements, tags

# Data-bearing resource type -> how to find its key ARN in its inputs.
_KEY_FIELDS = {
    "aws:dynamodb/table:Table": ("serverSideEncryption", "kmsKeyArn"),
    "aws:rds/instance:Instance": ("kmsKeyId",),
    "aws:cloudwatch/logGroup:LogGroup": ("kmsKeyId",),
    "aws:sns/topic:Topic": ("kmsMasterKeyId",),
    "aws:sqs/queue:Queue": ("kmsMasterKeyId",),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": ("serverSideEncryption", "keyArn"),
    "aws:backup/vault:Vault": ("kmsKeyArn",),
    "aws:secretsmanager/secret:Secret": ("kmsKeyId",),
    "aws:cloudwatch/eventBus:EventBus": ("kmsKeyIdentifier",),
}
WEB_PORTS = {80, 443}
ANYWHERE = {"0.0.0.0/0", "::/0"}


def _dig(value: object, path: tuple[str, ...]) -> object:
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def unencrypted_data(rendering: Rendering) -> list[str]:
    """Data-bearing resources not encrypted with the customer key of their data class."""
    problems = []
    bucket_keys = {}
    for config in rendering.of_type(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    ):
        rule = config.inputs["rules"][0]
        default = rule.get("applyServerSideEncryptionByDefault", {})
        if default.get("sseAlgorithm") == "aws:kms" and rule.get("bucketKeyEnabled"):
            bucket_keys[config.inputs["bucket"]] = default.get("kmsMasterKeyId")
    resources = [(r, bucket_keys.get(output(r, "id"))) for r in rendering.of_type("aws:s3/bucket:Bucket")]
    for type_token, path in _KEY_FIELDS.items():
        resources += [(r, _dig(r.inputs, path)) for r in rendering.of_type(type_token)]
    for resource, key_arn in resources:
        data_class = tags(resource).get(conventions.DATA_CLASS)
        if data_class is None:
            problems.append(f"{resource.name}: no {conventions.DATA_CLASS} tag")
        elif not key_arn:
            problems.append(f"{resource.name}: not encrypted with a customer key")
        elif key_class(rendering, key_arn) != data_class:
            problems.append(f"{resource.name}: key {key_arn} is not the {data_class} key")
    return problems


def internet_ingress(rendering: Rendering) -> list[str]:
    """Ingress from 0.0.0.0/0 or ::/0 other than 80/443 on the load balancer's group."""
    groups = {output(g, "id"): g for g in rendering.of_type("aws:ec2/securityGroup:SecurityGroup")}
    load_balancer_groups = {
        group for lb in rendering.of_type("aws:lb/loadBalancer:LoadBalancer") for group in lb.inputs["securityGroups"]
    }
    problems = []
    rules = [
        (r.inputs["securityGroupId"], r.inputs)
        for r in rendering.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    ]
    for group in groups.values():
        # Inline rules (not used by the program, but a change could bring them back).
        for rule in group.inputs.get("ingress") or []:
            for cidr in [*(rule.get("cidrBlocks") or []), *(rule.get("ipv6CidrBlocks") or [])]:
                rules.append((output(group, "id"), {**rule, "cidrIpv4": cidr}))
    for group_id, rule in rules:
        sources = {rule.get("cidrIpv4"), rule.get("cidrIpv6")} & ANYWHERE
        if not sources:
            continue
        ports = {rule.get("fromPort"), rule.get("toPort")}
        web = rule.get("ipProtocol") == "tcp" and rule.get("fromPort") == rule.get("toPort") and ports <= WEB_PORTS
        if not (web and group_id in load_balancer_groups):
            problems.append(f"{group_id} admits {sorted(sources)} on {sorted(p for p in ports if p is not None)}")
    return problems


def full_admin_grants(rendering: Rendering) -> list[str]:
    """Statements allowing Action * on Resource * anywhere but on the break-glass role."""
    break_glass = {
        output(r, "name")
        for r in rendering.of_type("aws:iam/role:Role")
        if tags(r).get(conventions.WORKLOAD) == conventions.BREAK_GLASS
    }
    # Attached policies are judged by the role they are attached to, just below.
    attached_policy_arns = {
        a.inputs["policyArn"] for a in rendering.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    }
    problems = [
        f"role {a.inputs['role']}: AdministratorAccess"
        for a in rendering.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.inputs["policyArn"] == ADMINISTRATOR_ACCESS and a.inputs["role"] not in break_glass
    ]
    for role_name, policy in policies_attached_to_roles(rendering):
        if role_name in break_glass:
            continue
        problems += [f"role {role_name}: {s.get('Sid')}" for s in statements(policy) if _everything(s)]
    documents = [(p.name, document(p), output(p, "arn")) for p in rendering.of_type("aws:iam/policy:Policy")]
    for type_token, field in (
        ("aws:s3/bucketPolicy:BucketPolicy", "policy"),
        ("aws:sqs/queuePolicy:QueuePolicy", "policy"),
        ("aws:sns/topicPolicy:TopicPolicy", "policy"),
        ("aws:secretsmanager/secretPolicy:SecretPolicy", "policy"),
        ("aws:iam/role:Role", "assumeRolePolicy"),
    ):
        documents += [(r.name, document(r, field), None) for r in rendering.of_type(type_token)]
    for name, policy, arn in documents:
        if arn in attached_policy_arns:
            continue
        problems += [f"{name}: {s.get('Sid')}" for s in statements(policy) if _everything(s)]
    return problems


def _everything(statement: dict) -> bool:
    return (
        statement.get("Effect") == "Allow"
        and "*" in as_list(statement.get("Action"))
        and "*" in as_list(statement.get("Resource"))
    )


def uncovered_data_stores(rendering: Rendering) -> list[str]:
    """Resources tagged as data stores that no backup selection's tag condition matches."""
    conditions = [
        (t["key"], t["value"])
        for s in rendering.of_type("aws:backup/selection:Selection")
        for t in s.inputs.get("selectionTags") or []
        if t.get("type") == "STRINGEQUALS"
    ]
    return [
        r.name
        for r in rendering.of_custom()
        if tags(r).get(conventions.DATA_STORE) == conventions.TRUE
        and not any(tags(r).get(key) == value for key, value in conditions)
    ]


def method_routes(rendering: Rendering) -> dict[str, RenderedResource]:
    """The REST API's methods by route key ("GET /leads/{leadId}"), their paths read up the resource tree."""
    roots = {output(api, "rootResourceId") for api in rendering.of_type("aws:apigateway/restApi:RestApi")}
    resources = {output(r, "id"): r for r in rendering.of_type("aws:apigateway/resource:Resource")}

    def path(resource_id: str) -> str:
        if resource_id in roots:
            return ""
        resource = resources[resource_id]
        return f"{path(resource.inputs['parentId'])}/{resource.inputs['pathPart']}"

    return {
        f"{m.inputs['httpMethod']} {path(m.inputs['resourceId']) or '/'}": m
        for m in rendering.of_type("aws:apigateway/method:Method")
    }


def unauthenticated_routes(rendering: Rendering, public_routes: set[str]) -> list[str]:
    """Routes without the Cognito authorizer that the stack does not list as public (and public ones with it)."""
    authorizers = {output(a, "id") for a in rendering.of_type("aws:apigateway/authorizer:Authorizer")}
    problems = []
    for key, method in sorted(method_routes(rendering).items()):
        kind = method.inputs.get("authorization")
        protected = kind == "COGNITO_USER_POOLS" and method.inputs.get("authorizerId") in authorizers
        if key in public_routes:
            if kind != "NONE":
                problems.append(f"{key} is public but not served without authorization")
        elif not protected:
            problems.append(f"{key} has no Cognito authorizer")
    return problems
