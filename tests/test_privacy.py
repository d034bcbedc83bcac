"""Privacy: what people type never reaches the logs; phone and ID numbers are masked before storage; the
question log keeps ids, not names."""

from __future__ import annotations

import logging

from bot.logs import PAYLOAD_LOGGERS, quiet_payload_loggers
from tests.harness import texts

SECRET_NAME = "Phạm Thị Bímật"
PHONE = "0912 345 678"
CCCD = "001203004005"


async def test_nothing_personal_in_logs_or_storage(bot, caplog):
    levels = {name: logging.getLogger(name).level for name in PAYLOAD_LOGGERS}
    caplog.set_level(logging.DEBUG)  # as with LOG_LEVEL=DEBUG ...
    quiet_payload_loggers()  # ... and what setup_logging then does
    assert logging.getLogger("telegram").level == logging.INFO
    try:
        await _exercise(bot, caplog)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def _exercise(bot, caplog):
    # a question naming a person, with a phone number
    await bot.say("mediator", f"bà {SECRET_NAME} sđt {PHONE} nợ tiền không trả thì hòa giải thế nào")
    # a case report with a summary full of personal data typed on the review screen
    await bot.say("mediator", "/baocao")
    for label in ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu", "Hòa giải thành"):
        await bot.tap("mediator", label)
    await bot.tap("mediator", "Sửa: Tóm tắt")
    out = await bot.say("mediator", f"vay tiền, SĐT {PHONE}, CCCD {CCCD}")
    assert "Tóm tắt" in texts(out)
    await bot.tap("mediator", "Gửi báo cáo")
    # a hostile failure in the middle, so error paths log too
    bot.api.faults.append(
        __import__("bot.channels.local", fromlist=["Fault"]).Fault("sendMessage", 500, "boom")
    )
    await bot.say("mediator", f"{SECRET_NAME} {PHONE}")

    logged = caplog.text
    for secret in (SECRET_NAME, PHONE, PHONE.replace(" ", ""), CCCD):
        assert secret not in logged, f"{secret!r} leaked into the logs"

    case = (await bot.services.cases.repo.find(limit=1))[0]
    assert PHONE.replace(" ", "") not in (case.summary or "") and CCCD not in (case.summary or "")
    assert "345 678" not in (case.summary or "")
    rows = await bot.services.db.fetchall("SELECT * FROM qa_questions")
    assert rows, "questions are stored"
    stored_columns = set(rows[0].keys())
    assert not stored_columns & {"full_name", "name", "username", "first_name", "phone"}
