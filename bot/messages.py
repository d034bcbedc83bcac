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

# --- Statistics (/thongke, monthly summary, exports) -------------------------------------------------------
BTN_STATS = "📊 Thống kê, chỉ tiêu"
CMD_DESCRIPTIONS.update({"thongke": "Thống kê vụ việc và chỉ tiêu", "bantin": "Bật/tắt bản tin thống kê hằng tháng"})
STATS_PICK_PROVINCE = "Xem thống kê của tỉnh/thành phố nào?"
STATS_PICK_SCOPE = "Xem thống kê của toàn tỉnh hay một xã/phường?"
STATS_WHOLE_PROVINCE = "Toàn tỉnh {name}"
STATS_PICK_PERIOD = "Thống kê {scope}. Anh/chị chọn kỳ:"
STATS_PERIOD_BUTTONS = {"month": "Tháng này", "quarter": "Quý này", "half": "6 tháng", "year": "Năm nay",
                        "custom": "Tùy chọn"}
STATS_ASK_CUSTOM = ("Anh/chị gõ khoảng thời gian theo mẫu: ngày/tháng/năm - ngày/tháng/năm\n"
                    "Ví dụ: 01/01/2025 - 30/06/2025")
STATS_PERIOD_ERRORS = {
    "format": "Chưa đọc được khoảng thời gian. Anh/chị gõ theo mẫu: 01/01/2025 - 30/06/2025",
    "date": "Có ngày không có thật trên lịch (ví dụ 31/02). Anh/chị kiểm tra và gõ lại giúp.",
    "order": "Ngày bắt đầu phải trước ngày kết thúc. Anh/chị gõ lại giúp, ví dụ: 01/01/2025 - 30/06/2025",
    "range": "Năm phải trong khoảng 2000–2100. Anh/chị gõ lại giúp.",
}
STATS_NO_SCOPE = "Tài khoản của anh/chị chưa gắn với xã/phường, tổ hoặc tỉnh nào nên chưa xem được thống kê."
STATS_DENIED = "Anh/chị chỉ xem được thống kê thuộc phạm vi của mình."
STATS_WORKING = "Đang tổng hợp số liệu…"
STATS_BTN_CHART = "📈 Biểu đồ"
STATS_BTN_XLSX = "📊 Tải Excel"
STATS_BTN_OTHER_PERIOD = "🗓 Xem kỳ khác"
STATS_CHART_CAPTION = "Kết quả hòa giải {scope}, {period}"
STATS_XLSX_CAPTION = "Báo cáo thống kê hòa giải ở cơ sở — {scope}, {period}"
STATS_LEVEL_NAMES = {"team": "tổ", "commune": "xã/phường", "province": "tỉnh"}
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
    "Tỷ lệ thành: {rate} (trên số tiếp nhận)\n"
    "Trên số đã kết thúc: {rate_concluded}"
)
STATS_BY_FIELD = "Theo lĩnh vực: {items}"
STATS_NO_CASES = "Chưa có vụ việc nào được ghi trong kỳ này."
STATS_COMPLETENESS = "Xã/phường đã có số liệu: {reported}/{communes}"
STATS_INDICATORS_TITLE = "Chỉ tiêu QĐ 315 (thực hiện / mục tiêu):"
STATS_INDICATOR_LINE = "{mark} {name}: {value} / {target}"
STATS_MARKS = {True: "✓", False: "✗", None: "–"}
STATS_INDICATOR_NAMES = {
    "success_rate": "Tỷ lệ hòa giải thành",
    "trained_share": "Hòa giải viên được tập huấn",
    "trained_within_6_months": "HGV mới được tập huấn trong 6 tháng",
    "teams_full_composition": "Tổ đủ thành phần",
    "teams_with_legal_supporter": "Tổ có người hỗ trợ pháp lý",
}
STATS_TRAINED_TARGET_NOTE = "Mục tiêu tập huấn 80–90 % hòa giải viên (QĐ 315/QĐ-TTg)."
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
    "scope": "Cần đúng một trong hai: --commune MÃ_XÃ hoặc --province MÃ_TỈNH.",
    "dates": "Ngày phải theo dạng YYYY-MM-DD, ví dụ --from 2025-01-01 --to 2025-06-30 (nhận được: {value}).",
    "order": "Ngày --from phải trước hoặc bằng ngày --to.",
    "format": "--format phải là json, xlsx hoặc text (nhận được: {value}).",
    "unknown_commune": "Không có xã/phường mã {code}.",
    "unknown_province": "Không có tỉnh/thành phố mã {code}.",
    "write": "Không ghi được tệp {path}: {error}",
    "usage": "Lỗi tham số: {error}",
}
STATS_CLI_WRITTEN = "Đã ghi {path}"
STATS_XLSX = {
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
    "org_heads": ["Số tổ hòa giải", "Hòa giải viên – Tổng số", "Nam", "Nữ", "Dân tộc thiểu số",
                  "Được tập huấn, bồi dưỡng", "Người hỗ trợ pháp lý", "Số tổ có người hỗ trợ pháp lý",
                  "Số tổ đủ thành phần"],
    "org_note": ("Hòa giải viên gồm cả tổ trưởng; số được tập huấn tính đến ngày cuối kỳ. Tổ đủ thành phần: "
                 "từ 3 hòa giải viên (có tổ trưởng), có nữ, có người dân tộc thiểu số ở địa bàn nhiều đồng bào "
                 "dân tộc thiểu số."),
    "results_unit": "Đơn vị tính: vụ việc",
    "result_heads": ["Tổng số vụ việc tiếp nhận", "Hòa giải thành", "Hòa giải không thành", "Đang hòa giải",
                     "Chuyển cơ quan có thẩm quyền", "Rút yêu cầu", "Tỷ lệ hòa giải thành",
                     "Tỷ lệ thành trên số đã kết thúc"],
    "short_heads": ["Tiếp nhận", "Thành", "K.thành", "Đang HG", "Chuyển", "Rút YC", "Tỷ lệ"],
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
    "formula_note": ("Vụ việc tính theo ngày tiếp nhận trong kỳ (kể cả ngày đầu và ngày cuối), theo kết quả hiện "
                     "tại. Tỷ lệ hòa giải thành = số vụ việc hòa giải thành / tổng số vụ việc tiếp nhận; tỷ lệ "
                     "trên số đã kết thúc = thành / (thành + không thành)."),
    "completeness_note": "Chưa báo cáo: xã/phường không có vụ việc nào được ghi nhận trong kỳ.",
    "ind_sheet": "Chỉ tiêu QĐ 315",
    "ind_title": "CHỈ TIÊU ĐỀ ÁN NÂNG CAO NĂNG LỰC HÒA GIẢI VIÊN (QĐ 315/QĐ-TTg)",
    "ind_heads": ["Chỉ tiêu", "Thực hiện", "Mục tiêu", "Đánh giá"],
    "met": "Đạt",
    "not_met": "Chưa đạt",
    "no_data": "Chưa có số liệu",
    "ind_note": ("Mục tiêu tập huấn: 80–90 % hòa giải viên. Hòa giải viên được công nhận từ 01/01/2024 và đủ 6 "
                 "tháng tính đến cuối kỳ phải được tập huấn trong 6 tháng kể từ khi được công nhận (100 %). "
                 "Ít nhất 10 % tổ có người hỗ trợ pháp lý."),
}
STATS_CHART = {
    "by_field": "Theo lĩnh vực",
    "by_team": "Theo tổ hòa giải",
    "by_commune": "Theo xã, phường",
    "others": "{n} nơi khác",
    "empty": "Chưa có vụ việc trong kỳ",
    "series": {"successful": "Thành", "unsuccessful": "Không thành", "pending": "Đang hòa giải",
               "transferred": "Chuyển cơ quan", "withdrawn": "Rút yêu cầu"},
}
