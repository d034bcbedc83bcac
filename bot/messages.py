"""Every text a user reads, in Vietnamese with full diacritics. Keep them short and polite.

Placeholders use str.format names. Sections follow the capabilities; add new texts to the section of the
capability that shows them.
"""

# --- General -------------------------------------------------------------------------------------------
APP_NAME = "Trợ lý Hòa giải ở cơ sở"
ERROR_GENERIC = (
    "Xin lỗi, hệ thống vừa gặp sự cố khi xử lý yêu cầu của anh/chị. Dữ liệu đã nhập không bị mất. "
    "Anh/chị vui lòng thử lại sau ít phút."
)
ERROR_STORAGE = (
    "Xin lỗi, hệ thống đang bận lưu dữ liệu nên chưa ghi được. Anh/chị vui lòng thử lại sau ít phút; "
    "không có dữ liệu nào bị ghi dở."
)
UNKNOWN_COMMAND = "Bot chưa hiểu lệnh {command}. Anh/chị gõ /trogiup để xem các việc bot có thể giúp."
CANCELLED = "Đã hủy. Anh/chị gõ /trogiup để xem các việc khác."
NOTHING_TO_CANCEL = "Hiện không có việc gì đang làm dở để hủy."
BUTTON_EXPIRED = "Nút này đã cũ. Anh/chị gõ /trogiup để bắt đầu lại."
USE_BUTTONS = "Anh/chị vui lòng bấm một trong các nút bên dưới, hoặc gõ /huy để dừng."
BTN_YES = "✅ Đúng"
BTN_NO = "✏️ Không, sửa lại"
BTN_BACK = "◀ Quay lại"
BTN_CANCEL = "✖ Hủy"
BTN_NOT_MY_TEAM = "✖ Không phải tổ của tôi"

# --- Roles (as users read them) ------------------------------------------------------------------------
ROLE_NAMES = {
    "mediator": "Hòa giải viên",
    "team_leader": "Tổ trưởng tổ hòa giải",
    "commune_official": "Công chức Tư pháp – hộ tịch",
    "province_official": "Cán bộ Sở Tư pháp",
    "admin": "Quản trị hệ thống",
}

# --- Access ---------------------------------------------------------------------------------------------
NEED_REGISTRATION = (
    "Việc này dành cho hòa giải viên và cán bộ đã đăng ký. Anh/chị xin mã mời ở công chức Tư pháp – hộ tịch "
    "của xã/phường, rồi gõ /start kèm mã (ví dụ: /start ABCD-EFGH)."
)
NOT_ALLOWED = "Xin lỗi, tài khoản {role} không được dùng chức năng này."

# --- Start and registration -----------------------------------------------------------------------------
WELCOME_GUEST = (
    "Xin chào! Đây là {app} — hỗ trợ hòa giải viên ở cơ sở tra cứu pháp luật, ghi sổ vụ việc và nhận thông báo.\n\n"
    "Để đăng ký, anh/chị cần mã mời do công chức Tư pháp – hộ tịch của xã/phường cấp. Có mã rồi thì bấm "
    "\"Tôi có mã mời\" hoặc gõ /start kèm mã.\n\n"
    "Chưa đăng ký anh/chị vẫn có thể hỏi về pháp luật hòa giải."
)
BTN_HAVE_CODE = "🔑 Tôi có mã mời"
ASK_CODE = "Anh/chị gõ mã mời gồm 8 ký tự (ví dụ: ABCD-EFGH). Gõ /huy để dừng."
CODE_ERRORS = {
    "malformed": "Mã mời gồm 8 chữ và số, ví dụ ABCD-EFGH. Anh/chị kiểm tra lại và gõ lại giúp.",
    "unknown": "Không tìm thấy mã mời này. Anh/chị kiểm tra lại từng ký tự hoặc hỏi công chức Tư pháp xã.",
    "revoked": "Mã mời này đã bị thu hồi. Anh/chị xin mã mới ở công chức Tư pháp xã.",
    "expired": "Mã mời này đã hết hạn. Anh/chị xin mã mới ở công chức Tư pháp xã.",
    "used_up": "Mã mời này đã dùng hết số lượt. Anh/chị xin mã mới ở công chức Tư pháp xã.",
    "already_registered": "Tài khoản này đã đăng ký rồi. Gõ /trogiup để xem các chức năng.",
    "team_required": "Anh/chị vui lòng chọn tổ hòa giải của mình.",
}
CODE_ACCEPTED = "Mã hợp lệ: {role} — {commune}."
CONFIRM_NAME = "Họ và tên của anh/chị là: {name}. Đúng không?"
ASK_NAME = "Anh/chị gõ họ và tên đầy đủ (có dấu), ví dụ: Lò Văn Hùng."
BAD_NAME = "Họ tên cần từ 2 đến 100 ký tự và có chữ cái. Anh/chị gõ lại giúp."
CONFIRM_TEAM = "Anh/chị thuộc {team}. Đúng không?"
PICK_TEAM = "Anh/chị chọn tổ hòa giải của mình:"
WRONG_TEAM_ON_CODE = (
    "Mã mời này dành cho {team}. Nếu anh/chị ở tổ khác, vui lòng xin công chức Tư pháp xã mã mời đúng tổ."
)
REGISTERED = "Đăng ký thành công! Chào {name}, {role} — {place}."

