"""Legal Q&A in the chat: answers with citation and buttons, feedback, suggestions, expert hand-off,
reload."""

from __future__ import annotations

import asyncio

from bot import messages as msg
from bot.cli import main
from bot.delivery import worker_of
from handlers.qa import split_text
from tests.harness import texts


def labels(bot, who):
    return [o.label for o in bot.buttons(who)]


async def stored(bot, sql, params=()):
    return await bot.services.db.fetchall(sql, params)


async def test_question_gets_answer_with_citation_and_buttons(bot):
    out = await bot.say("mediator", "to hoa giai phai co it nhat may hoa giai vien")
    text = texts(out)
    assert "📖 Căn cứ:" in text and "Điều" in text and "Luật Hòa giải ở cơ sở 2013" in text
    got = labels(bot, "mediator")
    assert msg.BTN_QA_HELPFUL in got and msg.BTN_QA_NOT_HELPFUL in got
    assert msg.BTN_QA_ARTICLE in got and msg.BTN_QA_EXPERT in got
    assert msg.QA_RELATED_TITLE in text and "1" in got  # related questions: numbered text, short buttons
    rows = await stored(bot, "SELECT * FROM qa_questions")
    assert len(rows) == 1
    row = rows[0]
    assert row["outcome"] == "answered" and row["confidence"] >= 0.5 and row["shown_id"]
    assert row["person_id"] is not None and row["asker_ref"] == "1001"


async def test_feedback_is_stored_and_forged_feedback_refused(bot):
    await bot.say("mediator", "hòa giải viên có được hưởng thù lao không")
    await bot.tap("mediator", msg.BTN_QA_NOT_HELPFUL)
    row = (await stored(bot, "SELECT feedback FROM qa_questions"))[0]
    assert row["feedback"] == -1
    assert msg.BTN_QA_HELPFUL not in labels(bot, "mediator")  # feedback buttons gone, others stay
    assert msg.BTN_QA_EXPERT in labels(bot, "mediator")
    # another user forges a feedback callback on that question
    await bot.say("leader", "/trogiup")
    out = await bot.tap_data("leader", "qa:fb:1:1")
    assert msg.QA_ERRORS["not_yours"] in texts(out)
    assert (await stored(bot, "SELECT feedback FROM qa_questions WHERE id = 1"))[0]["feedback"] == -1


async def test_article_related_and_hoi_command(bot):
    out = await bot.say("mediator", "/hoi hgv co nhung quyen gi")
    assert "Điều 9" in texts(out)
    out = await bot.tap("mediator", msg.BTN_QA_ARTICLE)
    assert texts(out).startswith("📜 Điều 9")
    related = next(o for o in bot.buttons("mediator") if (o.callback_data or "").startswith("qa:rel:"))
    out = await bot.tap("mediator", related.callback_data)
    assert "📖 Căn cứ:" in texts(out)
    rows = await stored(bot, "SELECT outcome, parent_id FROM qa_questions ORDER BY id")
    assert [r["outcome"] for r in rows] == ["answered", "picked"] and rows[1]["parent_id"] == 1
    out = await bot.say("mediator", "/hoi")
    assert msg.QA_ASK in texts(out)


async def test_not_confident_offers_three_matches(bot):
    out = await bot.say("mediator", "thu tuc bau")
    assert msg.QA_NOT_SURE in texts(out)
    options = bot.buttons("mediator")
    picks = [o for o in options if o.callback_data.startswith("qa:pick:")]
    assert len(picks) == 3
    assert any(o.label == msg.BTN_QA_EXPERT for o in options)
    out = await bot.tap("mediator", picks[0].callback_data)
    assert "📖 Căn cứ:" in texts(out)
    row = (await stored(bot, "SELECT outcome FROM qa_questions WHERE id = 1"))[0]
    assert row["outcome"] == "not_sure"


async def test_out_of_scope_is_polite(bot):
    out = await bot.say("guest", "giá lúa hôm nay?")
    assert msg.QA_OUT_OF_SCOPE in texts(out)
    out = await bot.say("guest", "thoi tiet mai the nao")
    assert msg.QA_OUT_OF_SCOPE in texts(out)


async def test_unregistered_asker_gets_answers_but_not_experts(bot):
    out = await bot.say("guest", "Muốn làm hòa giải viên cần những tiêu chuẩn gì?")
    assert "📖 Căn cứ:" in texts(out)
    row = (await stored(bot, "SELECT person_id, asker_ref FROM qa_questions"))[0]
    assert row["person_id"] is None and row["asker_ref"] == "1009"
    out = await bot.tap("guest", msg.BTN_QA_EXPERT)
    assert msg.QA_ERRORS["not_registered"] in texts(out)
    assert (await stored(bot, "SELECT COUNT(*) AS n FROM qa_expert_requests"))[0]["n"] == 0


