"""rotate-secret: rotate a Secrets Manager secret now, with its rotation function (LP-SEC-3, LP-SEC-4).

Idempotency comes from Secrets Manager itself: the new version's id (ClientRequestToken) is
derived from the secret and the incident id, so the same command run twice finds its version
already AWSCURRENT and does nothing, while a new incident rotates again. The action reads only
metadata (DescribeSecret); it never fetches or prints a secret value.
"""

from __future__ import annotations

import argparse
import time
import uuid
from typing import Any

from botocore.exceptions import ClientError

from runbooks.aws import error_code
from runbooks.core import Action, ActionFailed, InputError, Outcome, Plan, Verification, incident_id, non_negative_int

# Fixed namespace: the same secret and incident always give the same version id.
_TOKEN_NAMESPACE = uuid.UUID("5b0d6a52-8a4e-4b7f-9a57-3f1b2c8e9d10")
CURRENT, PENDING, PREVIOUS = "AWSCURRENT", "AWSPENDING", "AWSPREVIOUS"


def rotation_token(secret_arn: str, incident: str) -> str:
    return str(uuid.uuid5(_TOKEN_NAMESPACE, f"{secret_arn}\n{incident}"))


class RotateSecret(Action):
    name = "rotate-secret"
    summary = "rotate a Secrets Manager secret immediately with its rotation function"
    description = (
        "Starts an immediate rotation (RotateSecret with RotateImmediately) using the secret's configured "
        "rotation function, and waits until the new version is AWSCURRENT. --incident names the incident or "
        "ticket: the same secret and incident rotate once, so re-running is safe. Secret values are never read."
    )
    controls = ("LP-SEC-3", "LP-SEC-4")
    # RotateSecret also needs lambda:InvokeFunction on the rotation function (Secrets Manager invokes it).
    permissions = ("secretsmanager:DescribeSecret", "secretsmanager:RotateSecret", "lambda:InvokeFunction")
    poll_seconds = 5.0  # how often to re-read the secret while the rotation function runs

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--secret-id", required=True, metavar="NAME_OR_ARN", help="the secret's name or ARN")
        parser.add_argument(
            "--incident",
            required=True,
            type=incident_id,
            metavar="ID",
            help="incident or ticket id (e.g. IR-2026-014); one rotation per secret and incident",
        )
        parser.add_argument(
            "--timeout-minutes",
            type=non_negative_int,
            default=5,
            metavar="N",
            help="how long to wait for the rotation function to finish (default 5; 0: check once)",
        )

    def _describe(self, secret_id: str) -> dict[str, Any]:
        try:
            return self.aws.client("secretsmanager").describe_secret(SecretId=secret_id)
        except ClientError as error:
            if error_code(error) == "ResourceNotFoundException":
                raise InputError(
                    f"there is no secret {secret_id!r} in {self.aws.region} (account {self.aws.account_id})"
                ) from None
            raise

    @staticmethod
    def _state(secret: dict[str, Any]) -> dict[str, Any]:
        return {
            "secret_arn": secret["ARN"],
            "name": secret["Name"],
            "rotation_enabled": bool(secret.get("RotationEnabled")),
            "rotation_function": secret.get("RotationLambdaARN"),
            "owning_service": secret.get("OwningService"),
            "last_rotated": secret.get("LastRotatedDate"),
            "versions": {v: sorted(s) for v, s in sorted(secret.get("VersionIdsToStages", {}).items())},
        }

    def plan(self) -> Plan:
        secret = self._describe(self.args.secret_id)
        state = self._state(secret)
        name = secret["Name"]
        if secret.get("DeletedDate"):
            raise InputError(f"secret {name} is scheduled for deletion: restore it (aws secretsmanager restore-secret)")
        if not (state["rotation_function"] or state["owning_service"]):
            raise InputError(
                f"secret {name} has no rotation function, so it cannot be rotated automatically: "
                "put a new value by hand (runbooks/credential-exposure.md, 'secret without rotation') "
                "and turn rotation on (LP-SEC-3)"
            )
        token = rotation_token(secret["ARN"], self.args.incident)
        versions = state["versions"]
        target = f"secret {name} ({secret['ARN']})"
        data = {"arn": secret["ARN"], "token": token, "start": True, "function": state["rotation_function"]}
        if CURRENT in versions.get(token, []):
            return Plan(
                target,
                state,
                [],
                noop_reason=f"already rotated for incident {self.args.incident}: version {token} is AWSCURRENT",
                data=data,
            )
        if token in versions and PENDING not in versions[token]:
            # Rotated for this incident, then again (schedule or another incident): the exposed value is long gone.
            return Plan(
                target,
                state,
                [],
                noop_reason=f"already rotated for incident {self.args.incident} (version {token}), "
                "and rotated again since",
                data=data,
            )
        stuck = [v for v, stages in versions.items() if PENDING in stages and CURRENT not in stages and v != token]
        if stuck:
            raise InputError(
                f"a previous rotation of {name} has not finished (version {stuck[0]} is AWSPENDING): "
                "Secrets Manager refuses a new one. Read the rotation function's log "
                f"(/aws/lambda/{(state['rotation_function'] or '').rsplit(':', 1)[-1] or '<function>'}), fix it, then "
                "see runbooks/credential-exposure.md, 'stuck rotation'"
            )
        wait = f"wait until version {token} is AWSCURRENT (up to {self.args.timeout_minutes} min)"
        if token in versions:
            data["start"] = False
            changes = [f"(rotation for incident {self.args.incident} already started) {wait}"]
        else:
            how = state["rotation_function"] or f"the managed rotation of {state['owning_service']}"
            changes = [f"rotate {name} now with {how}, new version {token}", wait]
        notes = [
            "callers that read AWSCURRENT at use pick up the new value at once; services that cache it "
            "(connection pools, long-running tasks) need a restart or redeploy",
            "the old value stays readable as AWSPREVIOUS; revoke it at the provider if the rotation "
            "function does not (see the runbook)",
        ]
        return Plan(target, state, changes, notes=notes, data=data)

    def apply(self, plan: Plan) -> Outcome:
        client = self.aws.client("secretsmanager")
        token = plan.data["token"]
        if plan.data["start"]:
            request = {"SecretId": plan.data["arn"], "ClientRequestToken": token, "RotateImmediately": True}
            if plan.data["function"]:
                # Exactly the function the plan showed, even if someone reconfigured rotation since.
                request["RotationLambdaARN"] = plan.data["function"]
            client.rotate_secret(**request)
        deadline = time.monotonic() + self.args.timeout_minutes * 60
        while True:
            state = self._state(self._describe(plan.data["arn"]))
            if CURRENT in state["versions"].get(token, []) or time.monotonic() >= deadline:
                break
            time.sleep(self.poll_seconds)
        current = next((v for v, s in state["versions"].items() if CURRENT in s), None)
        rotated = current == token
        if not rotated and token not in state["versions"]:
            raise ActionFailed(f"RotateSecret returned but version {token} does not exist on {state['name']}")
        checks = [
            Verification(
                "new version is AWSCURRENT",
                rotated,
                f"AWSCURRENT is {current}"
                + ("" if rotated else f"; still waiting on {token}: read the rotation function's log"),
            )
        ]
        summary = [
            f"AWSCURRENT: {current}",
            f"AWSPREVIOUS: {next((v for v, s in state['versions'].items() if PREVIOUS in s), 'none')}",
        ]
        return Outcome(after=state, summary=summary, verifications=checks)
