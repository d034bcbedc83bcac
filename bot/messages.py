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
CASE_RESULT_ICONS = {"thanh": "✅", "khong_thanh": "❌", "dang_hoa_giai": "⏳", "chuyen_co_quan": "↪️",
                     "rut_yeu_cau": "🚫"}
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
    "mediator_ids": "Những hòa giải viên nào tham gia? Bấm tên để chọn/bỏ chọn (✓), xong bấm \"Xong\".",
    "summary": (
        "Gõ tóm tắt ngắn nội dung vụ việc (không bắt buộc).\n"
        "⚠️ Không ghi họ tên, số điện thoại, số CCCD/CMND của các bên. Số điện thoại và số giấy tờ sẽ được "
        "tự động che trước khi lưu."
    ),
    "parties": (
        "Họ tên các bên (không bắt buộc; xã/phường đã cho phép ghi và dữ liệu được mã hóa). "
        "Gõ các tên cách nhau bằng dấu phẩy, hoặc bấm \"Bỏ qua\"."
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
CASE_BTN_ADD_SUMMARY = "✍️ Thêm tóm tắt"
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
CASE_RESUME = "Anh/chị có một báo cáo đang làm dở (cập nhật lúc {when}):\n{summary}\nTiếp tục hay làm báo cáo mới?"
CASE_RESUME_EDIT = "Anh/chị đang sửa dở vụ việc {number}. Tiếp tục sửa hay bỏ?"
CASE_REVIEW_TITLE = "Kiểm tra lại trước khi gửi:"
CASE_REVIEW_EDIT_TITLE = "Sửa vụ việc {number}. Kiểm tra lại trước khi lưu:"
CASE_REVIEW_FOOTER = (
    "Muốn sửa mục nào, bấm \"Sửa\" mục đó. Muốn ghi tóm tắt, gõ ngay vào đây "
    "(không ghi họ tên, số điện thoại, số CCCD). Đúng rồi thì bấm \"Gửi báo cáo\"."
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
CASE_MASK_PHONE = "[SĐT đã che]"
CASE_MASK_ID = "[số giấy tờ đã che]"
CASE_MASK_EMAIL = "[email đã che]"
CASE_STEP_STALE = "Nút này thuộc bước trước. Anh/chị trả lời câu hỏi đang hiện nhé."
CASE_DRAFT_GONE = "Không còn báo cáo đang làm dở. Gõ /baocao để báo cáo vụ việc."
CASE_ERRORS = {
    "date_format": "Chưa hiểu ngày này. Anh/chị gõ theo dạng ngày/tháng/năm, ví dụ 15/3/2025, hoặc bấm nút.",
    "date_invalid": "Ngày này không có trong lịch (ví dụ 31/02). Anh/chị kiểm tra lại.",
    "date_future": "Ngày này chưa tới. Anh/chị kiểm tra lại ngày.",
    "date_too_old": "Ngày này quá xa ({limit}). Anh/chị kiểm tra lại năm; sổ cũ thì nhờ công chức Tư pháp nhập.",
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
    "not_applicable": "Mục này không dùng cho kết quả \"{result}\"; để trống.",
    "use_buttons": "Bước này anh/chị bấm một nút bên dưới giúp.",
}
CASE_LIST_TITLE = "Vụ việc đang hòa giải ({count}) — {scope}:"
CASE_LIST_EMPTY = "Không có vụ việc nào đang hòa giải — {scope}."
CASE_LIST_RECENT = "Vụ việc gửi gần đây có thể sửa ({count}):"
CASE_LIST_HINT = "Bấm vào một vụ việc để ghi kết quả hoặc sửa."
CASE_SCOPE_MINE = "do anh/chị báo cáo"
CASE_SCOPE_TEAM = "của {team}"
CASE_SCOPE_COMMUNE = "của {commune}"
CASE_ROW = "{icon} {number} · {field} · nhận {received}"
CASE_CARD = (
    "Vụ việc {number}\n"
    "{lines}\n"
    "Người báo cáo: {reporter}"
)
CASE_NOT_FOUND = "Không tìm thấy vụ việc này, hoặc anh/chị không có quyền xem."
CASE_CANNOT_CORRECT = (
    "Anh/chị không sửa được vụ việc này: hòa giải viên chỉ sửa vụ việc mình báo cáo trong {days} ngày; "
    "công chức Tư pháp xã sửa được mọi vụ việc của xã."
)
CASE_CANNOT_RECORD = "Vụ việc này không còn đang hòa giải, hoặc anh/chị không có quyền ghi kết quả."
CASE_RECORD_RESULT = "Ghi kết quả cho vụ việc {number} (nhận ngày {received}). Kết quả hòa giải?"
CASE_RESULT_RECORDED = "Đã ghi kết quả \"{result}\" cho vụ việc {number}."
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
    "unknown": "Mã liên kết không đúng. Anh/chị kiểm tra lại, hoặc gõ /lienket ở ứng dụng kia để lấy mã mới.",
    "expired": "Mã liên kết đã hết hạn (quá 10 phút). Anh/chị gõ /lienket ở ứng dụng kia để lấy mã mới.",
    "used": "Mã liên kết này đã được dùng. Anh/chị gõ /lienket ở ứng dụng kia để lấy mã mới.",
    "already_registered": (
        "Tài khoản này đã đăng ký rồi nên không liên kết thêm được. Gõ /trogiup để xem các chức năng; "
        "nếu tài khoản thuộc về người khác, xin báo công chức Tư pháp xã."
    ),
    "too_many_attempts": "Anh/chị đã nhập sai mã nhiều lần. Vui lòng thử lại sau 10 phút.",
    "inactive": "Tài khoản gắn với mã này đã ngừng hoạt động. Xin liên hệ công chức Tư pháp xã.",
}
