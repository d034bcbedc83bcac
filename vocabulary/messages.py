"""Every text a user reads, in Vietnamese with full diacritics. Keep them short and polite.

Placeholders use str.format names. Sections follow the capabilities; add new texts to the section of the
capability that shows them. This module imports nothing of the project (see vocabulary/__init__.py); the chat
layer reaches it as `bot.messages`, the same module object.
"""

from typing import Any  # the document dictionaries mix headings (str) and column lists

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
BTN_NOT_MY_TEAM = "Không phải tổ tôi"

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
    "Xin chào! Đây là {app} — hỗ trợ hòa giải viên ở cơ sở tra cứu pháp luật, ghi sổ vụ việc và nhận thông "
    "báo.\n\n"
    "Để đăng ký, anh/chị cần mã mời do công chức Tư pháp – hộ tịch của xã/phường cấp. Có mã rồi thì bấm "
    '"Tôi có mã mời" hoặc gõ /start kèm mã.\n\n'
    "Chưa đăng ký anh/chị vẫn có thể hỏi về pháp luật hòa giải."
)
BTN_HAVE_CODE = "🔑 Tôi có mã mời"
ASK_CODE = "Anh/chị gõ mã mời gồm 8 ký tự (ví dụ: ABCD-EFGH). Gõ /huy để dừng."
CODE_ERRORS = {
    "malformed": "Mã mời gồm 8 chữ và số, ví dụ ABCD-EFGH. Anh/chị kiểm tra lại và gõ lại giúp.",
    "already_registered": "Tài khoản này đã đăng ký rồi. Gõ /trogiup để xem các chức năng.",
    "team_required": "Anh/chị vui lòng chọn tổ hòa giải của mình.",
}
CODE_ACCEPTED = "Mã hợp lệ: {role} — {commune}."
CONFIRM_NAME = (
    "Họ và tên của anh/chị là: {name}. Đúng không? "
    '(Nếu chưa đúng, bấm "Không, sửa lại" hoặc gõ họ tên đầy đủ có dấu.)'
)
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
MENU_FOOTER = 'Có thể gõ câu hỏi bất cứ lúc nào; gõ "hủy" (hoặc bấm ✖ Hủy) để dừng việc đang làm.'
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
INVITE_ROLE_BUTTONS = {
    "mediator": "Hòa giải viên",
    "team_leader": "Tổ trưởng",
    "commune_official": "Công chức xã",
}
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

