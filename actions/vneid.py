"""VNeID help: one guide per topic, picked by the intent (vneid_login -> guide `vneid_login`)."""

from __future__ import annotations

import re
from typing import Any, cast

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import bullet_list, button, language_of, source_line
from actions.faq import answer_faq
from actions.i18n import localised, t
from actions.services import ActionAnswerService
from core.catalogue import get_guide
from core.db import session_scope
from core.procedure_search import find_procedure
from core.textnorm import fold

# Words of VNeID account help (folded): a message with one of them is about the app, not a procedure.
_VNEID_HELP = re.compile(
    r"(?<!\w)(vneid|dinh danh|mat khau|passcode|mat ma|ma pin|dang nhap|kich hoat|so dien thoai|sdt|sim"
    r"|otp|thiet bi|dien thoai|tai khoan|ung dung|app|login|log in|password|phone|device|activate)(?!\w)"
)


class ActionVneidGuide(Action):
    def name(self) -> str:
        return "action_vneid_guide"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = language_of(tracker)
        intent = tracker.latest_message.get("intent", {}).get("name") or ""
        entities = {e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities", [])}
        show_more = entities.get("detail") == "more"
        topic = entities.get("guide") or intent
        text = tracker.latest_message.get("text") or ""
        with session_scope() as session:
            # A portal question the NLU took for VNeID help ("tổng đài dịch vụ công", "phản ánh
            # kiến nghị") gets its FAQ; a message naming VNeID or a button keeps the guide.
            portal_question = (
                not entities.get("guide") and "vneid" not in fold(text) and not text.startswith("/")
            )
            if portal_question and answer_faq(session, dispatcher, tracker, language):
                return []
            # A catalogue procedure the NLU took for VNeID help ("sổ đỏ bị rách muốn đổi sổ mới"):
            # answered from the catalogue when the message has no word of VNeID help.
            catalogue_question = portal_question and not _VNEID_HELP.search(fold(text))
            if catalogue_question and find_procedure(session, text).kind != "none":
                events = ActionAnswerService(from_fallback=True).run(dispatcher, tracker, domain)
                if events:  # from the fallback, no events means no answer
                    return events
            guide = get_guide(session, topic)
            if guide is None:
                dispatcher.utter_message(text=t("guide_missing", language))
                return []
            lines = [str(localised(guide.title, language)).upper()]
            more = localised(guide.more, language)
            if show_more and more:
                lines.append("\n".join(f"• {item}" for item in cast(list[str], more)))
            else:
                summary = localised(guide.summary, language)
                if summary:
                    lines.append(str(summary))
                lines.append(bullet_list(localised(guide.steps, language)))  # type: ignore[arg-type]
            lines.append(source_line(guide, language))
            buttons = []
            if more and not show_more:
                buttons.append(
                    button(t("button_more", language), intent or topic, guide=guide.slug, detail="more")
                )
            dispatcher.utter_message(text="\n\n".join(line for line in lines if line), buttons=buttons)
        return []