async def test_expert_hand_off_round_trip(bot):
    await bot.say("mediator", "hai nhà tranh chấp lối đi chung thì hòa giải thế nào")
    out = await bot.tap("mediator", msg.BTN_QA_EXPERT)
    assert "Đã gửi câu hỏi" in texts(out)
    again = await bot.tap("mediator", msg.BTN_QA_EXPERT)
    assert msg.QA_EXPERT_ALREADY in texts(again)
    await worker_of(bot.app).drain()  # the question goes to the experts through the outbox
    # the commune official of the asker's commune gets the question with a reply button
    note = bot.api.sent_to(1003)[-1]
    assert "lối đi chung" in note["text"]
    # a mediator of the commune (not an expert) forging the reply button is refused
    await bot.say("leader", "/trogiup")
    out = await bot.tap_data("leader", "qa:ans:1")
    assert msg.QA_ERRORS["not_expert"] in texts(out)
    out = await bot.tap("commune", msg.BTN_QA_REPLY)
    assert "#1" in texts(out)
    await bot.restart()  # the pending answer survives a restart
    out = await bot.say("commune", "Anh chị mời hai nhà ngồi lại, xem sổ đỏ và hiện trạng lối đi.")
    assert msg.QA_EXPERT_DONE in texts(out)
    await worker_of(bot.app).drain()  # the answer goes to the asker through the outbox
    relayed = bot.api.sent_to(1001)[-1]["text"]
    assert "Lò Thị Hoa" in relayed and "xem sổ đỏ" in relayed
    request = (await stored(bot, "SELECT * FROM qa_expert_requests"))[0]
    assert request["status"] == "answered" and request["review_status"] == "pending"
    # a second tap on the old button: already answered
    out = await bot.tap("commune", msg.BTN_QA_REPLY, message=note)
    assert msg.QA_ERRORS["already_answered"] in texts(out)
    # the next text of the official is a question again
    out = await bot.say("commune", "tổ hòa giải gồm những ai")
    assert "📖 Căn cứ:" in texts(out)


async def test_expert_of_other_commune_cannot_answer(bot):
    await bot.say("mediator", "hòa giải viên bị tai nạn khi đi hòa giải thì được hỗ trợ gì")
    await bot.tap("mediator", msg.BTN_QA_EXPERT)
    # the province official is not an expert of the commune
    await bot.say("province", "/trogiup")
    out = await bot.tap_data("province", "qa:ans:1")
    assert msg.QA_ERRORS["not_expert"] in texts(out)


async def test_gaps_and_reviews_cli(bot, capsys):
    await bot.say("mediator", "giá lúa hôm nay?")
    await bot.say("guest", "giá lúa hôm nay?")
    await bot.say("mediator", "thu tuc bau")
    await bot.say("mediator", "hòa giải viên có được hưởng thù lao không")
    await bot.tap("mediator", msg.BTN_QA_NOT_HELPFUL)
    db_path = bot.config.database_path
    await bot.stop()
    assert await asyncio.to_thread(main, ["kb", "gaps", "--days", "7", "--db", db_path]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = [line for line in out if "\t" in line][1:]
    assert rows[0].startswith("2\t0\t2\t0\t0\tgiá lúa hôm nay?")
    assert any("thu tuc bau" in r for r in rows) and any("thù lao" in r for r in rows)
    assert await asyncio.to_thread(main, ["kb", "reviews", "--db", db_path]) == 0
    assert "Không có câu trả lời" in capsys.readouterr().out
    await bot.start()


async def test_reload_only_for_admins(bot):
    out = await bot.say("mediator", "/tailai_kb")
    assert "không được dùng" in texts(out)
    out = await bot.say("admin", "/tailai_kb")
    assert "Đã tải lại cơ sở tri thức" in texts(out)
    await bot.say("admin", "/trogiup")
    assert msg.BTN_QA_RELOAD in labels(bot, "admin")
    await bot.say("mediator", "/trogiup")
    assert msg.BTN_QA_RELOAD not in labels(bot, "mediator")
    assert msg.BTN_QA in labels(bot, "mediator")


async def test_reload_refuses_broken_files(bot, tmp_path):
    import shutil

    from knowledge.catalog import ROOT
    from services.knowledge import KnowledgeService

    root = tmp_path / "kb"
    shutil.copytree(ROOT / "kb", root / "kb")
    shutil.copy(ROOT / "documents.yaml", root / "documents.yaml")
    bot.services.knowledge.root = root
    (root / "kb" / "luat-35-2013.yaml").write_text("entries: [", encoding="utf-8")
    out = await bot.say("admin", "/tailai_kb")
    assert "Chưa tải lại được" in texts(out)
    # still answering from the previous version
    out = await bot.say("mediator", "tổ hòa giải gồm những ai")
    assert "📖 Căn cứ:" in texts(out)
    assert isinstance(bot.services.knowledge, KnowledgeService)


def test_split_text_respects_telegram_limit():
    long = "\n".join(f"Dòng {i} " + "x" * 90 for i in range(200))
    parts = split_text(long)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "".join(parts).replace("\n", "") == long.replace("\n", "")
    assert split_text("ngắn") == ["ngắn"]
