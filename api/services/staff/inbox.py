"""Inbox of unresolved questions (clustered), review decisions, drafts and export."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.models import ContentDraft, ReviewDecision, StaffUser, UnresolvedQuestion
from core.privacy import redact
from core.review import (
    EVALUATION_DIRS,
    NLU_DIR,
    Candidate,
    Item,
    cluster,
    comparable,
    domain_intents,
    plan_export,
    validate_training_data,
    write_export,
)
from core.settings import get_settings
from core.staff.audit import audit
from core.staff.errors import StaffError

ACTIONS = ("assign", "new_content", "ignore")
STATUS_FOR_ACTION = {"assign": "assigned", "new_content": "needs_content", "ignore": "ignored"}
STATUSES = ("new", "assigned", "needs_content", "ignored", "all")
MAX_ROWS = 5000
MAX_MEMBERS_SHOWN = 50
MAX_BULK = 2000


@dataclass
class InboxFilter:
    status: str = "new"
    channel: str | None = None
    language: str | None = None
    reason: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str | None = None


def _question_json(row: UnresolvedQuestion, decision: ReviewDecision | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "text": redact(row.text),  # stored redacted; redacted again in case an old row was not
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "channel": row.channel,
        "language": row.language,
        "reason": row.reason,
        "status": row.status,
        "bot_reply": redact(row.bot_reply) if row.bot_reply else None,
        "decision": None
        if decision is None
        else {
            "action": decision.action,
            "intent": decision.intent,
            "exported": decision.export_result,
        },
    }


def load_questions(session: Session, flt: InboxFilter) -> list[UnresolvedQuestion]:
    query = select(UnresolvedQuestion)
    if flt.status and flt.status != "all":
        query = query.where(UnresolvedQuestion.status == flt.status)
    if flt.channel:
        query = query.where(UnresolvedQuestion.channel == flt.channel)
    if flt.language:
        query = query.where(UnresolvedQuestion.language == flt.language)
    if flt.reason:
        query = query.where(UnresolvedQuestion.reason == flt.reason)
    if flt.date_from:
        query = query.where(UnresolvedQuestion.created_at >= dt.datetime.combine(flt.date_from, dt.time.min))
    if flt.date_to:
        end = dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time.min)
        query = query.where(UnresolvedQuestion.created_at < end)
    rows = list(session.scalars(query.order_by(UnresolvedQuestion.id.desc()).limit(MAX_ROWS)))
    if flt.q and flt.q.strip():
        needle = comparable(flt.q)
        rows = [row for row in rows if needle in comparable(row.text)]
    return rows


def inbox(session: Session, flt: InboxFilter, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    rows = load_questions(session, flt)
    decisions = _decisions(session, [row.id for row in rows])
    clusters = cluster([Item(row.id, row.text, row) for row in rows])
    start = (page - 1) * page_size
    shown = clusters[start : start + page_size]
    return {
        "total_questions": len(rows),
        "total_clusters": len(clusters),
        "page": page,
        "page_size": page_size,
        "pages": max(1, -(-len(clusters) // page_size)),
        "clusters": [
            {
                "key": group.key,
                "count": group.count,
                "representative": _question_json(
                    group.representative.data, decisions.get(group.representative.id)
                ),
                "question_ids": [m.id for m in group.members],
                "members": [
                    _question_json(m.data, decisions.get(m.id)) for m in group.members[:MAX_MEMBERS_SHOWN]
                ],
                "channels": dict(Counter(m.data.channel for m in group.members)),
                "reasons": dict(Counter(m.data.reason for m in group.members)),
            }
            for group in shown
        ],
        "filters": {
            "channels": _distinct(session, UnresolvedQuestion.channel),
            "languages": _distinct(session, UnresolvedQuestion.language),
            "reasons": _distinct(session, UnresolvedQuestion.reason),
            "statuses": list(STATUSES),
        },
    }


def _distinct(session: Session, column: Any) -> list[str]:
    return sorted(v for v in session.scalars(select(column).distinct()) if v)


def _decisions(session: Session, ids: list[int]) -> dict[int, ReviewDecision]:
    found: dict[int, ReviewDecision] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        for decision in session.scalars(select(ReviewDecision).where(ReviewDecision.question_id.in_(part))):
            found[decision.question_id] = decision
    return found


def decide(
    session: Session,
    *,
    user_id: int,
    username: str,
    ip: str | None,
    question_ids: list[int],
    action: str,
    intent: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Record one decision per question (bulk); audited. Exported decisions cannot be changed."""
    if action not in ACTIONS:
        raise StaffError(f"action must be one of {', '.join(ACTIONS)}")
    ids = sorted({int(i) for i in question_ids})
    if not ids:
        raise StaffError("no questions selected")
    if len(ids) > MAX_BULK:
        raise StaffError(f"at most {MAX_BULK} questions at once")
    if action == "assign":
        if not intent or intent not in domain_intents():
            raise StaffError(f"unknown intent {intent!r}: choose one from domain.yml")
    else:
        intent = None
    rows = {
        row.id: row
        for row in session.scalars(select(UnresolvedQuestion).where(UnresolvedQuestion.id.in_(ids)))
    }
    missing = [i for i in ids if i not in rows]
    if missing:
        raise StaffError(f"unknown question id(s): {missing[:10]}")
    existing = _decisions(session, ids)
    locked = [i for i, d in existing.items() if d.exported_at is not None]
    if locked:
        raise StaffError(f"question(s) {locked[:10]} were already exported; their decision is final")
    now = utcnow()
    for qid in ids:
        decision = existing.get(qid) or ReviewDecision(question_id=qid)
        decision.action = action
        decision.intent = intent
        decision.example_text = redact(rows[qid].text) if action == "assign" else None
        decision.cluster_key = ids[0]
        decision.decided_by = user_id
        decision.decided_at = now
        session.add(decision)
        rows[qid].status = STATUS_FOR_ACTION[action]
    draft_id = None
    if action == "new_content":
        representative = min(ids)
        draft = ContentDraft(
            created_by=user_id,
            question_ids=ids,
            question_text=redact(rows[representative].text),
            title=(note or "")[:300] or None,
            status="open",
        )
        session.add(draft)
        session.flush()
        draft_id = draft.id
    actor = session.get(StaffUser, user_id)
    audit(
        session,
        actor=actor,
        action=f"review_{action}",
        target=f"questions:{ids[0]}" + (f"..{ids[-1]}" if len(ids) > 1 else ""),
        details={"question_ids": ids, "count": len(ids), "intent": intent, "draft_id": draft_id},
        ip=ip,
        actor_name=username,
    )
    session.flush()
    return {"updated": len(ids), "action": action, "intent": intent, "draft_id": draft_id}


