"""LP-AC-2: no workload policy grants "*" actions or "*" resources on a data service.

Data services (s3, dynamodb, kms, secretsmanager, rds-data) and the actions that read data come from
the plan's stack context (compliance_checks.conventions / policy_eval), so the gate judges what the
live check iam_workload_role_no_wildcard_data_access judges.

Scenarios:
- given statements that name the data-service actions and the resources a workload uses, then PASS
- given metadata reads (kms:DescribeKey, secretsmanager:GetRandomPassword) on "*", then PASS
- given actions that name no resource (kms:CreateKey, kms:GenerateRandom) on "*", then PASS: IAM
  authorises them only on "*", so "*" is no choice there (policy_eval.RESOURCELESS_ACTIONS)
- given an Allow of s3:* (or dynamodb:*, "*", or a NotAction), whatever the resource, then FAIL
- given an Allow of a data action (s3:GetObject, kms:Decrypt, kms:ScheduleKeyDeletion) on "*", an
  ARN naming every resource (table/*) or a NotResource, then FAIL
- given a policy of the break-glass role, a permission boundary or a non-workload role, then PASS
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult

METADATA_PREFIXES = ("get", "list", "describe")
PROBE = "LeadpingWildcardProbe"


def _whole_service(statement, service: str) -> str:
    if "NotAction" in statement:
        return "NotAction" if lp.grants(statement, f"{service}:{PROBE}") else ""
    for action in (str(a) for a in lp.as_list(statement.get("Action"))):
        prefix, _, name = action.partition(":")
        if action.strip() in ("*", "*:*") or (prefix.lower() == service and name.strip() == "*"):
            return action
    return ""


def _data_actions(statement, service: str, data_reads, resourceless) -> list:
    hits = []
    for action in (str(a) for a in lp.as_list(statement.get("Action"))):
        prefix, _, name = action.partition(":")
        if prefix.lower() != service or action.strip().lower() in resourceless:
            continue
        reads_data = any(lp.action_matches(action, f"{service}:{read}") for read in data_reads.get(service, ()))
        if reads_data or not name.strip().lower().startswith(METADATA_PREFIXES):
            hits.append(action)
    return hits


class WorkloadDataWildcard(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name='Workload policies grant no "*" action and no "*" resource on data services',
            id="LP_IAM_WORKLOAD_DATA_WILDCARD",
            categories=[CheckCategories.IAM],
            supported_resources=lp.IDENTITY_POLICY_TYPES,
        )

    def evaluate(self, conf):
        documents = lp.identity_policy_documents(conf, self.entity_type)
        if not documents:
            return CheckResult.UNKNOWN, ""
        data_services, data_reads, resourceless = self.context(
            "data_services", "data_read_actions", "resourceless_actions"
        )
        address = lp.address(conf)
        if lp.is_permission_boundary(self, address) or not lp.attached_to_workload(self, address):
            return CheckResult.PASSED, ""
        for document in documents:
            for statement in lp.statements(document):
                if statement.get("Effect") != "Allow":
                    continue
                sid = statement.get("Sid", "(no Sid)")
                wide = ["NotResource"] if "NotResource" in statement else []
                wide += [r for r in map(str, lp.as_list(statement.get("Resource"))) if lp.is_wildcard_resource(r)]
                for service in data_services:
                    whole = _whole_service(statement, service)
                    if whole:
                        return CheckResult.FAILED, f"statement {sid}: {whole} grants every {service} action"
                    actions = _data_actions(statement, service, data_reads, resourceless)
                    if actions and wide:
                        return CheckResult.FAILED, f"statement {sid}: {', '.join(actions)} on {', '.join(wide)}"
        return CheckResult.PASSED, ""


check = WorkloadDataWildcard()
