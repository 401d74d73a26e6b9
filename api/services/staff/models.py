"""The model history: every model the console knows with its held-out figures; loading one into
Rasa (a rollback when it is older than the live one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.services.staff.training import RasaAdmin
from core.clock import utcnow
from core.db import session_scope
from core.models import ModelVersion, StaffUser
from core.staff.audit import audit
from core.staff.errors import NotFound, StaffError


def version_json(version: ModelVersion) -> dict[str, Any]:
    report = version.report or {}
    return {
        "id": version.id,
        "file": Path(version.path).name,
        "origin": version.origin,
        "run_id": version.run_id,
        "accuracy": version.accuracy,
        "macro_f1": version.macro_f1,
        "live": version.live,
        "created_at": version.created_at.isoformat() if version.created_at else None,
        "loaded_at": version.loaded_at.isoformat() if version.loaded_at else None,
        "variants": {
            k: {"accuracy": v.get("accuracy"), "macro_f1": v.get("macro_f1")}
            for k, v in (report.get("variants") or {}).items()
        },
        "exists": Path(version.path).is_file(),
        "loadable": Path(version.path).is_file()
        and not version.live
        and (version.origin == "baseline" or version.loaded_at is not None),
    }


def list_models(session: Session) -> dict[str, Any]:
    versions = session.scalars(select(ModelVersion).order_by(ModelVersion.id.desc()).limit(50))
    return {"models": [version_json(v) for v in versions]}


def load_version(*, version_id: int, user_id: int, ip: str | None) -> dict[str, Any]:
    """Load a model from the history into Rasa (a rollback when it is an older one)."""
    with session_scope() as session:
        version = session.get(ModelVersion, version_id)
        if version is None:
            raise NotFound(f"no model {version_id}")
        path = Path(version.path)
        if not path.is_file():
            raise StaffError(f"model file {path.name} is missing")
        if version.origin != "baseline" and version.loaded_at is None:
            raise StaffError(
                f"{path.name} was never live (it was not better than the model it was "
                "compared with): only models that have been live can be loaded again"
            )
        previous = next(iter(session.scalars(select(ModelVersion).where(ModelVersion.live.is_(True)))), None)
    RasaAdmin().load(path)
    with session_scope() as session:
        for other in session.scalars(select(ModelVersion).where(ModelVersion.live.is_(True))):
            other.live = False
        version = session.get(ModelVersion, version_id)
        if version is None:
            raise StaffError(f"model {version_id} was removed while it was loading")
        version.live, version.loaded_at = True, utcnow()
        rollback = previous is not None and previous.id > version_id
        audit(
            session,
            actor=session.get(StaffUser, user_id),
            action="rollback" if rollback else "model_load",
            target=f"model:{version.id}",
            details={"file": path.name, "previous": previous.path if previous else None},
            ip=ip,
        )
    return {"loaded": path.name, "rollback": rollback}