# --- Cases (the digital logbook: /baocao, /vuviec, reminders, import) ----------------------------------
# Choice labels of the case form (services/case_form.py re-exports them as FIELDS, BASES, RESULTS).
CASE_FIELD_LABELS = {
    "dat_dai": "Đất đai",
    "hon_nhan_gia_dinh": "Hôn nhân và gia đình",
    "dan_su": "Dân sự (vay mượn, tài sản, hợp đồng, thừa kế)",
    "xom_gieng": "Mâu thuẫn xóm giềng, sinh hoạt",
    "vi_pham_phap_luat": "Vi phạm pháp luật thuộc phạm vi hòa giải",
    "khac": "Khác",
}
CASE_BASIS_LABELS = {
    "yeu_cau": "Một bên hoặc các bên yêu cầu",
    "chung_kien": "Hòa giải viên chứng kiến hoặc biết",
    "phan_cong_de_nghi": "Tổ trưởng phân công, hoặc cơ quan, tổ chức, cá nhân đề nghị",
}
CASE_RESULT_LABELS = {
    "thanh": "Hòa giải thành",
    "khong_thanh": "Hòa giải không thành",
    "dang_hoa_giai": "Đang hòa giải",
    "chuyen_co_quan": "Chuyển cơ quan có thẩm quyền",
    "rut_yeu_cau": "Các bên rút yêu cầu",
}
CASE_RESULT_ICONS = {
    "thanh": "✅",
    "khong_thanh": "❌",
    "dang_hoa_giai": "⏳",
    "chuyen_co_quan": "↪️",
    "rut_yeu_cau": "🚫",
}
# Review labels of each form field, in logbook order.
CASE_FIELD_NAMES = {
    "team_id": "Tổ hòa giải",
    "received_on": "Ngày nhận vụ việc",
    "field": "Lĩnh vực",
    "basis": "Căn cứ hòa giải",
    "result": "Kết quả",
    "closed_on": "Ngày kết thúc",
    "court_recognition": "Đề nghị Tòa án công nhận",
    "parties_count": "Số bên",
    "mediator_ids": "Hòa giải viên tham gia",
    "summary": "Tóm tắt",
    "parties": "Họ tên các bên",
}
CASE_PROMPTS = {
    "team_id": "Vụ việc của tổ hòa giải nào?",
    "received_on": "Ngày nhận vụ việc? Bấm nút, hoặc gõ ngày dạng ngày/tháng/năm (ví dụ 15/3/2025).",
    "field": "Vụ việc thuộc lĩnh vực nào?",
    "basis": "Căn cứ tiến hành hòa giải (Điều 16 Luật Hòa giải ở cơ sở)?",
    "result": "Kết quả hòa giải?",
    "closed_on": "Ngày kết thúc hòa giải? Bấm nút, hoặc gõ ngày/tháng/năm.",
    "court_recognition": "Các bên có đề nghị Tòa án công nhận kết quả hòa giải thành không?",
    "parties_count": "Vụ việc có bao nhiêu bên? Bấm nút hoặc gõ số.",
    "mediator_ids": 'Những hòa giải viên nào tham gia? Bấm tên để chọn/bỏ chọn (✓), xong bấm "Xong".',
    "summary": (
        "Gõ tóm tắt ngắn nội dung vụ việc (không bắt buộc).\n"
        "⚠️ Không ghi họ tên, số điện thoại, số CCCD/CMND của các bên. Số điện thoại và số giấy tờ sẽ được "
        "tự động che trước khi lưu."
    ),
    "parties": (
        "Họ tên các bên (không bắt buộc; xã/phường đã cho phép ghi và dữ liệu được mã hóa). "
        'Gõ các tên cách nhau bằng dấu phẩy, hoặc bấm "Bỏ qua".'
    ),
}
CASE_BTN_MENU = "📝 Báo cáo vụ việc"
CASE_BTN_TODAY = "Hôm nay"
CASE_BTN_YESTERDAY = "Hôm qua"
CASE_BTN_SAME_AS_RECEIVED = "Cùng ngày nhận ({date})"
CASE_BTN_ONLY_ME = "Chỉ mình tôi"
CASE_BTN_DONE = "Xong ✔"
CASE_BTN_SKIP = "Bỏ qua"
CASE_BTN_SEND = "📨 Gửi báo cáo"
CASE_BTN_EDIT = "Sửa: {name}"
CASE_BTN_CONTINUE = "▶ Tiếp tục báo cáo dở"
CASE_BTN_NEW = "➕ Làm báo cáo mới"
CASE_BTN_YES = "Có"
CASE_BTN_NO = "Không"
CASE_BTN_RECORD_RESULT = "✅ Ghi kết quả"
CASE_BTN_CORRECT = "✏️ Sửa vụ việc"
CASE_BTN_LIST = "◀ Danh sách vụ việc"
CASE_BTN_MORE_PARTIES = "6 bên trở lên (gõ số)"
CASE_YES_NO = {True: "Có", False: "Không"}
CASE_NOT_SET = "(chưa có)"
CASE_NONE_SELECTED = "(chưa chọn)"
CASE_CMD_REPORT = "Báo cáo kết quả vụ việc"
CASE_CMD_LIST = "Vụ việc đang hòa giải, ghi kết quả, sửa"
CASE_BTN_LIST_MENU = "📂 Vụ việc của tôi"
CASE_START = "Báo cáo vụ việc mới — {team}."
CASE_NO_TEAM = (
    "Tài khoản của anh/chị chưa gắn với tổ hòa giải nào nên chưa báo cáo được. Anh/chị liên hệ công chức "
    "Tư pháp – hộ tịch của xã/phường."
)
CASE_RESUME = (
    "Anh/chị có một báo cáo đang làm dở (cập nhật lúc {when}):\n{summary}\nTiếp tục hay làm báo cáo mới?"
)
CASE_REVIEW_TITLE = "Kiểm tra lại trước khi gửi:"
CASE_REVIEW_EDIT_TITLE = "Sửa vụ việc {number}. Kiểm tra lại trước khi lưu:"
CASE_REVIEW_FOOTER = (
    'Muốn sửa mục nào, bấm "Sửa" mục đó (muốn ghi tóm tắt: bấm "Sửa: Tóm tắt"). '
    'Đúng rồi thì bấm "Gửi báo cáo".'
)
CASE_SUBMITTED = "Đã ghi vào sổ vụ việc số {number}. Cảm ơn anh/chị!"
CASE_SUBMITTED_PENDING = (
    "Đã ghi vào sổ vụ việc số {number}. Khi có kết quả, anh/chị gõ /vuviec để ghi kết quả. Cảm ơn anh/chị!"
)
CASE_ALREADY_SUBMITTED = "Báo cáo này đã được gửi rồi (vụ việc số {number}), không ghi thêm lần nữa."
CASE_CORRECTED = "Đã lưu thay đổi của vụ việc {number}."
CASE_NO_CHANGES = "Không có thay đổi nào, vụ việc {number} giữ nguyên."
CASE_CANCELLED = "Đã hủy báo cáo, bản nháp đã xóa. Gõ /baocao để báo cáo vụ việc khác."
CASE_MASKED_NOTE = "Lưu ý: số điện thoại / số giấy tờ trong tóm tắt đã được che."
CASE_PARTIES_NO_KEY = (
    "Xã/phường đã bật ghi họ tên các bên nhưng máy chủ chưa có khóa mã hóa (PARTY_DATA_KEY), "
    "nên bot không hỏi họ tên các bên. Quản trị hệ thống cần đặt khóa này."
)
CASE_PARTIES_SAVED = "(đã ghi, mã hóa)"
#: What replaces a masked number or address in the stored text (services/privacy.py writes them).
CASE_MASK_PHONE = "[SĐT đã che]"
CASE_MASK_ID = "[số giấy tờ đã che]"
CASE_MASK_EMAIL = "[email đã che]"
CASE_STEP_STALE = "Nút này thuộc bước trước. Anh/chị trả lời câu hỏi đang hiện nhé."
CASE_DRAFT_GONE = "Không còn báo cáo đang làm dở. Gõ /baocao để báo cáo vụ việc."
CASE_ERRORS = {
    "date_format": "Chưa hiểu ngày này. Anh/chị gõ theo dạng ngày/tháng/năm, ví dụ 15/3/2025, hoặc bấm nút.",
    "date_invalid": "Ngày này không có trong lịch (ví dụ 31/02). Anh/chị kiểm tra lại.",
    "date_future": "Ngày này chưa tới. Anh/chị kiểm tra lại ngày.",
    "date_too_old": (
        "Ngày này quá xa ({limit}). Anh/chị kiểm tra lại năm; sổ cũ thì nhờ công chức Tư pháp nhập."
    ),
    "closed_before_received": "Ngày kết thúc không thể trước ngày nhận vụ việc ({received}).",
    "count_format": "Anh/chị gõ số bên bằng chữ số, ví dụ 2 hoặc 3.",
    "count_range": "Số bên phải từ 2 đến {max}.",
    "choice": "Giá trị không hợp lệ. Dùng một trong: {choices}.",
    "required": "Mục này bắt buộc.",
    "summary_long": "Tóm tắt dài quá ({length} ký tự). Anh/chị rút gọn dưới {max} ký tự.",
    "parties_long": "Họ tên các bên dài quá. Anh/chị rút gọn dưới {max} ký tự.",
    "team": "Tổ hòa giải này không thuộc phạm vi của anh/chị.",
    "team_unknown": "Không có tổ hòa giải mã {code} thuộc xã/phường này.",
    "mediators": "Hòa giải viên được chọn không thuộc tổ này.",
    "not_applicable": 'Mục này không dùng cho kết quả "{result}"; để trống.',
    "use_buttons": "Bước này anh/chị bấm một nút bên dưới giúp.",
}
CASE_LIST_TITLE = "Vụ việc đang hòa giải ({count}) — {scope}:"
CASE_LIST_EMPTY = "Không có vụ việc nào đang hòa giải — {scope}."
CASE_LIST_RECENT = "Vụ việc gửi gần đây có thể sửa ({count}):"
CASE_SCOPE_MINE = "do anh/chị báo cáo"
CASE_SCOPE_TEAM = "của {team}"
CASE_SCOPE_COMMUNE = "của {commune}"
CASE_ROW = "{icon} {number} · {field} · nhận {received}"
CASE_CARD = "Vụ việc {number}\n{lines}\nNgười báo cáo: {reporter}"
CASE_NOT_FOUND = "Không tìm thấy vụ việc này, hoặc anh/chị không có quyền xem."
CASE_CANNOT_CORRECT = (
    "Anh/chị không sửa được vụ việc này: hòa giải viên chỉ sửa vụ việc mình báo cáo trong {days} ngày; "
    "công chức Tư pháp xã sửa được mọi vụ việc của xã."
)
CASE_CANNOT_RECORD = "Vụ việc này không còn đang hòa giải, hoặc anh/chị không có quyền ghi kết quả."
CASE_RECORD_RESULT = "Ghi kết quả cho vụ việc {number} (nhận ngày {received}). Kết quả hòa giải?"
CASE_RESULT_RECORDED = 'Đã ghi kết quả "{result}" cho vụ việc {number}.'
CASE_REMIND_REPORTER = (
    "Nhắc việc: vụ việc {number} ({field}, nhận ngày {received}) vẫn đang hòa giải sau {days} ngày. "
    "Khi có kết quả, anh/chị bấm nút dưới để ghi."
)
CASE_REMIND_LEADER = (
    "Nhắc tổ trưởng: vụ việc {number} của tổ ({field}, nhận ngày {received}, người báo cáo {reporter}) "
    "đang hòa giải đã {days} ngày. Anh/chị nắm tình hình và hỗ trợ giúp."
)
CASE_IMPORT_DONE = "Đã nhập {created} vụ việc mới, bỏ qua {existing} vụ việc đã có (theo external_id)."
CASE_IMPORT_SKIPPED = "Bỏ qua {count} dòng lỗi (--skip-invalid)."
CASE_IMPORT_FAILED = "Tệp có {count} dòng lỗi, chưa nhập gì:"
CASE_IMPORT_ROW = "Dòng {row}: {column} — {error}"
CASE_IMPORT_HEADER = "Thiếu cột: {columns}. Dòng tiêu đề cần: {expected}."
CASE_IMPORT_FORMAT = "Không đọc được tệp {name}: chỉ nhận .csv (UTF-8) hoặc .xlsx."
CASE_IMPORT_EMPTY = "Tệp không có dòng dữ liệu nào."
CASE_IMPORT_NO_COMMUNE = "Không có xã/phường mã {code}."
CASE_IMPORT_DUPLICATE = "external_id {external_id} lặp lại ở dòng {first}."
CASE_ASK_MORE_PARTIES = "Anh/chị gõ số bên, ví dụ 6."
CASE_RESUME_EMPTY = "(chưa trả lời câu nào)"
# --- Materials library (/tailieu) and self-test quizzes (/ontap) -------------------------------------------
BTN_LIBRARY = "📚 Tài liệu"
BTN_QUIZ = "✍️ Ôn tập"
CMD_LIBRARY = "Tài liệu tập huấn"
CMD_QUIZ = "Tự ôn tập, kiểm tra kiến thức"
LIBRARY_HOME = '📚 Thư viện tài liệu tập huấn. Anh/chị chọn chủ đề bên dưới, hoặc bấm "🔎 Tìm theo tên".'
LIBRARY_TOPIC_BUTTON = "{name} ({count})"
LIBRARY_TOPIC_EMPTY = "Chủ đề này chưa có tài liệu."
LIBRARY_BACK_TOPICS = "◀ Các chủ đề"
LIBRARY_FILE_ICON = "📄"
LIBRARY_LINK_ICON = "🔗"
LIBRARY_NOT_FOUND_ITEM = (
    "Không tìm thấy tài liệu này (có thể đã được gỡ khỏi thư viện). Anh/chị chọn lại giúp."
)
LIBRARY_SEARCH_RESULTS = '🔎 Tìm thấy {count} tài liệu cho "{query}":'
LIBRARY_SEARCH_NONE = (
    'Không tìm thấy tài liệu nào cho "{query}". Anh/chị thử gõ từ khác (ví dụ: mau bien ban, ky nang) '
    "hoặc chọn chủ đề."
)
LIBRARY_SEARCH_EMPTY = "Anh/chị gõ vài chữ trong tên tài liệu cần tìm, hoặc chọn chủ đề."
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
QUIZ_STATS_LINE = (
    "• {period}: {participants}/{mediators} người đã làm bài ({share}), {sessions} lượt hoàn thành{average}."
)
QUIZ_STATS_AVERAGE = ", điểm trung bình {average}/10"
QUIZ_STATS_RECENT = "30 ngày qua"
QUIZ_STATS_ALL = "Từ trước đến nay"
QUIZ_STATS_NONE = "{place}: chưa có hòa giải viên nào trong hệ thống."
# --- Legal Q&A (hỏi đáp pháp luật, /hoi) ----------------------------------------------------------------
BTN_QA = "❓ Hỏi đáp pháp luật"
BTN_QA_RELOAD = "🔄 Tải lại cơ sở tri thức"
CMD_DESCRIPTIONS["hoi"] = "Hỏi đáp pháp luật về hòa giải"
QA_ASK = (
    'Anh/chị cứ gõ câu hỏi, có dấu hay không dấu đều được. Ví dụ: "hgv có được trả thù lao không", '
    '"tổ hòa giải cần mấy người", "hàng xóm lấn đất thì hòa giải thế nào".'
)
QA_CITATION = "📖 Căn cứ: {citation}"
QA_ANSWER = "✅ {title}\n\n{answer}\n\n{citation}"
QA_NOT_SURE = "🤔 Tôi chưa chắc đã hiểu đúng câu hỏi. Có phải anh/chị muốn hỏi một trong các câu sau?"
QA_NOT_SURE_FOOTER = 'Nếu không phải, anh/chị thử hỏi lại bằng cách khác, hoặc bấm "Hỏi chuyên gia".'
QA_OUT_OF_SCOPE = (
    "Xin lỗi, câu hỏi này nằm ngoài phạm vi hiểu biết của tôi. Tôi chỉ trả lời về hòa giải ở cơ sở: "
    "Luật Hòa giải ở cơ sở 2013, Nghị định 15/2014/NĐ-CP, việc công nhận hòa giải thành tại Tòa án, "
    "Đề án 315, kỹ năng hòa giải và cách xử lý các tranh chấp thường gặp (đất đai, thừa kế, vợ chồng, nợ, "
    "hàng xóm). Việc khác (giấy tờ, thủ tục, kiện ở Tòa án, xử phạt): anh/chị hỏi bộ phận một cửa UBND xã, "
    "công chức Tư pháp – hộ tịch xã hoặc Trung tâm trợ giúp pháp lý của tỉnh; việc trộm cắp, đánh nhau: báo "
    "công an."
)
QA_EMPTY = "Anh/chị gõ câu hỏi giúp tôi (ít nhất vài chữ)."
BTN_QA_HELPFUL = "👍 Hữu ích"
BTN_QA_NOT_HELPFUL = "👎 Chưa đúng"
BTN_QA_MORE = "📄 Xem thêm"
BTN_QA_ARTICLE = "📜 Xem điều luật"
BTN_QA_EXPERT = "🧑‍⚖️ Hỏi chuyên gia"
QA_THANKS_HELPFUL = "Cảm ơn anh/chị đã đánh giá! 👍"
QA_THANKS_NOT_HELPFUL = (
    'Cảm ơn anh/chị. Câu hỏi đã được ghi lại để cán bộ bổ sung. Anh/chị có thể bấm "Hỏi chuyên gia" '
    "để hỏi trực tiếp công chức Tư pháp xã."
)
QA_NO_MORE = "Mục này chưa có phần giải thích thêm."
QA_ARTICLE_TITLE = "📜 Điều {article} {document} — các nội dung trong cơ sở tri thức:"
QA_ARTICLE_ITEM = "• {where}{title}: {answer}"
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
    'Bấm "Trả lời" rồi gõ câu trả lời; tôi sẽ chuyển cho người hỏi.'
)
QA_EXPERT_SUGGESTION = "Bot đã gợi ý: {title} ({citation}).\n\n"
BTN_QA_REPLY = "✍️ Trả lời"
QA_EXPERT_TYPE_ANSWER = "Anh/chị gõ câu trả lời cho câu hỏi #{request}:\n«{question}»\n(Gõ /huy để thôi.)"
QA_EXPERT_DONE = (
    "Đã chuyển câu trả lời tới người hỏi. Cảm ơn anh/chị! Câu trả lời được đưa vào hàng chờ duyệt."
)
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
# --- Broadcasts (/thongbao) and training events (/taphuan) ----------------------------------------------
BTN_BROADCAST = "📢 Gửi thông báo"
CMD_BROADCAST = "Gửi thông báo cho hòa giải viên"
BC_MENU = "Thông báo: anh/chị muốn làm gì?"
BC_BTN_NEW = "✏️ Soạn thông báo mới"
BC_BTN_HISTORY = "📋 Thông báo đã gửi"
BC_PICK_COMMUNES = "Gửi cho xã/phường nào?"
BC_BTN_ALL_COMMUNES = "Tất cả xã/phường ({count})"
BC_BTN_CHOOSE_COMMUNES = "Chọn từng xã/phường"
BC_TOGGLE_COMMUNES = 'Bấm để chọn/bỏ chọn xã/phường (đã chọn {count}), rồi bấm "Xong".'
BC_TOGGLE_TEAMS = 'Bấm để chọn/bỏ chọn tổ hòa giải (đã chọn {count}), rồi bấm "Xong".'
BC_BTN_DONE = "✔ Xong"
BC_BTN_PREV = "◀ Trang trước"
BC_BTN_NEXT = "Trang sau ▶"
BC_NONE_SELECTED = "Anh/chị chưa chọn mục nào. Bấm vào tên để chọn."
BC_PICK_AUDIENCE = "Gửi cho ai?"
BC_AUDIENCE_BUTTONS = {
    "all": "Tất cả (hòa giải viên và công chức)",
    "teams": "Chọn tổ hòa giải",
    "leaders": "Chỉ các tổ trưởng",
    "officials": "Chỉ công chức Tư pháp xã",
}
BC_AUDIENCE_COMMUNE_ALL = "Toàn xã/phường"
BC_SCOPE_LABELS = {
    "all": "tất cả hòa giải viên và công chức",
    "leaders": "các tổ trưởng",
    "officials": "công chức Tư pháp – hộ tịch",
}
BC_SCOPE = "{audience} — {where}"
BC_SCOPE_TEAMS = "thành viên {teams}"
BC_ASK_TEXT = (
    "Anh/chị gõ nội dung thông báo (tối đa {limit} ký tự). Có thể gửi luôn ảnh hoặc tệp kèm chú thích là nội "
    "dung. Gõ /huy để dừng."
)
BC_TEXT_EMPTY = "Nội dung đang trống. Anh/chị gõ nội dung thông báo giúp."
BC_TEXT_TOO_LONG = (
    "Nội dung dài {length} ký tự, quá giới hạn {limit} ký tự. Anh/chị rút gọn rồi gửi lại giúp."
)
BC_ASK_ATTACHMENT = (
    "Anh/chị có muốn gửi kèm tài liệu hoặc ảnh không? Nếu có, gửi tệp/ảnh ngay bây giờ; nếu không, bấm nút "
    "bên dưới."
)
BC_BTN_NO_ATTACHMENT = "Không đính kèm"
BC_ATTACHMENT_ELSEWHERE = (
    "📎 Thông báo này có tệp đính kèm; anh/chị xin công chức Tư pháp xã gửi lại tệp giúp."
)
BC_CAPTION_TOO_LONG = (
    "Khi gửi kèm tệp hoặc ảnh, nội dung chỉ được tối đa {limit} ký tự (nội dung hiện có {length} ký tự). "
    'Anh/chị bấm "Không đính kèm", hoặc gõ /huy rồi soạn lại ngắn hơn.'
)
BC_ATTACHMENT_ONLY = "Bước này chỉ nhận tệp tài liệu hoặc ảnh. Nếu không đính kèm, anh/chị bấm nút bên dưới."
BC_HEADER = "📢 THÔNG BÁO — {sender}, {org}"
BC_PREVIEW_INTRO = "Xem trước — người nhận sẽ thấy đúng như sau:"
BC_CONFIRM = "Gửi thông báo trên cho {count} người ({scope})?"
BC_BTN_SEND = "✅ Gửi cho {count} người"
BC_BTN_EDIT = "✏️ Sửa nội dung"
BC_NO_RECIPIENTS = (
    "Trong phạm vi đã chọn chưa có ai kết nối với bot nên chưa gửi được. Anh/chị mời họ đăng ký (/moi) "
    "rồi gửi lại sau."
)
BC_BTN_ACK = "✅ Đã nhận"
BC_BTN_ACKED = "✅ Đã xác nhận đã nhận"
BC_ACK_THANKS = "Cảm ơn anh/chị đã xác nhận."
BC_ACK_NOT_FOR_YOU = "Thông báo này không gửi cho anh/chị."
BC_PREVIEW_BUTTON = "Đây là bản xem trước."
BC_PROGRESS = (
    "📤 Đang gửi thông báo số {id}: {done}/{total} ({percent} %)\n"
    "Đã gửi: {sent} · Không gửi được: {failed} · Đã chặn bot: {blocked}"
)
BC_DONE = (
    "✅ Đã gửi xong thông báo số {id} cho {total} người.\n"
    'Đã gửi: {sent} · Không gửi được: {failed} · Đã chặn bot: {blocked} · Đã bấm "Đã nhận": {acked}'
)
BC_BTN_DETAILS = "📋 Xem chi tiết"
BC_HISTORY_EMPTY = "Anh/chị chưa gửi thông báo nào."
BC_HISTORY_TITLE = "Các thông báo anh/chị đã gửi gần đây:"
BC_HISTORY_LINE = "Số {id} ({date}): {preview}\n   gửi {sent}/{total} · đã nhận {acked}{pending}"
BC_HISTORY_PENDING = " · đang gửi"
BC_DETAILS = (
    "Thông báo số {id} ({date}), gửi cho {total} người.\n"
    "Đã gửi: {sent} · Chờ gửi: {pending} · Không gửi được: {failed} · Đã chặn bot: {blocked}\n"
    'Đã bấm "Đã nhận": {acked}/{sent}'
)
BC_DETAILS_FAILURES = "Chưa nhận được:"
BC_FAILURE_LINE = "• {name}: {reason}"
BC_REASON_BLOCKED = "đã chặn bot"
BTN_TRAINING = "📅 Tập huấn"
CMD_TRAINING = "Lịch tập huấn, đăng ký tham gia"
TR_MENU = "Tập huấn: anh/chị muốn làm gì?"
TR_BTN_NEW = "➕ Tạo buổi tập huấn"
TR_BTN_UPCOMING = "📅 Các buổi sắp tới"
TR_BTN_ATTENDANCE = "✅ Điểm danh sau buổi tập huấn"
TR_ASK_TITLE = "Tên buổi tập huấn là gì? (ví dụ: Kỹ năng hòa giải tranh chấp đất đai). Gõ /huy để dừng."
TR_BAD_TITLE = "Tên buổi tập huấn cần từ 3 đến 200 ký tự. Anh/chị gõ lại giúp."
TR_ASK_WHEN = "Tập huấn vào ngày giờ nào? Gõ theo mẫu ngày/tháng/năm giờ:phút, ví dụ: 14/10/2025 08:00"
TR_WHEN_ERRORS = {
    "format": "Chưa đọc được ngày giờ. Anh/chị gõ theo mẫu ngày/tháng/năm giờ:phút, ví dụ: 14/10/2025 08:00",
    "invalid": "Ngày giờ này không có thật (ví dụ 30/02). Anh/chị kiểm tra và gõ lại giúp.",
    "past": "Thời điểm này đã qua. Anh/chị gõ ngày giờ sắp tới giúp.",
    "too_far": "Chỉ lên lịch được trong vòng một năm tới. Anh/chị gõ lại giúp.",
}
TR_ASK_PLACE = "Địa điểm tập huấn ở đâu? (ví dụ: Hội trường UBND phường)"
TR_BAD_PLACE = "Địa điểm cần từ 3 đến 200 ký tự. Anh/chị gõ lại giúp."
TR_ANNOUNCEMENT = (
    "📅 TẬP HUẤN: {title}\n"
    "Thời gian: {time}, {weekday} {date}\n"
    "Địa điểm: {place}\n"
    "Đơn vị tổ chức: {organiser}\n\n"
    "Anh/chị vui lòng bấm nút bên dưới để báo có tham gia hay không."
)
TR_REMINDER = "⏰ NHẮC LỊCH: ngày mai tập huấn.\n\n{announcement}"
TR_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
TR_BTN_YES = "✅ Tham gia"
TR_BTN_NO = "❌ Không tham gia"
TR_BTN_YES_CHOSEN = "✔ Sẽ tham gia"
TR_BTN_NO_CHOSEN = "✔ Không tham gia"
TR_CONFIRM = "Tạo buổi tập huấn và báo cho {count} người ({scope})?"
TR_BTN_SEND = "✅ Tạo và gửi thông báo"
TR_ANSWER_YES = "Đã ghi nhận: anh/chị sẽ tham gia. Cảm ơn!"
TR_ANSWER_NO = "Đã ghi nhận: anh/chị không tham gia."
TR_NOT_INVITED = "Buổi tập huấn này không dành cho anh/chị."
TR_ALREADY_STARTED = "Buổi tập huấn này đã bắt đầu hoặc đã qua, không đăng ký được nữa."
TR_NONE_UPCOMING = "Hiện chưa có buổi tập huấn nào sắp tới."
TR_UPCOMING_TITLE = "Các buổi tập huấn sắp tới:"
TR_MY_ANSWER = {
    "yes": "   Anh/chị: sẽ tham gia",
    "no": "   Anh/chị: không tham gia",
    None: "   Anh/chị: chưa trả lời",
}
TR_COUNTS_LINE = "   Tham gia: {yes} · Không: {no} · Chưa trả lời: {none}"
TR_NONE_FOR_ATTENDANCE = "Chưa có buổi tập huấn nào đã diễn ra (trong 90 ngày qua) để điểm danh."
TR_PICK_EVENT = "Điểm danh buổi nào?"
TR_CHECKLIST = (
    'Điểm danh: {title} ({date}).\nBấm tên người đã dự (đã chọn {count}/{total}), rồi bấm "Xong" để lưu.'
)
TR_NO_CANDIDATES = "Buổi này không có hòa giải viên nào trong danh sách mời."
TR_ATTENDANCE_SAVED = (
    'Đã lưu điểm danh: {count} người dự buổi "{title}" ({date}). '
    "Đã cập nhật ngày được tập huấn cho {changed} người."
)
TR_NOT_STARTED = "Buổi tập huấn chưa diễn ra nên chưa điểm danh được."
TR_STARTED = "Đã tạo buổi tập huấn số {id} và bắt đầu báo cho {count} người."
# --- Statistics (/thongke, monthly summary, exports) -------------------------------------------------------
BTN_STATS = "📊 Thống kê, chỉ tiêu"
CMD_DESCRIPTIONS.update(
    {"thongke": "Thống kê vụ việc và chỉ tiêu", "bantin": "Bật/tắt bản tin thống kê hằng tháng"}
)
STATS_PICK_PROVINCE = "Xem thống kê của tỉnh/thành phố nào?"
STATS_PICK_SCOPE = "Xem thống kê của toàn tỉnh hay một xã/phường?"
STATS_WHOLE_PROVINCE = "Toàn tỉnh {name}"
STATS_PICK_PERIOD = (
    "Thống kê {scope}. Anh/chị chọn kỳ:\n"
    "📑 Kỳ thống kê 6 tháng: 01/01–30/6, số liệu thực tế từ 01/01 đến 31/5, phần còn lại ước tính; "
    "kỳ năm: 01/01–31/12."
)
STATS_PERIOD_BUTTONS = {
    "month": "Tháng này",
    "quarter": "Quý này",
    "half": "6 tháng",
    "year": "Năm nay",
    "custom": "Tùy chọn",
}
STATS_ASK_CUSTOM = (
    "Anh/chị gõ khoảng thời gian theo mẫu: ngày/tháng/năm - ngày/tháng/năm\nVí dụ: 01/01/2025 - 30/06/2025"
)
STATS_PERIOD_ERRORS = {
    "format": "Chưa đọc được khoảng thời gian. Anh/chị gõ theo mẫu: 01/01/2025 - 30/06/2025",
    "date": "Có ngày không có thật trên lịch (ví dụ 31/02). Anh/chị kiểm tra và gõ lại giúp.",
    "order": "Ngày bắt đầu phải trước ngày kết thúc. Anh/chị gõ lại giúp, ví dụ: 01/01/2025 - 30/06/2025",
    "range": "Năm phải trong khoảng 2000–2100. Anh/chị gõ lại giúp.",
}
STATS_NO_SCOPE = "Tài khoản của anh/chị chưa gắn với xã/phường, tổ hoặc tỉnh nào nên chưa xem được thống kê."
STATS_DENIED = "Anh/chị chỉ xem được thống kê thuộc phạm vi của mình."
STATS_BTN_CHART = "📈 Biểu đồ"
STATS_BTN_XLSX = "📊 Tải Excel"
STATS_BTN_OTHER_PERIOD = "🗓 Xem kỳ khác"
STATS_XLSX_CAPTION = "Báo cáo thống kê hòa giải ở cơ sở — {scope}, {period}"
STATS_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}
STATS_PERIOD_MONTH = "tháng {month}/{year}"
STATS_PERIOD_QUARTER = "quý {quarter}/{year}"
STATS_PERIOD_HALF = {1: "6 tháng đầu năm {year}", 2: "6 tháng cuối năm {year}"}
STATS_PERIOD_YEAR = "năm {year}"
STATS_PERIOD_RANGE = "{start} – {end}"
STATS_NONE = "chưa có"
STATS_REPORT = (
    "📊 {scope}\n"
    "Kỳ: {period}\n\n"
    "Tiếp nhận: {received} vụ việc\n"
    "✅ Thành: {successful} · ❌ Không thành: {unsuccessful}\n"
    "⏳ Đang hòa giải: {pending}\n"
    "↪️ Chuyển cơ quan: {transferred} · Rút yêu cầu: {withdrawn}\n"
    "Tỷ lệ hòa giải thành: {rate} ({rate_formula})\n"
    "Tính trên số tiếp nhận: {rate_received} ({rate_received_formula})"
)
STATS_BY_FIELD = "Theo lĩnh vực: {items}"
STATS_NO_CASES = "Chưa có vụ việc nào được ghi trong kỳ này."
STATS_COMPLETENESS = "Xã/phường đã có số liệu: {reported}/{communes}"
STATS_INDICATORS_TITLE = "Chỉ tiêu QĐ 315 (thực hiện / mục tiêu):"
STATS_INDICATOR_LINE = "{mark} {name}: {value} / {target}"
STATS_RATE_FORMULA = "{successful}/{mediated} vụ việc đã hòa giải"
STATS_RATE_RECEIVED_FORMULA = "{successful}/{received} vụ việc tiếp nhận"
STATS_MARKS = {True: "✓", False: "✗", None: "–"}
STATS_INDICATOR_NAMES = {
    "success_rate": "Tỷ lệ hòa giải thành",
    "trained_share": "Hòa giải viên được tập huấn",
    "trained_within_6_months": "HGV mới được tập huấn trong 6 tháng",
    "teams_full_composition": "Tổ đủ thành phần",
    "teams_with_legal_supporter": "Tổ có người hỗ trợ pháp lý",
}
STATS_ORGANISATION = "Tổ chức: {teams} tổ, {mediators} hòa giải viên ({women} nữ, {ethnic_minority} DTTS)"
STATS_BTN_SUMMARY = "🔔 Bản tin thống kê hằng tháng"
STATS_SUMMARY_TITLE = "🗓 Bản tin hằng tháng"
STATS_SUMMARY_OFF_BUTTON = "🔕 Không nhận bản tin này"
STATS_SUMMARY_ON_BUTTON = "🔔 Nhận bản tin hằng tháng"
STATS_SUMMARY_OFF = "Đã tắt bản tin thống kê hằng tháng. Muốn nhận lại, gõ /bantin."
STATS_SUMMARY_ON = "Đã bật bản tin thống kê hằng tháng: bot gửi vào ngày 1 mỗi tháng."
STATS_SUMMARY_STATUS_ON = "Anh/chị đang nhận bản tin thống kê hằng tháng (ngày 1 mỗi tháng)."
STATS_SUMMARY_STATUS_OFF = "Anh/chị đang tắt bản tin thống kê hằng tháng."
STATS_SUMMARY_ONLY_COMMUNE = "Bản tin hằng tháng dành cho công chức Tư pháp – hộ tịch cấp xã."
STATS_CLI_ERRORS = {
    "scope": "Cần đúng một trong ba: --commune MÃ_XÃ, --province MÃ_TỈNH hoặc --national.",
    "dates": "Ngày phải theo dạng YYYY-MM-DD, ví dụ --from 2025-01-01 --to 2025-06-30 (nhận được: {value}).",
    "order": "Ngày --from phải trước hoặc bằng ngày --to.",
    "format": "--format phải là json, xlsx hoặc text (nhận được: {value}).",
    "unknown_commune": "Không có xã/phường mã {code}.",
    "unknown_province": "Không có tỉnh/thành phố mã {code}.",
    "write": "Không ghi được tệp {path}: {error}",
    "usage": "Lỗi tham số: {error}",
}
STATS_CLI_WRITTEN = "Đã ghi {path}"
STATS_XLSX: dict[str, Any] = {
    "sender_commune": "Đơn vị báo cáo: UBND {name}",
    "receiver_commune": "Đơn vị nhận báo cáo: Sở Tư pháp {name}",
    "sender_province": "Đơn vị báo cáo: Sở Tư pháp {name}",
    "receiver_province": "Đơn vị nhận báo cáo: Bộ Tư pháp",
    "scope": "Phạm vi: {scope}",
    "period": "(Từ ngày {start} đến ngày {end})",
    "total": "Tổng số",
    "org_sheet": "Tổ chức",
    "org_title": "TÌNH HÌNH TỔ CHỨC, HÒA GIẢI VIÊN CỦA TỔ HÒA GIẢI Ở CƠ SỞ",
    "org_unit": "Đơn vị tính: tổ, người",
    "org_heads": [
        "Số tổ hòa giải",
        "Hòa giải viên – Tổng số",
        "Nam",
        "Nữ",
        "Dân tộc thiểu số",
        "Được tập huấn, bồi dưỡng",
        "Người hỗ trợ pháp lý",
        "Số tổ có người hỗ trợ pháp lý",
        "Số tổ đủ thành phần",
    ],
    "org_note": (
        "Hòa giải viên gồm cả tổ trưởng; số được tập huấn tính đến ngày cuối kỳ. Tổ đủ thành phần: "
        "từ 3 hòa giải viên (có tổ trưởng), có nữ, có người dân tộc thiểu số ở địa bàn nhiều đồng bào "
        "dân tộc thiểu số."
    ),
    "results_unit": "Đơn vị tính: vụ việc",
    "result_heads": [
        "Tổng số vụ việc tiếp nhận",
        "Hòa giải thành",
        "Hòa giải không thành",
        "Đang hòa giải",
        "Chuyển cơ quan có thẩm quyền",
        "Rút yêu cầu",
        "Tỷ lệ hòa giải thành (thành / (thành + không thành))",
        "Cách tính",
        "Tỷ lệ thành trên số tiếp nhận (thành / tiếp nhận)",
        "Cách tính (tiếp nhận)",
    ],
    "short_heads": [
        "Tiếp nhận",
        "Thành",
        "K.thành",
        "Đang HG",
        "Chuyển",
        "Rút YC",
        "Tỷ lệ",
        "TL/TN",
        "Thành/đã HG",
    ],
    "field_sheet": "Theo lĩnh vực",
    "field_title": "KẾT QUẢ HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ CHIA THEO LĨNH VỰC",
    "field_col": "Lĩnh vực",
    "team_sheet": "Theo tổ hòa giải",
    "team_title": "KẾT QUẢ HOẠT ĐỘNG CỦA TỔ HÒA GIẢI Ở CƠ SỞ",
    "team_col": "Tên tổ hòa giải",
    "commune_sheet": "Theo xã",
    "commune_title": "KẾT QUẢ HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ TẠI CÁC XÃ, PHƯỜNG",
    "commune_col": "Xã, phường, đặc khu",
    "reported_head": "Đã có số liệu trong kỳ",
    "reported": "Có",
    "not_reported": "Chưa báo cáo",
    "formula_note": (
        "Vụ việc tính theo ngày tiếp nhận trong kỳ (kể cả ngày đầu và ngày cuối), theo kết quả hiện "
        "tại. Tỷ lệ hòa giải thành (cách tính của Bộ Tư pháp) = số vụ việc hòa giải thành / số vụ "
        "việc đã hòa giải (thành + không thành); vụ việc đang hòa giải, chuyển cơ quan có thẩm quyền, "
        "rút yêu cầu không tính. Tỷ lệ trên số tiếp nhận = thành / tổng số vụ việc tiếp nhận (số "
        "tham khảo). Để trống khi mẫu số bằng 0."
    ),
    "completeness_note": "Chưa báo cáo: xã/phường không có vụ việc nào được ghi nhận trong kỳ.",
    "ind_sheet": "Chỉ tiêu QĐ 315",
    "ind_title": "CHỈ TIÊU ĐỀ ÁN NÂNG CAO NĂNG LỰC HÒA GIẢI VIÊN (QĐ 315/QĐ-TTg)",
    "ind_heads": ["Chỉ tiêu", "Thực hiện", "Mục tiêu", "Đánh giá", "Cách tính"],
    "met": "Đạt",
    "not_met": "Chưa đạt",
    "no_data": "Chưa có số liệu",
    "ind_note": (
        "Mục tiêu tập huấn: 80–90 % hòa giải viên. Hòa giải viên được công nhận từ 01/01/2024 và đủ 6 "
        "tháng tính đến cuối kỳ phải được tập huấn trong 6 tháng kể từ khi được công nhận (100 %). "
        "Ít nhất 10 % tổ có người hỗ trợ pháp lý."
    ),
}
STATS_CHART: dict[str, Any] = {
    "by_field": "Theo lĩnh vực",
    "by_team": "Theo tổ hòa giải",
    "by_commune": "Theo xã, phường",
    "others": "{n} nơi khác",
    "empty": "Chưa có vụ việc trong kỳ",
    "series": {
        "successful": "Thành",
        "unsuccessful": "Không thành",
        "pending": "Đang hòa giải",
        "transferred": "Chuyển cơ quan",
        "withdrawn": "Rút yêu cầu",
    },
}
# --- Database backend (PostgreSQL, admin migrate-db) -------------------------------------------------------
DBCOPY_START = "Sao chép dữ liệu từ {source} sang {target}…"
DBCOPY_TABLE = "  {table}: {rows} dòng (thêm mới {added})"
DBCOPY_DONE = (
    "Xong: {tables} bảng, {rows} dòng; số dòng hai bên khớp nhau. Chạy lại lệnh này không tạo "
    "thêm dòng nào (chỉ cập nhật những dòng đã đổi)."
)
DBCOPY_ERRORS = {
    "same": "Nguồn và đích là cùng một CSDL.",
    "source": "Nguồn (--from) phải là CSDL SQLite: sqlite:///đường/dẫn.db hoặc đường dẫn tệp.",
    "missing": "Không thấy tệp SQLite {path}.",
    "failed": "Sao chép không thành công, CSDL đích không thay đổi: {error}",
    "connect": "Không kết nối được CSDL: {error}",
}
DB_BACKUP_POSTGRES = (
    "CSDL đang là PostgreSQL: hãy sao lưu bằng pg_dump (ví dụ: pg_dump -Fc -f mediator.dump "
    '"$DATABASE_URL") và khôi phục bằng pg_restore.'
)

