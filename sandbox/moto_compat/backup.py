"""AWS Backup: backup selections (resource assignments) and the Region's service opt-in.

- CreateBackupSelection, GetBackupSelection, ListBackupSelections, DeleteBackupSelection: a plan's
  resource assignments, as the API reference documents them (a selection names a role and any of
  Resources, NotResources, ListOfTags and Conditions; a name is unique within its plan; the plan
  must exist). moto implements none of them.
- DescribeRegionSettings and UpdateRegionSettings: which resource types AWS Backup protects in the
  Region (ResourceTypeOptInPreference) and which it fully manages (ResourceTypeManagementPreference).
  An account that uses AWS Backup in a Region (creates a vault or a plan there) is opted in to every
  resource type AWS Backup supports at that time; before that, to none. UpdateRegionSettings
  changes only the types it names.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

from sandbox.moto_compat import Patch, Route, state

# The resource types DescribeRegionSettings lists (AWS Backup's supported services).
RESOURCE_TYPES = (
    "Aurora",
    "CloudFormation",
    "DocumentDB",
    "DSQL",
    "DynamoDB",
    "EBS",
    "EC2",
    "EFS",
    "FSx",
    "Neptune",
    "RDS",
    "Redshift",
    "Redshift Serverless",
    "S3",
    "SAP HANA on Amazon EC2",
    "Storage Gateway",
    "Timestream",
    "VirtualMachine",
)
# Full AWS Backup management is off for DynamoDB until its advanced features are enabled.
MANAGEMENT_DEFAULTS = {"DynamoDB": False, "EFS": True}
_SELECTION_NAME = re.compile(r"^[a-zA-Z0-9\-_.]{1,50}$")
_SELECTIONS_PATH = re.compile(r"/backup/plans/(?P<plan>[^/]+)/selections/?(?P<selection>[^/]*)$")


def _now() -> float:
    return dt.datetime.now(dt.UTC).timestamp()


def _selections(backend: Any, plan_id: str) -> dict[str, dict[str, Any]]:
    from moto.backup.exceptions import ResourceNotFoundException

    if plan_id not in backend.plans:
        raise ResourceNotFoundException(msg=f"Failed reading Backup plan with provided version: {plan_id}")
    return state(backend, "selections", dict).setdefault(plan_id, {})


def _ids(response: Any) -> tuple[str, str]:
    match = _SELECTIONS_PATH.search(response.path)
    if match is None:
        raise ValueError(f"not a backup selection path: {response.path}")
    return match.group("plan"), match.group("selection")


def _create_selection(_: Any) -> Any:
    def create_backup_selection(self: Any) -> str:
        from moto.backup.exceptions import AlreadyExistsException, InvalidParameterValueException

        plan_id, _ = _ids(self)
        params = json.loads(self.body or "{}")
        document = dict(params.get("BackupSelection") or {})
        name = document.get("SelectionName")
        if not isinstance(name, str) or not _SELECTION_NAME.match(name):
            raise InvalidParameterValueException(msg=f"Invalid selection name: {name!r}")
        if not document.get("IamRoleArn"):
            raise InvalidParameterValueException(msg="IamRoleArn is required")
        selections = _selections(self.backup_backend, plan_id)
        if any(s["BackupSelection"]["SelectionName"] == name for s in selections.values()):
            raise AlreadyExistsException(msg=f"Backup selection with the name {name} already exists")
        selection_id = str(uuid.uuid4())
        selections[selection_id] = {
            "BackupSelection": document,
            "SelectionId": selection_id,
            "BackupPlanId": plan_id,
            "CreationDate": _now(),
            "CreatorRequestId": params.get("CreatorRequestId"),
        }
        record = selections[selection_id]
        return json.dumps({k: record[k] for k in ("SelectionId", "BackupPlanId", "CreationDate")})

    return create_backup_selection


def _selection(backend: Any, plan_id: str, selection_id: str) -> dict[str, Any]:
    from moto.backup.exceptions import ResourceNotFoundException

    selection = _selections(backend, plan_id).get(selection_id)
    if selection is None:
        raise ResourceNotFoundException(msg=f"Failed reading backup selection {selection_id} of plan {plan_id}")
    return selection


def _get_selection(_: Any) -> Any:
    def get_backup_selection(self: Any) -> str:
        record = _selection(self.backup_backend, *_ids(self))
        return json.dumps({k: v for k, v in record.items() if v is not None})

    return get_backup_selection


def _list_selections(_: Any) -> Any:
    def list_backup_selections(self: Any) -> str:
        plan_id, _ = _ids(self)
        listed = [
            {
                "SelectionId": s["SelectionId"],
                "SelectionName": s["BackupSelection"]["SelectionName"],
                "BackupPlanId": plan_id,
                "CreationDate": s["CreationDate"],
                "IamRoleArn": s["BackupSelection"]["IamRoleArn"],
                **({"CreatorRequestId": s["CreatorRequestId"]} if s["CreatorRequestId"] else {}),
            }
            for s in _selections(self.backup_backend, plan_id).values()
        ]
        return json.dumps({"BackupSelectionsList": listed})

    return list_backup_selections


def _delete_selection(_: Any) -> Any:
    def delete_backup_selection(self: Any) -> str:
        plan_id, selection_id = _ids(self)
        _selection(self.backup_backend, plan_id, selection_id)
        del _selections(self.backup_backend, plan_id)[selection_id]
        return "{}"

    return delete_backup_selection


def _marks_first_use(original: Any) -> Any:
    """Creating a vault or a plan is using AWS Backup in the Region: every type is opted in."""

    def create(self: Any, *args: Any, **kwargs: Any) -> Any:
        created = original(self, *args, **kwargs)
        settings = _settings(self)
        if not settings["used"]:
            settings["used"] = True
            settings["opt_in"] = {t: True for t in RESOURCE_TYPES} | settings["opt_in"]
        return created

    return create


def _settings(backend: Any) -> dict[str, Any]:
    return state(backend, "region_settings", lambda: {"used": False, "opt_in": {}, "management": {}})


def _describe_settings(_: Any) -> Any:
    def describe_region_settings(self: Any) -> str:
        settings = _settings(self.backup_backend)
        opt_in = {t: bool(settings["opt_in"].get(t, False)) for t in RESOURCE_TYPES}
        management = {**MANAGEMENT_DEFAULTS, **settings["management"]}
        return json.dumps({"ResourceTypeOptInPreference": opt_in, "ResourceTypeManagementPreference": management})

    return describe_region_settings


def _update_settings(_: Any) -> Any:
    def update_region_settings(self: Any) -> str:
        from moto.backup.exceptions import InvalidParameterValueException

        params = json.loads(self.body or "{}")
        opt_in = params.get("ResourceTypeOptInPreference") or {}
        management = params.get("ResourceTypeManagementPreference") or {}
        unknown = sorted(set(opt_in) - set(RESOURCE_TYPES)) + sorted(set(management) - set(MANAGEMENT_DEFAULTS))
        if unknown:
            raise InvalidParameterValueException(msg=f"Unsupported resource type(s): {', '.join(unknown)}")
        settings = _settings(self.backup_backend)
        settings["opt_in"].update({k: bool(v) for k, v in opt_in.items()})
        settings["management"].update({k: bool(v) for k, v in management.items()})
        return "{}"

    return update_region_settings


def patches() -> list[Patch | Route]:
    from moto.backup import urls
    from moto.backup.models import BackupBackend
    from moto.backup.responses import BackupResponse

    return [
        Patch(BackupResponse, "create_backup_selection", _create_selection),
        Patch(BackupResponse, "get_backup_selection", _get_selection),
        Patch(BackupResponse, "list_backup_selections", _list_selections),
        Patch(BackupResponse, "delete_backup_selection", _delete_selection),
        Patch(BackupResponse, "describe_region_settings", _describe_settings),
        Patch(BackupResponse, "update_region_settings", _update_settings),
        Patch(BackupBackend, "create_backup_vault", _marks_first_use),
        Patch(BackupBackend, "create_backup_plan", _marks_first_use),
        Route(urls.url_paths, "{0}/account-settings$", BackupResponse.dispatch),
    ]
