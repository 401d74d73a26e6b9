"""JSON API of the staff console under /api/staff. Everything but login needs a session;
every state-changing request needs the X-CSRF-Token header; account management needs admin.
The work is done in api/services/staff/; this module maps HTTP to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, Field

from api import staff_schemas as out
from api.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    StaffContext,
    check_login_csrf,
    client_ip,
    require_admin,
    require_staff,
)
from api.routers.staff.cookies import clear_cookie, set_cookie
from api.schemas import MAX_ID, CleanText, DbId
from api.services.staff import accounts, drafts, models, training
from api.services.staff import inbox as inbox_service
from api.services.staff.dashboard import dashboard
from core.db import session_scope
from core.review import domain_intents
from core.settings import get_settings
from core.staff.errors import NotFound, StaffError
from core.staff.login import LoginRefused
from core.staff.throttle import LoginThrottle

# Every id in a path: 1 .. the largest BIGINT (larger: 422, never an OverflowError).
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]

public = APIRouter(prefix="/api/staff", tags=["staff"])
router = APIRouter(prefix="/api/staff", tags=["staff"], dependencies=[Depends(require_staff)])
admin = APIRouter(prefix="/api/staff", tags=["staff"], dependencies=[Depends(require_admin)])


@contextmanager
def refusals(status_code: int = 422) -> Iterator[None]:
    """StaffError -> `status_code` with its message; NotFound -> 404."""
    try:
        yield
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except StaffError as exc:
        raise HTTPException(status_code, str(exc)) from exc


# --- login / session ------------------------------------------------------------------------


def login_throttle(request: Request) -> LoginThrottle:
    """One throttle per app (in memory unless REDIS_URL is set)."""
    throttle = getattr(request.app.state, "login_throttle", None)
    if throttle is None:
        settings = get_settings()
        throttle = LoginThrottle(
            settings.redis_url,
            settings.staff_login_rate_per_ip,
            settings.staff_login_rate_overall,
            prefix=f"{settings.redis_prefix}-login",
        )
        request.app.state.login_throttle = throttle
    return throttle


class LoginBody(BaseModel):
    username: CleanText = Field(min_length=1, max_length=64)
    password: CleanText = Field(min_length=1, max_length=256)


@public.post(
    "/login",
    response_model=out.Who,
    summary="Log in (needs the login page's CSRF cookie echoed in X-CSRF-Token)",
)
def login(body: LoginBody, request: Request, response: Response) -> dict:
    check_login_csrf(request)
    ip = client_ip(request)
    decision = login_throttle(request).check(ip)
    if not decision.allowed:
        raise HTTPException(
            429,
            f"too many login attempts; try again in {decision.retry_after} s",
            headers={"Retry-After": str(decision.retry_after)},
        )
    refused: LoginRefused | None = None
    with session_scope() as session:  # failures are committed too: they count towards the lock-out
        try:
            token, who = accounts.login(session, body.username, body.password, ip)
        except LoginRefused as exc:
            refused = exc
    if refused is not None:  # unknown, locked or wrong: the same answer
        raise HTTPException(401, str(refused))
    hours = get_settings().staff_session_hours
    set_cookie(response, request, SESSION_COOKIE, token, http_only=True, max_age=int(hours * 3600))
    clear_cookie(response, request, LOGIN_CSRF_COOKIE)
    return who


@router.post("/logout", response_model=out.Ok)
def logout(request: Request, response: Response, staff: StaffContext = Depends(require_staff)) -> dict:
    with session_scope() as session:
        accounts.logout(
            session, session_id=staff.session_id, user_id=staff.user_id, username=staff.username, ip=staff.ip
        )
    clear_cookie(response, request, SESSION_COOKIE)
    return {"ok": True}


@router.get("/me", response_model=out.Who)
def me(staff: StaffContext = Depends(require_staff)) -> dict:
    return {"username": staff.username, "role": staff.role, "csrf": staff.csrf}


# --- inbox and review -----------------------------------------------------------------------


@router.get("/intents", response_model=out.Intents)
def intents() -> dict:
    return {"intents": domain_intents()}


@router.get("/inbox", response_model=out.Inbox)
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
    question_ids: list[DbId] = Field(min_length=1, max_length=inbox_service.MAX_BULK)
    action: Literal["assign", "new_content", "ignore"]
    intent: CleanText | None = Field(None, max_length=80)
    note: CleanText | None = Field(None, max_length=300)


@router.post(
    "/review",
    response_model=out.Reviewed,
    summary="Decide on one or more questions (a cluster, or a bulk selection)",
)
def review(body: ReviewBody, staff: StaffContext = Depends(require_staff)) -> dict:
    with refusals(), session_scope() as session:
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


class ReopenBody(BaseModel):
    question_ids: list[DbId] = Field(min_length=1, max_length=inbox_service.MAX_BULK)


@router.post("/review/reopen", response_model=out.Reopened)
def reopen(body: ReopenBody, staff: StaffContext = Depends(require_staff)) -> dict:
    with refusals(), session_scope() as session:
        return inbox_service.reopen(
            session, user_id=staff.user_id, ip=staff.ip, question_ids=body.question_ids
        )


@router.get("/export/pending", response_model=out.PendingExamples)
def export_pending() -> dict:
    with session_scope() as session:
        return inbox_service.pending_json(session)


@router.post(
    "/export",
    response_model=out.Exported,
    summary="Export assigned examples to Rasa YAML and validate the training data",
)
def export(staff: StaffContext = Depends(require_staff)) -> dict:
    with refusals(), session_scope() as session:
        result = inbox_service.export_reviewed(session, user_id=staff.user_id, ip=staff.ip)
    if result["file"]:
        result["file"] = FilePath(result["file"]).name
    return result


# --- drafts ---------------------------------------------------------------------------------


@router.get("/drafts", response_model=out.Drafts)
def list_drafts(status: str = Query("open", pattern="^(open|done|dismissed|all)$")) -> dict:
    with session_scope() as session:
        return drafts.list_drafts(session, status)


class DraftBody(BaseModel):
    title: CleanText | None = Field(None, max_length=300)
    answer: CleanText | None = Field(None, max_length=5000)
    source_url: str | None = Field(None, max_length=500, pattern=r"^(https?://\S+)?$")
    status: Literal["open", "done", "dismissed"] = "open"


@admin.put(
    "/drafts/{draft_id}", response_model=out.Draft, summary="Complete (or dismiss) a content draft (admin)"
)
def update_draft(draft_id: IdPath, body: DraftBody, staff: StaffContext = Depends(require_admin)) -> dict:
    with refusals(), session_scope() as session:
        return drafts.update_draft(
            session,
            draft_id=draft_id,
            actor_id=staff.user_id,
            ip=staff.ip,
            title=body.title,
            answer=body.answer,
            source_url=body.source_url,
            status=body.status,
        )


# --- training and models --------------------------------------------------------------------


@router.post(
    "/training",
    response_model=out.TrainingStarted,
    summary="Retrain in the background; the model goes live only if not worse",
)
def start_training(staff: StaffContext = Depends(require_staff)) -> dict:
    with refusals(409):
        return {"run_id": training.trainer.start(user_id=staff.user_id, ip=staff.ip)}


@router.get("/training", response_model=out.TrainingRuns)
def training_runs() -> dict:
    with session_scope() as session:
        return training.list_runs(session)


@router.get("/training/{run_id}", response_model=out.TrainingRun)
def training_run(run_id: IdPath) -> dict:
    with refusals(), session_scope() as session:
        return training.get_run(session, run_id)


@router.get("/models", response_model=out.ModelVersions)
def list_models() -> dict:
    with session_scope() as session:
        return models.list_models(session)


@admin.post(
    "/models/{version_id}/load",
    response_model=out.ModelLoaded,
    summary="Load a model from the history into Rasa (rollback)",
)
def load_model(version_id: IdPath, staff: StaffContext = Depends(require_admin)) -> dict:
    with refusals():
        try:
            return models.load_version(version_id=version_id, user_id=staff.user_id, ip=staff.ip)
        except StaffError:
            raise
        except Exception as exc:
            raise HTTPException(502, f"Rasa did not load the model: {exc}") from exc


# --- dashboard ------------------------------------------------------------------------------


@router.get("/dashboard", response_model=out.Dashboard)
def dashboard_figures(days: int = Query(30, ge=1, le=366)) -> dict:
    with session_scope() as session:
        return dashboard(session, days)


# --- audit and accounts (admin) -------------------------------------------------------------


@admin.get("/audit", response_model=out.AuditLog)
def audit_log(
    action: str | None = Query(None, max_length=40),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=200),
) -> dict:
    with session_scope() as session:
        return accounts.audit_log(session, action=action, page=page, page_size=page_size)


@admin.get("/users", response_model=out.StaffAccounts)
def users() -> dict:
    with session_scope() as session:
        return accounts.list_users(session)


class NewUserBody(BaseModel):
    username: CleanText = Field(min_length=3, max_length=64)
    password: CleanText = Field(min_length=1, max_length=256)
    role: Literal["reviewer", "admin"]


@admin.post("/users", status_code=201, response_model=out.StaffAccount)
def add_user(body: NewUserBody, staff: StaffContext = Depends(require_admin)) -> dict:
    with refusals(), session_scope() as session:
        return accounts.add_user(
            session,
            actor_id=staff.user_id,
            ip=staff.ip,
            username=body.username,
            password=body.password,
            role=body.role,
        )


class UserChangeBody(BaseModel):
    role: Literal["reviewer", "admin"] | None = None
    active: bool | None = None
    password: CleanText | None = Field(None, max_length=256)
    unlock: bool = False


@admin.patch("/users/{user_id}", response_model=out.StaffAccount)
def change_user(user_id: IdPath, body: UserChangeBody, staff: StaffContext = Depends(require_admin)) -> dict:
    with refusals(), session_scope() as session:
        return accounts.change_user(
            session,
            actor_id=staff.user_id,
            ip=staff.ip,
            user_id=user_id,
            role=body.role,
            active=body.active,
            password=body.password,
            unlock_account=body.unlock,
        )