# --- Zalo channel and identity linking (/lienket) ------------------------------------------------------
ZALO_FILE_LINK = "📎 {name}\nBấm để tải về: {link}"
ZALO_FILE_UNAVAILABLE = (
    "📎 {name}\nTệp này chưa gửi được qua Zalo. Anh/chị mở bot trên Telegram để nhận tệp, "
    "hoặc nhờ công chức Tư pháp xã gửi giúp."
)
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "máy tính"}
BTN_LINK = "🔗 Liên kết Zalo – Telegram"
CMD_LINK = "Dùng chung tài khoản trên Zalo và Telegram"
LINK_CODE_ISSUED = (
    "Mã liên kết của anh/chị: {code}\n"
    "Mã dùng một lần, hết hạn sau {minutes} phút (lúc {until}).\n\n"
    "Mở bot trên ứng dụng kia (Zalo hoặc Telegram) và gõ:\n/lienket {code}\n\n"
    "Không đưa mã này cho người khác."
)
LINK_ASK_CODE = (
    "Nếu anh/chị đã đăng ký trên Zalo hoặc Telegram: mở bot ở đó, gõ /lienket để lấy mã 6 số, "
    "rồi gõ mã đó vào đây. Gõ /huy để dừng."
)
LINK_DONE = (
    "Đã liên kết! Tài khoản {channel} này nay dùng chung với tài khoản đã đăng ký của {name} ({role}): "
    "cùng đăng ký, cùng sổ vụ việc, cùng lịch sử."
)
LINK_ERRORS = {
    "malformed": "Mã liên kết gồm 6 chữ số, ví dụ 123456. Anh/chị gõ lại giúp.",
    "already_registered": (
        "Tài khoản này đã đăng ký rồi nên không liên kết thêm được. Gõ /trogiup để xem các chức năng; "
        "nếu tài khoản thuộc về người khác, xin báo công chức Tư pháp xã."
    ),
    "too_many_attempts": "Anh/chị đã nhập sai mã nhiều lần. Vui lòng thử lại sau 10 phút.",
}

