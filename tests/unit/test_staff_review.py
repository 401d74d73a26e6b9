"""Inbox clustering, review decisions, drafts, export to Rasa YAML, dashboard figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.db import session_scope
from core.models import AuditEntry, ChatExchange, ContentDraft, ReviewDecision, UnresolvedQuestion
from core.review import (
    DEV_DIRS,
    EVALUATION_DIRS,
    HELDOUT_DIR,
    NLU_DIR,
    Candidate,
    Item,
    cluster,
    comparable,
    domain_intents,
    example_keys,
    plan_export,
    render_nlu_yaml,
)
from core.staff.accounts import create_user

ADMIN = ("chief", "correct horse battery")
REVIEWER = ("rev1", "reviewer password 1")


# --- clustering -----------------------------------------------------------------------------


def test_clustering_is_diacritic_insensitive() -> None:
    groups = cluster([Item(1, "lam sao dang nhap vneid"), Item(2, "Làm sao đăng nhập VNeID?")])
    assert len(groups) == 1 and groups[0].count == 2


def test_unrelated_questions_stay_apart_and_similar_ones_group() -> None:
    texts = [
        "lam sao dang nhap vneid",
        "Làm sao đăng nhập VNeID?",
        "không đăng nhập được VNeID",
        "giá vàng SJC hôm nay bao nhiêu",
        "gia vang sjc hom nay",
        "thời tiết Hà Nội ngày mai",
        "làm hộ chiếu mất bao lâu",
        "Hộ chiếu làm mất bao lâu vậy",
    ]
    groups = cluster([Item(i, t) for i, t in enumerate(texts, start=1)])
    members = sorted(sorted(m.id for m in g.members) for g in groups)
    assert members == [[1, 2, 3], [4, 5], [6], [7, 8]]
    biggest = groups[0]
    assert biggest.count == 3 and biggest.representative is not None
    assert biggest.representative.id in {1, 2, 3}


def test_clustering_is_deterministic_whatever_the_input_order() -> None:
    items = [
        Item(i, t)
        for i, t in enumerate(
            [
                "đổi số điện thoại vneid",
                "doi so dien thoai VNeID",
                "quên mật khẩu vneid",
                "quen mat khau vneid",
                "thủ tục khai sinh",
                "khai sinh online thủ tục",
            ],
            start=10,
        )
    ]
    first = [(g.key, [m.id for m in g.members]) for g in cluster(items)]
    second = [(g.key, [m.id for m in g.members]) for g in cluster(list(reversed(items)))]
    assert first == second


def test_comparable_form_redacts_and_folds() -> None:
    assert comparable("Gọi tôi 0912345678 nhé!") == "goi toi [sdt] nhe"


# --- export planning ------------------------------------------------------------------------


def test_export_skips_training_duplicates_heldout_and_batch_duplicates(tmp_path: Path) -> None:
    training_text = next(iter(example_keys([NLU_DIR / "vi"])))
    heldout_file = next(HELDOUT_DIR.glob("*.yml"))
    heldout_raw = yaml.safe_load(heldout_file.read_text(encoding="utf-8"))["nlu"][0]["examples"]
    heldout_text = heldout_raw.splitlines()[0].strip()[2:]
    dev_raw = yaml.safe_load((DEV_DIRS[0] / "accented.yml").read_text(encoding="utf-8"))["nlu"][0]["examples"]
    dev_text = dev_raw.splitlines()[0].strip()[2:]
    candidates = [
        Candidate(1, "vneid_login", "Sao tôi vào VNeID mãi không được hả trời"),
        Candidate(2, "vneid_login", "sao toi vao vneid mai khong duoc ha troi!"),  # same after folding
        Candidate(3, "vneid_login", training_text.upper()),  # already in data/nlu
        Candidate(4, "greet", heldout_text),  # a held-out test sentence: never trained on
        Candidate(5, "no_such_intent", "một câu hỏi hoàn toàn mới"),
        Candidate(6, "vneid_login", "   "),
        Candidate(7, "greet", dev_text),  # a dev sentence (used to tune the model): never trained on either
    ]
    plan = plan_export(candidates, training=[NLU_DIR], heldout=EVALUATION_DIRS, intents=domain_intents())
    assert plan.results == {
        1: "exported",
        2: "duplicate",
        3: "duplicate",
        4: "heldout",
        5: "unknown_intent",
        6: "empty",
        7: "heldout",
    }
    assert plan.written == {"vneid_login": ["Sao tôi vào VNeID mãi không được hả trời"]}


def test_rendered_yaml_is_rasa_nlu_and_round_trips() -> None:
    text = render_nlu_yaml({"vneid_login": ["đăng nhập [SĐT] được không", "a: b # c"], "greet": ["chào"]})
    data = yaml.safe_load(text)
    assert data["version"] == "3.1"
    assert [block["intent"] for block in data["nlu"]] == ["greet", "vneid_login"]
    assert data["nlu"][1]["examples"] == "- đăng nhập [SĐT] được không\n- a: b # c\n"


# --- API: inbox, decisions, drafts, export, dashboard ---------------------------------------


@pytest.fixture()
def export_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "reviewed"
    monkeypatch.setenv("STAFF_EXPORT_DIR", str(folder))
    return folder


@pytest.fixture()
def client(database_url: str, export_dir: Path) -> Iterator[TestClient]:
    from api.main import create_app
    from core.settings import get_settings

    get_settings.cache_clear()
    with session_scope() as session:
        create_user(session, username=ADMIN[0], password=ADMIN[1], role="admin")
        create_user(session, username=REVIEWER[0], password=REVIEWER[1], role="reviewer")
    with TestClient(create_app()) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str) -> dict[str, str]:
    client.get("/staff/login")
    response = client.post(
        "/api/staff/login",
        json={"username": username, "password": password},
        headers={"X-CSRF-Token": client.cookies.get("staff_login_csrf") or ""},
    )
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf"]}


def seed_questions(rows: list[tuple[str, str, str, str]]) -> list[int]:
    """(text, channel, language, reason) -> ids; created a day apart, oldest first."""
    base = dt.datetime(2026, 11, 1, 9, 0)
    ids = []
    with session_scope() as session:
        for i, (text, channel, language, reason) in enumerate(rows):
            row = UnresolvedQuestion(
                text=text,
                channel=channel,
                language=language,
                reason=reason,
                sender_hash=f"h{i}",
                intents=[],
                status="new",
                created_at=base + dt.timedelta(days=i),
            )
            session.add(row)
            session.flush()
            ids.append(row.id)
    return ids


QUESTIONS = [
    ("lam sao dang nhap vneid", "web", "vi", "nlu_fallback"),
    ("Làm sao đăng nhập VNeID?", "zalo", "vi", "thumbs_down"),
    ("không đăng nhập được VNeID", "web", "vi", "nlu_fallback"),
    ("giá vàng SJC hôm nay bao nhiêu", "web", "vi", "out_of_scope"),
    ("how do I renew my passport abroad", "web", "en", "nlu_fallback"),
    ("thủ tục nhận con nuôi như thế nào", "web", "vi", "missing_content"),
]


def test_inbox_groups_filters_searches_and_pages(client: TestClient) -> None:
    ids = seed_questions(QUESTIONS)
    login(client, *REVIEWER)
    data = client.get("/api/staff/inbox").json()
    assert data["total_questions"] == 6 and data["total_clusters"] == 4
    top = data["clusters"][0]
    assert top["count"] == 3 and sorted(top["question_ids"]) == ids[:3]
    assert top["channels"] == {"web": 2, "zalo": 1}
    assert client.get("/api/staff/inbox", params={"channel": "zalo"}).json()["total_questions"] == 1
    assert client.get("/api/staff/inbox", params={"language": "en"}).json()["total_questions"] == 1
    assert client.get("/api/staff/inbox", params={"reason": "out_of_scope"}).json()["total_questions"] == 1
    dated = client.get("/api/staff/inbox", params={"date_from": "2026-11-02", "date_to": "2026-11-03"}).json()
    assert dated["total_questions"] == 2
    # Search is diacritic-insensitive both ways.
    assert client.get("/api/staff/inbox", params={"q": "dang nhap"}).json()["total_questions"] == 3
    assert client.get("/api/staff/inbox", params={"q": "giá vàng"}).json()["total_questions"] == 1
    page2 = client.get("/api/staff/inbox", params={"page_size": 3, "page": 2}).json()
    assert page2["pages"] == 2 and len(page2["clusters"]) == 1
    assert client.get("/api/staff/inbox", params={"status": "bogus"}).status_code == 422


def test_inbox_redacts_again_on_display(client: TestClient) -> None:
    seed_questions([("gọi tôi 0912345678 hoặc email a.b@example.com", "web", "vi", "nlu_fallback")])
    login(client, *REVIEWER)
    text = client.get("/api/staff/inbox").json()["clusters"][0]["representative"]["text"]
    assert "0912345678" not in text and "example.com" not in text and "[SĐT]" in text


def test_review_actions_are_recorded_and_audited(client: TestClient) -> None:
    ids = seed_questions(QUESTIONS)
    headers = login(client, *REVIEWER)
    cluster_ids = client.get("/api/staff/inbox").json()["clusters"][0]["question_ids"]
    assigned = client.post(
        "/api/staff/review",
        headers=headers,
        json={"question_ids": cluster_ids, "action": "assign", "intent": "vneid_login"},
    )
    assert assigned.status_code == 200 and assigned.json()["updated"] == 3
    bad = client.post(
        "/api/staff/review",
        headers=headers,
        json={"question_ids": [ids[3]], "action": "assign", "intent": "not_an_intent"},
    )
    assert bad.status_code == 422 and "unknown intent" in bad.json()["detail"]
    content = client.post(
        "/api/staff/review", headers=headers, json={"question_ids": [ids[5]], "action": "new_content"}
    )
    assert content.json()["draft_id"]
    ignored = client.post(
        "/api/staff/review", headers=headers, json={"question_ids": [ids[3], ids[4]], "action": "ignore"}
    )  # bulk
    assert ignored.json()["updated"] == 2
    assert client.get("/api/staff/inbox").json()["total_questions"] == 0
    assert client.get("/api/staff/inbox", params={"status": "assigned"}).json()["total_questions"] == 3
    with session_scope() as session:
        decisions = {d.question_id: (d.action, d.intent) for d in session.scalars(select(ReviewDecision))}
        statuses = {q.id: q.status for q in session.scalars(select(UnresolvedQuestion))}
        audit = [
            (a.actor, a.action, a.details.get("count"))
            for a in session.scalars(select(AuditEntry))
            if a.action.startswith("review_")
        ]
        drafts = list(session.scalars(select(ContentDraft)))
    assert decisions[ids[0]] == ("assign", "vneid_login") and decisions[ids[5]] == ("new_content", None)
    assert statuses[ids[3]] == "ignored" and statuses[ids[5]] == "needs_content"
    assert audit == [
        ("rev1", "review_assign", 3),
        ("rev1", "review_new_content", 1),
        ("rev1", "review_ignore", 2),
    ]
    assert drafts[0].question_text == "thủ tục nhận con nuôi như thế nào"
    # Drafts: the reviewer sees them; only an admin completes one (with a source).
    assert client.get("/api/staff/drafts").json()["drafts"][0]["id"] == drafts[0].id
    body = {
        "title": "Nhận con nuôi",
        "answer": "…",
        "source_url": "https://dichvucong.gov.vn/",
        "status": "done",
    }
    assert client.put(f"/api/staff/drafts/{drafts[0].id}", json=body, headers=headers).status_code == 403
    admin = TestClient(client.app)
    admin_headers = login(admin, *ADMIN)
    incomplete = admin.put(
        f"/api/staff/drafts/{drafts[0].id}", json={**body, "source_url": None}, headers=admin_headers
    )
    assert incomplete.status_code == 422
    assert (
        admin.put(f"/api/staff/drafts/{drafts[0].id}", json=body, headers=admin_headers).json()["status"]
        == "done"
    )
    # Reopen puts questions back in the inbox.
    assert (
        client.post("/api/staff/review/reopen", headers=headers, json={"question_ids": [ids[3]]}).status_code
        == 200
    )
    assert client.get("/api/staff/inbox").json()["total_questions"] == 1


@pytest.mark.rasa_env
def test_export_writes_valid_deduplicated_rasa_yaml(client: TestClient, export_dir: Path) -> None:
    """Runs the real `rasa data validate` on the training data plus the exported file."""
    heldout_text = yaml.safe_load((HELDOUT_DIR / "accented.yml").read_text(encoding="utf-8"))["nlu"][0]
    heldout_sentence = heldout_text["examples"].splitlines()[0][2:]
    ids = seed_questions(
        [
            ("vào VNeID bằng mật mã mãi không được thì làm sao", "web", "vi", "nlu_fallback"),
            ("vao VNeID bang mat ma mai khong duoc thi lam sao?", "zalo", "vi", "nlu_fallback"),
            (heldout_sentence, "web", "vi", "nlu_fallback"),
        ]
    )
    headers = login(client, *REVIEWER)
    assert client.post("/api/staff/export", headers=headers).status_code == 422  # nothing assigned yet
    client.post(
        "/api/staff/review",
        headers=headers,
        json={"question_ids": ids[:2], "action": "assign", "intent": "vneid_login"},
    )
    client.post(
        "/api/staff/review",
        headers=headers,
        json={"question_ids": [ids[2]], "action": "assign", "intent": heldout_text["intent"]},
    )
    assert client.get("/api/staff/export/pending").json()["count"] == 3
    response = client.post("/api/staff/export", headers=headers)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["examples"] == 1 and result["results"] == {"exported": 1, "duplicate": 1, "heldout": 1}
    files = list(export_dir.glob("reviewed_*.yml"))
    assert [f.name for f in files] == [result["file"]]
    data = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    assert data["nlu"] == [
        {"intent": "vneid_login", "examples": "- vào VNeID bằng mật mã mãi không được thì làm sao\n"}
    ]
    assert comparable(heldout_sentence) not in example_keys([export_dir])
    # Exported decisions are final, nothing is pending, and a second export has nothing to do.
    assert client.get("/api/staff/export/pending").json()["count"] == 0
    assert (
        client.post(
            "/api/staff/review", headers=headers, json={"question_ids": [ids[0]], "action": "ignore"}
        ).status_code
        == 422
    )
    with session_scope() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.actor == "rev1" and entry.details["examples"] == 1


def test_dashboard_figures(client: TestClient) -> None:
    from core.models import AnswerFeedback

    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with session_scope() as session:
        rows = [
            ("web", "answered", "passport"),
            ("web", "answered", "passport"),
            ("zalo", "fallback", None),
            ("zalo", "answered", "birth_registration"),
        ]
        for i, (channel, status, service) in enumerate(rows):
            session.add(
                ChatExchange(
                    channel=channel,
                    sender_hash=f"s{i}",
                    text="x",
                    status=status,
                    service=service,
                    reply_count=1,
                    created_at=now - dt.timedelta(days=i % 2),
                )
            )
        session.flush()
        exchanges = list(session.scalars(select(ChatExchange)))
        session.add(AnswerFeedback(exchange_id=exchanges[0].id, channel="web", sender_hash="s0", rating="up"))
        session.add(
            AnswerFeedback(exchange_id=exchanges[1].id, channel="web", sender_hash="s1", rating="down")
        )
        session.add(
            AnswerFeedback(exchange_id=exchanges[3].id, channel="zalo", sender_hash="s3", rating="up")
        )
    seed_questions([("lam sao dang nhap vneid", "web", "vi", "nlu_fallback")])
    with session_scope() as session:  # the seeded question is dated 2026-11-01: make it recent
        for q in session.scalars(select(UnresolvedQuestion)):
            q.created_at = now
    login(client, *REVIEWER)
    data = client.get("/api/staff/dashboard").json()
    assert len(data["dates"]) == 2 and data["channels"] == ["web", "zalo"]
    assert sum(data["conversations"]["web"]) == 2 and sum(data["conversations"]["zalo"]) == 2
    assert data["fallback_rate"]["overall"] == 0.25
    assert data["feedback"] == {"available": True, "up": 2, "down": 1, "rate_up": 0.6667}
    assert data["services"][0] == {"service": "passport", "count": 2}
    assert data["top_clusters"][0]["count"] == 1 and "vneid" in data["top_clusters"][0]["text"].lower()