def reopen(session: Session, *, user_id: int, ip: str | None, question_ids: list[int]) -> dict[str, Any]:
    """Undo decisions not yet exported: the questions go back to "new"."""
    ids = sorted({int(i) for i in question_ids})
    existing = _decisions(session, ids)
    locked = [i for i, d in existing.items() if d.exported_at is not None]
    if locked:
        raise StaffError(f"question(s) {locked[:10]} were already exported; their decision is final")
    for decision in existing.values():
        session.delete(decision)
    for row in session.scalars(select(UnresolvedQuestion).where(UnresolvedQuestion.id.in_(ids))):
        row.status = "new"
    audit(
        session,
        actor=session.get(StaffUser, user_id),
        action="review_reopen",
        target=f"questions:{ids[0] if ids else '-'}",
        details={"question_ids": ids},
        ip=ip,
    )
    return {"updated": len(ids)}


# --- export ---------------------------------------------------------------------------------


def pending_examples(session: Session) -> list[ReviewDecision]:
    return list(
        session.scalars(
            select(ReviewDecision)
            .where(ReviewDecision.action == "assign", ReviewDecision.exported_at.is_(None))
            .order_by(ReviewDecision.id)
        )
    )


def pending_json(session: Session, shown: int = 200) -> dict[str, Any]:
    pending = pending_examples(session)
    return {
        "count": len(pending),
        "examples": [
            {"question_id": d.question_id, "intent": d.intent, "text": d.example_text}
            for d in pending[:shown]
        ],
    }


def export_reviewed(
    session: Session,
    *,
    user_id: int,
    ip: str | None,
    validate: bool = True,
    export_dir: Path | None = None,
) -> dict[str, Any]:
    """Write pending assigned examples as Rasa YAML, validate with `rasa data validate`, mark them.

    If validation fails the file is removed, nothing is marked, and StaffError carries the output."""
    settings = get_settings()
    folder = Path(export_dir or settings.staff_export_dir)
    decisions = pending_examples(session)
    actor = session.get(StaffUser, user_id)
    if not decisions:
        raise StaffError("nothing to export: assign some questions to an intent first")
    plan = plan_export(
        [Candidate(d.id, d.intent or "", d.example_text or "") for d in decisions],
        training=[NLU_DIR, folder],
        heldout=EVALUATION_DIRS,
        intents=domain_intents(),
    )
    now = utcnow()
    path: Path | None = None
    validation_output = ""
    if plan.count:
        path = write_export(
            folder,
            plan.written,
            now,
            note=f"Exported by the staff console ({actor.username if actor else '-'}) "
            f"{now:%Y-%m-%d %H:%M} UTC",
        )
        if validate:
            result = validate_training_data(settings.staff_rasa_python.with_name("rasa"), folder)
            validation_output = result.output
            if not result.ok:
                path.unlink(missing_ok=True)
                audit(
                    session,
                    actor=actor,
                    action="export_failed",
                    target=path.name,
                    details={"output": result.output[-1500:]},
                    ip=ip,
                )
                raise StaffError("rasa data validate failed; nothing was exported:\n" + result.output[-1500:])
    for decision in decisions:
        decision.exported_at = now
        decision.export_result = plan.results.get(decision.id, "duplicate")
        decision.export_file = path.name if path and decision.export_result == "exported" else None
    counts = dict(Counter(plan.results.values()))
    audit(
        session,
        actor=actor,
        action="export",
        target=path.name if path else None,
        details={
            "examples": plan.count,
            "results": counts,
            "intents": {k: len(v) for k, v in plan.written.items()},
        },
        ip=ip,
    )
    return {
        "file": str(path) if path else None,
        "examples": plan.count,
        "results": counts,
        "intents": {k: len(v) for k, v in plan.written.items()},
        "validation": validation_output[-1500:],
    }