# --- Issue 14: security and durability -----------------------------------------------------------------
# One reply for every code that does not work (unknown, revoked, expired, used up, creator no longer active):
# trying codes must not tell which ones exist.
CODE_ERRORS["invalid"] = (
    "Mã mời này không dùng được (sai, hết hạn hoặc hết lượt). Anh/chị kiểm tra lại từng ký tự "
    "hoặc xin mã mới ở công chức Tư pháp xã."
)
CODE_ERRORS["too_many_attempts"] = "Có quá nhiều lần nhập sai mã mời. Anh/chị vui lòng thử lại sau 10 phút."
CASE_PARTIES_LOCKED = (
    "Vụ việc này có họ tên các bên (đã mã hóa) nhưng máy chủ chưa có khóa mã hóa (PARTY_DATA_KEY), nên không "
    "xem hay sửa được họ tên các bên. Các mục khác vẫn sửa được; họ tên đã ghi được giữ nguyên."
)
TEXT_NOT_FOR_THIS_FLOW = (
    "Tin nhắn vừa rồi không được ghi vào việc đang làm dở trước đó, vì anh/chị đã mở chức năng khác. "
    "Bản nháp vẫn được giữ; muốn làm tiếp, anh/chị mở lại chức năng đó."
)
GROUP_CHAT_REFUSED = (
    "Xin lỗi, trợ lý chỉ làm việc trong tin nhắn riêng để giữ bí mật thông tin hòa giải. "
    "Anh/chị vui lòng nhắn riêng cho bot."
)
RESTORE_ERRORS = {
    "same_file": (
        "Không khôi phục được: tệp sao lưu chính là CSDL đang dùng ({detail}). Không có gì thay đổi."
    ),
    "in_use": (
        "Không khôi phục được: CSDL {detail} đang được bot (hoặc một lệnh khác) sử dụng. Hãy dừng bot "
        "rồi chạy lại lệnh. Không có gì thay đổi."
    ),
    "missing_tables": "Không khôi phục được: tệp sao lưu thiếu các bảng {detail}. Không có gì thay đổi.",
}

# --- Issue 21: Remuneration (thù lao hòa giải viên theo vụ, việc) ---
PAY_STATUS = {
    "payable": "Được chi",
    "paid": "Đã chi",
    "excluded": "Loại khỏi danh sách",
    "not_eligible": "Không đủ điều kiện",
}
PAY_SIGNERS = (
    ("Người lập", "(Ký, ghi rõ họ tên)"),
    ("Kế toán", "(Ký, ghi rõ họ tên)"),
    ("Chủ tịch UBND xã", "(Ký, đóng dấu, ghi rõ họ tên)"),
)
PAY_XLSX: dict[str, Any] = {
    "sheet": "Danh sách chi",
    "authority": "ỦY BAN NHÂN DÂN {commune}",
    "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "motto": "Độc lập - Tự do - Hạnh phúc",
    "title": "DANH SÁCH CHI THÙ LAO HÒA GIẢI VIÊN",
    "period": "Các vụ, việc kết thúc từ ngày {start} đến ngày {end}",
    "number": "Danh sách số {number}",
    "preview": "(Bản xem trước — chưa lập danh sách)",
    "basis": (
        "Căn cứ: Luật Hòa giải ở cơ sở số 35/2013/QH13 (Điều 6 khoản 1, Điều 9 khoản 5, Điều 23); Nghị định "
        "15/2014/NĐ-CP (Điều 14: điều kiện hưởng thù lao; Điều 15: thủ tục thanh toán); Thông tư "
        "56/2023/TT-BTC (Điều 3 khoản 17 điểm a, đ; Điều 5 khoản 1) và nghị quyết của HĐND tỉnh về mức chi."
    ),
    "columns": (
        "STT",
        "Số vụ, việc",
        "Ngày kết thúc",
        "Tổ hòa giải",
        "Hòa giải viên tham gia (phần được chia, đồng)",
        "Kết quả / nội dung chi",
        "Số tiền (đồng)",
        "Căn cứ, ghi chú",
        "Ký nhận",
    ),
    "team_support": "Hỗ trợ hoạt động tổ hòa giải tháng {month}",
    "team_support_basis": "TT 56/2023/TT-BTC Điều 3 khoản 17 điểm đ (văn phòng phẩm, sao chụp tài liệu, nước "
    "uống họp tổ).",
    "team_total": "Cộng tổ {team} ({cases} vụ, việc được chi)",
    "grand_total": "TỔNG CỘNG TOÀN XÃ",
    "in_words": "Số tiền bằng chữ: {words}.",
    "others_title": "VỤ, VIỆC KHÔNG ĐƯA VÀO DANH SÁCH CHI (và lý do)",
    "others_columns": ("STT", "Số vụ, việc", "Ngày", "Tổ", "Kết quả", "Lý do"),
    "rates_title": "MỨC CHI ÁP DỤNG",
    "rate_line": "Từ ngày {start}: {case} đ/vụ, việc; {success} đ/vụ, việc hòa giải thành; {team} đ/tổ/tháng "
    "— {basis}.",
}
PAY_SUMMARY = (
    "💰 Thù lao hòa giải viên — {commune}\n"
    "Vụ việc kết thúc từ {start} đến {end}{number}\n\n"
    "Được chi: {payable} vụ việc · Loại: {excluded} · Không đủ điều kiện: {not_eligible} · Đã chi trước: "
    "{paid}\n"
    "{teams}\n\n"
    "Tổng cộng: {total} đồng\n({words})\n\n"
    "{rates}Mức cụ thể do Nghị quyết HĐND tỉnh quyết định."
)
PAY_SUMMARY_RATE = (
    "Mức áp dụng: {case} đ/vụ việc, {success} đ/vụ việc hòa giải thành, {team} đ/tổ/tháng — {basis}. "
)
PAY_SUMMARY_NUMBER = " — danh sách số {number}"
PAY_SUMMARY_TEAM = "• Tổ {team}: {cases} vụ việc, {amount} đ; hỗ trợ tổ {support} đ{adjustment}"
PAY_SUMMARY_ADJ = "; điều chỉnh {amount} đ"
PAY_SUMMARY_NO_TEAM = "(Xã chưa có tổ hòa giải nào.)"
PAY_SUMMARY_NO_RATE = (
    "⚠️ {count} tháng hỗ trợ tổ trước 06/10/2023 (ngày Thông tư 56/2023/TT-BTC có hiệu lực) chưa "
    "tính (0 đồng) vì chưa nhập mức của tỉnh cho thời gian đó — cần nhập mức đã áp dụng khi ấy."
)
PAY_CLI_ERRORS = {
    "usage": "Lệnh chưa đúng: {error}",
    "dates": 'Ngày không hợp lệ: "{value}". Ghi theo dạng YYYY-MM-DD, ví dụ 2026-01-31.',
    "order": "Ngày đầu kỳ phải trước hoặc bằng ngày cuối kỳ.",
    "format": 'Định dạng "{value}" không dùng được. Chọn json hoặc xlsx.',
    "unknown_commune": "Không có xã/phường mã {code}.",
    "unknown_province": "Không có tỉnh mã {code}.",
    "write": "Không ghi được tệp {path}: {error}",
    "amount": "Số tiền phải là số nguyên đồng, không âm (ví dụ 300000).",
    "negative": "Số tiền phải là số nguyên đồng, không âm.",
    "above_max": (
        "Mức vượt mức tối đa của Thông tư 56/2023/TT-BTC (300.000 đ/vụ việc, 400.000 đ/vụ việc hòa giải "
        "thành, 150.000 đ/tổ/tháng; Điều 3 khoản 17, Điều 5 khoản 1)."
    ),
    "case": "Không có vụ việc số {case} ở xã/phường này.",
    "reason": (
        "Cần ghi rõ lý do bằng văn bản (từ 10 đến 500 ký tự), ví dụ: vi phạm Điều 10 khoản 3 Luật 35/2013."
    ),
    "basis": "Cần ghi căn cứ (ví dụ: Nghị quyết 09/2024/NQ-HĐND tỉnh …).",
    "not_paid_case": "Vụ việc {case} vốn không đủ điều kiện hưởng thù lao, không cần loại.",
    "already": "Vụ việc {case} đã bị loại khỏi danh sách từ trước.",
    "list": "Không có danh sách số {number} của xã/phường này.",
    "not_draft": "Danh sách số {number} đã được đánh dấu đã chi từ trước.",
    "conflict": (
        "Danh sách số {number} có dòng đã được chi ở danh sách khác ({what}). Hãy lập danh sách mới "
        "rồi đánh dấu đã chi danh sách mới."
    ),
}
PAY_CLI_WRITTEN = "Đã ghi {path}"
PAY_CLI_RATE_SAVED = (
    "Đã lưu mức chi (số {id}): từ {start}, {case} đ/vụ việc, {success} đ/vụ việc thành, {team} đ/tổ/tháng."
)
PAY_CLI_EXCLUDED = "Đã loại vụ việc {case} khỏi danh sách chi. Lý do: {reason}"
PAY_CLI_INCLUDED = "Đã đưa vụ việc {case} trở lại danh sách chi."
PAY_CLI_NOT_EXCLUDED = "Vụ việc {case} không bị loại, không có gì thay đổi."
PAY_CLI_DRAWN = "Đã lập danh sách số {number} ({start} → {end}), tổng {total} đồng."
PAY_CLI_PAID = "Đã đánh dấu danh sách số {number} đã chi ngày {day}."
# Chat (/thulao for officials, /thulaocuatoi for mediators)
PAY_BTN_MENU = "💰 Thù lao hòa giải viên"
PAY_BTN_MINE = "💰 Thù lao của tôi"
CMD_DESCRIPTIONS.update(
    {"thulao": "Danh sách chi thù lao hòa giải viên", "thulaocuatoi": "Thù lao của tôi theo từng vụ việc"}
)
PAY_PERIODS = {"month": "Tháng này", "previous": "Tháng trước", "quarter": "Quý này", "year": "Năm nay"}
PAY_PICK_PERIOD = "Xem thù lao của các vụ việc kết thúc trong kỳ nào?"
PAY_BTN_XLSX = "📄 Tệp Excel để in"
PAY_BTN_DRAW = "📝 Lập danh sách chi"
PAY_BTN_EXCLUDE = "🚫 Loại một vụ việc"
PAY_BTN_LISTS = "📚 Các danh sách đã lập"
PAY_BTN_PAID = "✅ Đã chi danh sách số {number}"
PAY_BTN_CONFIRM = "✅ Xác nhận"
PAY_BTN_CANCEL = "✖ Hủy"
PAY_DENIED = "Xin lỗi, anh/chị không xem hoặc sửa được thù lao của nơi này."
PAY_XLSX_CAPTION = (
    'Danh sách chi thù lao (bản xem trước). Bấm "Lập danh sách chi" để lưu bản có số để trình ký.'
)
PAY_DRAWN = (
    "Đã lập danh sách chi số {number}, tổng {total} đồng. Trình ký người lập, kế toán, Chủ tịch UBND xã; "
    "khi đã chi, bấm nút bên dưới."
)
PAY_NO_LISTS = "Xã chưa lập danh sách chi nào."
PAY_LISTS_TITLE = "Các danh sách chi đã lập:"
PAY_LIST_LINE = "• Số {number}: {start} – {end}, {total} đ — {status}"
PAY_PAID_ON = "đã chi ngày {day}"
PAY_DRAFTED = "chưa chi"
PAY_CONFIRM_PAID = (
    "Xác nhận danh sách số {number} đã chi ngày {day}? Sau khi xác nhận, các vụ việc trong "
    "danh sách không được chi lại."
)
PAY_MARKED = "Đã ghi nhận danh sách số {number} đã chi ngày {day}."
PAY_ASK_CASE = "Gõ số vụ việc cần loại khỏi danh sách chi (ví dụ {example}), hoặc /huy để dừng."
PAY_ASK_REASON = (
    "Gõ lý do loại vụ việc {case} (bằng văn bản, ví dụ: vi phạm Điều 10 khoản 3 Luật Hòa giải ở cơ sở — "
    "có quyền lợi liên quan)."
)
PAY_EXCLUDED = "Đã loại vụ việc {case} khỏi danh sách chi. Lý do được ghi trên danh sách."
PAY_PROVINCE_TITLE = (
    "💰 Thù lao hòa giải viên phải chi — tỉnh {province}, vụ việc kết thúc từ {start} đến {end}:"
)
PAY_PROVINCE_LINE = (
    "• {commune}: còn phải chi {total} đ ({cases} vụ việc; hỗ trợ tổ {support} đ); đã chi {paid} đ"
)
PAY_PROVINCE_EMPTY = "(Tỉnh chưa có xã/phường nào.)"
PAY_PROVINCE_TOTAL = "Toàn tỉnh: còn phải chi {total} đồng; đã chi {paid} đồng."
PAY_MINE_TITLE = "💰 Thù lao của tôi — vụ việc kết thúc từ {start} đến {end}:"
PAY_MINE_EMPTY = "Chưa có vụ việc nào anh/chị tham gia trong kỳ này."
PAY_MINE_LINE = "• {case} ({day}) — {result}: {state}"
PAY_MINE_PAID = "đã chi {share} đ (danh sách số {number}, ngày {day})"
PAY_MINE_DUE = "được chi {share} đ, chưa chi"
PAY_MINE_NOT = "{status}"
PAY_MINE_TOTAL = (
    "Phần chưa chi: {due} đồng. Mức cụ thể do Nghị quyết HĐND tỉnh quy định; xã chi qua tổ hòa giải "
    "(Nghị định 15/2014/NĐ-CP, Điều 15)."
)