# --- Help menu ------------------------------------------------------------------------------------------
MENU_TITLE_GUEST = "Anh/chị chưa đăng ký. Các việc có thể làm:"
MENU_TITLE = "{name} ({role}). Anh/chị cần làm gì?"
MENU_FOOTER = "Có thể gõ câu hỏi bất cứ lúc nào; gõ /huy để dừng việc đang làm."
BTN_REGISTER = "🔑 Đăng ký bằng mã mời"
BTN_INVITE = "🔑 Tạo mã mời"
CMD_DESCRIPTIONS = {
    "start": "Bắt đầu / đăng ký",
    "trogiup": "Xem các chức năng",
    "moi": "Tạo mã mời cho tổ hòa giải",
    "huy": "Hủy việc đang làm",
}

# --- Invites (/moi) -------------------------------------------------------------------------------------
INVITE_PICK_COMMUNE = "Tạo mã mời cho xã/phường nào?"
INVITE_PICK_TEAM = "Mã mời dành cho tổ hòa giải nào?"
INVITE_PICK_ROLE = "Người được mời sẽ là:"
INVITE_PICK_USES = "Mã dùng được cho bao nhiêu người?"
INVITE_PICK_DAYS = "Mã có hiệu lực trong bao lâu?"
INVITE_ROLE_BUTTONS = {"mediator": "Hòa giải viên", "team_leader": "Tổ trưởng", "commune_official": "Công chức xã"}
INVITE_ANY_TEAM = "Bất kỳ tổ nào (người dùng tự chọn)"
INVITE_DAYS_BUTTON = "{days} ngày"
INVITE_USES_BUTTON = "{uses} người"
INVITE_CREATED = (
    "Đã tạo mã mời: {code}\n"
    "Dành cho: {role} — {place}\n"
    "Dùng được: {uses} người, hết hạn ngày {expires}.\n\n"
    "Gửi cho người được mời đường dẫn sau (bấm là đăng ký):\n{link}\n"
    "hoặc dặn họ mở bot và gõ: /start {code}"
)
INVITE_NO_TEAMS = "Xã/phường này chưa có tổ hòa giải nào trong hệ thống. Hãy nạp danh sách tổ trước."

