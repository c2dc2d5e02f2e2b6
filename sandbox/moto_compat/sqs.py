"""SQS SetQueueAttributes without a Policy (a RedrivePolicy, a visibility timeout): AWS changes
only the attributes given; moto also clears the queue's access policy, so a queue's TLS-only
policy disappeared or not depending on whether its redrive policy was set first. The wrapper
keeps the policy unless the call sets it (an empty Policy still removes it, as in AWS).
"""

from __future__ import annotations

from typing import Any

from sandbox.moto_compat import Patch


def _queue_attributes_keep_policy(original: Any) -> Any:
    def set_queue_attributes(self: Any, queue_name: str, attributes: dict[str, Any]) -> Any:
        queue = self.get_queue(queue_name)
        policy = queue.policy
        result = original(self, queue_name, attributes)
        if "Policy" not in attributes:
            queue.policy = policy
        return result

    return set_queue_attributes


def patches() -> list[Patch]:
    from moto.sqs.models import SQSBackend

    return [Patch(SQSBackend, "set_queue_attributes", _queue_attributes_keep_policy)]