# --- Issue 22: figures as the Ministry counts them (rate, submitted reports, national level) ---------------
STATS_CHART_TITLE = "Kết quả hòa giải {scope}, {period}\nTỷ lệ hòa giải thành: {rate}"
STATS_FORMULA_TRAINED = "{n}/{total} hòa giải viên"
STATS_FORMULA_TEAMS = "{n}/{total} tổ hòa giải"
STATS_FORMULA_TRAINED_6M = "HGV công nhận từ 01/01/2024, đủ 6 tháng đến cuối kỳ"
SUBMIT_CLI_ERRORS = {
    "commune_only": "Chỉ chốt số liệu của một xã/phường: report submit --commune MÃ_XÃ --from … --to …",
    "never": "Xã/phường {code} chưa chốt số liệu kỳ {start} – {end}. Chốt bằng: "
    "mediator-bot report submit --commune {code} --from {start} --to {end}",
}
SUBMIT_CLI_DONE = "Đã chốt số liệu của {code} kỳ {start} – {end}: lần {revision}, {cases} vụ việc."
SUBMIT_UNCHANGED = (
    "Số liệu không thay đổi so với lần chốt số {revision} (chốt lúc {at}, {cases} vụ việc); "
    "không tạo lần chốt mới."
)
SUBMIT_CLI_MISSING = "Lưu ý: {n} xã/phường chưa chốt số liệu kỳ này (không tính vào tổng): {codes}"
ROLE_NAMES.update({"ministry_official": "Cán bộ Bộ Tư pháp"})
SUBMIT_SOURCE_LIVE = "Số liệu: hiện tại, tại thời điểm xem (chưa phải số liệu đã chốt)."
SUBMIT_SOURCE_COMMUNE = "Số liệu: đã chốt lần {revision}, lúc {at}."
SUBMIT_SOURCE_ROLLUP = (
    "Số liệu: đã chốt — cộng số liệu chốt mới nhất của từng xã/phường cho đúng kỳ này; "
    "xã/phường chưa chốt không được tính."
)
SUBMIT_COMPLETENESS = "Xã/phường đã chốt số liệu: {submitted}/{communes}"
SUBMIT_MARK_REVISION = "đã chốt lần {revision}"
SUBMIT_MARK_MISSING = "chưa chốt"
SUBMIT_XLSX_HEAD = "Chốt số liệu"
NATIONAL_XLSX: dict[str, Any] = {
    "sender": "Đơn vị tổng hợp: Bộ Tư pháp (Cục Phổ biến, giáo dục pháp luật)",
    "receiver": "Phạm vi tổng hợp: toàn quốc, theo tỉnh/thành phố",
    "province_col": "Tỉnh, thành phố",
    "province_sheet": "Theo tỉnh",
    "province_title": "KẾT QUẢ HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ TOÀN QUỐC, THEO TỈNH, THÀNH PHỐ",
    "communes_head": "Số xã, phường",
    "reported_head": "Số xã có vụ việc trong kỳ",
    "submitted_head": "Số xã đã chốt số liệu",
    "ind_sheet": "Chỉ tiêu theo tỉnh",
    "ind_title": "CHỈ TIÊU QĐ 315/QĐ-TTg THEO TỈNH, THÀNH PHỐ",
    "chart_by_province": "Theo tỉnh, thành phố",
}
PERIODS_OFFICIAL = {
    "h6": "📑 Kỳ thống kê 6 tháng {year} (01/01–30/6)",
    "h6a": "📑 6 tháng {year}: thực tế 01/01–31/5",
    "y": "📑 Kỳ thống kê năm {year} (01/01–31/12)",
    "yp": "📑 Năm {year} (báo cáo năm chính thức)",
}
SUBMIT_WHOLE_COUNTRY = "🇻🇳 Toàn quốc"
SUBMIT_BTN = "📌 Chốt số liệu"
SUBMIT_BTN_REVISE = "📌 Chốt lại (lần {revision})"
SUBMIT_BTN_SUBMITTED = "📌 Xem số liệu đã chốt"
SUBMIT_BTN_LIVE = "🔄 Xem số liệu hiện tại"
SUBMIT_BTN_STATUS = "📋 Tình hình chốt số liệu của các xã"
SUBMIT_BTN_CONFIRM = "✅ Xác nhận chốt số liệu"
SUBMIT_BTN_CANCEL = "✖ Hủy"
SUBMIT_CANCELLED = "Đã hủy, chưa chốt số liệu."
SUBMIT_DENIED = "Chỉ công chức Tư pháp – hộ tịch của xã/phường mới chốt được số liệu của xã/phường mình."
SUBMIT_CONFIRM = (
    "Chốt số liệu {scope}, {period} (lần {revision}):\n"
    "Tiếp nhận {received} vụ việc; tỷ lệ hòa giải thành {rate}.\n\n"
    "Sau khi chốt, số liệu gửi lên được giữ nguyên. Vụ việc sửa đổi hoặc ghi thêm về sau sẽ được báo để "
    "anh/chị chốt lại nếu cần. Anh/chị xác nhận?"
)
SUBMIT_DONE = (
    "✅ Đã chốt số liệu {scope}, {period}: lần {revision}.\n"
    "Tiếp nhận {received} vụ việc; tỷ lệ hòa giải thành {rate}.\n"
    "Sở Tư pháp thấy số liệu này khi tổng hợp theo số liệu đã chốt."
)
SUBMIT_ALREADY = (
    "Số liệu kỳ này đã được chốt (lần {revision}). Anh/chị mở lại /thongke để xem và chốt lại nếu cần."
)
SUBMIT_NOTE_NONE = "📌 Kỳ này chưa chốt số liệu."
SUBMIT_NOTE_DONE = "📌 Đã chốt lần {revision} lúc {at}."
SUBMIT_NOTE_UNCHANGED = "Không có vụ việc nào thay đổi sau khi chốt."
SUBMIT_NOTE_ORGANISATION = (
    "⚠️ Không có vụ việc nào thay đổi, nhưng số liệu tổ hòa giải, hòa giải viên đã khác so với khi chốt."
)
SUBMIT_NOTE_CHANGED = "⚠️ {n} vụ việc thay đổi sau khi chốt:"
SUBMIT_NOTE_MORE = "… và {n} mục khác."
SUBMIT_NOTE_REVISE = "Số liệu đã chốt không tự thay đổi; muốn gửi số mới, anh/chị bấm «Chốt lại»."
SUBMIT_CHANGE_NEW = "• {number}: ghi thêm sau khi chốt (tiếp nhận {received}, {result})"
SUBMIT_CHANGE_REMOVED = "• {number}: không còn trong kỳ (đã xóa hoặc đổi ngày tiếp nhận)"
SUBMIT_CHANGE_CHANGED = "• {number}: {what}"
SUBMIT_CHANGE_RESULT = "kết quả {before} → {after}"
SUBMIT_CHANGE_FIELD = "lĩnh vực {before} → {after}"
SUBMIT_CHANGE_TEAM = "chuyển tổ hòa giải"
SUBMIT_CHANGE_DATE = "ngày tiếp nhận {before} → {after}"
SUBMIT_STATUS_TITLE = (
    "📋 Chốt số liệu {scope}, {period}\n"
    "Đã chốt: {submitted}/{communes} xã/phường; chưa chốt và quá hạn: {late}; đã chốt lại: {revised}.\n"
    "(Quá hạn: chưa chốt sau {due} ngày kể từ cuối kỳ — mốc do ứng dụng đặt, không phải thời hạn pháp lý.)"
)
SUBMIT_STATUS_DONE = "✅ {name}: lần {revision}, {at}{revised}{late}"
SUBMIT_STATUS_REVISED_MARK = " (đã chốt lại)"
SUBMIT_STATUS_LATE_MARK = " (chốt muộn)"
SUBMIT_STATUS_MISSING = "… {name}: chưa chốt"
SUBMIT_STATUS_LATE = "⏰ {name}: chưa chốt, quá hạn"
MINISTRY_CLI_NAME = "Cần --name: họ và tên cán bộ Bộ Tư pháp."
MINISTRY_CLI_LINKED = "Đã tạo cán bộ Bộ Tư pháp {name} (mã {id}) và gắn tài khoản chat."
MINISTRY_CLI_CODE = (
    "Đã tạo cán bộ Bộ Tư pháp {name} (mã {id}). Mã liên kết dùng một lần, hiệu lực 10 phút: {code}\n"
    "Người này mở bot và gõ: /lienket {code}"
)