# --- Legal Q&A (hỏi đáp pháp luật, /hoi) ----------------------------------------------------------------
BTN_QA = "❓ Hỏi đáp pháp luật"
BTN_QA_RELOAD = "🔄 Tải lại cơ sở tri thức"
CMD_DESCRIPTIONS["hoi"] = "Hỏi đáp pháp luật về hòa giải"
QA_ASK = (
    "Anh/chị cứ gõ câu hỏi, có dấu hay không dấu đều được. Ví dụ: \"hgv có được trả thù lao không\", "
    "\"tổ hòa giải cần mấy người\", \"hàng xóm lấn đất thì hòa giải thế nào\"."
)
QA_CITATION = "📖 Căn cứ: {citation}"
QA_ANSWER = "✅ {title}\n\n{answer}\n\n{citation}"
QA_NOT_SURE = "🤔 Tôi chưa chắc đã hiểu đúng câu hỏi. Có phải anh/chị muốn hỏi một trong các câu sau?"
QA_NOT_SURE_FOOTER = "Nếu không phải, anh/chị thử hỏi lại bằng cách khác, hoặc bấm \"Hỏi chuyên gia\"."
QA_OUT_OF_SCOPE = (
    "Xin lỗi, câu hỏi này nằm ngoài phạm vi hiểu biết của tôi. Tôi chỉ trả lời về hòa giải ở cơ sở: "
    "Luật Hòa giải ở cơ sở 2013, Nghị định 15/2014/NĐ-CP, việc công nhận hòa giải thành tại Tòa án, "
    "Đề án 315, kỹ năng hòa giải và cách xử lý các tranh chấp thường gặp (đất đai, thừa kế, vợ chồng, nợ, "
    "hàng xóm)."
)
QA_EMPTY = "Anh/chị gõ câu hỏi giúp tôi (ít nhất vài chữ)."
BTN_QA_HELPFUL = "👍 Hữu ích"
BTN_QA_NOT_HELPFUL = "👎 Chưa đúng"
BTN_QA_MORE = "📄 Xem thêm"
BTN_QA_ARTICLE = "📜 Xem điều luật"
BTN_QA_EXPERT = "🧑‍⚖️ Hỏi chuyên gia"
QA_RELATED_PREFIX = "➡ "
QA_THANKS_HELPFUL = "Cảm ơn anh/chị đã đánh giá! 👍"
QA_THANKS_NOT_HELPFUL = (
    "Cảm ơn anh/chị. Câu hỏi đã được ghi lại để cán bộ bổ sung. Anh/chị có thể bấm \"Hỏi chuyên gia\" "
    "để hỏi trực tiếp công chức Tư pháp xã."
)
QA_NO_MORE = "Mục này chưa có phần giải thích thêm."
QA_ARTICLE_TITLE = "📜 Điều {article} {document} — các nội dung trong cơ sở tri thức:"
QA_ARTICLE_ITEM = "• {where}{title}: {answer}"
QA_CONTINUED = "(tiếp theo)"
QA_EXPERT_SENT = (
    "Đã gửi câu hỏi của anh/chị tới {count} chuyên gia của {commune}. Khi có trả lời, tôi sẽ chuyển ngay "
    "cho anh/chị tại đây."
)
QA_EXPERT_ALREADY = "Câu hỏi này đã được gửi cho chuyên gia rồi; anh/chị vui lòng chờ trả lời."
QA_EXPERT_NONE = (
    "{commune} hiện chưa có chuyên gia nào dùng bot. Câu hỏi đã được ghi lại để công chức Tư pháp – hộ tịch "
    "xem và bổ sung; anh/chị cũng có thể hỏi trực tiếp tại UBND xã/phường."
)
QA_EXPERT_QUESTION = (
    "❓ Câu hỏi cần chuyên gia trả lời (#{request})\n"
    "Người hỏi: {asker} — {place}\n\n"
    "«{question}»\n\n"
    "{suggestion}"
    "Bấm \"Trả lời\" rồi gõ câu trả lời; tôi sẽ chuyển cho người hỏi."
)
QA_EXPERT_SUGGESTION = "Bot đã gợi ý: {title} ({citation}).\n\n"
BTN_QA_REPLY = "✍️ Trả lời"
QA_EXPERT_TYPE_ANSWER = "Anh/chị gõ câu trả lời cho câu hỏi #{request}:\n«{question}»\n(Gõ /huy để thôi.)"
QA_EXPERT_DONE = "Đã chuyển câu trả lời tới người hỏi. Cảm ơn anh/chị! Câu trả lời được đưa vào hàng chờ duyệt."
QA_EXPERT_REPLY_TO_ASKER = (
    "🧑‍⚖️ Chuyên gia {expert} ({role}) đã trả lời câu hỏi của anh/chị:\n«{question}»\n\n{answer}"
)
QA_EXPERT_DELIVERY_FAILED = (
    "Đã lưu câu trả lời nhưng chưa gửi được tới người hỏi (họ có thể đã chặn bot). Câu trả lời vẫn nằm "
    "trong hàng chờ duyệt."
)
QA_EXPERT_CANCELLED = "Đã thôi trả lời. Câu hỏi vẫn chờ chuyên gia khác."
QA_ERRORS = {
    "not_registered": (
        "Chỉ hòa giải viên và cán bộ đã đăng ký mới gửi được câu hỏi cho chuyên gia. Để đăng ký, anh/chị xin "
        "mã mời ở công chức Tư pháp – hộ tịch của xã/phường, rồi gõ /start kèm mã (ví dụ: /start ABCD-EFGH)."
    ),
    "no_commune": "Tài khoản của anh/chị không thuộc xã/phường nào nên chưa gửi được câu hỏi cho chuyên gia.",
    "not_yours": "Nút này không thuộc câu hỏi của anh/chị.",
    "entry_gone": "Mục này vừa được cán bộ cập nhật. Anh/chị vui lòng hỏi lại.",
    "request_gone": "Không tìm thấy câu hỏi này nữa.",
    "not_expert": "Xin lỗi, anh/chị không phải chuyên gia được giao trả lời câu hỏi này.",
    "already_answered": "Câu hỏi này đã có chuyên gia khác trả lời rồi. Cảm ơn anh/chị!",
    "empty_answer": "Câu trả lời đang trống. Anh/chị gõ lại giúp, hoặc /huy để thôi.",
}
QA_RELOADED = "Đã tải lại cơ sở tri thức: {entries} mục. Thay đổi có hiệu lực ngay."
QA_RELOAD_FAILED = (
    "Chưa tải lại được: tệp cơ sở tri thức có {count} lỗi. Bot vẫn dùng bản cũ. Lỗi đầu tiên:\n{problems}\n"
    "Chạy `mediator-bot kb check` để xem đủ."
)
