"""The spool (chat records kept on disk while the database is down) holds the sender only as
its keyed hash; records spooled by an older version (raw `sender_id`) still replay."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from api.services.chat import chat_record
from core import spool
from core.db import session_scope
from core.models import ChatExchange, UnresolvedQuestion
from core.privacy import pseudonymise


@pytest.fixture()
def spool_dir(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from core.settings import get_settings

    monkeypatch.setenv("SPOOL_DIR", str(tmp_path / "spool"))
    get_settings.cache_clear()
    return tmp_path / "spool"


def test_spooled_record_has_no_raw_sender_id_and_replays_under_its_hash(spool_dir: Path) -> None:
    record = chat_record("0912345678", "Lệ phí hộ chiếu?", "web", "rasa_unavailable", None, 12)
    path = spool.write("chat_exchange", record)
    assert "0912345678" not in path.read_text(encoding="utf-8")
    old_format = {**record, "sender_id": "zalo:5432109876543210"}
    del old_format["sender_hash"]
    spool.write("chat_exchange", old_format)
    assert spool.replay(spool.apply_chat_exchange) == 2
    with session_scope() as session:
        exchanges = list(session.scalars(select(ChatExchange.sender_hash).order_by(ChatExchange.id)))
        questions = list(
            session.scalars(select(UnresolvedQuestion.sender_hash).order_by(UnresolvedQuestion.id))
        )
    expected = [pseudonymise("0912345678", "test-key"), pseudonymise("zalo:5432109876543210", "test-key")]
    assert exchanges == expected and questions == expected