# --- Issue 17: the whole logbook (Part I columns, Part II, the printable book, agreement follow-up) ---
#: Kinds of persons invited to take part in a mediation (Law 35/2013 Art. 19), code → button label.
CASE_INVITED_KIND_LABELS = {
    "uy_tin": "Người có uy tín",
    "gia_lang": "Già làng/trưởng bản",
    "chuc_sac": "Chức sắc tôn giáo",
    "cong_an": "Công an",
    "dia_chinh": "Cán bộ địa chính",
    "nguoi_than": "Người thân",
    "phap_luat": "Người có kiến thức pháp luật",
    "biet_vu_viec": "Người biết rõ vụ việc",
    "to_chuc": "Đại diện cơ quan/tổ chức",
    "khac": "Người khác",
}
CASE_FIELD_NAMES.update(
    {
        "invited_kinds": "Người được mời tham gia",
        "invited_count": "Số người được mời",
        "invited_names": "Họ tên người được mời",
        "agreement": "Thỏa thuận / yêu cầu của các bên",
        "note": "Ghi chú",
        "written_record": "Đã lập và ký văn bản hòa giải thành",
        "record_photo": "Ảnh văn bản đã ký",
        "follows_case_id": "Hòa giải lại vụ việc",
    }
)
CASE_PROMPTS.update(
    {
        "invited_kinds": (
            "Ai được mời tham gia hòa giải (Điều 19 Luật Hòa giải ở cơ sở)? Bấm để chọn/bỏ chọn (✓), xong "
            'bấm "Xong". Không mời ai: bấm "Không mời ai".'
        ),
        "invited_count": "Có bao nhiêu người được mời tham gia? Bấm nút hoặc gõ số.",
        "invited_names": (
            "Họ tên người được mời (không bắt buộc; xã/phường đã cho phép ghi và dữ liệu được mã hóa). "
            'Gõ các tên cách nhau bằng dấu phẩy, hoặc bấm "Bỏ qua".'
        ),
        "agreement": (
            "Gõ ngắn gọn thỏa thuận của các bên (hoặc yêu cầu của mỗi bên) sau khi hòa giải.\n"
            "⚠️ Không ghi họ tên, số điện thoại, số giấy tờ; số điện thoại và số giấy tờ sẽ được tự động che."
        ),
        "note": 'Gõ ghi chú (cột Ghi chú của sổ), hoặc bấm "Bỏ qua".',
        "written_record": (
            "Các bên có lập và ký văn bản hòa giải thành không (Điều 24 Khoản 2 Luật Hòa giải ở cơ sở)?"
        ),
        "record_photo": (
            'Gửi ảnh chụp văn bản hòa giải thành đã ký (không bắt buộc), hoặc bấm "Bỏ qua". '
            "Ảnh được giữ trên ứng dụng chat, bot chỉ lưu mã của ảnh."
        ),
    }
)
CASE_ERRORS.update(
    {
        "invited_count_range": "Số người được mời phải từ 1 đến {max}.",
        "invited_count_low": "Đã chọn {kinds} loại người được mời, nên số người ít nhất là {kinds}.",
        "photo_expected": 'Bước này anh/chị gửi một ảnh (chụp văn bản đã ký), hoặc bấm "Bỏ qua".',
        "yesno_cell": "Ghi có hoặc không (1/0).",
    }
)
CASE_NONE_INVITED = "(không mời ai)"
CASE_PHOTO_SAVED = "(đã có ảnh)"
CASE_BTN_NO_INVITED = "Không mời ai"
CASE_NO_PHOTO_CHANNEL = (
    "Kênh này không gửi được ảnh. Anh/chị giữ văn bản giấy cùng sổ, hoặc gửi ảnh qua Telegram/Zalo "
    '(mở vụ việc bằng /vuviec và bấm "Sửa").'
)
CASE_FOLLOWS = "Hòa giải lại vụ việc số {number}"
#: Short names of the form's fields on the "Sửa" buttons of the review screen (the label where none is given).
CASE_FIELD_SHORT = {
    "received_on": "Ngày nhận",
    "basis": "Căn cứ",
    "court_recognition": "Tòa công nhận",
    "mediator_ids": "Người hòa giải",
    "parties": "Tên các bên",
    "team_id": "Tổ",
    "invited_kinds": "Người được mời",
    "invited_count": "Số người mời",
    "invited_names": "Tên người mời",
    "agreement": "Thỏa thuận",
    "written_record": "Văn bản hòa giải",
    "record_photo": "Ảnh văn bản",
    "note": "Ghi chú",
}
# Part II (the team leader's summary) and the printable book.
LOGBOOK_NO_MEDIATOR = "(Vụ việc chưa ghi hòa giải viên)"
LOGBOOK_TEAM_TOTAL = "Cộng của tổ"
LOGBOOK_GRAND_TOTAL = "Tổng số"
LOGBOOK_LEADER_MARK = " (tổ trưởng)"
LOGBOOK_RESULT_SHORT = {
    "successful": "thành",
    "unsuccessful": "không thành",
    "pending": "đang hòa giải",
    "transferred": "chuyển cơ quan",
    "withdrawn": "rút yêu cầu",
}
LOGBOOK_LINE_COUNTS = "{received} vụ ({results})"
LOGBOOK_SUMMARY_TITLE = "👥 Theo hòa giải viên (Phần II Sổ theo dõi) — {scope}, {period}"
LOGBOOK_SUMMARY_FOOTER = (
    "Vụ việc có nhiều hòa giải viên được tính cho mỗi người, nhưng chỉ tính một lần ở dòng cộng của tổ. "
    "Vụ việc tính theo ngày nhận."
)
LOGBOOK_SUMMARY_CUT = 'Danh sách dài, xem đủ trong tệp Excel (nút 📊 Tải Excel, trang "Theo hòa giải viên").'
LOGBOOK_AGREEMENTS_LINE = (
    "🤝 Thực hiện thỏa thuận của {successful} vụ hòa giải thành: đã xong {done}, đang thực hiện {ongoing}, "
    "không thực hiện {not_done}, chưa rõ {unknown}."
)
LOGBOOK_SHEET_BY_MEDIATOR = "Theo hòa giải viên"
LOGBOOK_SHEET_AGREEMENTS = "Thực hiện thỏa thuận"
LOGBOOK_PART_TWO_TITLE = "PHẦN II. THEO DÕI, TỔNG HỢP CỦA TỔ TRƯỞNG TỔ HÒA GIẢI"
LOGBOOK_PART_TWO_NOTE = (
    "Vụ việc tính theo ngày nhận trong kỳ. Vụ việc có nhiều hòa giải viên được tính ở dòng của mỗi người, "
    "chỉ tính một lần ở dòng cộng của tổ."
)
LOGBOOK_AGREEMENTS_TITLE = (
    "THEO DÕI, ĐÔN ĐỐC THỰC HIỆN THỎA THUẬN HÒA GIẢI THÀNH (Điều 26 Luật Hòa giải ở cơ sở)"
)
LOGBOOK_AGREEMENT_HEADS = {
    "successful": "Số vụ việc hòa giải thành",
    "done": "Đã thực hiện xong",
    "ongoing": "Đang thực hiện",
    "not_done": "Không thực hiện",
    "unknown": "Chưa rõ",
}
LOGBOOK_AGREEMENTS_NOTE = (
    'Vụ việc hòa giải thành nhận trong kỳ, theo câu trả lời gần nhất của hòa giải viên; "Chưa rõ": chưa trả '
    "lời hoặc chưa đến lúc hỏi. (1) = (2) + (3) + (4) + (5)."
)
LOGBOOK_NOT_RECORDED = "(chưa ghi)"
LOGBOOK_BOOK_MEDIATORS = "Hòa giải viên: {names}"
LOGBOOK_BOOK_INVITED = "Người được mời: {kinds} ({count} người)"
LOGBOOK_BOOK_PARTIES = "{count} bên (không ghi họ tên)"
LOGBOOK_BOOK_NUMBER = "Số vụ việc: {number}"
LOGBOOK_BOOK_CLOSED = "Kết thúc ngày {date}"
LOGBOOK_BOOK_RECORD = {True: "Đã lập, ký văn bản hòa giải thành", False: "Không lập văn bản hòa giải thành"}
LOGBOOK_BOOK_PHOTO = " (có ảnh)"
LOGBOOK_BOOK_COURT = "Các bên đề nghị Tòa án công nhận"
LOGBOOK_BOOK_FOLLOWUP = {
    "done": "Thỏa thuận: đã thực hiện xong",
    "ongoing": "Thỏa thuận: đang thực hiện",
    "not_done": "Thỏa thuận: không thực hiện",
}
LOGBOOK_COVER = {
    "province": "Tỉnh, thành phố: {name}",
    "commune": "Xã/phường/đặc khu: {name}",
    "village": "Thôn/tổ dân phố: ..............................................................",
    "team": "Tổ hòa giải: {name} ({code})",
    "book": "Quyển số: ..........",
    "opened": "Mở ngày {d:02d} tháng {m:02d} năm {y}",
    "closed": "Khóa ngày {d:02d} tháng {m:02d} năm {y}",
    "printed": (
        "In từ Trợ lý Hòa giải ở cơ sở: {count} vụ, việc nhận trong kỳ. Hòa giải viên ký cột (9) trên bản in."
    ),
}
LOGBOOK_PART_ONE_TITLE = "PHẦN I. GHI CHÉP CỦA HÒA GIẢI VIÊN — {team}"
LOGBOOK_PERIOD = "Vụ, việc nhận từ ngày {start} đến ngày {end}"
LOGBOOK_NO_CASES = "Không có vụ, việc nào nhận trong kỳ này."
LOGBOOK_SIGNER = "Tổ trưởng tổ hòa giải"
LOGBOOK_SIGNER_HINT = "(Ký, ghi rõ họ tên)"
LOGBOOK_CLI_ERRORS = {
    "team": "Cần --team MÃ_TỔ (ví dụ ML-01).",
    "dates": 'Ngày không hợp lệ: "{value}". Dùng dạng YYYY-MM-DD, ví dụ 2025-01-31.',
    "order": "Ngày --from phải trước hoặc bằng ngày --to.",
    "out": "Cần --out TỆP.xlsx (tệp Excel sẽ tạo).",
    "unknown_team": "Không có tổ hòa giải mã {code}.",
    "write": "Không ghi được tệp {path}: {error}",
    "usage": "Lệnh chưa đúng: {error}",
}
LOGBOOK_CLI_WRITTEN = "Đã ghi sổ theo dõi ({count} vụ, việc) vào {path}."
LOGBOOK_BTN_BY_MEDIATOR = "👥 Theo hòa giải viên"
LOGBOOK_BTN_BOOK = "📒 In sổ theo dõi"
LOGBOOK_PICK_TEAM = "Sổ theo dõi được lập theo từng tổ. Chọn tổ hòa giải:"
LOGBOOK_BOOK_CAPTION = "Sổ theo dõi hoạt động hòa giải ở cơ sở — {scope}, {period}. In khổ A4 ngang."
LOGBOOK_DENIED = "Chức năng này dành cho tổ trưởng tổ hòa giải và công chức Tư pháp – hộ tịch xã."
# Following up agreements (Law 35/2013 Art. 26).
FOLLOWUP_BTN = {
    "done": "✅ Đã thực hiện xong",
    "ongoing": "⏳ Đang thực hiện",
    "not_done": "❌ Không thực hiện",
}
FOLLOWUP_ANSWERS = {"done": "đã thực hiện xong", "ongoing": "đang thực hiện", "not_done": "không thực hiện"}
FOLLOWUP_BTN_VIEW = "📄 Xem vụ việc"
FOLLOWUP_BTN_AGAIN = "🔁 Hòa giải lại"
FOLLOWUP_BTN_LEADER = "📣 Báo tổ trưởng"
FOLLOWUP_BTN_NOTE = "📝 Ghi chú"
FOLLOWUP_TEXTS = {
    "agreement_ask": (
        "🤝 Theo dõi thỏa thuận (Điều 26 Luật Hòa giải ở cơ sở)\n"
        "Vụ việc {number} ({field}) hòa giải thành ngày {closed}. Các bên có đang thực hiện thỏa thuận "
        "không? Anh/chị bấm một nút bên dưới."
    ),
    "agreement_remind": (
        "🤝 Nhắc lại: vụ việc {number} ({field}, hòa giải thành ngày {closed}) — các bên có thực hiện thỏa "
        "thuận không? Anh/chị bấm một nút bên dưới. Nếu chưa có trả lời, vụ việc sẽ được chuyển vào danh "
        "sách của tổ trưởng."
    ),
    "agreement_listed": (
        "📋 Vụ việc {number} ({field}, hòa giải thành ngày {closed}): hòa giải viên chưa trả lời việc các "
        "bên có thực hiện thỏa thuận không (đã nhắc hai lần). Vụ việc được đưa vào danh sách theo dõi của tổ "
        "trưởng (/vuviec)."
    ),
    "agreement_not_done": (
        "⚠️ {by} báo: các bên KHÔNG thực hiện thỏa thuận của vụ việc {number} ({field}, hòa giải thành ngày "
        "{closed})."
    ),
    "agreement_escalated": (
        "📣 {by} đề nghị tổ trưởng xử lý: vụ việc {number} ({field}, hòa giải thành ngày {closed}) — các bên "
        "không thực hiện thỏa thuận. Theo Điều 26 Luật Hòa giải ở cơ sở, tổ trưởng báo Trưởng ban công tác "
        "Mặt trận."
    ),
}
FOLLOWUP_RECORDED = "Đã ghi: vụ việc {number} — các bên {answer}. Cảm ơn anh/chị."
FOLLOWUP_NOT_DONE_NEXT = "Tổ trưởng đã được báo. Anh/chị muốn làm gì tiếp?"
FOLLOWUP_DENIED = "Anh/chị không theo dõi vụ việc này, hoặc vụ việc không phải hòa giải thành."
FOLLOWUP_ESCALATED = "Đã báo tổ trưởng."
FOLLOWUP_NO_LEADER = (
    "Tổ chưa có tổ trưởng dùng bot (hoặc anh/chị là tổ trưởng); đã ghi việc cần báo tổ trưởng."
)
FOLLOWUP_ASK_NOTE = "Gõ ghi chú về việc thực hiện thỏa thuận của vụ việc {number} (gõ /huy để thôi)."
FOLLOWUP_NOTE_EMPTY = "Ghi chú đang trống. Anh/chị gõ lại, hoặc /huy."
FOLLOWUP_NOTE_SAVED = "Đã lưu ghi chú."
FOLLOWUP_LISTED_TITLE = "Thỏa thuận chưa rõ việc thực hiện (hòa giải viên chưa trả lời) — {count}:"
FOLLOWUP_CARD_LINE = "• Thực hiện thỏa thuận: {answer}"
FOLLOWUP_CARD_UNKNOWN = "chưa rõ"
CASE_REMEDIATION_DRAFT_OPEN = (
    "Anh/chị đang có một báo cáo vụ việc chưa gửi. Gõ /baocao để gửi hoặc hủy báo cáo đó, rồi bấm lại "
    '"Hòa giải lại".'
)
CASE_REMEDIATION_START = "🔁 Báo cáo vụ việc hòa giải lại vụ {number} (đã điền sẵn từ vụ cũ)."

# --- Issue 20: Zalo as it really is (Bot Platform, Official Account) ---
OA_OUTSIDE_WINDOW = "ngoài thời hạn 48 giờ"
BC_OUTSIDE_WINDOW_LINE = (
    "Ngoài thời hạn 48 giờ (Zalo OA): {count} người không nhắn cho OA trong 48 giờ qua nên không nhận được "
    "(OA chỉ được trả lời trong 48 giờ; gửi chủ động cần hạn mức tin chủ động). Xin báo họ qua kênh khác."
)
OA_CHOOSE = "Mời anh/chị chọn:"
OA_MORE_BUTTONS = "Lựa chọn khác:"
CHANNEL_NAMES["oa"] = "Zalo OA"
LINK_ERRORS["invalid"] = (
    "Mã liên kết không dùng được (sai, đã dùng hoặc hết hạn). Anh/chị gõ /lienket ở ứng dụng kia để lấy mã "
    "mới."
)
STARTUP_ERRORS = {
    "disk_full": (
        "Không khởi động được: ổ đĩa đã đầy (hoặc lỗi ghi), không ghi được dữ liệu {where}. Giải phóng dung "
        "lượng rồi chạy lại. / Cannot start: the disk is full (or failing)."
    ),
    "read_only": (
        "Không khởi động được: thư mục dữ liệu {where} chỉ đọc hoặc không có quyền ghi. Cho phép ghi rồi "
        "chạy lại. / Cannot start: the data directory is read-only or not writable."
    ),
    "party_key": (
        "Không khởi động được: PARTY_DATA_KEY không phải khóa Fernet hợp lệ (44 ký tự base64). Tạo khóa bằng "
        "lệnh trong README. / Cannot start: PARTY_DATA_KEY is not a valid Fernet key."
    ),
    "log_level": (
        "Không khởi động được: LOG_LEVEL={value} không hợp lệ (dùng DEBUG, INFO, WARNING, ERROR hoặc "
        "CRITICAL). / Cannot start: invalid LOG_LEVEL."
    ),
}
CASE_BTN_SHOW_PHOTO = "🖼 Xem ảnh văn bản đã ký"
CASE_PHOTO_CAPTION = "Văn bản hòa giải thành đã ký — vụ việc {number}"
CASE_PHOTO_GONE = (
    "Không gửi lại được ảnh (ứng dụng chat không còn giữ ảnh này). Văn bản giấy vẫn là bản chính."
)

