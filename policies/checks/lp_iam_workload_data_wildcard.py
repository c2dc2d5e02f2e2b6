"""LP-AC-2: no workload policy grants "*" actions or "*" resources on a data service.

Data services: s3, dynamodb, kms, secretsmanager, rds-data (from the plan's stack context).

Scenarios:
- given statements that name actions and resources of data services, then PASS
- given an Allow of s3:* (or dynamodb:*, "*"), whatever the resource, then FAIL
- given an Allow of a data-service action on Resource "*" (or with NotResource), then FAIL
- given a policy attached only to break-glass roles, then PASS (LP-PA-1 allows that role "*")
"""

from checkov.common.models.enums import CheckCategories, CheckResult

import lp_common as lp


def _services(actions) -> set:
    return {str(a).split(":", 1)[0].lower() if ":" in str(a) else "*" for a in actions}


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
        if lp.is_break_glass_only(self, lp.address(conf)):
            return CheckResult.PASSED, ""
        (data_services,) = self.context("data_services")
        for document in documents:
            for statement in lp.statements(document):
                if statement.get("Effect") != "Allow":
                    continue
                sid = statement.get("Sid", "(no Sid)")
                if "NotAction" in statement:
                    return CheckResult.FAILED, f"statement {sid} uses NotAction, which grants every other action"
                actions = [str(a) for a in lp.as_list(statement.get("Action"))]
                for action in actions:
                    service, _, name = action.partition(":")
                    if action == "*" or (service.lower() in data_services and name == "*"):
                        return CheckResult.FAILED, f"statement {sid} grants {action}"
                touched = _services(actions) & set(data_services)
                wide = "NotResource" in statement or "*" in lp.as_list(statement.get("Resource"))
                if touched and wide:
                    return CheckResult.FAILED, f"statement {sid} grants {sorted(touched)} actions on every resource"
        return CheckResult.PASSED, ""


check = WorkloadDataWildcard()
