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

# --- Materials library (/tailieu) and self-test quizzes (/ontap) -------------------------------------------
BTN_LIBRARY = "📚 Tài liệu"
BTN_QUIZ = "✍️ Ôn tập"
CMD_LIBRARY = "Tài liệu tập huấn"
CMD_QUIZ = "Tự ôn tập, kiểm tra kiến thức"
LIBRARY_HOME = (
    "📚 Thư viện tài liệu tập huấn. Anh/chị chọn chủ đề bên dưới,\n"
    "hoặc gõ tên tài liệu cần tìm (gõ không dấu cũng được, ví dụ: so theo doi)."
)
LIBRARY_TOPIC_BUTTON = "{name} ({count})"
LIBRARY_TOPIC = "📂 {name} — bấm vào tài liệu để nhận:"
LIBRARY_TOPIC_EMPTY = "Chủ đề này chưa có tài liệu."
LIBRARY_BACK_TOPICS = "◀ Các chủ đề"
LIBRARY_FILE_ICON = "📄"
LIBRARY_LINK_ICON = "🔗"
LIBRARY_NOT_FOUND_ITEM = "Không tìm thấy tài liệu này (có thể đã được gỡ khỏi thư viện). Anh/chị chọn lại giúp."
LIBRARY_SEARCH_RESULTS = "🔎 Tìm thấy {count} tài liệu cho \"{query}\":"
LIBRARY_SEARCH_NONE = (
    "Không tìm thấy tài liệu nào cho \"{query}\". Anh/chị thử gõ từ khác (ví dụ: mau bien ban, ky nang) "
    "hoặc chọn chủ đề."
)
LIBRARY_SEARCH_EMPTY = "Anh/chị gõ vài chữ trong tên tài liệu cần tìm, hoặc chọn chủ đề."
LIBRARY_SENDING = "Đang gửi tài liệu, anh/chị chờ một chút…"
LIBRARY_CAPTION = "{title}\n\n{description}"
LIBRARY_LINK = "{icon} {title}\n\n{description}\n\nXem tại: {link}"
LIBRARY_OPEN_LINK = "🌐 Mở trang"
LIBRARY_TXT_HINT = "Tệp chữ (.txt): bấm vào tệp để mở bằng ứng dụng xem văn bản có sẵn trên điện thoại."
LIBRARY_XLSX_HINT = "Tệp Excel (.xlsx): mở bằng Excel, WPS Office hoặc Google Trang tính; in khổ A4 ngang."
LIBRARY_SEND_FAILED = "Xin lỗi, chưa gửi được tài liệu. Anh/chị thử lại sau ít phút."
LIBRARY_MORE = "Anh/chị muốn xem tài liệu nào khác?"
LIBRARY_ACCESS_PLACE = "📊 {opened}/{total} hòa giải viên của {place} đã mở tài liệu ({share})."
LIBRARY_ACCESS_NONE = "📊 {place} chưa có hòa giải viên nào trong hệ thống."
LIBRARY_ACCESS_TARGET = "Chỉ tiêu Đề án 315: 100% hòa giải viên được tiếp cận tài liệu."

QUIZ_HOME = "✍️ Ôn tập: mỗi lượt {size} câu hỏi trắc nghiệm, có đáp án và căn cứ pháp luật sau mỗi câu."
QUIZ_BTN_RANDOM = "🎲 Làm {size} câu ngẫu nhiên"
QUIZ_BTN_TOPICS = "📂 Chọn chủ đề"
QUIZ_BTN_HISTORY = "📈 Kết quả của tôi"
QUIZ_BTN_RESUME = "▶ Làm tiếp (câu {number}/{total})"
QUIZ_BTN_NEW = "🆕 Làm lượt mới"
QUIZ_BTN_NEXT_ROUND = "🔁 Làm lượt khác"
QUIZ_RESUME = "Anh/chị đang làm dở một lượt ôn tập: đã trả lời {done}/{total} câu, đúng {score} câu."
QUIZ_PICK_TOPIC = "Chọn chủ đề muốn ôn:"
QUIZ_TOPIC_BUTTON = "{name} ({count} câu)"
QUIZ_UNKNOWN_TOPIC = "Không có chủ đề này. Anh/chị chọn lại giúp."
QUIZ_QUESTION = "Câu {number}/{total}{topic}\n\n{question}\n\n{choices}"
QUIZ_QUESTION_TOPIC = " · {name}"
QUIZ_LETTERS = "ABCD"
QUIZ_RIGHT = "✅ Đúng rồi!"
QUIZ_WRONG = "❌ Chưa đúng. Anh/chị chọn {chosen}; đáp án đúng là {right}."
QUIZ_FEEDBACK = "{verdict}\n\n{explanation}\n\n📖 Căn cứ: {citation}"
QUIZ_ALREADY_ANSWERED = "Câu này anh/chị đã trả lời rồi."
QUIZ_NOT_CURRENT = "Câu hỏi này không còn hiệu lực. Gõ /ontap để làm tiếp."
QUIZ_QUESTION_GONE = "Câu hỏi của lượt này đã được cập nhật. Anh/chị bắt đầu lượt mới giúp."
QUIZ_FINISHED = "🏁 Xong lượt ôn tập: đúng {score}/{total} câu. {praise}"
QUIZ_PRAISE = (
    (0.9, "Rất tốt, anh/chị nắm chắc kiến thức!"),
    (0.7, "Khá tốt! Xem lại các câu sai để nhớ lâu hơn."),
    (0.5, "Đạt. Anh/chị nên ôn thêm và làm lại nhé."),
    (0.0, "Anh/chị nên đọc lại tài liệu (/tailieu) rồi làm lại nhé."),
)
QUIZ_HISTORY_TITLE = "📈 Kết quả ôn tập gần đây của anh/chị:"
QUIZ_HISTORY_LINE = "• {date}: {score}/{total} câu đúng{topic}"
QUIZ_HISTORY_EMPTY = "Anh/chị chưa làm xong lượt ôn tập nào."
QUIZ_STATS_TITLE = "📊 Ôn tập của hòa giải viên — {place}:"
QUIZ_STATS_LINE = "• {period}: {participants}/{mediators} người đã làm bài ({share}), {sessions} lượt hoàn thành{average}."
QUIZ_STATS_AVERAGE = ", điểm trung bình {average}/10"
QUIZ_STATS_RECENT = "30 ngày qua"
QUIZ_STATS_ALL = "Từ trước đến nay"
QUIZ_STATS_NONE = "{place}: chưa có hòa giải viên nào trong hệ thống."
