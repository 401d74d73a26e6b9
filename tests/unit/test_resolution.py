"""Which procedure the user means in a conversation: picks among the choices shown, corrections,
follow-ups, unknown procedures (logged), and the procedure code in answers."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.common import button
from actions.fallback import ActionLogUnresolved
from actions.resolution import (
    aspect_from_text,
    choice_message,
    correction_rest,
    names_something,
    offered_choices,
    pick_number,
    resolve,
)
from actions.services import ActionAnswerService
from core.db import session_scope
from core.models import UnresolvedQuestion


def tracker(
    text: str,
    intent: str = "inform",
    service: str | None = None,
    choices: list[str] | None = None,
) -> Tracker:
    events: list[dict[str, Any]] = [{"event": "user", "text": "trước đó"}]
    if choices:
        buttons = [button(f"{i}. {slug}", "ask_service", service=slug) for i, slug in enumerate(choices, 1)]
        events.append({"event": "bot", "text": "Bạn hỏi thủ tục nào?", "data": {"buttons": buttons}})
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    events.append({"event": "user", "text": text, "parse_data": message})
    return Tracker(
        sender_id="test-user",
        slots={"service": service, "language": "vi", "aspect": None, "province": None},
        latest_message=message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("cái thứ hai", 2),
        ("số 3, phí bao nhiêu", 3),
        ("so 1", 1),
        ("thủ tục thứ nhất", 1),
        ("2", 2),
        ("the second one", 2),
        ("option 4", 4),
        ("làm hộ chiếu", None),
        ("ba tôi mất hôm qua", None),
    ],
)
def test_pick_number(text: str, number: int | None) -> None:
    assert pick_number(text) == number


def test_correction_rest() -> None:
    assert correction_rest("à không, ý tôi là chứng thực bản sao") == "chung thuc ban sao"
    assert correction_rest("No, I meant the marriage certificate") == "the marriage certificate"
    assert correction_rest("làm hộ chiếu mất bao lâu") is None


def test_aspect_and_whether_a_procedure_is_named() -> None:
    assert aspect_from_text("số 3, phí bao nhiêu") == "fee"
    assert aspect_from_text("còn giấy tờ thì sao?") == "documents"
    assert aspect_from_text("mất bao lâu?") == "time"
    assert aspect_from_text("nộp ở đâu?") == "where"
    assert not names_something("còn giấy tờ thì sao?")
    assert names_something("cấp phép bay flycam")


def test_offered_choices_are_read_from_the_last_bot_turn() -> None:
    assert offered_choices(tracker("2", choices=["passport", "birth_registration"])) == [
        "passport",
        "birth_registration",
    ]
    assert offered_choices(tracker("2")) == []


def test_resolution_in_conversation(catalogue_db: str) -> None:
    choices = ["passport", "birth_registration", "marriage_registration"]
    with session_scope() as session:
        picked = resolve(session, tracker("cái thứ hai", choices=choices))
        assert (picked.how, picked.service and picked.service.slug) == ("pick", "birth_registration")
        third = resolve(session, tracker("số 3, phí bao nhiêu", "ask_fee", choices=choices))
        assert third.service is not None and third.service.slug == "marriage_registration"
        corrected = resolve(session, tracker("à không, ý tôi là đăng ký kết hôn", service="passport"))
        assert (corrected.how, corrected.service and corrected.service.slug) == (
            "correction",
            "marriage_registration",
        )
        kept = resolve(session, tracker("còn giấy tờ cần chuẩn bị thì sao?", "ask_documents", "passport"))
        assert (kept.how, kept.service and kept.service.slug) == ("follow_up", "passport")
        switched = resolve(session, tracker("còn lý lịch tư pháp thì sao?", "ask_fee", "passport"))
        assert switched.service is not None and switched.service.slug == "criminal_record_certificate"
        unknown = resolve(session, tracker("cấp phép bay flycam", "ask_service"))
        assert unknown.service is None and unknown.candidates == []


def test_choice_message_numbers_the_real_candidates(catalogue_db: str) -> None:
    with session_scope() as session:
        first = resolve(session, tracker("cái thứ nhất", choices=["passport", "birth_registration"])).service
        second = resolve(session, tracker("số 2", choices=["passport", "birth_registration"])).service
        assert first is not None and second is not None
        message = choice_message([first, second], "ask_fee", "vi")
    assert message["text"].splitlines()[1:] == [
        "1. Cấp hộ chiếu phổ thông ở trong nước",
        "2. Đăng ký khai sinh",
    ]
    assert [b["payload"] for b in message["buttons"]] == [
        '/ask_fee{"service":"passport"}',
        '/ask_fee{"service":"birth_registration"}',
    ]


def test_unknown_procedure_says_so_and_is_logged(catalogue_db: str) -> None:
    dispatcher = CollectingDispatcher()
    ActionAnswerService().run(dispatcher, tracker("cấp phép bay flycam", "ask_service"), {})
    assert "chưa trả lời được" in dispatcher.messages[0]["text"]
    assert not dispatcher.messages[0].get("buttons")  # no unrelated procedures offered
    with session_scope() as session:
        reasons = [row.reason for row in session.scalars(select(UnresolvedQuestion))]
    assert reasons == ["unknown_service"]


def test_answers_carry_the_procedure_code(catalogue_db: str) -> None:
    dispatcher = CollectingDispatcher()
    events = ActionAnswerService().run(
        dispatcher, tracker("lệ phí bao nhiêu", "ask_fee", service="birth_registration"), {}
    )
    last = dispatcher.messages[0]["text"].split("\n")[-1]
    assert last.startswith("Nguồn:") and last.endswith("· Mã thủ tục 1.001193")
    assert {"event": "slot", "name": "service", "value": "birth_registration", "timestamp": None} in events


def test_fallback_answers_what_the_catalogue_knows(catalogue_db: str) -> None:
    dispatcher = CollectingDispatcher()
    ActionLogUnresolved().run(dispatcher, tracker("đăng ký khai tử ở đâu vậy", "nlu_fallback"), {})
    assert dispatcher.messages[0]["text"].startswith("Đăng ký khai tử: nộp tại")
    dispatcher = CollectingDispatcher()
    ActionLogUnresolved().run(dispatcher, tracker("thời tiết hôm nay thế nào", "nlu_fallback"), {})
    assert "chưa trả lời được" in dispatcher.messages[0]["text"]
    with session_scope() as session:
        assert [row.reason for row in session.scalars(select(UnresolvedQuestion))] == ["nlu_fallback"]


def test_from_the_fallback_only_an_aspect_follow_up_keeps_the_procedure(catalogue_db: str) -> None:
    with session_scope() as session:
        kept = resolve(session, tracker("mất bao lâu?", "nlu_fallback", "passport"), from_fallback=True)
        assert kept.service is not None and kept.service.slug == "passport"
        other = resolve(session, tracker("giá vàng hôm nay?", "nlu_fallback", "passport"), from_fallback=True)
        assert other.service is None and other.candidates == []


def _tagged(text: str, service: str) -> Tracker:
    """A message in which the NLU tagged a popular service (its gazetteer knows those only)."""
    message = {
        "text": text,
        "intent": {"name": "ask_service", "confidence": 0.9},
        "entities": [{"entity": "service", "value": service}],
    }
    return Tracker(
        sender_id="test-user",
        slots={"service": None, "language": "vi", "aspect": None, "province": None},
        latest_message=message,
        events=[{"event": "user", "text": text, "parse_data": message}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def test_a_sibling_found_first_wins_over_the_tagged_popular_service(catalogue_db: str) -> None:
    with session_scope() as session:
        lost = resolve(session, _tagged("mất hộ chiếu phải làm gì", "passport"))
        fee = resolve(session, _tagged("lệ phí làm hộ chiếu", "passport"))
        pressed = resolve(session, _tagged('/ask_service{"service": "passport"}', "passport"))
    shown = [lost.service.slug] if lost.service else [service.slug for service in lost.candidates]
    assert shown[0] == "passport_loss_report"
    assert fee.service is not None and fee.service.slug == "passport"
    assert pressed.service is not None and pressed.service.slug == "passport" and pressed.how == "entity"


def test_a_tagged_service_gives_way_to_a_candidate_that_explains_more(catalogue_db: str) -> None:
    with session_scope() as session:
        lost = resolve(session, _tagged("hộ chiếu để trong vali bị mất ở bến xe, báo cho ai", "passport"))
        took = resolve(session, _tagged("làm hộ chiếu mất mấy ngày", "passport"))
    assert lost.service is None
    assert {"passport", "passport_loss_report"} <= {service.slug for service in lost.candidates}
    assert took.service is not None and took.service.slug == "passport"  # "mất mấy ngày": time, not loss


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "answered"),
    [
        ("cham dut hoat dong ho kinh doanh", "goodbye", 0.49, "business_household_closure"),
        ("xác nhận chữ ký trên đơn cam kết ở phường", "thanks", 0.5, "signature_certification"),
        ("cảm ơn bạn nhiều", "thanks", 0.97, None),
        ("I need assistance", "bot_capabilities", 0.57, None),  # short, and only a choice
    ],
)
def test_small_talk_the_nlu_was_unsure_of_is_answered_when_it_names_a_procedure(
    catalogue_db: str, text: str, intent: str, confidence: float, answered: str | None
) -> None:
    from actions.small_talk import RESPONSES, ActionSmallTalk

    asked = tracker(text, intent)
    asked.latest_message["intent"]["confidence"] = confidence
    dispatcher = CollectingDispatcher()
    ActionSmallTalk().run(dispatcher, asked, {})
    if answered is None:
        assert dispatcher.messages == [_response(RESPONSES[intent])]
    else:
        payloads = " ".join(str(b["payload"]) for m in dispatcher.messages for b in m.get("buttons") or [])
        assert f'"service":"{answered}"' in payloads
        assert "Mã thủ tục" in dispatcher.messages[0]["text"]


def _response(name: str) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(response=name)
    return dispatcher.messages[0]


def test_a_tagged_service_does_not_stand_for_another_subject(catalogue_db: str) -> None:
    with session_scope() as session:
        diplomatic = resolve(session, _tagged("gia hạn hộ chiếu ngoại giao", "passport"))
    assert diplomatic.service is None and diplomatic.candidates == []
