"""Our replies -> Zalo OA customer-service messages (text split to the 2,000-character limit;
quick-reply buttons as a template attachment with query buttons)."""

from __future__ import annotations

import re
from typing import Any

from api.schemas import Reply

MAX_TEXT_CHARS = 2000
MAX_BUTTONS = 5  # the OA message template takes at most 5 buttons
MAX_BUTTON_TITLE = 100
MAX_BUTTON_PAYLOAD = 1000

WELCOME_VI = (
    "Xin chào! Mình là trợ lý dịch vụ công trực tuyến. Bạn có thể hỏi về thủ tục, giấy tờ, lệ phí "
    '(ví dụ: "Lệ phí làm hộ chiếu bao nhiêu?") hoặc cách dùng VNeID.'
)
TEXT_ONLY_VI = (
    "Xin lỗi, hiện mình chỉ đọc được tin nhắn chữ. Bạn vui lòng gõ câu hỏi bằng chữ "
    '(ví dụ: "Thủ tục làm hộ chiếu online thế nào?").'
)

_SENTENCE_END = re.compile(r"(?<=[.!?…;:])\s+")


def _pieces(text: str, limit: int) -> list[str]:
    """Cut `text` into pieces no longer than `limit`, preferring paragraph, line, sentence, word breaks."""
    if len(text) <= limit:
        return [text]
    for separator in ("\n\n", "\n", None, " "):
        parts = _SENTENCE_END.split(text) if separator is None else text.split(separator)
        if len(parts) > 1:
            joiner = " " if separator is None else separator
            return _pack(parts, joiner, limit)
    return [text[i : i + limit] for i in range(0, len(text), limit)]


def _pack(parts: list[str], joiner: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for part in parts:
        if len(part) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.extend(_pieces(part, limit))
            continue
        candidate = f"{current}{joiner}{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = part
    if current:
        chunks.append(current)
    return chunks


def split_text(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Split a reply into messages of at most `limit` characters, on paragraph/sentence boundaries."""
    text = text.strip()
    if not text:
        return []
    return [chunk.strip() for chunk in _pieces(text, limit) if chunk.strip()]


def zalo_button(title: str, payload: str) -> dict[str, Any]:
    """One of our quick replies as an OA query button: clicking it sends `payload` back as user text.

    Intent payloads ("/ask_fee{...}") are sent hidden (oa.query.hide), plain text is shown (oa.query.show).
    """
    kind = "oa.query.hide" if payload.startswith("/") else "oa.query.show"
    return {"title": title[:MAX_BUTTON_TITLE], "type": kind, "payload": payload[:MAX_BUTTON_PAYLOAD]}


def to_zalo_messages(reply: Reply) -> list[dict[str, Any]]:
    """The `message` objects for one reply: its text split, buttons attached to the last part."""
    chunks = split_text(reply.text) or ([""] if reply.buttons else [])
    messages: list[dict[str, Any]] = [{"text": chunk} for chunk in chunks]
    buttons = [zalo_button(b.title or b.payload, b.payload) for b in reply.buttons if b.payload][:MAX_BUTTONS]
    if buttons:
        last = messages[-1]
        if not last["text"]:
            last["text"] = "Bạn chọn:"
        last["attachment"] = {"type": "template", "payload": {"buttons": buttons}}
    return messages
