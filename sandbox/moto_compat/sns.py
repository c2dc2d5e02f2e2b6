"""SNS: a subscription the recipient must confirm stays pending until it is confirmed.

AWS delivers nothing to an e-mail (``email``, ``email-json``) or HTTP(S) subscription until the
recipient confirms it (a person clicks the link in the e-mail; an endpoint answers the
SubscriptionConfirmation request with ConfirmSubscription and the token it received). Until then
ListSubscriptions(ByTopic) shows its SubscriptionArn as ``PendingConfirmation``,
GetSubscriptionAttributes says PendingConfirmation ``true``, and Subscribe answers ``pending
confirmation`` unless ReturnSubscriptionArn is set. moto confirms every subscription at once. The
fix keeps these pending and implements ConfirmSubscription with the subscription's token
(``confirmation_token``: what the recipient would receive).
"""

from __future__ import annotations

import secrets
from typing import Any

from sandbox.moto_compat import Patch

CONFIRMED_BY_RECIPIENT = frozenset({"email", "email-json", "http", "https"})
PENDING_ARN = "PendingConfirmation"


def is_pending(subscription: Any) -> bool:
    return str(subscription.attributes.get("PendingConfirmation")).lower() == "true"


def confirmation_token(subscription: Any) -> str | None:
    """The token AWS sends the recipient of a pending subscription (None once confirmed)."""
    return getattr(subscription, "_sandbox_token", None) if is_pending(subscription) else None


def _pending_until_confirmed(original: Any) -> Any:
    def subscribe(self: Any, topic_arn: str, endpoint: str, protocol: str) -> Any:
        existing = self._find_subscription(topic_arn, endpoint, protocol)
        subscription = original(self, topic_arn, endpoint, protocol)
        if existing is None:
            pending = protocol in CONFIRMED_BY_RECIPIENT
            subscription.attributes["PendingConfirmation"] = "true" if pending else "false"
            subscription.attributes["ConfirmationWasAuthenticated"] = "false" if pending else "true"
            if pending:
                subscription._sandbox_token = secrets.token_hex(64)
        return subscription

    return subscribe


def _listed_arn(_: Any) -> Any:
    # ListSubscriptions(ByTopic) serialise SubscriptionArn from this attribute before ``arn``.
    return property(lambda self: PENDING_ARN if is_pending(self) else self.arn)


def _subscribe_answer(original: Any) -> Any:
    def subscribe(self: Any) -> Any:
        from moto.core.responses import ActionResult

        answer = original(self)
        arn = answer.result["SubscriptionArn"] if isinstance(answer, ActionResult) else None
        subscription = self.backend.subscriptions.get(arn) if arn else None
        wants_arn = str(self._get_param("ReturnSubscriptionArn") or "").lower() == "true"
        if subscription is not None and is_pending(subscription) and not wants_arn:
            return ActionResult({"SubscriptionArn": "pending confirmation"})
        return answer

    return subscribe


def _confirm_with_token(_: Any) -> Any:
    def confirm_subscription(self: Any) -> Any:
        from moto.core.responses import ActionResult
        from moto.sns.exceptions import SNSInvalidParameter

        topic_arn, token = self._get_param("TopicArn"), self._get_param("Token")
        self.backend.get_topic(topic_arn)  # NotFound for an unknown topic
        for subscription in self.backend.subscriptions.values():
            if subscription.topic.arn == topic_arn and token and confirmation_token(subscription) == token:
                subscription.attributes["PendingConfirmation"] = "false"
                subscription.attributes["ConfirmationWasAuthenticated"] = "true"
                subscription.confirmed = True
                return ActionResult({"SubscriptionArn": subscription.arn})
        raise SNSInvalidParameter("Invalid token")

    return confirm_subscription


def patches() -> list[Patch]:
    from moto.sns.models import SNSBackend, Subscription
    from moto.sns.responses import SNSResponse

    return [
        Patch(SNSBackend, "subscribe", _pending_until_confirmed),
        Patch(Subscription, "subscription_arn", _listed_arn),
        Patch(SNSResponse, "subscribe", _subscribe_answer),
        Patch(SNSResponse, "confirm_subscription", _confirm_with_token),
    ]
