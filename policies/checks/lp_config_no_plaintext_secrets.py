"""LP-SEC-1: no credential in plaintext configuration (Lambda and ECS environments, SSM String parameters).

Each value is judged by compliance_checks.secret_detector, the detector the live checks
(awslambda_function_env_no_secrets, ecs_task_definition_env_no_secrets,
ssm_parameter_no_plaintext_secrets) use, so the gate and the audit agree on what a credential is.
A Pulumi secret in such a place fails too: Pulumi encrypts it in its state, but AWS stores and
shows it in plaintext. A failure names the variable and the rule, never the value.

It replaces Checkov's CKV_AWS_45 (skipped, policies/skips.yaml), which also scanned the entries
Checkov's parser adds to every mapping, the plan file's own path among them.

Scenarios:
- given a function whose environment holds plain settings and ARNs of secrets, then PASS
- given a function whose environment holds an AWS access key id or a password, then FAIL
- given a function whose environment value is a Pulumi secret, then FAIL
- given a function without an environment, then PASS
- given a task definition whose containers pass credentials with secrets/valueFrom, then PASS
- given a task definition with a token in a container's environment, then FAIL naming the container
- given a SecureString parameter, then PASS (its value is encrypted)
- given a String parameter holding a plain setting, then PASS
- given a String or StringList parameter holding a credential or a Pulumi secret, then FAIL
"""

import json

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult


def _findings(name, value):
    if value is None or isinstance(value, dict | list):
        return []
    text = str(value)
    if text == lp.SECRET_MARKER:
        return [f"{name} (a Pulumi secret, stored in plaintext here)"]
    return [str(f) for f in lp.secret_detector.scan(name, text)]


def _lambda(conf):
    found = []
    for environment in lp.blocks(conf, "environment"):
        for variables in lp.blocks(environment, "variables"):
            for name, raw in lp.configuration_items(variables):
                for item in lp.as_list(raw):
                    found += _findings(name, item)
    return found


def _containers(conf):
    raw = conf.get("container_definitions")
    if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], str | list):
        raw = raw[0]
    if isinstance(raw, str):
        raw = json.loads(raw)  # raises on malformed JSON: the check fails closed
    containers = []
    for item in lp.as_list(raw):
        containers += item if isinstance(item, list) else [item]
    return [c for c in containers if isinstance(c, dict)]


def _ecs(conf):
    found = []
    for container in _containers(conf):
        for entry in lp.as_list(container.get("environment")):
            if isinstance(entry, dict):
                name = str(entry.get("name", "?"))
                found += [f"{container.get('name', '?')}/{f}" for f in _findings(name, entry.get("value"))]
    return found


def _ssm(conf):
    kind = str(lp.value(conf, "type") or "String")
    if kind not in lp.secret_detector.PLAINTEXT_PARAMETER_TYPES:
        return []
    name = str(lp.value(conf, "name") or "value")
    found = []
    for key in ("value", "insecure_value"):
        found += _findings(name, lp.value(conf, key))
    return [f"{kind} parameter: {f}" for f in found]


READERS = {"aws_lambda_function": _lambda, "aws_ecs_task_definition": _ecs, "aws_ssm_parameter": _ssm}


class ConfigNoPlaintextSecrets(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="No credential in Lambda or ECS environments or SSM String parameters",
            id="LP_CONFIG_NO_PLAINTEXT_SECRETS",
            categories=[CheckCategories.SECRETS],
            supported_resources=list(READERS),
        )

    def evaluate(self, conf):
        found = READERS[self.entity_type](conf)
        if found:
            return CheckResult.FAILED, "credentials in plaintext configuration: " + "; ".join(found)
        return CheckResult.PASSED, ""


check = ConfigNoPlaintextSecrets()
