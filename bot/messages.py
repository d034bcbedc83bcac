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

# --- Broadcasts (/thongbao) and training events (/taphuan) ----------------------------------------------
BTN_BROADCAST = "📢 Gửi thông báo"
CMD_BROADCAST = "Gửi thông báo cho hòa giải viên"
BC_MENU = "Thông báo: anh/chị muốn làm gì?"
BC_BTN_NEW = "✏️ Soạn thông báo mới"
BC_BTN_HISTORY = "📋 Thông báo đã gửi"
BC_PICK_COMMUNES = "Gửi cho xã/phường nào?"
BC_BTN_ALL_COMMUNES = "Tất cả xã/phường ({count})"
BC_BTN_CHOOSE_COMMUNES = "Chọn từng xã/phường"
BC_TOGGLE_COMMUNES = "Bấm để chọn/bỏ chọn xã/phường (đã chọn {count}), rồi bấm \"Xong\"."
BC_TOGGLE_TEAMS = "Bấm để chọn/bỏ chọn tổ hòa giải (đã chọn {count}), rồi bấm \"Xong\"."
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
BC_TEXT_TOO_LONG = "Nội dung dài {length} ký tự, quá giới hạn {limit} ký tự. Anh/chị rút gọn rồi gửi lại giúp."
BC_ASK_ATTACHMENT = (
    "Anh/chị có muốn gửi kèm tài liệu hoặc ảnh không? Nếu có, gửi tệp/ảnh ngay bây giờ; nếu không, bấm nút bên "
    "dưới."
)
BC_BTN_NO_ATTACHMENT = "Không đính kèm"
BC_CAPTION_TOO_LONG = (
    "Khi gửi kèm tệp hoặc ảnh, nội dung chỉ được tối đa {limit} ký tự (nội dung hiện có {length} ký tự). "
    "Anh/chị bấm \"Không đính kèm\", hoặc gõ /huy rồi soạn lại ngắn hơn."
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
    "Đã gửi: {sent} · Không gửi được: {failed} · Đã chặn bot: {blocked} · Đã bấm \"Đã nhận\": {acked}"
)
BC_BTN_DETAILS = "📋 Xem chi tiết"
BC_HISTORY_EMPTY = "Anh/chị chưa gửi thông báo nào."
BC_HISTORY_TITLE = "Các thông báo anh/chị đã gửi gần đây:"
BC_HISTORY_LINE = "Số {id} ({date}): {preview}\n   gửi {sent}/{total} · đã nhận {acked}{pending}"
BC_HISTORY_PENDING = " · đang gửi"
BC_DETAILS = (
    "Thông báo số {id} ({date}), gửi cho {total} người.\n"
    "Đã gửi: {sent} · Chờ gửi: {pending} · Không gửi được: {failed} · Đã chặn bot: {blocked}\n"
    "Đã bấm \"Đã nhận\": {acked}/{sent}"
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
TR_BTN_YES_CHOSEN = "✅ Tham gia (đã chọn)"
TR_BTN_NO_CHOSEN = "❌ Không tham gia (đã chọn)"
TR_CONFIRM = "Tạo buổi tập huấn và báo cho {count} người ({scope})?"
TR_BTN_SEND = "✅ Tạo và gửi thông báo"
TR_ANSWER_YES = "Đã ghi nhận: anh/chị sẽ tham gia. Cảm ơn!"
TR_ANSWER_NO = "Đã ghi nhận: anh/chị không tham gia."
TR_NOT_INVITED = "Buổi tập huấn này không dành cho anh/chị."
TR_ALREADY_STARTED = "Buổi tập huấn này đã bắt đầu hoặc đã qua, không đăng ký được nữa."
TR_NONE_UPCOMING = "Hiện chưa có buổi tập huấn nào sắp tới."
TR_UPCOMING_TITLE = "Các buổi tập huấn sắp tới:"
TR_UPCOMING_LINE = "• {date} {time} — {title}\n   tại {place}"
TR_MY_ANSWER = {"yes": "   Anh/chị: sẽ tham gia", "no": "   Anh/chị: không tham gia", None: "   Anh/chị: chưa trả lời"}
TR_COUNTS_LINE = "   Tham gia: {yes} · Không: {no} · Chưa trả lời: {none}"
TR_BTN_EVENT_YES = "✅ Tham gia: {title}"
TR_BTN_EVENT_NO = "❌ Không: {title}"
TR_NONE_FOR_ATTENDANCE = "Chưa có buổi tập huấn nào đã diễn ra (trong 90 ngày qua) để điểm danh."
TR_PICK_EVENT = "Điểm danh buổi nào?"
TR_CHECKLIST = (
    "Điểm danh: {title} ({date}).\nBấm tên người đã dự (đã chọn {count}/{total}), rồi bấm \"Xong\" để lưu."
)
TR_NO_CANDIDATES = "Buổi này không có hòa giải viên nào trong danh sách mời."
TR_ATTENDANCE_SAVED = (
    "Đã lưu điểm danh: {count} người dự buổi \"{title}\" ({date}). "
    "Đã cập nhật ngày được tập huấn cho {changed} người."
)
TR_NOT_STARTED = "Buổi tập huấn chưa diễn ra nên chưa điểm danh được."
TR_STARTED = "Đã tạo buổi tập huấn số {id} và bắt đầu báo cho {count} người."
