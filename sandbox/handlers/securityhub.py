"""Security Hub: the account's hub and standards subscriptions (FSBP)."""

from __future__ import annotations

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles


@handles("aws:securityhub/account:Account")
def account(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    securityhub = ctx.client("securityhub")
    # The provider enables the default standards unless told not to.
    default_standards = inputs.get("enableDefaultStandards", True)
    securityhub.enable_security_hub(
        **drop_none(
            {
                "EnableDefaultStandards": default_standards,
                "ControlFindingGenerator": inputs.get("controlFindingGenerator"),
            }
        )
    )
    if inputs.get("autoEnableControls") is not None:
        securityhub.update_security_hub_configuration(AutoEnableControls=inputs["autoEnableControls"])
    hub = securityhub.describe_hub()
    return ctx.account_id, {"arn": hub["HubArn"], "autoEnableControls": hub.get("AutoEnableControls")}


@handles("aws:securityhub/standardsSubscription:StandardsSubscription")
def standards_subscription(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    securityhub = ctx.client("securityhub")
    response = securityhub.batch_enable_standards(
        StandardsSubscriptionRequests=[{"StandardsArn": inputs["standardsArn"]}]
    )
    arn = response["StandardsSubscriptions"][0]["StandardsSubscriptionArn"]
    # Read it back: an auditor reads the subscription with GetEnabledStandards.
    (stored,) = securityhub.get_enabled_standards(StandardsSubscriptionArns=[arn])["StandardsSubscriptions"]
    return arn, {"standardsArn": stored["StandardsArn"]}
