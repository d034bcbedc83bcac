"""Several bot processes behind one URL (any process may get any update): with shared state, a flow started on
one process goes on on another. Two applications over one database stand for the two processes."""

from __future__ import annotations

from services.models import Role
from tests.harness import ChatHarness, texts


async def _two(tmp_path):
    a = ChatHarness(tmp_path, db_name="shared.db", shared_state=True)
    await a.start()
    await a.seed_demo()
    b = ChatHarness(tmp_path, db_name="shared.db", shared_state=True)
    b.api = a.api  # one bot, one Bot API: the two processes answer the same chats
    await b.start()
    return a, b


async def test_registration_started_on_one_process_finished_on_the_other(tmp_path):
    a, b = await _two(tmp_path)
    try:
        commune = await a.services.org.commune_by_code("ML")
        invite = await a.services.registration.create_invite(None, commune.id, Role.MEDIATOR)
        await a.say(9101, f"/start {invite.code}")
        await b.tap(9101, "Không, sửa lại")
        await a.say(9101, "Vàng Thị Sua")
        assert "chọn tổ" in texts(a.api.sent_to(9101)[-1:])
        out = await b.tap(9101, "Tổ hòa giải bản Bó")
        assert "Đăng ký thành công" in texts(out)
        person = await b.services.people.by_identity("console", "9101")
        assert person.full_name == "Vàng Thị Sua"
    finally:
        await a.stop()
        await b.stop()


async def test_case_report_alternating_between_processes(tmp_path):
    a, b = await _two(tmp_path)
    try:
        await a.say("mediator", "/baocao")
        await b.tap("mediator", "Hôm qua")
        await a.tap("mediator", "Đất đai")
        await b.tap("mediator", "Một bên hoặc các bên yêu cầu")
        await a.tap("mediator", "Hòa giải thành")
        out = await b.say("mediator", "hôm nay")  # typed closing date, on the other process
        assert "Kiểm tra lại trước khi gửi" in texts(out)
        review = a.last_with_buttons("mediator")
        out = await a.tap("mediator", "Gửi báo cáo", review)
        assert "Đã ghi vào sổ vụ việc số" in texts(out)
        await b.tap("mediator", "Gửi báo cáo", review)  # a double tap that lands on the other process
        cases = await b.services.cases.repo.find(limit=5)
        assert len(cases) == 1
    finally:
        await a.stop()
        await b.stop()


async def test_invite_flow_alternating_between_processes(tmp_path):
    a, b = await _two(tmp_path)
    try:
        await a.say("commune", "/moi")
        await b.tap("commune", "Hòa giải viên")
        await a.tap("commune", "Tổ hòa giải tổ dân phố 2")
        await b.tap("commune", "5 người")
        out = await a.tap("commune", "30 ngày")
        assert "Đã tạo mã mời" in texts(out)
    finally:
        await a.stop()
        await b.stop()
