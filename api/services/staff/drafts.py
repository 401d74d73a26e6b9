"""Content drafts: questions that need new content, completed (with a source) or dismissed by an admin."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.models import ContentDraft, StaffUser
from core.privacy import redact
from core.staff.audit import audit
from core.staff.errors import NotFound, StaffError


def draft_json(draft: ContentDraft) -> dict[str, Any]:
    return {
        "id": draft.id,
        "created_at": draft.created_at.isoformat() if draft.created_at else None,
        "question_ids": draft.question_ids,
        "question_text": redact(draft.question_text),
        "title": draft.title,
        "answer": draft.answer,
        "source_url": draft.source_url,
        "status": draft.status,
        "completed_at": draft.completed_at.isoformat() if draft.completed_at else None,
    }


def list_drafts(session: Session, status: str) -> dict[str, Any]:
    query = select(ContentDraft).order_by(ContentDraft.id.desc()).limit(200)
    if status != "all":
        query = query.where(ContentDraft.status == status)
    return {"drafts": [draft_json(d) for d in session.scalars(query)]}


def update_draft(
    session: Session,
    *,
    draft_id: int,
    actor_id: int,
    ip: str | None,
    title: str | None,
    answer: str | None,
    source_url: str | None,
    status: str,
) -> dict[str, Any]:
    """Edit a draft; a completed one needs a title, an answer and a source URL. Audited."""
    draft = session.get(ContentDraft, draft_id)
    if draft is None:
        raise NotFound("no such draft")
    if status == "done" and not (title and answer and source_url):
        raise StaffError("a completed draft needs a title, an answer and a source URL")
    draft.title, draft.answer, draft.source_url, draft.status = title, answer, source_url, status
    if status != "open":
        draft.completed_by, draft.completed_at = actor_id, utcnow()
    audit(
        session,
        actor=session.get(StaffUser, actor_id),
        action=f"draft_{status}",
        target=f"draft:{draft_id}",
        details={"title": title},
        ip=ip,
    )
    return draft_json(draft)
