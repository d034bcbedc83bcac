"""Issue 19 over real HTTP: the traps of an older user walked through `mediator-bot run`
(python-telegram-bot's own HTTP stack, long polling) against the local Bot API emulator — switching flows
keeps a case draft and does not mix texts, a question typed anywhere is answered, leaving words without a
slash, typed quiz letters."""

from __future__ import annotations

import asyncio

from bot import messages as msg
from tests.emulator import EmulatedUser
from tests.harness import texts
from tests.test_e2e_telegram import _start_bot, demo_with_invite, emulator  # noqa: F401 (the fixture)


async def test_an_older_users_walk_over_telegram(emulator, tmp_path):  # noqa: F811
    db_path = str(tmp_path / "walk.db")
    invite = await demo_with_invite(db_path)

    process = await _start_bot(emulator, db_path)
    try:
        api = emulator.api
        await emulator.wait_for(lambda: api.commands, timeout=30)
        api.user(515151, "Điêu", "Thị Lan")
        lan = EmulatedUser(emulator, 515151)
        await lan.say(f"/start {invite.code}")
        await lan.tap("Đúng")
        out = await lan.tap("Đúng")
        assert "Đăng ký thành công" in texts(out)

        # a case report left at its third question, then the library: the search is not the case's text
        await lan.say("/baocao")
        await lan.tap("Hôm nay")
        out = await lan.tap("Đất đai")
        assert msg.BTN_CANCEL in [
            b["text"] for row in out[-1]["reply_markup"]["inline_keyboard"] for b in row
        ]
        await lan.say("/tailieu")
        out = await lan.tap("Tìm theo tên")
        assert msg.LIBRARY_ASK_SEARCH in texts(out)
        out = await lan.say("so theo doi")
        assert "Tìm thấy" in texts(out)
        # a question typed in the library (not at its search step) is answered as a question
        out = await lan.say("hòa giải viên có được nhận thù lao không")
        assert "Không tìm thấy tài liệu" not in texts(out) and "📖 Căn cứ:" in texts(out)
        # the draft was kept and is offered again; "thôi" (no slash) leaves, the menu follows
        out = await lan.say("/baocao")
        assert "đang làm dở" in texts(out)
        await lan.tap("Tiếp tục")
        out = await lan.say("thôi")
        assert msg.FLOW_LEFT in texts(out) and msg.MENU_AFTER_FLOW in texts(out)
        # a quiz answered by typing a letter
        await lan.say("/ontap")
        out = await lan.tap("ngẫu nhiên")
        assert "Câu 1/10" in texts(out)
        out = await lan.say("b")
        assert "Câu 2/10" in texts(out)
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert b"Traceback" not in stderr, stderr.decode()
