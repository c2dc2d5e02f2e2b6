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

import lp_common as lp
from checkov.common.models.enums import CheckCategories

READERS = lp.secrets.PLAN_READERS


class ConfigNoPlaintextSecrets(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="No credential in Lambda or ECS environments or SSM String parameters",
            id="LP_CONFIG_NO_PLAINTEXT_SECRETS",
            categories=[CheckCategories.SECRETS],
            supported_resources=list(READERS),
        )

    def evaluate(self, conf):
        return lp.secrets.no_plaintext_secrets(READERS[self.entity_type](conf))


check = ConfigNoPlaintextSecrets()
