"""Self-test quizzes (/ontap): a session via buttons, scoring and citations, double taps, forged buttons,
resume after a restart, history, and participation scoped to the official's commune or the leader's team."""

from __future__ import annotations

import pytest

from bot import messages as msg
from services.legal_docs import citation, load_documents
from services.quiz import SESSION_SIZE, AnswerStatus, load_question_bank
from tests.harness import texts

MEDIATOR, LEADER, COMMUNE, PROVINCE, GUEST = 1001, 1002, 1003, 1004, 1009


async def _person(bot, who):
    return await bot.services.people.by_identity("console", str(bot.user_id(who)))


async def _active(bot, who):
    return await bot.services.quiz.active((await _person(bot, who)).id)


def _answer_buttons(bot, who):
    return [o for o in bot.buttons(who) if (o.callback_data or "").startswith("quiz:a:")]


async def _answer(bot, who, right: bool):
    """Tap the right (or a wrong) choice of the current question; returns the bot's replies."""
    session = await _active(bot, who)
    question = bot.services.quiz.question(session.current_question_id)
    choice = question.answer if right else (question.answer + 1) % len(question.choices)
    return await bot.tap(who, f"quiz:a:{session.id}:{session.position}:{choice}"), question


def test_citation_format():
    documents = load_documents()
    assert (
        citation({"document": "35/2013/QH13", "article": 12, "clause": 1}, documents)
        == "Điều 12 Khoản 1 Luật Hòa giải ở cơ sở 2013"
    )
    assert (
        citation({"document": "92/2015/QH13", "article": 418, "clause": None}, documents)
        == "Điều 418 Bộ luật Tố tụng dân sự 2015"
    )


def test_bank_draws_unseen_first():
    bank = load_question_bank()
    assert len(bank.questions) >= 60
    first = bank.draw(SESSION_SIZE)
    assert len({q.id for q in first}) == SESSION_SIZE
    seen = {q.id for q in bank.questions[:-5]}
    fresh = bank.draw(SESSION_SIZE, seen=seen)
    assert {q.id for q in fresh[:5]} == {q.id for q in bank.questions[-5:]}
    assert all(q.topic == "ket-qua" for q in bank.draw(SESSION_SIZE, "ket-qua"))


async def test_full_session_by_buttons_with_score_and_citation(bot):
    out = await bot.say(MEDIATOR, "/ontap")
    assert "10 câu" in texts(out)
    out = await bot.tap(MEDIATOR, "Làm 10 câu ngẫu nhiên")
    assert texts(out).startswith("Câu 1/10")
    assert len(_answer_buttons(bot, MEDIATOR)) in (3, 4)
    right_answers = 0
    for i in range(SESSION_SIZE):
        right = i % 3 != 0  # questions 1, 4, 7, 10 answered wrong
        out, question = await _answer(bot, MEDIATOR, right)
        feedback = texts(out)
        right_answers += right
        assert (msg.QUIZ_RIGHT in feedback) == right
        if not right:
            letter = "ABCD"[question.answer]
            assert f"đáp án đúng là {letter}. {question.choices[question.answer]}" in feedback
        assert question.explanation in feedback
        assert f"📖 Căn cứ: {question.citation}" in feedback and question.citation.startswith("Điều ")
        if i < SESSION_SIZE - 1:
            assert f"Câu {i + 2}/10" in feedback
    assert f"đúng {right_answers}/10 câu" in feedback and right_answers == 6
    mai = await _person(bot, MEDIATOR)
    [done] = await bot.services.quiz.history(mai.id)
    assert (done.score, done.total, done.finished) == (6, 10, True)
    answers = await bot.services.quiz.store.answers(done.id)
    assert [a["position"] for a in answers] == list(range(10))
    assert sum(a["correct"] for a in answers) == 6
    out = await bot.tap(MEDIATOR, "Kết quả của tôi")
    assert "6/10 câu đúng" in texts(out)


