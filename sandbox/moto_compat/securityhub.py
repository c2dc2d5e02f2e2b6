"""Security Hub: the standards of a Region and the account's subscriptions to them.

DescribeStandards, BatchEnableStandards, BatchDisableStandards and GetEnabledStandards, and
EnableSecurityHub's EnableDefaultStandards (true unless set to false: AWS Foundational Security
Best Practices v1.0.0 and CIS AWS Foundations Benchmark v1.2.0), which moto accepts and ignores;
also UpdateSecurityHubConfiguration, whose settings DescribeHub returns. A subscription's ARN is
``arn:aws:securityhub:<region>:<account>:subscription/<standard path>``; BatchEnableStandards
answers PENDING and the subscription then reads READY, the state AWS settles in once the
standard's controls are enabled. Security Hub must be enabled in the Region (InvalidAccessException
otherwise), and a standard must be one the Region offers (InvalidInputException otherwise).
Disabling Security Hub removes the subscriptions.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.moto_compat import Patch, Route, state

# (path after the partition/region part, name, enabled by default); FSBP and the newer CIS versions
# are Regional ARNs (arn:aws:securityhub:<region>::standards/...), CIS 1.2.0 is global (ruleset/).
STANDARDS = (
    ("standards/aws-foundational-security-best-practices/v/1.0.0", "AWS Foundational Security Best Practices", True),
    ("ruleset/cis-aws-foundations-benchmark/v/1.2.0", "CIS AWS Foundations Benchmark v1.2.0", True),
    ("standards/cis-aws-foundations-benchmark/v/1.4.0", "CIS AWS Foundations Benchmark v1.4.0", False),
    ("standards/cis-aws-foundations-benchmark/v/3.0.0", "CIS AWS Foundations Benchmark v3.0.0", False),
    ("standards/nist-800-53/v/5.0.0", "NIST Special Publication 800-53 Revision 5", False),
    ("standards/pci-dss/v/3.2.1", "PCI DSS v3.2.1", False),
    ("standards/aws-resource-tagging-standard/v/1.0.0", "AWS Resource Tagging Standard v1.0.0", False),
)


def standard_arn(partition: str, region: str, path: str) -> str:
    return (
        f"arn:{partition}:securityhub:::{path}"
        if path.startswith("ruleset/")
        else (f"arn:{partition}:securityhub:{region}::{path}")
    )


def _standards(backend: Any) -> dict[str, tuple[str, bool]]:
    """The Region's standards by ARN: (name, enabled by default)."""
    return {standard_arn(backend.partition, backend.region_name, p): (n, d) for p, n, d in STANDARDS}


def _subscriptions(backend: Any) -> dict[str, dict[str, Any]]:
    return state(backend, "standards_subscriptions", dict)


def _subscription_arn(backend: Any, standard: str) -> str:
    path = standard.rsplit(":", 1)[1].split("/", 1)[1]
    return f"arn:{backend.partition}:securityhub:{backend.region_name}:{backend.account_id}:subscription/{path}"


def _require_hub(backend: Any) -> None:
    from moto.securityhub.exceptions import SecurityHubClientError as RESTError

    if not backend.enabled:
        raise RESTError("InvalidAccessException", f"Account {backend.account_id} is not subscribed to AWS Security Hub")


def _subscribe(backend: Any, standard: str, inputs: dict[str, str] | None = None) -> dict[str, Any]:
    subscription = {
        "StandardsSubscriptionArn": _subscription_arn(backend, standard),
        "StandardsArn": standard,
        "StandardsInput": dict(inputs or {}),
        "StandardsStatus": "READY",
        "StandardsControlsUpdatable": "READY_FOR_UPDATES",
    }
    _subscriptions(backend)[subscription["StandardsSubscriptionArn"]] = subscription
    return subscription


def _enable_with_defaults(original: Any) -> Any:
    def enable_security_hub(self: Any, enable_default_standards: bool = True, tags: Any = None) -> Any:
        was_enabled = self.enabled
        result = original(self, enable_default_standards=enable_default_standards, tags=tags)
        if not was_enabled and enable_default_standards:
            for standard, (_, by_default) in _standards(self).items():
                if by_default:
                    _subscribe(self, standard)
        return result

    return enable_security_hub


def _disable_clears(original: Any) -> Any:
    def disable_security_hub(self: Any) -> Any:
        result = original(self)
        _subscriptions(self).clear()
        return result

    return disable_security_hub


def _describe_hub_with_configuration(original: Any) -> Any:
    def describe_hub(self: Any, hub_arn: str | None = None) -> Any:
        described = original(self, hub_arn=hub_arn)
        return {**described, **state(self, "hub_configuration", dict)}

    return describe_hub


