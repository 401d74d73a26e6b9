"""Reply templates used by actions, per language. Vietnamese is the default."""

from __future__ import annotations

DEFAULT_LANGUAGE = "vi"

MESSAGES: dict[str, dict[str, str]] = {
    "source": {
        "vi": "Nguồn: {title} · cập nhật {date}",
        "en": "Source: {title} · checked {date}",
    },
    "unverified": {"vi": "chưa xác minh", "en": "not yet verified"},
    "no_official_source": {"vi": "chưa xác minh nguồn chính thức", "en": "no official source verified yet"},
    # Answer-first lines (actions/render.py): the first sentence answers what was asked.
    "fee_waiver_if": {
        "vi": "{name}: hiện nay bạn được miễn lệ phí nếu {condition}; nếu không: {rest}.",
        "en": "{name}: today the fee is waived if {condition}; otherwise: {rest}.",
    },
    "fee_cut_if": {
        "vi": "{name}: hiện nay lệ phí còn {amount} nếu {condition}; nếu không: {rest}.",
        "en": "{name}: today the fee is {amount} if {condition}; otherwise: {rest}.",
    },
    "fee_now": {"vi": "{name}: lệ phí hiện nay: {rest}.", "en": "{name}: the fee today: {rest}."},
    "fee_no_cut": {
        "vi": "{name}: hiện nay (ngày {date}) không có mức giảm lệ phí nào; lệ phí là {rest}.",
        "en": "{name}: as of {date} no fee reduction applies; the fee is {rest}.",
    },
    "fee_none_known": {
        "vi": "{name}: danh mục chưa có mức lệ phí đã kiểm chứng.",
        "en": "{name}: we have no verified fee amount yet.",
    },
    "fee_by_method": {
        "vi": "nộp trực tuyến {online}, nộp trực tiếp {offline}",
        "en": "{online} online, {offline} in person",
    },
    "fee_online_only": {"vi": "nộp trực tuyến {online}", "en": "{online} online"},
    "fee_offline_only": {"vi": "nộp trực tiếp {offline}", "en": "{offline} in person"},
    "fee_basis": {"vi": "Căn cứ: {items}.", "en": "Basis: {items}."},
    "fee_basis_waiver": {"vi": "miễn theo {document}{until}", "en": "waiver under {document}{until}"},
    "fee_basis_amount": {"vi": "{amount} theo {document}{until}", "en": "{amount} under {document}{until}"},
    "until_short": {"vi": " đến {date}", "en": " until {date}"},
    "place_merged": {"vi": "{old} nay thuộc {new}", "en": "{old} is now part of {new}"},
    "place_no_local": {
        "vi": "chưa có mức giảm riêng của {place} cho thủ tục này.",
        "en": "no local reduction of {place} for this service.",
    },
    "place_local": {"vi": "đã tính mức riêng của {place}.", "en": "includes the local rate of {place}."},
    "local_hint_short": {
        "vi": "Một số tỉnh miễn/giảm thêm khi nộp trực tuyến: cho biết bạn ở tỉnh nào.",
        "en": "Some provinces waive or cut it online: tell me your province.",
    },
    "ask_agency": {"vi": "Hỏi trực tiếp: {agency}.", "en": "Ask: {agency}."},
    "fee_known_note": {"vi": "Đã biết: {note}", "en": "Known: {note}"},
    "documents_count": {
        "vi": "{name}: cần {count} loại giấy tờ:",
        "en": "{name}: you need {count} documents:",
    },
    "documents_more": {"vi": "Xem đủ {count} giấy tờ", "en": "All {count} documents"},
    "time_is": {"vi": "{name}: thời gian giải quyết là {value}.", "en": "{name}: processing takes {value}."},
    "where_is": {"vi": "{name}: nộp tại {value}.", "en": "{name}: file at {value}."},
    "overview_e2e": {
        "vi": "{name}: làm được trực tuyến toàn trình tại {portal}",
        "en": "{name}: can be done fully online at {portal}",
    },
    "overview_partial": {
        "vi": "{name}: làm trực tuyến một phần tại {portal} (có bước phải đến trực tiếp).",
        "en": "{name}: partly online at {portal} (some steps in person).",
    },
    "overview_plain": {"vi": "{name}: nộp tại {portal}", "en": "{name}: file at {portal}"},
    "missing_aspect": {
        "vi": "{name}: danh mục chưa có {aspect}; đã chuyển cán bộ bổ sung.",
        "en": "{name}: the catalogue has no {aspect} yet; staff have been asked to add it.",
    },
    "aspect_time": {"vi": "thời gian giải quyết", "en": "processing time"},
    "aspect_documents": {"vi": "danh sách hồ sơ", "en": "document list"},
    "aspect_where": {"vi": "nơi nộp hồ sơ", "en": "filing place"},
    "aspect_overview": {"vi": "hướng dẫn", "en": "guide"},
    "check_online": {"vi": "Tra cứu tại {portal}", "en": "Look it up at {portal}"},
    "procedure_code": {"vi": "Mã thủ tục {code}", "en": "Procedure code {code}"},
    "button_detail": {"vi": "Xem chi tiết", "en": "Details"},
    "button_where": {"vi": "Nộp ở đâu", "en": "Where to file"},
    "ask_which_service": {
        "vi": "Bạn muốn hỏi về thủ tục nào? Bạn có thể chọn một thủ tục dưới đây hoặc gõ tên thủ tục.",
        "en": "Which service are you asking about? Pick one below or type its name.",
    },
    "documents": {"vi": "Hồ sơ cần chuẩn bị", "en": "Documents you need"},
    "steps": {"vi": "Các bước nộp trực tuyến", "en": "Steps to file online"},
    "fee": {"vi": "Lệ phí", "en": "Fee"},
    "fee_offline": {"vi": "nộp trực tiếp: {amount}", "en": "filed in person: {amount}"},
    "fee_online": {"vi": "nộp trực tuyến: {amount}", "en": "filed online: {amount}"},
    "fee_free": {"vi": "miễn phí", "en": "free of charge"},
    "fee_unknown": {
        "vi": "Chưa có thông tin lệ phí đã kiểm chứng cho thủ tục này.",
        "en": "We have no verified fee information for this service yet.",
    },
    "reduction": {
        "vi": "Đang áp dụng: {what} theo {document}{until}.",
        "en": "Currently applies: {what} under {document}{until}.",
    },
    "until": {"vi": ", hiệu lực đến {date}", "en": ", valid until {date}"},
    "reduction_unverified": {
        "vi": "Chưa đối chiếu được với văn bản gốc; nguồn: {url} · cập nhật {date}",
        "en": "Not yet checked against the official text; source: {url} · checked {date}",
    },
    "percent_off": {"vi": "giảm {percent}%", "en": "{percent}% off"},
    "no_current_reduction": {
        "vi": "Hiện tại (ngày {date}) không có mức giảm lệ phí nào đang áp dụng cho thủ tục này.",
        "en": "As of {date} no fee reduction applies to this service.",
    },
    "no_province_reduction": {
        "vi": "Danh mục chưa có chính sách giảm phí, lệ phí khi nộp trực tuyến nào của {name} đang áp dụng (ngày {date}).",
        "en": "The catalogue has no fee reduction for online filing in {name} in force on {date}.",
    },
    "local_reduction_hint": {
        "vi": "Một số tỉnh, thành phố giảm hoặc miễn lệ phí này khi nộp trực tuyến: cho biết bạn ở đâu để xem mức của địa phương.",
        "en": "Some provinces reduce or waive this fee when filed online: tell me where you are to see the local rate.",
    },
    "ask_service_for_fee": {
        "vi": "Mức giảm toàn quốc tùy từng thủ tục: hãy chọn hoặc gõ tên thủ tục để xem lệ phí cụ thể.",
        "en": "National reductions depend on the service: pick or type a service to see its exact fee.",
    },
    "province": {"vi": "Địa phương: {name}", "en": "Place: {name}"},
    "old_province": {"vi": "{old} — nay thuộc {new}", "en": "{old} — now part of {new}"},
    "ask_province": {
        "vi": "Bạn ở tỉnh/thành phố nào? Mình sẽ kiểm tra mức giảm lệ phí của địa phương (tên cũ trước 2025 cũng được).",
        "en": "Which province or city are you in? I'll check its local fee reductions (old pre-2025 names work too).",
    },
    "button_steps": {"vi": "Cách làm", "en": "How to apply"},
    "processing_time": {"vi": "Thời gian giải quyết", "en": "Processing time"},
    "where_to_file": {"vi": "Nộp hồ sơ ở đâu", "en": "Where to file"},
    "agency": {"vi": "Cơ quan giải quyết", "en": "Handled by"},
    "end_to_end": {
        "vi": "Thủ tục này làm được trực tuyến toàn trình.",
        "en": "This service can be completed fully online.",
    },
    "partial": {
        "vi": "Thủ tục này chỉ làm trực tuyến một phần (có bước phải đến trực tiếp).",
        "en": "This service is only partly online (some steps are in person).",
    },
    "portal": {"vi": "Nộp tại", "en": "File at"},
    "no_info": {
        "vi": "Mình chưa có thông tin này cho thủ tục {service}.",
        "en": "I don't have this information for {service} yet.",
    },
    "button_fee": {"vi": "Lệ phí", "en": "Fee"},
    "button_documents": {"vi": "Hồ sơ cần có", "en": "Documents"},
    "button_time": {"vi": "Thời gian", "en": "Processing time"},
    "button_more": {"vi": "Xem thêm", "en": "More"},
    "guide_missing": {
        "vi": "Mình chưa có hướng dẫn cho nội dung này.",
        "en": "I don't have a guide for this yet.",
    },
    "fallback": {
        "vi": (
            "Xin lỗi, mình chưa trả lời được câu hỏi này. Câu hỏi đã được ghi lại để cán bộ bổ sung. "
            "Mình có thể giúp về tài khoản VNeID, các thủ tục phổ biến (hộ chiếu, khai sinh, "
            "cư trú, lý lịch tư pháp, giấy phép lái xe...) và lệ phí khi nộp trực tuyến. "
            "Cần hỗ trợ ngay, bạn gọi tổng đài {hotline}."
        ),
        "en": (
            "Sorry, I can't answer that yet. Your question has been recorded so staff can add the answer. "
            "I can help with VNeID accounts, popular public services (passport, birth registration, "
            "residence, criminal record certificate, driving licence...) and online filing fees. "
            "For urgent help call {hotline}."
        ),
    },
    "fallback_vneid": {"vi": "Đăng nhập VNeID", "en": "VNeID login"},
    "fallback_passport": {"vi": "Làm hộ chiếu", "en": "Passport"},
}


def t(key: str, language: str | None, **values: object) -> str:
    templates = MESSAGES[key]
    template = templates.get(language or DEFAULT_LANGUAGE) or templates[DEFAULT_LANGUAGE]
    return template.format(**values)


def localised(value: dict | None, language: str | None) -> object:
    """Pick a language from a {"vi": ..., "en": ...} field, falling back to Vietnamese."""
    if not value:
        return None
    return value.get(language or DEFAULT_LANGUAGE) or value.get(DEFAULT_LANGUAGE)
