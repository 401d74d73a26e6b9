"""JSON API of the staff console under /api/staff. Everything but login needs a session;
every state-changing request needs the X-CSRF-Token header; account management needs admin."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from api.services.staff import inbox as inbox_service
from api.services.staff.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    StaffContext,
    check_login_csrf,
    clear_cookie,
    client_ip,
    require_admin,
    require_staff,
    set_cookie,
)
from api.services.staff.dashboard import dashboard
from api.services.staff.training import run_json, trainer, version_json
from core.clock import utcnow
from core.db import session_scope
from core.models import AuditEntry, ContentDraft, ModelVersion, StaffSession, StaffUser, TrainingRun
from core.review import domain_intents
from core.settings import get_settings
from core.staff.accounts import ROLES, create_user, set_password
from core.staff.audit import audit
from core.staff.errors import StaffError
from core.staff.login import LoginRefused, authenticate, close_sessions, open_session

public = APIRouter(prefix="/api/staff", tags=["staff"])
router = APIRouter(prefix="/api/staff", tags=["staff"], dependencies=[Depends(require_staff)])
admin = APIRouter(prefix="/api/staff", tags=["staff"], dependencies=[Depends(require_admin)])


def bad_request(exc: StaffError) -> HTTPException:
    return HTTPException(422, str(exc))


# --- login / session ------------------------------------------------------------------------


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


@public.post("/login", summary="Log in (needs the login page's CSRF cookie echoed in X-CSRF-Token)")
def login(body: LoginBody, request: Request, response: Response) -> dict:
    check_login_csrf(request)
    ip = client_ip(request)
    refused: LoginRefused | None = None
    with session_scope() as session:  # failures are committed too: they count towards the lock-out
        try:
            user = authenticate(session, body.username, body.password, ip=ip)
        except LoginRefused as exc:
            refused = exc
        else:
            token, row = open_session(session, user)
            audit(session, actor=user, action="login", target=f"user:{user.username}", ip=ip)
            result = {"username": user.username, "role": user.role, "csrf": row.csrf_token}
    if refused is not None:
        raise HTTPException(423 if refused.locked else 401, str(refused))
    hours = get_settings().staff_session_hours
    set_cookie(response, request, SESSION_COOKIE, token, http_only=True, max_age=int(hours * 3600))
    clear_cookie(response, request, LOGIN_CSRF_COOKIE)
    return result


@router.post("/logout")
def logout(request: Request, response: Response, staff: StaffContext = Depends(require_staff)) -> dict:
    with session_scope() as session:
        row = session.get(StaffSession, staff.session_id)
        if row is not None:
            session.delete(row)
        audit(
            session,
            actor=session.get(StaffUser, staff.user_id),
            action="logout",
            target=f"user:{staff.username}",
            ip=staff.ip,
        )
    clear_cookie(response, request, SESSION_COOKIE)
    return {"ok": True}


@router.get("/me")
def me(staff: StaffContext = Depends(require_staff)) -> dict:
    return {"username": staff.username, "role": staff.role, "csrf": staff.csrf}


# --- inbox and review -----------------------------------------------------------------------


@router.get("/intents")
def intents() -> dict:
    return {"intents": domain_intents()}


@router.get("/inbox")
def inbox(
    status: str = Query("new", pattern="^(new|assigned|needs_content|ignored|all)$"),
    channel: str | None = Query(None, max_length=40),
    language: str | None = Query(None, max_length=8),
    reason: str | None = Query(None, max_length=40),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str | None = Query(None, max_length=200),
    page: int = Query(1, ge=1, le=10_000),
    page_size: int = Query(20, ge=1, le=100),
) -> dict:
    flt = inbox_service.InboxFilter(
        status=status,
        channel=channel or None,
        language=language or None,
        reason=reason or None,
        date_from=date_from,
        date_to=date_to,
        q=q,
    )
    with session_scope() as session:
        return inbox_service.inbox(session, flt, page, page_size)


class ReviewBody(BaseModel):
    question_ids: list[int] = Field(min_length=1, max_length=inbox_service.MAX_BULK)
    action: Literal["assign", "new_content", "ignore"]
    intent: str | None = Field(None, max_length=80)
    note: str | None = Field(None, max_length=300)


@router.post("/review", summary="Decide on one or more questions (a cluster, or a bulk selection)")
def review(body: ReviewBody, staff: StaffContext = Depends(require_staff)) -> dict:
    try:
        with session_scope() as session:
            return inbox_service.decide(
                session,
                user_id=staff.user_id,
                username=staff.username,
                ip=staff.ip,
                question_ids=body.question_ids,
                action=body.action,
                intent=body.intent,
                note=body.note,
            )
    except StaffError as exc:
        raise bad_request(exc) from exc


class ReopenBody(BaseModel):
    question_ids: list[int] = Field(min_length=1, max_length=inbox_service.MAX_BULK)


@router.post("/review/reopen")
def reopen(body: ReopenBody, staff: StaffContext = Depends(require_staff)) -> dict:
    try:
        with session_scope() as session:
            return inbox_service.reopen(
                session, user_id=staff.user_id, ip=staff.ip, question_ids=body.question_ids
            )
    except StaffError as exc:
        raise bad_request(exc) from exc


@router.get("/export/pending")
def export_pending() -> dict:
    with session_scope() as session:
        pending = inbox_service.pending_examples(session)
        return {
            "count": len(pending),
            "examples": [
                {"question_id": d.question_id, "intent": d.intent, "text": d.example_text}
                for d in pending[:200]
            ],
        }


@router.post("/export", summary="Export assigned examples to Rasa YAML and validate the training data")
def export(staff: StaffContext = Depends(require_staff)) -> dict:
    try:
        with session_scope() as session:
            result = inbox_service.export_reviewed(session, user_id=staff.user_id, ip=staff.ip)
    except StaffError as exc:
        raise bad_request(exc) from exc
    if result["file"]:
        result["file"] = Path(result["file"]).name
    return result


# --- drafts ---------------------------------------------------------------------------------


@router.get("/drafts")
def drafts(status: str = Query("open", pattern="^(open|done|dismissed|all)$")) -> dict:
    with session_scope() as session:
        query = select(ContentDraft).order_by(ContentDraft.id.desc()).limit(200)
        if status != "all":
            query = query.where(ContentDraft.status == status)
        return {"drafts": [inbox_service.draft_json(d) for d in session.scalars(query)]}


class DraftBody(BaseModel):
    title: str | None = Field(None, max_length=300)
    answer: str | None = Field(None, max_length=5000)
    source_url: str | None = Field(None, max_length=500, pattern=r"^(https?://\S+)?$")
    status: Literal["open", "done", "dismissed"] = "open"


@admin.put("/drafts/{draft_id}", summary="Complete (or dismiss) a content draft (admin)")
def update_draft(draft_id: int, body: DraftBody, staff: StaffContext = Depends(require_admin)) -> dict:
    with session_scope() as session:
        draft = session.get(ContentDraft, draft_id)
        if draft is None:
            raise HTTPException(404, "no such draft")
        if body.status == "done" and not (body.title and body.answer and body.source_url):
            raise HTTPException(422, "a completed draft needs a title, an answer and a source URL")
        draft.title, draft.answer, draft.source_url, draft.status = (
            body.title,
            body.answer,
            body.source_url,
            body.status,
        )
        if body.status != "open":
            draft.completed_by, draft.completed_at = staff.user_id, utcnow()
        audit(
            session,
            actor=session.get(StaffUser, staff.user_id),
            action=f"draft_{body.status}",
            target=f"draft:{draft_id}",
            details={"title": body.title},
            ip=staff.ip,
        )
        return inbox_service.draft_json(draft)


# --- training and models --------------------------------------------------------------------


@router.post("/training", summary="Retrain in the background; the model goes live only if not worse")
def start_training(staff: StaffContext = Depends(require_staff)) -> dict:
    try:
        run_id = trainer.start(user_id=staff.user_id, ip=staff.ip)
    except StaffError as exc:
        raise HTTPException(409, str(exc)) from exc
    return {"run_id": run_id}


@router.get("/training")
def training_runs() -> dict:
    with session_scope() as session:
        runs = session.scalars(select(TrainingRun).order_by(TrainingRun.id.desc()).limit(20))
        return {"runs": [run_json(run) for run in runs]}


@router.get("/training/{run_id}")
def training_run(run_id: int) -> dict:
    with session_scope() as session:
        run = session.get(TrainingRun, run_id)
        if run is None:
            raise HTTPException(404, "no such run")
        return run_json(run, with_log=True)


@router.get("/models")
def models() -> dict:
    with session_scope() as session:
        versions = session.scalars(select(ModelVersion).order_by(ModelVersion.id.desc()).limit(50))
        return {"models": [version_json(v) for v in versions]}


@admin.post("/models/{version_id}/load", summary="Load a model from the history into Rasa (rollback)")
def load_model(version_id: int, staff: StaffContext = Depends(require_admin)) -> dict:
    try:
        return trainer.load_version(version_id=version_id, user_id=staff.user_id, ip=staff.ip)
    except StaffError as exc:
        raise bad_request(exc) from exc
    except Exception as exc:
        raise HTTPException(502, f"Rasa did not load the model: {exc}") from exc


# --- dashboard ------------------------------------------------------------------------------


@router.get("/dashboard")
def dashboard_figures(days: int = Query(30, ge=1, le=366)) -> dict:
    with session_scope() as session:
        return dashboard(session, days)


# --- audit and accounts (admin) -------------------------------------------------------------


@admin.get("/audit")
def audit_log(
    action: str | None = Query(None, max_length=40),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=200),
) -> dict:
    with session_scope() as session:
        query = select(AuditEntry)
        count = select(func.count()).select_from(AuditEntry)
        if action:
            query, count = query.where(AuditEntry.action == action), count.where(AuditEntry.action == action)
        total = session.scalar(count) or 0
        rows = session.scalars(
            query.order_by(AuditEntry.id.desc()).offset((page - 1) * page_size).limit(page_size)
        )
        return {
            "total": total,
            "page": page,
            "entries": [
                {
                    "id": e.id,
                    "at": e.created_at.isoformat() if e.created_at else None,
                    "actor": e.actor,
                    "action": e.action,
                    "target": e.target,
                    "details": e.details,
                    "ip": e.ip,
                }
                for e in rows
            ],
        }


def user_json(user: StaffUser) -> dict:
    locked = (
        user.locked_until is not None
        and (
            user.locked_until
            if user.locked_until.tzinfo
            else user.locked_until.replace(tzinfo=dt.timezone.utc)
        )
        > utcnow()
    )
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "active": user.active,
        "locked": locked,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


@admin.get("/users")
def users() -> dict:
    with session_scope() as session:
        return {
            "users": [user_json(u) for u in session.scalars(select(StaffUser).order_by(StaffUser.username))],
            "roles": list(ROLES),
        }


class NewUserBody(BaseModel):
    username: str = Field(min_length=3, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: Literal["reviewer", "admin"]


@admin.post("/users", status_code=201)
def add_user(body: NewUserBody, staff: StaffContext = Depends(require_admin)) -> dict:
    try:
        with session_scope() as session:
            user = create_user(session, username=body.username, password=body.password, role=body.role)
            audit(
                session,
                actor=session.get(StaffUser, staff.user_id),
                action="user_create",
                target=f"user:{user.username}",
                details={"role": user.role},
                ip=staff.ip,
            )
            return user_json(user)
    except StaffError as exc:
        raise bad_request(exc) from exc


class UserChangeBody(BaseModel):
    role: Literal["reviewer", "admin"] | None = None
    active: bool | None = None
    password: str | None = Field(None, max_length=256)
    unlock: bool = False


@admin.patch("/users/{user_id}")
def change_user(user_id: int, body: UserChangeBody, staff: StaffContext = Depends(require_admin)) -> dict:
    try:
        with session_scope() as session:
            user = session.get(StaffUser, user_id)
            if user is None:
                raise HTTPException(404, "no such user")
            if user.id == staff.user_id and (body.active is False or body.role == "reviewer"):
                raise StaffError("you cannot deactivate or demote yourself")
            changes: dict[str, object] = {}
            if body.role is not None and body.role != user.role:
                changes["role"] = [user.role, body.role]
                user.role = body.role
            if body.active is not None and body.active != user.active:
                changes["active"] = body.active
                user.active = body.active
                if not body.active:
                    close_sessions(session, user.id)
            if body.password:
                set_password(user, body.password)
                close_sessions(session, user.id)
                changes["password"] = "reset"
            if body.unlock:
                user.locked_until, user.failed_logins, user.first_failed_at = None, 0, None
                changes["unlocked"] = True
            audit(
                session,
                actor=session.get(StaffUser, staff.user_id),
                action="user_update",
                target=f"user:{user.username}",
                details=changes,
                ip=staff.ip,
            )
            return user_json(user)
    except StaffError as exc:
        raise bad_request(exc) from exc