def _enable_keeps_generator(original: Any) -> Any:
    """EnableSecurityHub's ControlFindingGenerator is a hub setting DescribeHub returns (moto drops it)."""

    def enable_security_hub(self: Any) -> Any:
        answer = original(self)
        generator = _params(self).get("ControlFindingGenerator")
        if generator:
            state(self.securityhub_backend, "hub_configuration", dict)["ControlFindingGenerator"] = generator
        return answer

    return enable_security_hub


def _params(response: Any) -> dict[str, Any]:
    return json.loads(response.body) if response.body else {}


def _describe_standards(_: Any) -> Any:
    def describe_standards(self: Any) -> str:
        standards = [
            {
                "StandardsArn": arn,
                "Name": name,
                "Description": name,
                "EnabledByDefault": by_default,
                "StandardsManagedBy": {"Company": "AWS", "Product": "Security Hub"},
            }
            for arn, (name, by_default) in _standards(self.securityhub_backend).items()
        ]
        return json.dumps({"Standards": standards})

    return describe_standards


def _batch_enable(_: Any) -> Any:
    def batch_enable_standards(self: Any) -> str:
        from moto.securityhub.exceptions import SecurityHubClientError as RESTError

        backend = self.securityhub_backend
        _require_hub(backend)
        requests = _params(self).get("StandardsSubscriptionRequests") or []
        known = _standards(backend)
        unknown = [r.get("StandardsArn") for r in requests if r.get("StandardsArn") not in known]
        if not requests or unknown:
            raise RESTError("InvalidInputException", f"Invalid StandardsArn: {', '.join(map(str, unknown)) or 'none'}")
        answered = []
        for request in requests:
            subscription = _subscribe(backend, request["StandardsArn"], request.get("StandardsInput"))
            answered.append({**subscription, "StandardsStatus": "PENDING"})
        return json.dumps({"StandardsSubscriptions": answered})

    return batch_enable_standards


def _batch_disable(_: Any) -> Any:
    def batch_disable_standards(self: Any) -> str:
        from moto.securityhub.exceptions import SecurityHubClientError as RESTError

        backend = self.securityhub_backend
        _require_hub(backend)
        arns = _params(self).get("StandardsSubscriptionArns") or []
        subscriptions = _subscriptions(backend)
        missing = [a for a in arns if a not in subscriptions]
        if not arns or missing:
            raise RESTError(
                "InvalidInputException", f"Invalid StandardsSubscriptionArn: {', '.join(missing) or 'none'}"
            )
        answered = [{**subscriptions.pop(a), "StandardsStatus": "DELETING"} for a in arns]
        return json.dumps({"StandardsSubscriptions": answered})

    return batch_disable_standards


def _get_enabled(_: Any) -> Any:
    def get_enabled_standards(self: Any) -> str:
        backend = self.securityhub_backend
        _require_hub(backend)
        wanted = _params(self).get("StandardsSubscriptionArns")
        listed = [s for arn, s in _subscriptions(backend).items() if not wanted or arn in wanted]
        return json.dumps({"StandardsSubscriptions": listed})

    return get_enabled_standards


def _update_configuration(_: Any) -> Any:
    def update_security_hub_configuration(self: Any) -> str:
        backend = self.securityhub_backend
        _require_hub(backend)
        params = _params(self)
        configuration = state(backend, "hub_configuration", dict)
        for key in ("AutoEnableControls", "ControlFindingGenerator"):
            if key in params:
                configuration[key] = params[key]
        return "{}"

    return update_security_hub_configuration


def patches() -> list[Patch | Route]:
    from moto.securityhub import urls
    from moto.securityhub.models import SecurityHubBackend
    from moto.securityhub.responses import SecurityHubResponse

    dispatch = SecurityHubResponse.dispatch
    return [
        Patch(SecurityHubBackend, "enable_security_hub", _enable_with_defaults),
        Patch(SecurityHubBackend, "disable_security_hub", _disable_clears),
        Patch(SecurityHubBackend, "describe_hub", _describe_hub_with_configuration),
        Patch(SecurityHubResponse, "enable_security_hub", _enable_keeps_generator),
        Patch(SecurityHubResponse, "describe_standards", _describe_standards),
        Patch(SecurityHubResponse, "batch_enable_standards", _batch_enable),
        Patch(SecurityHubResponse, "batch_disable_standards", _batch_disable),
        Patch(SecurityHubResponse, "get_enabled_standards", _get_enabled),
        Patch(SecurityHubResponse, "update_security_hub_configuration", _update_configuration),
        Route(urls.url_paths, "{0}/standards$", dispatch),
        Route(urls.url_paths, "{0}/standards/register$", dispatch),
        Route(urls.url_paths, "{0}/standards/deregister$", dispatch),
        Route(urls.url_paths, "{0}/standards/get$", dispatch),
    ]