async def test_double_tap_and_old_buttons_do_not_count_twice(bot):
    await bot.say(MEDIATOR, "/ontap")
    await bot.tap(MEDIATOR, "Làm 10 câu ngẫu nhiên")
    question_message = bot.last_with_buttons(MEDIATOR)
    session = await _active(bot, MEDIATOR)
    question = bot.services.quiz.question(session.current_question_id)
    data = f"quiz:a:{session.id}:0:{question.answer}"
    await bot.tap_data(MEDIATOR, data, question_message)
    out = await bot.tap_data(MEDIATOR, data, question_message)  # the same tap again
    assert out == [] and bot.api.callback_answers[-1]["text"] == msg.QUIZ_ALREADY_ANSWERED
    wrong = (question.answer + 1) % len(question.choices)
    out = await bot.tap_data(MEDIATOR, f"quiz:a:{session.id}:0:{wrong}", question_message)  # change of mind
    assert out == []
    session = await _active(bot, MEDIATOR)
    assert (session.position, session.score) == (1, 1)
    # the service itself: a replay of position 0 is refused, a jump ahead too
    mai = await _person(bot, MEDIATOR)
    assert (await bot.services.quiz.answer(mai.id, session.id, 0, 0)).status == AnswerStatus.ALREADY_ANSWERED
    assert (await bot.services.quiz.answer(mai.id, session.id, 5, 0)).status == AnswerStatus.NOT_CURRENT
    assert (await bot.services.quiz.answer(mai.id, session.id, 1, 9)).status == AnswerStatus.NOT_CURRENT
    rows = await bot.services.db.fetchall("SELECT * FROM quiz_answers WHERE session_id = ?", (session.id,))
    assert len(rows) == 1


async def test_forged_button_cannot_answer_another_persons_session(bot):
    await bot.say(MEDIATOR, "/ontap")
    await bot.tap(MEDIATOR, "Làm 10 câu ngẫu nhiên")
    mai_session = await _active(bot, MEDIATOR)
    question = bot.services.quiz.question(mai_session.current_question_id)
    await bot.say(LEADER, "/ontap")
    out = await bot.tap_data(LEADER, f"quiz:a:{mai_session.id}:0:{question.answer}")
    assert "Đúng rồi" not in texts(out)
    assert bot.api.callback_answers[-1]["text"] == msg.QUIZ_NOT_CURRENT
    assert (await bot.services.quiz.store.session(mai_session.id)).position == 0
    out = await bot.tap_data(LEADER, "quiz:a:999999:0:0")
    assert "Đúng rồi" not in texts(out)
    welcome = (await bot.say(GUEST, "/start"))[-1]
    out = await bot.tap_data(GUEST, f"quiz:a:{mai_session.id}:0:{question.answer}", welcome)
    assert msg.NEED_REGISTRATION in texts(out)
    assert (await bot.services.quiz.store.session(mai_session.id)).position == 0


async def test_session_resumes_after_restart(bot):
    await bot.say(MEDIATOR, "/ontap")
    await bot.tap(MEDIATOR, "Làm 10 câu ngẫu nhiên")
    for _ in range(3):
        await _answer(bot, MEDIATOR, right=True)
    pending_message = bot.last_with_buttons(MEDIATOR)  # question 4, not answered yet
    await bot.restart()
    # the buttons of the message sent before the restart still work
    session = await _active(bot, MEDIATOR)
    assert (session.position, session.score) == (3, 3)
    question = bot.services.quiz.question(session.current_question_id)
    out = await bot.tap_data(MEDIATOR, f"quiz:a:{session.id}:3:{question.answer}", pending_message)
    assert msg.QUIZ_RIGHT in texts(out) and "Câu 5/10" in texts(out)
    await bot.restart()
    out = await bot.say(MEDIATOR, "/ontap")
    assert "đã trả lời 4/10 câu, đúng 4 câu" in texts(out)
    out = await bot.tap(MEDIATOR, "Làm tiếp (câu 5/10)")
    assert texts(out).startswith("Câu 5/10")