# --- Issue 16: the organisation list kept by commune officials (Excel round trip, small changes, history) ---
ORG_ROLE_LABELS = {"mediator": "Hòa giải viên", "team_leader": "Tổ trưởng"}
ORG_GENDER_LABELS = {"nam": "Nam", "nu": "Nữ", "khac": "Khác"}
ORG_YES_NO = {True: "Có", False: "Không"}
ORG_STATUS_LABELS = {"active": "Đang làm", "retired": "Đã thôi"}
ORG_TEAM_STATUS_LABELS = {"active": "Đang hoạt động", "dissolved": "Đã giải thể"}
ORG_SUPPORTER_LABELS = {
    "luat_su": "Luật sư",
    "luat_gia": "Luật gia",
    "cong_an": "Công an",
    "hoi_tham_nhan_dan": "Hội thẩm nhân dân",
    "bo_doi_bien_phong": "Bộ đội biên phòng",
    "can_bo_phap_luat": "Cán bộ pháp luật",
    "cuu_tham_phan_kiem_sat_vien": "Cựu thẩm phán, kiểm sát viên",
    "khac": "Khác",
}
#: Law 35/2013 Art. 11 K1: the three cases in which a mediator stops (a, b, c); "khac" is not from the Law.
ORG_RETIRE_REASONS = {
    "nguyen_vong": "Theo nguyện vọng (Điều 11 K1 a)",
    "khong_du_tieu_chuan": "Không còn đủ tiêu chuẩn Điều 7 (Điều 11 K1 b)",
    "vi_pham": "Vi phạm Điều 4 hoặc bị xử lý vi phạm pháp luật (Điều 11 K1 c)",
    "khac": "Lý do khác (ngoài Điều 11)",
}
ORG_SHEET_TEAMS = "Tổ hòa giải"
ORG_SHEET_PEOPLE = "Hòa giải viên"
ORG_SHEET_NOTES = "Hướng dẫn"
ORG_SHEET_LISTS = "Danh mục"
ORG_TITLE_TEAMS = "DANH SÁCH TỔ HÒA GIẢI – {commune} (mã {code})"
ORG_TITLE_PEOPLE = "DANH SÁCH HÒA GIẢI VIÊN – {commune} (mã {code}) – lập ngày {day}"
ORG_TEAM_HEADERS = ("Mã tổ", "Tên tổ", "Tình trạng")
ORG_PEOPLE_HEADERS = (
    "Mã tổ",
    "Mã người",
    "Họ và tên",
    "Vai trò",
    "Giới tính",
    "Dân tộc thiểu số",
    "Số quyết định công nhận",
    "Ngày công nhận",
    "Ngày tập huấn",
    "Hỗ trợ pháp lý",
    "Tình trạng",
    "Lý do thôi (Điều 11)",
    "Ngày thôi",
)
ORG_NOTES_HEADERS = ("Cột", "Ý nghĩa", "Giá trị được nhập")
ORG_NOTES_INTRO = (
    "Sửa danh sách trong Excel (hoặc trên điện thoại) rồi gửi lại tệp cho bot, hoặc dùng lệnh "
    "mediator-bot admin import-org. Bot kiểm tra từng dòng; nếu có lỗi, không thay đổi gì và báo số dòng bị "
    "lỗi. Không xóa dòng của người đã thôi: đổi Tình trạng thành «Đã thôi» và ghi lý do, ngày thôi."
)
ORG_NOTES = {
    "Mã tổ": (
        "Mã của tổ hòa giải (trang «Tổ hòa giải»). Tổ mới: thêm một dòng ở trang «Tổ hòa giải».",
        "Một mã có trong trang «Tổ hòa giải»",
    ),
    "Tên tổ": ("Tên tổ hòa giải (thôn, bản, tổ dân phố).", "Chữ, tối đa 200 ký tự"),
    "Mã người": (
        "Mã cố định của từng người; không sửa. Người mới: để trống, bot tự cấp mã.",
        "Để trống cho người mới; không trùng nhau",
    ),
    "Họ và tên": ("Họ và tên đầy đủ, có dấu.", "2–100 ký tự"),
    "Vai trò": ("Vai trò trong tổ (Điều 12 Luật Hòa giải ở cơ sở 2013).", "Hòa giải viên | Tổ trưởng"),
    "Giới tính": ("Giới tính.", "Nam | Nữ | Khác | để trống"),
    "Dân tộc thiểu số": ("Người dân tộc thiểu số.", "Có | Không | để trống"),
    "Số quyết định công nhận": (
        "Số quyết định công nhận hòa giải viên của Chủ tịch UBND xã (Điều 8).",
        "Ví dụ 15/QĐ-UBND; để trống nếu chưa có",
    ),
    "Ngày công nhận": ("Ngày ký quyết định công nhận.", "Ngày dạng 15/03/2025"),
    "Ngày tập huấn": ("Ngày được tập huấn, bồi dưỡng nghiệp vụ gần nhất.", "Ngày dạng 15/03/2025"),
    "Hỗ trợ pháp lý": (
        "Người có chuyên môn pháp luật tham gia tổ.",
        " | ".join(ORG_SUPPORTER_LABELS.values()) + " | để trống",
    ),
    "Tình trạng": (
        "Đang làm hòa giải viên, hoặc đã thôi (Điều 11). Tổ: đang hoạt động hoặc đã giải thể.",
        "Đang làm | Đã thôi (tổ: Đang hoạt động | Đã giải thể)",
    ),
    "Lý do thôi (Điều 11)": (
        "Bắt buộc khi Tình trạng là «Đã thôi».",
        " | ".join(ORG_RETIRE_REASONS.values()),
    ),
    "Ngày thôi": (
        "Ngày quyết định cho thôi làm hòa giải viên; bắt buộc khi «Đã thôi».",
        "Ngày dạng 15/03/2025, không sau hôm nay",
    ),
}
ORG_ERR_ROW = "Trang «{sheet}», dòng {row}, cột «{column}»: {error}"
ORG_ERR = {
    "file": "Không đọc được tệp. Xin gửi tệp Excel (.xlsx) đã tải từ bot.",
    "sheet": "Tệp thiếu trang «{sheet}». Xin dùng tệp đã tải từ bot.",
    "header": "Dòng tiêu đề của trang «{sheet}» đã bị sửa. Xin dùng tệp đã tải từ bot.",
    "required": "chưa điền",
    "too_long": "quá dài",
    "name": "họ tên không hợp lệ (2–100 chữ cái)",
    "choice": "giá trị «{value}» không có trong danh mục ({allowed})",
    "date": "ngày «{value}» không hợp lệ (cần dạng 15/03/2025)",
    "future": "ngày «{value}» sau hôm nay",
    "unknown_team": "không có tổ mã «{value}»",
    "team_inactive": "tổ «{value}» đã giải thể",
    "duplicate_ref": "mã người «{value}» trùng với dòng {other}",
    "duplicate_team": "mã tổ «{value}» trùng với dòng {other}",
    "foreign_ref": "mã người «{value}» thuộc xã khác hoặc không phải hòa giải viên",
    "unknown_ref": "không có người mã «{value}» (người mới thì để trống mã)",
    "team_code_taken": "mã tổ «{value}» đã dùng ở xã khác",
    "missing_person": "thiếu người mã «{value}» có trong danh sách hiện tại (không xóa dòng; đổi Tình trạng)",
    "missing_team": "thiếu tổ mã «{value}» có trong danh sách hiện tại (không xóa dòng; đổi Tình trạng)",
    "retire_needs": "đã thôi thì cần lý do và ngày thôi",
    "not_retired": "đang làm thì để trống lý do và ngày thôi",
    "two_leaders": "tổ «{value}» có nhiều hơn một tổ trưởng đang làm",
    "members_left": "tổ còn người đang làm, chưa giải thể được",
}
ORG_SUMMARY = "Thêm {added}, sửa {changed}, cho thôi {retired}, giữ nguyên {unchanged}."
ORG_IMPORT_FAILED = "Không thay đổi gì: {count} lỗi."
ORG_IMPORT_DRY = "Chạy thử (--dry-run): chưa ghi gì."
ORG_IMPORT_DONE = "Đã cập nhật danh sách tổ hòa giải của {commune}."
ORG_EXPORT_DONE = "Đã ghi {path}: {teams} tổ, {people} người."
ORG_UNKNOWN_COMMUNE = "Không có xã/phường mã {code}."
BTN_ORG = "👥 Danh sách tổ hòa giải"
CMD_ORG = "Danh sách tổ hòa giải: tải Excel, sửa, thêm, cho thôi"
ORG_PICK_COMMUNE = "Chọn xã/phường:"
ORG_FILE_CAPTION = (
    "Danh sách tổ hòa giải của {commune}. Sửa trong Excel (xem trang «Hướng dẫn») rồi gửi lại tệp này cho "
    "bot ngay trong cuộc trò chuyện; bot sẽ kiểm tra và cho xem trước các thay đổi."
)
ORG_FILE_CAPTION_READONLY = "Danh sách {team} (chỉ để xem)."
ORG_MENU = "Hoặc sửa nhanh bằng nút:"
ORG_BTN_ADD = "➕ Thêm hòa giải viên"
ORG_BTN_RECOG = "📜 Ghi quyết định công nhận"
ORG_BTN_TRAINED = "🎓 Đánh dấu đã tập huấn"
ORG_BTN_RETIRE = "🚪 Cho thôi làm hòa giải viên"
ORG_BTN_MOVE = "🔀 Chuyển sang tổ khác"
ORG_BTN_LEADER = "⭐ Chọn tổ trưởng"
ORG_BTN_APPLY = "✅ Áp dụng"
ORG_BTN_DONE = "Xong"
ORG_BTN_TODAY = "Hôm nay"
ORG_PICK_TEAM = "Chọn tổ:"
ORG_PICK_TARGET_TEAM = "Chuyển {name} sang tổ nào?"
ORG_PICK_PERSON = "Chọn người:"
ORG_PICK_MANY = "Chạm vào tên những người đã tập huấn (✔ là đã chọn), rồi chạm «Xong»:"
ORG_PICK_REASON = "Lý do thôi làm hòa giải viên (Điều 11 Luật Hòa giải ở cơ sở):"
ORG_ASK_DATE = "Ngày nào? Chạm «Hôm nay» hoặc gõ ngày, ví dụ 15/03/2025."
ORG_ASK_DECISION = "Gõ số quyết định công nhận, ví dụ 15/QĐ-UBND:"
ORG_ASK_NAME = "Gõ họ và tên đầy đủ (có dấu) của hòa giải viên mới:"
ORG_PICK_GENDER = "Giới tính:"
ORG_BAD_DATE = "Ngày chưa đúng. Gõ dạng 15/03/2025, không sau hôm nay."
ORG_BAD_NAME = "Họ tên chưa hợp lệ (2–100 chữ cái). Anh/chị gõ lại giúp."
ORG_BAD_TEXT = "Chưa đọc được. Anh/chị gõ lại giúp (tối đa 60 ký tự)."
ORG_NOBODY = "Tổ này chưa có ai đang làm."
ORG_SAVED = "Đã lưu. {summary}"
ORG_ERRORS = "Tệp có {count} lỗi, chưa thay đổi gì. Anh/chị sửa rồi gửi lại:"
ORG_ERRORS_MORE = "… và {count} lỗi khác."
ORG_PREVIEW = "Xem trước các thay đổi: {summary}"
ORG_PREVIEW_NONE = "Tệp không có thay đổi nào so với danh sách hiện tại."
ORG_PREVIEW_ADDED = "➕ {name} ({team})"
ORG_PREVIEW_TEAM_ADDED = "➕ Tổ {code}: {name}"
ORG_PREVIEW_CHANGED = "✏️ {name}: {changes}"
ORG_PREVIEW_RETIRED = "🚪 {name}: thôi từ {date} – {reason}"
ORG_PREVIEW_MORE = "… và {count} thay đổi khác."
ORG_APPLIED = "Đã áp dụng. {summary}"
ORG_STALE = "Danh sách đã thay đổi từ lúc xem trước. Đây là bản xem trước mới:"
ORG_NO_PENDING = "Không còn tệp nào chờ áp dụng. Anh/chị gửi lại tệp giúp."
ORG_NOT_XLSX = "Bot chỉ nhận tệp Excel (.xlsx) của danh sách tổ hòa giải."
ORG_FILE_TOO_BIG = "Tệp quá lớn (tối đa 2 MB)."
ORG_DENIED = "Anh/chị không có quyền sửa danh sách này."
ORG_FIELD_NAMES = {
    "team": "tổ",
    "full_name": "họ tên",
    "role": "vai trò",
    "gender": "giới tính",
    "ethnic_minority": "dân tộc thiểu số",
    "recognition_decision": "số QĐ công nhận",
    "recognised_on": "ngày công nhận",
    "trained_on": "ngày tập huấn",
    "legal_supporter": "hỗ trợ pháp lý",
    "status": "tình trạng",
    "retire_reason": "lý do thôi",
    "retired_on": "ngày thôi",
    "name": "tên tổ",
}
ORG_MERGE_ERR = {
    "sources": "Cần ít nhất một xã/phường nguồn, không trùng nhau và khác xã/phường nhận.",
    "provinces": "Chỉ gộp các xã/phường cùng một tỉnh.",
    "name": 'Xã/phường {code} chưa có: cần --name "Tên xã/phường mới".',
}
ORG_MERGE_DONE = (
    "Đã gộp {sources} vào {commune} ({code}): {teams} tổ chuyển sang. Báo cáo cũ của từng xã giữ nguyên."
)
ORG_BTN_INVITE = "✉️ Mời theo tên (tạo mã đăng ký)"
ORG_INVITE_LINKED = "Người này đã có tài khoản trên bot, không cần mời."
ORG_BTN_MERGE = "🔗 Gộp xã/phường"
ORG_MERGE_PICK = (
    "Gộp xã/phường khi sắp xếp đơn vị hành chính. Chọn các xã/phường được gộp (✔ là đã chọn), "
    "rồi chạm «Xong»:"
)
ORG_MERGE_INTO = "Gộp vào xã/phường nào?"
ORG_MERGE_NEW = "➕ Xã/phường mới"
ORG_MERGE_ASK_CODE = "Gõ mã của xã/phường mới (chữ và số, ví dụ MLN):"
ORG_MERGE_ASK_NAME = "Gõ tên xã/phường mới, ví dụ Phường Mường Lay:"
ORG_MERGE_BAD_CODE = (
    "Mã chỉ gồm chữ không dấu, số và dấu gạch ngang (2–20 ký tự), chưa dùng cho xã/phường nào."
)
ORG_MERGE_CONFIRM = (
    "Gộp {sources} vào {into}? Các tổ, hòa giải viên và mã mời còn hạn chuyển sang {into} từ hôm nay; vụ "
    "việc giữ ở xã/phường đã nhận nên báo cáo cũ không đổi."
)
INVITE_ROLE_BUTTONS["province_official"] = "Cán bộ Sở Tư pháp"
INVITE_PROVINCE_PLACE = "Sở Tư pháp tỉnh {province}"

# --- Issue 18: legal answers, first contact ---
#: The first contact (/start of an unregistered account, and its first question): the bot is automated, its
#: answers are for reference with their legal basis, and how to reach a person. Reused for every channel.
FIRST_CONTACT = (
    "ℹ️ Tôi là trợ lý tự động (chatbot), không phải cán bộ hay luật sư. Câu trả lời của tôi chỉ để tham khảo, "
    "luôn kèm căn cứ pháp lý (văn bản, điều, khoản) để anh/chị đối chiếu.\n"
    'Muốn hỏi người thật: bấm "🧑‍⚖️ Hỏi chuyên gia" dưới câu trả lời (cần đăng ký bằng mã mời) để chuyển câu '
    "hỏi cho công chức Tư pháp – hộ tịch của xã, hoặc liên hệ trực tiếp UBND xã/phường nơi mình ở."
)
#: An answer that says the matter is NOT grassroots mediation (land conciliation at the commune, divorce at
#: court).
QA_OUTSIDE = "ℹ️ {title}\n\n{answer}\n\n{citation}"

# --- Issue 19: a chat nobody gets lost in ---
FLOW_LEFT = "Đã dừng việc đang làm. Phần đã nhập (nếu có) được giữ lại cho lần sau."
FLOW_CANCELLED = "Đã hủy."
LIBRARY_BTN_SEARCH = "🔎 Tìm theo tên"
LIBRARY_ASK_SEARCH = "Anh/chị gõ tên tài liệu cần tìm (gõ không dấu cũng được, ví dụ: so theo doi)."
MENU_AFTER_FLOW = "☰ Anh/chị cần làm gì tiếp? (hoặc gõ câu hỏi)"
QA_RELATED_TITLE = "Câu hỏi liên quan (bấm số để xem):"
QA_NOT_SURE_PICK = "Bấm số của câu đúng ý anh/chị."
TR_UPCOMING_LINE_N = "{n}. {date} {time} — {title}\n   tại {place}"
TR_BTN_EVENT_YES_N = "✅ Dự buổi {n}"
TR_BTN_EVENT_NO_N = "❌ Không dự buổi {n}"
#: Short button labels where the full wording (kept in reports and on the review screen) does not fit a
#: button.
CASE_CHOICE_BUTTONS = {
    "dan_su": "Dân sự (vay, tài sản, thừa kế)",
    "vi_pham_phap_luat": "Vi phạm chưa đến mức bị xử lý",
    "phan_cong_de_nghi": "Được phân công hoặc đề nghị",
}
QUIZ_STOPPED = 'Đã dừng ôn tập. Bài đang làm được giữ lại: bấm "✍️ Ôn tập" để làm tiếp.'
LIBRARY_TOPIC_N = "📂 {name} — bấm số của tài liệu để nhận:"
QUIZ_TYPE_ANSWER = "Anh/chị gõ một trong các chữ {letters} (hoặc bấm nút) để trả lời câu hỏi."
REG_NAME_NO_MARKS = (
    'Họ tên "{name}" chưa có dấu. Tên này sẽ ghi trong sổ và báo cáo chính thức, nên anh/chị gõ lại '
    'họ tên có dấu giúp (ví dụ: Lò Văn Tuấn). Nếu tên đúng là không dấu, bấm "Giữ nguyên".'
)
REG_BTN_KEEP_NAME = "Giữ nguyên"
CLI_UNKNOWN_CODE = "Không có {kind} mã {code}. Các mã hiện có: {codes}"
CLI_CODE_KINDS = {"province": "tỉnh", "commune": "xã/phường", "team": "tổ hòa giải"}
MENU_TITLE_NAME_ONLY = "{name}. Anh/chị cần làm gì?"
STATS_MISSING_COMMUNES = "Chưa có số liệu trong kỳ: {communes}."
CHAT_BANNER = "Đang dùng vai: {key} — {who}. Đổi vai ngay trong trò chuyện: /doi <{roles}>"
CHAT_AS_GUEST = "{name}, chưa đăng ký (thử mã mời HGCS-2345)"
CHAT_UNREAD = "📬 {count} tin nhắn mới cho người này trong lúc anh/chị đóng vai khác:"
CHAT_NO_UNREAD = "📭 Không có tin nhắn mới cho người này. Gõ /trogiup để xem menu."
CHAT_SWITCH_HELP = "Đổi vai: /doi <{roles}>, ví dụ /doi commune"
CASE_LIST_HINT_NUMBERS = "Bấm số của vụ việc để xem, ghi kết quả hoặc sửa."
MENU_TYPED_ITEM = "Anh/chị muốn làm việc này? Bấm nút bên dưới (gõ câu hỏi nếu anh/chị muốn hỏi pháp luật)."
MASK_QUESTIONS_DONE = "Đã che số điện thoại / số giấy tờ trong {count} câu hỏi đã lưu trước đây."

