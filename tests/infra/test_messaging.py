"""The work queue and the outbound webhooks: one test per property (LP-DR-1, LP-TX-2, LP-SEC-1)."""

from __future__ import annotations

import json

import pytest

from infra.components.integrations import UNSET_UNTIL_ROTATION
from infra.components.secrets import CONNECTIONS_TAG
from tests.infra.rendered import document, key_class, named, output, statements, tags

QUEUES = ("messaging-work", "messaging-dead-letters", "webhooks-dlq", "secrets-rotation-dlq")


@pytest.mark.parametrize("queue", QUEUES)
def test_queue_is_encrypted_with_its_data_class_key(stack, queue):
    resource = named(stack, "aws:sqs/queue:Queue", queue)
    assert key_class(stack, resource.inputs["kmsMasterKeyId"]) == tags(resource)["leadping:data-class"]


@pytest.mark.parametrize("queue", QUEUES)
def test_queue_denies_requests_without_tls(stack, queue):
    url = output(named(stack, "aws:sqs/queue:Queue", queue), "url")
    (policy,) = [p for p in stack.of_type("aws:sqs/queuePolicy:QueuePolicy") if p.inputs["queueUrl"] == url]
    deny = statements(document(policy))[0]
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "sqs:*")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_work_queue_redrives_failed_messages_to_its_dead_letter_queue(stack):
    work = named(stack, "aws:sqs/queue:Queue", "messaging-work")
    dead = named(stack, "aws:sqs/queue:Queue", "messaging-dead-letters")
    redrive = json.loads(work.inputs["redrivePolicy"])
    assert redrive == {"deadLetterTargetArn": output(dead, "arn"), "maxReceiveCount": 5}


def test_webhook_destinations_use_https(stack):
    destinations = stack.of_type("aws:cloudwatch/eventApiDestination:EventApiDestination")
    targets = json.loads(stack.config["leadping:webhookTargets"])
    assert sorted(d.inputs["invocationEndpoint"] for d in destinations) == sorted(targets.values())
    assert all(d.inputs["invocationEndpoint"].startswith("https://") for d in destinations)


def test_webhook_connection_holds_no_credential_and_is_encrypted(stack):
    (connection,) = stack.of_type("aws:cloudwatch/eventConnection:EventConnection")
    assert connection.inputs["authorizationType"] == "API_KEY"
    assert connection.inputs["authParameters"]["apiKey"]["value"] == UNSET_UNTIL_ROTATION
    assert key_class(stack, connection.inputs["kmsKeyIdentifier"]) == "secrets"


def test_webhook_connection_secret_eventbridge_creates_is_tagged_with_the_credential_system(stack):
    (connection,) = stack.of_type("aws:cloudwatch/eventConnection:EventConnection")
    (tag,) = [
        t
        for t in stack.of_type("aws:secretsmanager/tag:Tag")
        if t.inputs["secretId"] == output(connection, "secretArn")
    ]
    credential = named(stack, "aws:secretsmanager/secret:Secret", "secrets-webhook-signing")
    assert (tag.inputs["key"], tag.inputs["value"]) == ("system", tags(credential)["system"])


def test_webhook_credential_rotation_writes_the_connections_key(stack):
    (connection,) = stack.of_type("aws:cloudwatch/eventConnection:EventConnection")
    credential = named(stack, "aws:secretsmanager/secret:Secret", "secrets-webhook-signing")
    assert tags(credential)[CONNECTIONS_TAG] == connection.inputs["name"]
    rotation = named(stack, "aws:secretsmanager/secretRotation:SecretRotation", "secrets-webhook-signing-rotation")
    assert connection.urn in rotation.dependencies
    policy = {
        s["Sid"]: s for s in statements(document(named(stack, "aws:iam/policy:Policy", "secrets-rotation-policy")))
    }
    assert policy["WriteRotatedKeysIntoConnections"]["Resource"] == [
        f"arn:aws:events:us-east-1:123456789012:connection/{connection.inputs['name']}/*"
    ]


def test_webhook_rules_retry_and_keep_undelivered_events(stack):
    (target,) = [t for t in stack.of_type("aws:cloudwatch/eventTarget:EventTarget") if t.name.startswith("webhooks-")]
    dlq = named(stack, "aws:sqs/queue:Queue", "webhooks-dlq")
    assert target.inputs["deadLetterConfig"] == {"arn": output(dlq, "arn")}
    assert target.inputs["retryPolicy"]["maximumRetryAttempts"] > 0
    (bus,) = stack.of_type("aws:cloudwatch/eventBus:EventBus")
    assert key_class(stack, bus.inputs["kmsKeyIdentifier"]) == "messages"
