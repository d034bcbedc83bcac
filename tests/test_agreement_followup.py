"""Issue 17: following up successful agreements (Law 35/2013 Art. 26) through the outbox — asked after
AGREEMENT_FOLLOW_UP_DAYS, reminded once a week later, then listed for the team leader; answers, the team
leader told, re-mediation linked to the case; none twice and none lost across restarts; the statistics'
counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import messages as msg
from bot.config import Config
from bot.delivery import worker_of
from handlers.agreements import render
from services.statistics import Period
from tests.harness import texts
from tests.test_cases_flow import MEDIATOR, report

LEADER, OFFICIAL = "leader", "commune"
T0 = datetime(2030, 1, 1, 1, 0, tzinfo=UTC)


def sent(bot, who) -> list[str]:
    return [m.get("text") or "" for m in bot.api.sent_to(bot.user_id(who))]


async def successful_case(bot):
    await report(bot)
    return (await bot.services.cases.repo.find(limit=1))[0]


async def run(bot, days_after: int, *, now: datetime):
    case_today = bot.services.cases.today()
    followups = bot.services.followups
    result = await followups.run("console", render, today=case_today + timedelta(days=days_after), now=now)
    await worker_of(bot.app).drain()
    return result


async def test_asked_after_the_configured_days_once_then_reminded_then_listed(bot):
    case = await successful_case(bot)
    assert (await run(bot, 29, now=T0)).asked == 0  # not yet
    first = await run(bot, 30, now=T0)
    assert first.asked == 1
    questions = [t for t in sent(bot, MEDIATOR) if case.number in t and "Theo dõi thỏa thuận" in t]
    assert len(questions) == 1
    assert [o.label for o in bot.buttons(MEDIATOR)] == list(msg.FOLLOWUP_BTN.values())
    # The job runs again the same day, and after a restart: nothing is asked twice.
    assert (await run(bot, 30, now=T0 + timedelta(hours=1))).asked == 0
    await bot.restart()
    assert (await run(bot, 31, now=T0 + timedelta(days=1))).asked == 0
    assert len([t for t in sent(bot, MEDIATOR) if "Theo dõi thỏa thuận" in t]) == 1
    # A week without an answer: one reminder, once.
    assert (await run(bot, 36, now=T0 + timedelta(days=6))).reminded == 0
    assert (await run(bot, 38, now=T0 + timedelta(days=8))).reminded == 1
    assert (await run(bot, 39, now=T0 + timedelta(days=9))).reminded == 0
    reminders = [t for t in sent(bot, MEDIATOR) if t.startswith("🤝 Nhắc lại") and case.number in t]
    assert len(reminders) == 1
    # Another week: listed for the team leader (told once), and shown in /vuviec.
    assert (await run(bot, 46, now=T0 + timedelta(days=16))).listed == 1
    assert (await run(bot, 47, now=T0 + timedelta(days=17))).listed == 0
    assert len([t for t in sent(bot, LEADER) if t.startswith("📋") and case.number in t]) == 1
    out = await bot.say(LEADER, "/vuviec")
    assert msg.FOLLOWUP_LISTED_TITLE.format(count=1) in texts(out)
    # /vuviec writes its rows out, numbered; the buttons carry the numbers and open the case
    assert case.number in texts(out)
    assert any(o.callback_data == f"case:v:{case.id}" for o in bot.buttons(LEADER))
    # The mediator answers late: it counts, the list empties.
    await bot.tap_data(MEDIATOR, f"fu:a:{case.id}:done", bot.last_with_buttons(MEDIATOR))
    out = await bot.say(LEADER, "/vuviec")
    assert "Thỏa thuận chưa rõ" not in texts(out)


async def test_an_answer_stops_the_reminder_and_counts_in_statistics(bot):
    case = await successful_case(bot)
    await run(bot, 30, now=T0)
    out = await bot.tap(MEDIATOR, msg.FOLLOWUP_BTN["ongoing"])
    assert msg.FOLLOWUP_RECORDED.format(number=case.number, answer="đang thực hiện") in texts(out)
    assert (await run(bot, 40, now=T0 + timedelta(days=10))).reminded == 0
    scope = await bot.services.statistics.scope_by_code("commune", "ML")
    today = bot.services.cases.today()
    summary = await bot.services.logbook.summary(scope, Period(today, today))
    assert summary.agreements == {"done": 0, "ongoing": 1, "not_done": 0, "unknown": 0}
    await report(bot)  # a second successful case, not asked yet: unknown
    summary = await bot.services.logbook.summary(scope, Period(today, today))
    assert summary.agreements["unknown"] == 1 and summary.agreements["ongoing"] == 1


async def test_not_carried_out_tells_the_leader_and_offers_remediation_linked_to_the_case(bot):
    case = await successful_case(bot)
    await run(bot, 30, now=T0)
    out = await bot.tap(MEDIATOR, msg.FOLLOWUP_BTN["not_done"])
    assert msg.FOLLOWUP_NOT_DONE_NEXT in texts(out)
    labels = [o.label for o in bot.buttons(MEDIATOR)]
    assert labels == [msg.FOLLOWUP_BTN_AGAIN, msg.FOLLOWUP_BTN_LEADER, msg.FOLLOWUP_BTN_NOTE]
    await worker_of(bot.app).drain()
    told = [t for t in sent(bot, LEADER) if t.startswith("⚠️") and case.number in t]
    assert len(told) == 1 and "Quàng Thị Mai" in told[0]
    # A note (masked), then the re-mediation.
    await bot.tap(MEDIATOR, msg.FOLLOWUP_BTN_NOTE)
    out = await bot.say(MEDIATOR, "Ông A chưa trả tiền, gọi 0912345678")
    assert msg.FOLLOWUP_NOTE_SAVED in texts(out)
    followup = await bot.services.followups.repo.followup(case.id)
    assert followup["answer"] == "not_done" and "0912345678" not in followup["note"]
    audit = [
        a for a in await bot.services.cases.repo.audit(case.id) if a.action.startswith("agreement_followup")
    ]
    me = await bot.services.people.by_identity("console", str(bot.user_id(MEDIATOR)))
    assert [(a.action, a.person_id) for a in audit] == [
        ("agreement_followup", me.id),
        ("agreement_followup_action", me.id),
    ]
    assert audit[0].before == {"answer": None} and audit[0].after == {"answer": "not_done"}
    out = await bot.tap(MEDIATOR, msg.FOLLOWUP_BTN_AGAIN)
    assert msg.CASE_REMEDIATION_START.format(number=case.number) in texts(out)
    assert msg.CASE_PROMPTS["received_on"] in texts(out)
    await bot.tap(MEDIATOR, "Hôm nay")
    out = await bot.tap(MEDIATOR, "Hòa giải không thành")
    assert f"Hòa giải lại vụ việc: {case.number}" in texts(out)
    assert "Sửa: Hòa giải lại" not in texts(out)
    out = await bot.tap(MEDIATOR, "Gửi báo cáo")
    again = (await bot.services.cases.repo.find(limit=1))[0]
    assert again.id != case.id and again.follows_case_id == case.id and again.field == case.field
    assert again.result == "khong_thanh" and again.mediator_ids == case.mediator_ids
    followup = await bot.services.followups.repo.followup(case.id)
    assert followup["remediation_case_id"] == again.id and followup["action"] == "remediate"
    # The book shows the link.
    start, end = case.received_on, again.received_on
    rows = await bot.services.logbook.repo.book_cases(case.team_id, start, end)
    assert next(r for r in rows if r["id"] == again.id)["follows_number"] == case.number


async def test_escalation_and_forged_answers(bot):
    case = await successful_case(bot)
    await run(bot, 30, now=T0)
    await bot.tap(MEDIATOR, msg.FOLLOWUP_BTN["not_done"])
    out = await bot.tap(MEDIATOR, msg.FOLLOWUP_BTN_LEADER)
    assert msg.FOLLOWUP_ESCALATED in texts(out)
    await worker_of(bot.app).drain()
    assert len([t for t in sent(bot, LEADER) if t.startswith("📣") and case.number in t]) == 1
    # Someone of another commune, or a forged answer: refused, nothing recorded.
    other = await bot.services.org.commune_by_code("NH")
    official = await bot.services.people.by_identity("console", str(bot.user_id(OFFICIAL)))
    await bot.services.db.execute("UPDATE persons SET commune_id = ? WHERE id = ?", (other.id, official.id))
    await bot.say(OFFICIAL, "/trogiup")
    out = await bot.tap_data(OFFICIAL, f"fu:a:{case.id}:done", bot.last_with_buttons(OFFICIAL))
    assert msg.FOLLOWUP_DENIED in texts(out)
    assert (await bot.services.followups.repo.followup(case.id))["answer"] == "not_done"
    out = await bot.tap_data(OFFICIAL, f"case:again:{case.id}")
    assert msg.FOLLOWUP_DENIED in texts(out)


async def test_a_step_stored_before_a_crash_is_delivered_once_after_restart(bot):
    case = await successful_case(bot)
    followups = bot.services.followups
    # The job stores the question, and the process dies before the outbox worker sends anything.
    report_ = await followups.run(
        "console", render, today=bot.services.cases.today() + timedelta(days=30), now=T0
    )
    assert report_.asked == 1
    assert not [t for t in sent(bot, MEDIATOR) if "Theo dõi thỏa thuận" in t]
    # ... or dies with the row claimed but unsent.
    await bot.services.broadcasts.repo.claim_next("console", now=datetime.now(UTC) - timedelta(seconds=300))
    await bot.restart()
    worker = worker_of(bot.app)
    await worker.recover()
    await worker.drain()
    assert len([t for t in sent(bot, MEDIATOR) if "Theo dõi thỏa thuận" in t and case.number in t]) == 1
    await bot.restart()
    await worker_of(bot.app).recover()
    await worker_of(bot.app).drain()
    assert (await run(bot, 30, now=T0)).asked == 0
    assert len([t for t in sent(bot, MEDIATOR) if "Theo dõi thỏa thuận" in t]) == 1


async def test_old_and_imported_cases_are_not_asked(bot):
    case = await successful_case(bot)
    # Beyond the catch-up window (e.g. a bot that was off for months, or an old paper logbook imported).
    settings = bot.services.followups.settings
    late = settings.days + settings.catch_up_days + 1
    assert (await run(bot, late, now=T0)).asked == 0
    assert await bot.services.followups.repo.followup(case.id) is None


def test_follow_up_days_configurable():
    assert Config.from_env({"AGREEMENT_FOLLOW_UP_DAYS": "45"}).agreement_follow_up_days == 45
    assert Config.from_env({"AGREEMENT_FOLLOW_UP_DAYS": "abc"}).agreement_follow_up_days == 30
    assert Config.from_env({}).agreement_follow_up_days == 30


async def test_a_note_never_lands_in_an_open_case_form_and_other_flows_go_on(bot):
    case = await successful_case(bot)
    await run(bot, 30, now=T0)
    await bot.tap(MEDIATOR, msg.FOLLOWUP_BTN["not_done"])
    # A new report is open on its review screen (the case form awaits text: the summary).
    await bot.say(MEDIATOR, "/baocao")
    for choice in ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu", "Hòa giải thành"):
        await bot.tap(MEDIATOR, choice)
    await bot.tap_data(MEDIATOR, f"fu:n:{case.id}")
    out = await bot.say(MEDIATOR, "Hai bên hẹn trả dần")
    assert msg.FOLLOWUP_NOTE_SAVED in texts(out)
    assert (await bot.services.followups.repo.followup(case.id))["note"] == "Hai bên hẹn trả dần"
    draft = await bot.services.cases.repo.draft(
        (await bot.services.people.by_identity("console", str(bot.user_id(MEDIATOR)))).id, "new"
    )
    assert not draft.values.get("summary")
    # Asked for a note, then the person goes elsewhere: their next text is not taken as the note.
    await bot.tap_data(MEDIATOR, f"fu:n:{case.id}")
    await bot.say(MEDIATOR, "/vuviec")
    out = await bot.say(MEDIATOR, "tranh chấp lối đi thì hòa giải thế nào")
    assert msg.FOLLOWUP_NOTE_SAVED not in texts(out)
    assert (await bot.services.followups.repo.followup(case.id))["note"] == "Hai bên hẹn trả dần"


async def test_repeating_not_carried_out_tells_the_leader_once(bot):
    """QA: tapping «Không thực hiện» again on the case card queued a second identical notice to the leader."""
    case = await successful_case(bot)
    await run(bot, 30, now=T0)
    await bot.tap(MEDIATOR, msg.FOLLOWUP_BTN["not_done"])
    await bot.tap_data(MEDIATOR, f"fu:a:{case.id}:not_done", bot.last_with_buttons(MEDIATOR))
    await worker_of(bot.app).drain()
    told = [t for t in sent(bot, LEADER) if t.startswith("⚠️") and case.number in t]
    assert len(told) == 1
    # After another answer, not carried out again is news: the leader is told again.
    me = await bot.services.people.by_identity("console", str(bot.user_id(MEDIATOR)))
    for answer in ("ongoing", "not_done"):
        await bot.services.followups.answer(me, case.id, answer, "console", render)
    await worker_of(bot.app).drain()
    assert len([t for t in sent(bot, LEADER) if t.startswith("⚠️") and case.number in t]) == 2