# --- QA: checks of issues 17, 21, 22 ---
CASE_ERRORS.update(
    {
        "mediator_ref_unknown": "Không có hòa giải viên mã {refs} trong tổ {team}. Ghi mã hòa giải viên của "
        "tổ, cách nhau bằng dấu phẩy.",
    }
)
#: A pay list whose period spans a rate change: every rate, by the date it applies from (chat summary).
PAY_SUMMARY_RATES = "Mức áp dụng trong kỳ (theo ngày kết thúc vụ việc):\n{lines}\n"

# --- Issue 15 (session 2): one vocabulary (case codes), and the wording services held in their code ---
# Keyed by the codes of services/case_models.py. The case form shows CASE_FIELD_LABELS / CASE_RESULT_LABELS
# (buttons, review, the printable logbook); the statistics report, its XLSX and the submission changes show
# these shorter labels (row and column headings). They differ on purpose: a button says what belongs in it.
STATS_FIELD_LABELS = {
    "dat_dai": "Đất đai",
    "hon_nhan_gia_dinh": "Hôn nhân và gia đình",
    "dan_su": "Dân sự",
    "xom_gieng": "Mâu thuẫn xóm giềng",
    "vi_pham_phap_luat": "Vi phạm pháp luật",
    "khac": "Khác",
}
STATS_RESULT_LABELS = {
    "thanh": "Hòa giải thành",
    "khong_thanh": "Hòa giải không thành",
    "dang_hoa_giai": "Đang hòa giải",
    "chuyen_co_quan": "Chuyển cơ quan có thẩm quyền",
    "rut_yeu_cau": "Rút yêu cầu",
}
#: The checks Excel itself makes in the organisation list's cells (services/org_list.build_workbook).
ORG_XLSX_CHECKS = {
    "choice_title": "Giá trị không có trong danh mục",
    "choice": "Chọn một giá trị trong danh sách.",
    "date_title": "Ngày không hợp lệ",
    "date": "Nhập ngày dạng 15/03/2025.",
    "team_title": "Không có tổ này",
    "team": "Chọn mã tổ có trong trang «Tổ hòa giải».",
}
#: The printable logbook (services/logbook_template.py, services/logbook.py): the project's template of
#: the 2014 "Sổ theo dõi hoạt động hòa giải ở cơ sở", worded as the copy in reporting-forms.md § 1.
LOGBOOK_TEMPLATE: dict[str, Any] = {
    "cover_sheet": "Bìa",
    "national": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "motto": "Độc lập – Tự do – Hạnh phúc",
    "title": "SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ",
    "cover_lines": (
        "Tỉnh, thành phố: ..............................................................",
        "Huyện/quận (từ 01/07/2025 không còn cấp huyện — để trống): ..........................",
        "Xã/phường/đặc khu: ..............................................................",
        "Thôn/tổ dân phố: ..............................................................",
        "Tổ hòa giải: ..............................................................",
        "Quyển số: ..........",
        "Mở ngày ...... tháng ...... năm ..........",
        "Khóa ngày ...... tháng ...... năm ..........",
    ),
    "part_one_sheet": "Phần I",
    "part_one_title": "PHẦN I. GHI CHÉP CỦA HÒA GIẢI VIÊN",
    #: Part I column titles, columns (1)–(10)
    "part_one": (
        "STT",
        "Ngày, tháng, năm nhận vụ, việc hòa giải",
        "Họ và tên hòa giải viên, người được mời tham gia hòa giải (nếu có)",
        "Họ tên, tuổi, địa chỉ các bên, người có quyền, nghĩa vụ liên quan đến vụ, việc hòa giải (nếu có)",
        "Nội dung chủ yếu của vụ, việc",
        "Thỏa thuận của các bên (hoặc yêu cầu của mỗi bên) sau khi hòa giải",
        "Hòa giải thành",
        "Hòa giải không thành",
        (
            "Chữ ký (hòa giải viên; người chứng kiến vụ, việc hòa giải; người được mời tham gia hòa giải "
            "(nếu có))"
        ),
        "Ghi chú",
    ),
    "result_group": "Kết quả hòa giải",
    "part_two_sheet": "Phần II",
    "part_two_title": "PHẦN II. THEO DÕI, TỔNG HỢP CỦA TỔ TRƯỞNG TỔ HÒA GIẢI",
    "part_two": (
        "STT",
        "Hòa giải viên tiến hành hòa giải",
        "Vụ, việc hòa giải chia theo phạm vi hòa giải",
        "Kết quả hòa giải",
        "Ghi chú",
    ),
    "total": "Tổng số",
    "notes_sheet": "Hướng dẫn",
    "notes_title": "HƯỚNG DẪN SỬ DỤNG MẪU SỔ",
    "notes": (
        (
            "Mẫu do dự án Trợ lý Hòa giải ở cơ sở soạn để in và dùng tạm; không phải biểu mẫu chính thức. "
            "Nếu tổ đã được phát quyển Sổ, hãy ghi theo quyển Sổ được phát."
        ),
        (
            "Căn cứ: Luật Hòa giải ở cơ sở 2013, Điều 21 Khoản 4 (hòa giải viên ghi vụ, việc vào Sổ) và "
            "Điều 28 Khoản 2 điểm d (Bộ Tư pháp quy định mẫu Sổ)."
        ),
        (
            "Tên cột theo bản sao mẫu Sổ đang lưu hành; việc gắn số (1)–(10) cho từng cột là theo thứ tự "
            "cột, chưa đối chiếu được với bản gốc."
        ),
        (
            'Mỗi vụ, việc ghi một dòng. Vụ, việc chưa kết thúc: để trống cột (7), (8), ghi "đang hòa giải" '
            "ở cột (10)."
        ),
        'Cột (7), (8): đánh dấu "x" vào một trong hai cột khi kết thúc hòa giải.',
        (
            "Phần II do tổ trưởng tổ hòa giải tổng hợp: mỗi hòa giải viên một dòng, dòng cuối là cộng của "
            "tổ. Vụ, việc có hai hòa giải viên tính cho cả hai người nhưng chỉ tính một lần ở dòng cộng của "
            "tổ. Cột con theo lĩnh vực và kết quả là cách chia của Trợ lý Hòa giải (bản sao mẫu Sổ bị cắt ở "
            "phần này); nếu công chức Tư pháp – hộ tịch xã hướng dẫn cách chia khác, ghi theo hướng dẫn đó."
        ),
        (
            "Trợ lý Hòa giải ghi các cột: (3) hòa giải viên và người được mời (loại, số người; họ tên chỉ "
            "khi xã cho phép ghi); (6) thỏa thuận hoặc yêu cầu của các bên; (9) để trống để ký trên bản in; "
            "(10) ghi chú, việc đã lập văn bản hòa giải thành, kết quả khác (đang hòa giải, chuyển cơ quan, "
            'rút yêu cầu). In sổ: lệnh `mediator-bot logbook` hoặc nút "In sổ theo dõi" trong /thongke.'
        ),
    ),
    "file_title": "Sổ theo dõi hoạt động hòa giải ở cơ sở",
    "file_title_team": "Sổ theo dõi hoạt động hòa giải ở cơ sở — {team}",
}
#: The signature block of the documents (services/xlsx_layout.signature_block): (title, hint) per signer.
XLSX_SIGNERS = (
    ("Người lập biểu", "(Ký, ghi rõ họ tên)"),
    ("Thủ trưởng đơn vị", "(Ký, đóng dấu, ghi rõ họ tên)"),
)
XLSX_DATED = "ngày {day} tháng {month} năm {year}"
XLSX_UNDATED = "ngày …… tháng …… năm ……"
#: A province's name on the national forms when it does not say what it is: "Điện Biên" → "tỉnh Điện Biên".
STATS_PROVINCE_OF = "tỉnh {name}"
#: The name of the national scope (services.statistics.NATIONAL).
STATS_NATIONAL = "Toàn quốc"
#: Who excluded a case from the pay list when the person is not recorded (the command line).
PAY_EXCLUDED_BY_ADMIN = "quản trị"
#: The remuneration rules as the pay list states them (services/remuneration.py); stored with each list drawn.
PAY_RULES = {
    "tt56_basis": "Mức tối đa tại Thông tư 56/2023/TT-BTC, Điều 3 khoản 17 điểm a và điểm đ",
    "local_decides": (
        "Mức chi cụ thể do Hội đồng nhân dân tỉnh quyết định, không vượt mức tối đa (Thông tư "
        "56/2023/TT-BTC, Điều 5 khoản 1); nơi chưa có nghị quyết thì áp dụng mức tại Thông tư."
    ),
    "split": (
        "Thù lao tính theo vụ, việc, chi cho các hòa giải viên trực tiếp tham gia (TT 56/2023/TT-BTC Điều 3 "
        "khoản 17 điểm a), trả qua tổ hòa giải (NĐ 15/2014/NĐ-CP Điều 15). Văn bản không quy định cách chia "
        "giữa các hòa giải viên: danh sách chia đều, làm tròn đến đồng, phần lẻ cộng 1 đồng lần lượt cho "
        "người đứng trước để tổng đúng bằng mức của vụ việc."
    ),
    "period": (
        "Vụ việc thuộc kỳ theo ngày kết thúc (chưa có ngày kết thúc thì theo ngày tiếp nhận); mức áp dụng "
        "là mức có hiệu lực vào ngày đó; hỗ trợ tổ hòa giải tính cho mỗi tháng dương lịch của kỳ đã bắt đầu "
        "tính đến ngày lập danh sách mà tổ có hoạt động (theo lịch sử tổ) ít nhất một ngày trong tháng, "
        "theo mức có hiệu lực ngày đầu tháng."
    ),
    "case_before_tt56": (
        "Vụ việc trước 06/10/2023 (ngày Thông tư 56/2023/TT-BTC có hiệu lực): đang tạm tính theo mức tối đa "
        "của Thông tư 56/2023 vì chưa nhập mức của tỉnh cho thời gian đó — cần nhập mức đã áp dụng khi ấy."
    ),
    "month_before_tt56": (
        "Tháng trước 06/10/2023 (ngày Thông tư 56/2023/TT-BTC có hiệu lực): chưa tính hỗ trợ tổ hòa giải "
        "(0 đồng) vì chưa nhập mức của tỉnh cho thời gian đó — cần nhập mức đã áp dụng khi ấy."
    ),
    "excluded": "Công chức xã loại khỏi danh sách: {reason} ({by}, {day}).",
    "paid": "Đã chi trong danh sách số {number} ngày {day}; không chi lại.",
    "adjusted": (
        "Điều chỉnh: đã chi {paid} đ (danh sách số {number}), theo số liệu hiện nay "
        "phải chi {due} đ. {reason}"
    ),
}
#: Why a case is paid or not, by result (Decree 15/2014 Art. 14 read with Law 35/2013 Art. 23).
PAY_RESULT_REASONS = {
    "thanh": (
        "Hòa giải thành: kết thúc theo Điều 23 khoản 1 và Điều 24 Luật 35/2013 (NĐ 15/2014 Điều 14); mức vụ "
        "việc hòa giải thành."
    ),
    "khong_thanh": (
        "Hòa giải không thành: hòa giải viên kết thúc khi các bên không thể thỏa thuận (Điều 23 khoản 3 "
        "Luật 35/2013); NĐ 15/2014 Điều 14 không đòi hỏi hòa giải thành."
    ),
    "rut_yeu_cau": (
        "Các bên rút yêu cầu: một bên hoặc các bên yêu cầu chấm dứt hòa giải (Điều 23 khoản 2 Luật 35/2013; "
        "NĐ 15/2014 Điều 14)."
    ),
    "chuyen_co_quan": (
        "Chuyển cơ quan có thẩm quyền: vụ việc không kết thúc bằng hòa giải theo Điều 23 Luật 35/2013 nên "
        "không đủ điều kiện của NĐ 15/2014 Điều 14."
    ),
    "dang_hoa_giai": (
        "Đang hòa giải: vụ việc chưa kết thúc (Điều 23 Luật 35/2013), chưa đủ điều kiện của NĐ 15/2014 Điều "
        "14."
    ),
}
#: Problems of an organisation file (YAML, `mediator-bot admin load-org`; services/org_loader.Problem codes).
ORG_FILE_PROBLEMS = {
    "not_org": "Tệp phải là một bảng YAML có khóa 'province' và 'communes'.",
    "yaml": "YAML không đọc được: {detail}",
    "yaml_alias": "Tệp không được dùng bí danh YAML (&tên / *tên):{detail}",
    "code_and_name": "cần có 'code' và 'name'",
    "not_mapping": "cần một bảng (mapping)",
    "no_name": "thiếu 'name'",
    "not_text": "'{key}' phải là chữ, không phải {type}",
    "too_long": "'{key}' dài {length} ký tự, tối đa {limit}",
    "date": "ngày không hợp lệ {value} (cần dạng YYYY-MM-DD)",
    "role": "vai trò không hợp lệ {value}",
    "gender": "giới tính phải là một trong {allowed}",
    "legal_supporter": "legal_supporter phải là một trong {allowed}",
    "identities": "'identities' phải là bảng kênh → mã tài khoản, ví dụ {{telegram: \"12345\"}}",
    "kind": "kind phải là một trong {allowed}",
    "success_target": "success_target phải là tỷ lệ trong (0, 1], ví dụ 0.85",
    "team_code_twice": "mã tổ trùng {code}",
    "member_role": "thành viên tổ chỉ là mediator hoặc team_leader",
}
ORG_FILE_FAILED = "Tệp tổ chức có lỗi, chưa nạp gì:"


# --- Issue 15 (session 3): organisation edits as units of work ----------------------------------------------
ORG_MERGE_ERR["merged"] = "Xã/phường {code} đã được gộp vào xã/phường khác rồi, không gộp lại được."
ORG_MERGE_ERR["code_taken"] = "Mã {code} vừa được dùng cho một xã/phường khác. Anh/chị chọn mã khác."
ORG_IMPORT_CHANGED = (
    "Danh sách vừa được người khác thay đổi trong lúc nhập, chưa ghi gì. Anh/chị chạy lại lệnh."
)
