"""SQLAlchemy 2 models of the app database, one module per area. Importing the package registers
every table on Base.metadata (Alembic's autogenerate and the tests rely on it)."""

from core.models.analytics import ChatExchange, UnresolvedQuestion
from core.models.base import Base, Localised
from core.models.catalogue import Faq, FeeReduction, Guide, Service, SourcedMixin
from core.models.feedback import AnswerFeedback
from core.models.lease import Lease
from core.models.staff import (
    AuditEntry,
    ContentDraft,
    ModelVersion,
    ReviewDecision,
    LoginAttempt,
    StaffSession,
    StaffUser,
    TrainingRun,
)
from core.models.zalo import ZaloEvent, ZaloToken

__all__ = [
    "AnswerFeedback",
    "AuditEntry",
    "Base",
    "ChatExchange",
    "ContentDraft",
    "Faq",
    "FeeReduction",
    "Guide",
    "Lease",
    "Localised",
    "ModelVersion",
    "ReviewDecision",
    "Service",
    "SourcedMixin",
    "LoginAttempt",
    "StaffSession",
    "StaffUser",
    "TrainingRun",
    "UnresolvedQuestion",
    "ZaloEvent",
    "ZaloToken",
]