async def test_topic_session_and_new_session_abandons_old(bot):
    await bot.say(MEDIATOR, "/ontap")
    await bot.tap(MEDIATOR, "Chọn chủ đề")
    out = await bot.tap(MEDIATOR, "quiz:t:ket-qua")
    assert texts(out).startswith("Câu 1/8")  # the topic has 8 questions
    session = await _active(bot, MEDIATOR)
    assert session.topic == "ket-qua" and session.total == 8
    await _answer(bot, MEDIATOR, right=True)
    old_message = bot.last_with_buttons(MEDIATOR)
    await bot.say(MEDIATOR, "/ontap")
    await bot.tap(MEDIATOR, "quiz:new")
    new = await _active(bot, MEDIATOR)
    assert new.id != session.id
    q = bot.services.quiz.question(session.question_ids[1])
    await bot.tap_data(MEDIATOR, f"quiz:a:{session.id}:1:{q.answer}", old_message)
    assert (await bot.services.quiz.store.session(session.id)).position == 1  # the abandoned one is closed
    out = await bot.tap_data(MEDIATOR, "quiz:t:khong-co")
    assert msg.QUIZ_UNKNOWN_TOPIC in texts(out)


async def _finish_session(bot, who, right_count: int):
    await bot.say(who, "/ontap")
    await bot.tap(who, "quiz:new")
    for i in range(SESSION_SIZE):
        await _answer(bot, who, right=i < right_count)


async def test_participation_scoped_to_commune_and_team(bot):
    services = bot.services
    await _finish_session(bot, MEDIATOR, 8)  # ML-01, Phường Mường Lay
    await _finish_session(bot, LEADER, 6)  # ML-01 leader
    # a mediator of Xã Nà Hỳ takes a quiz too
    dua = await services.db.fetchone("SELECT id FROM persons WHERE external_ref = 'NH-01-02'")
    await services.people.link_identity(dua["id"], "console", "2001")
    await _finish_session(bot, 2001, 10)
    # an old session of Mai, 40 days ago: counts overall, not in the last 30 days
    mai = await _person(bot, MEDIATOR)
    await _finish_session(bot, MEDIATOR, 2)
    await services.db.execute(
        "UPDATE quiz_sessions SET started_at = '2020-01-01T00:00:00+00:00',"
        " finished_at = '2020-01-01T00:10:00+00:00'"
        " WHERE id = (SELECT MAX(id) FROM quiz_sessions WHERE person_id = ?)",
        (mai.id,),
    )
    await services.db.execute(
        "UPDATE quiz_answers SET answered_at = '2020-01-01T00:05:00+00:00'"
        " WHERE session_id = (SELECT MAX(id) FROM quiz_sessions WHERE person_id = ?)",
        (mai.id,),
    )

    ml = await services.org.commune_by_code("ML")
    recent = await services.quiz.participation(days=30, commune_id=ml.id)
    overall = await services.quiz.participation(commune_id=ml.id)
    assert (recent.mediators, recent.participants, recent.sessions) == (6, 2, 2)
    assert recent.average_score == pytest.approx(7.0)
    assert (overall.participants, overall.sessions) == (2, 3) and overall.average_score == pytest.approx(
        16 / 3
    )

    out = await bot.say(COMMUNE, "/ontap")
    text = texts(out)
    assert (
        "Phường Mường Lay" in text
        and "30 ngày qua: 2/6 người đã làm bài (33%), 2 lượt hoàn thành, điểm trung bình 7,0/10" in text
    )
    assert "Từ trước đến nay: 2/6 người đã làm bài (33%), 3 lượt hoàn thành, điểm trung bình 5,3/10" in text
    assert "Nà Hỳ" not in text  # another commune's data is never shown
    # forged data cannot widen the scope: the view only ever reads the official's own commune
    out = await bot.tap_data(COMMUNE, "menu:ontap")
    assert "Nà Hỳ" not in texts(out)

    out = await bot.say(LEADER, "/ontap")
    assert "Tổ hòa giải bản Na Lay" in texts(out) and "2/3 người đã làm bài" in texts(out)
    out = await bot.say(PROVINCE, "/ontap")
    assert "tỉnh Điện Biên" in texts(out) and "3/9 người đã làm bài" in texts(out)
    assert "Xã Nà Hỳ" in texts(out)
    out = await bot.say(MEDIATOR, "/ontap")
    assert "người đã làm bài" not in texts(out)


async def test_guest_is_asked_to_register(bot):
    out = await bot.say(GUEST, "/ontap")
    assert msg.NEED_REGISTRATION in texts(out)


async def test_menu_button_opens_quiz(bot):
    await bot.say(MEDIATOR, "/trogiup")
    out = await bot.tap(MEDIATOR, "✍️ Ôn tập")
    assert "Ôn tập" in texts(out)
