"""Dashboard figures: conversations per day and channel, fallback rate, 👍/👎, top clusters, services."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import AnswerFeedback, ChatExchange, UnresolvedQuestion
from core.privacy import redact
from core.review import Item, cluster

ANSWERED = "answered"


def _day(value: Any) -> str:
    return str(value)[:10]


def dashboard(session: Session, days: int = 30) -> dict[str, Any]:
    days = max(1, min(days, 366))
    since = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=days)
    day = func.date(ChatExchange.created_at)
    recent = ChatExchange.created_at >= since

    per_day: dict[str, dict[str, int]] = defaultdict(dict)
    channels: set[str] = set()
    for date, channel, count in session.execute(
        select(day, ChatExchange.channel, func.count()).where(recent).group_by(day, ChatExchange.channel)
    ):
        per_day[_day(date)][channel] = int(count)
        channels.add(channel)

    status_by_day: dict[str, dict[str, int]] = defaultdict(lambda: {"total": 0, "unanswered": 0})
    totals = {"total": 0, "unanswered": 0}
    for date, status, count in session.execute(
        select(day, ChatExchange.status, func.count()).where(recent).group_by(day, ChatExchange.status)
    ):
        entry = status_by_day[_day(date)]
        entry["total"] += int(count)
        totals["total"] += int(count)
        if status != ANSWERED:
            entry["unanswered"] += int(count)
            totals["unanswered"] += int(count)

    services = [
        {"service": service, "count": int(count)}
        for service, count in session.execute(
            select(ChatExchange.service, func.count().label("n"))
            .where(recent, ChatExchange.service.is_not(None))
            .group_by(ChatExchange.service)
            .order_by(func.count().desc(), ChatExchange.service)
            .limit(10)
        )
    ]

    questions = list(
        session.scalars(
            select(UnresolvedQuestion)
            .where(UnresolvedQuestion.status == "new", UnresolvedQuestion.created_at >= since)
            .order_by(UnresolvedQuestion.id.desc())
            .limit(3000)
        )
    )
    top = [
        {"key": group.key, "count": group.count, "text": redact(group.representative.text)}
        for group in cluster([Item(q.id, q.text) for q in questions])[:10]
    ]

    dates = sorted(set(per_day) | set(status_by_day))
    return {
        "days": days,
        "dates": dates,
        "channels": sorted(channels),
        "conversations": {ch: [per_day[d].get(ch, 0) for d in dates] for ch in sorted(channels)},
        "fallback_rate": {
            "overall": round(totals["unanswered"] / totals["total"], 4) if totals["total"] else None,
            "total": totals["total"],
            "unanswered": totals["unanswered"],
            "per_day": [
                round(status_by_day[d]["unanswered"] / status_by_day[d]["total"], 4)
                if status_by_day[d]["total"]
                else None
                for d in dates
            ],
        },
        "feedback": _feedback(session, since),
        "top_clusters": top,
        "services": services,
    }


def _feedback(session: Session, since: dt.datetime) -> dict[str, Any]:
    """👍/👎 counts of the period."""
    counts: dict[str, int] = {
        rating: count
        for rating, count in session.execute(
            select(AnswerFeedback.rating, func.count())
            .where(AnswerFeedback.created_at >= since)
            .group_by(AnswerFeedback.rating)
        )
    }
    up, down = int(counts.get("up", 0)), int(counts.get("down", 0))
    return {
        "available": True,
        "up": up,
        "down": down,
        "rate_up": round(up / (up + down), 4) if up + down else None,
    }
