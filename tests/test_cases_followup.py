"""After submission: /vuviec, results recorded later, corrections with their permissions and audit,
reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot import messages as msg
from bot.delivery import worker_of
from bot.jobs import CASE_REMINDERS as REMINDER_JOB
from handlers.cases import render_reminder
from services.case_models import Case
from tests.harness import texts

MEDIATOR, LEADER, OFFICIAL = "mediator", "leader", "commune"


async def person(bot, who):
    return await bot.services.people.by_identity("console", str(bot.user_id(who)))


async def make_case(
    bot, who=MEDIATOR, *, result="dang_hoa_giai", received: date | None = None, team="ML-01"
) -> Case:
    """A case as the flow stores it, received `received` (default today)."""
    cases = bot.services.cases
    reporter = await person(bot, who) if who else None
    team_row = await bot.services.org.team_by_code(team)
    commune = await bot.services.org.commune(team_row.commune_id)
    received = received or cases.today()
    values = {
        "team_id": team_row.id,
        "received_on": received.isoformat(),
        "field": "dat_dai",
        "basis": "yeu_cau",
        "result": result,
        "parties_count": 2,
        "mediator_ids": [reporter.id] if reporter else [],
        "summary": "",
    }
    if result != "dang_hoa_giai":
        values["closed_on"] = received.isoformat()
    import secrets

    return await cases.repo.create(
        values,
        province_id=commune.province_id,
        commune_id=commune.id,
        commune_code=commune.code,
        reporter_id=reporter.id if reporter else None,
        submission_key=secrets.token_hex(8),
    )


async def test_vuviec_lists_open_cases_by_scope(bot):
    mine = await make_case(bot, MEDIATOR)
    leaders = await make_case(bot, LEADER)
    other_team = await make_case(bot, None, team="ML-02")
    done = await make_case(bot, MEDIATOR, result="thanh")
    out = await bot.say(MEDIATOR, "/vuviec")
    text = texts(out)
    labels = text  # the rows are numbered text (issue 19), buttons the numbers
    assert mine.number in labels and leaders.number not in labels
    assert done.number in labels  # recent, still correctable
    assert "Vụ việc đang hòa giải (1)" in text
    leader_labels = texts(await bot.say(LEADER, "/vuviec"))
    assert mine.number in leader_labels and leaders.number in leader_labels
    assert other_team.number not in leader_labels
    official_labels = texts(await bot.say(OFFICIAL, "/vuviec"))
    assert all(c.number in official_labels for c in (mine, leaders, other_team))


async def test_record_result_later(bot):
    case = await make_case(bot, MEDIATOR, received=bot.services.cases.today() - timedelta(days=3))
    await bot.say(MEDIATOR, "/vuviec")
    out = await bot.tap(MEDIATOR, 1)
    assert case.number in texts(out)
    out = await bot.tap(MEDIATOR, "Ghi kết quả")
    assert case.number in texts(out)
    labels = [o.label for o in bot.buttons(MEDIATOR)]
    assert not any("Đang hòa giải" in label for label in labels)
    out = await bot.tap(MEDIATOR, "Hòa giải thành")
    assert msg.CASE_PROMPTS["closed_on"] in texts(out)
    out = await bot.tap(MEDIATOR, "Hôm nay")
    assert "Kết quả: Hòa giải thành" in texts(out)
    edit_labels = [o.label for o in bot.buttons(MEDIATOR) if o.label.startswith("Sửa")]
    assert "Sửa: Lĩnh vực" not in edit_labels  # recording a result changes only the result fields
    out = await bot.tap(MEDIATOR, "Gửi báo cáo")
    assert msg.CASE_RESULT_RECORDED.format(result="Hòa giải thành", number=case.number) in texts(out)
    stored = await bot.services.cases.repo.get(case.id)
    assert stored.result == "thanh" and stored.closed_on == bot.services.cases.today().isoformat()
    audit = await bot.services.cases.repo.audit(case.id)
    assert audit[-1].action == "record_result"
    assert audit[-1].before["result"] == "dang_hoa_giai" and audit[-1].after["result"] == "thanh"
    # Not pending any more: recording again is refused even with a forged button.
    out = await bot.tap_data(MEDIATOR, f"case:r:{case.id}")
    assert msg.CASE_CANNOT_RECORD in texts(out)


async def test_team_leader_records_result_of_team_case_but_not_other_team(bot):
    case = await make_case(bot, MEDIATOR)
    other = await make_case(bot, None, team="ML-02")
    out = await bot.tap_data(LEADER, f"case:r:{other.id}", message=(await bot.say(LEADER, "/vuviec"))[-1])
    assert msg.CASE_CANNOT_RECORD in texts(out)
    await bot.tap_data(LEADER, f"case:r:{case.id}")
    await bot.tap(LEADER, "Hòa giải không thành")  # received today: closed today, straight to the review
    out = await bot.tap(LEADER, "Gửi báo cáo")
    assert "Hòa giải không thành" in texts(out)
    assert (await bot.services.cases.repo.get(case.id)).result == "khong_thanh"


async def test_mediator_corrects_own_case_within_seven_days(bot):
    case = await make_case(bot, MEDIATOR, result="thanh")
    await bot.say(MEDIATOR, "/vuviec")
    await bot.tap_data(MEDIATOR, f"case:v:{case.id}")
    out = await bot.tap(MEDIATOR, "Sửa vụ việc")
    assert msg.CASE_REVIEW_EDIT_TITLE.format(number=case.number) in texts(out)
    await bot.tap(MEDIATOR, "Sửa: Lĩnh vực")
    await bot.tap(MEDIATOR, "Khác")
    out = await bot.tap(MEDIATOR, "Gửi báo cáo")
    assert msg.CASE_CORRECTED.format(number=case.number) in texts(out)
    audit = await bot.services.cases.repo.audit(case.id)
    me = await person(bot, MEDIATOR)
    assert audit[-1].action == "correct" and audit[-1].person_id == me.id
    assert audit[-1].before["field"] == "dat_dai" and audit[-1].after["field"] == "khac"
    assert audit[-1].at
    # Sending a correction without changes keeps the case and writes no audit row.
    await bot.tap_data(MEDIATOR, f"case:c:{case.id}")
    out = await bot.tap(MEDIATOR, "Gửi báo cáo")
    assert msg.CASE_NO_CHANGES.format(number=case.number) in texts(out)
    assert len(await bot.services.cases.repo.audit(case.id)) == len(audit)


async def test_correction_permissions(bot):
    case = await make_case(bot, MEDIATOR, result="thanh")
    # Another mediator of the commune (the leader, not the reporter) cannot correct, even with forged data.
    out = await bot.tap_data(LEADER, f"case:c:{case.id}", message=(await bot.say(LEADER, "/vuviec"))[-1])
    assert "không sửa được" in texts(out)
    # After 7 days the reporter cannot either; the commune official still can.
    old = (datetime.now(UTC) - timedelta(days=8)).replace(microsecond=0).isoformat()
    await bot.services.db.execute("UPDATE cases SET created_at = ? WHERE id = ?", (old, case.id))
    out = await bot.tap_data(MEDIATOR, f"case:c:{case.id}", message=(await bot.say(MEDIATOR, "/vuviec"))[-1])
    assert "không sửa được" in texts(out)
    # An edit started in time but sent after the window is refused at sending.
    await bot.say(OFFICIAL, "/vuviec")
    await bot.tap_data(OFFICIAL, f"case:c:{case.id}")
    await bot.tap(OFFICIAL, "Sửa: Số bên")
    await bot.tap(OFFICIAL, "3")
    out = await bot.tap(OFFICIAL, "Gửi báo cáo")
    assert msg.CASE_CORRECTED.format(number=case.number) in texts(out)
    official = await person(bot, OFFICIAL)
    audit = await bot.services.cases.repo.audit(case.id)
    assert audit[-1].person_id == official.id and audit[-1].after["parties_count"] == 3
    # An official of another commune cannot see or correct it.
    nh_official = await bot.services.db.fetchone("SELECT id FROM persons WHERE external_ref = 'NH-TP-01'")
    await bot.services.people.link_identity(nh_official["id"], "console", "1010")
    out = await bot.say(1010, "/vuviec")
    out = await bot.tap_data(1010, f"case:c:{case.id}", message=out[-1])
    assert "không sửa được" in texts(out)
    out = await bot.tap_data(1010, f"case:v:{case.id}")
    assert msg.CASE_NOT_FOUND in texts(out)


async def test_edit_started_then_window_closes_is_refused_at_send(bot):
    case = await make_case(bot, MEDIATOR, result="thanh")
    await bot.say(MEDIATOR, "/vuviec")
    await bot.tap_data(MEDIATOR, f"case:c:{case.id}")
    await bot.tap(MEDIATOR, "Sửa: Lĩnh vực")
    await bot.tap(MEDIATOR, "Khác")
    old = (datetime.now(UTC) - timedelta(days=8)).replace(microsecond=0).isoformat()
    await bot.services.db.execute("UPDATE cases SET created_at = ? WHERE id = ?", (old, case.id))
    out = await bot.tap(MEDIATOR, "Gửi báo cáo")
    assert "không sửa được" in texts(out)
    assert (await bot.services.cases.repo.get(case.id)).field == "dat_dai"


async def test_reminder_core_once_per_period(bot):
    cases = bot.services.cases
    today = cases.today()
    fresh = await make_case(bot, MEDIATOR, received=today - timedelta(days=3))
    week = await make_case(bot, MEDIATOR, received=today - timedelta(days=8))
    stale = await make_case(bot, MEDIATOR, received=today - timedelta(days=15))
    due = await cases.due_reminders(today)
    leader = await person(bot, LEADER)
    me = await person(bot, MEDIATOR)
    got = {(r.case.id, r.recipient_id, r.kind, r.period) for r in due}
    assert got == {
        (week.id, me.id, "reporter", 1),
        (stale.id, me.id, "reporter", 2),
        (stale.id, leader.id, "leader", 1),
    }
    assert fresh.id not in {r.case.id for r in due}
    reminders = bot.services.case_reminders
    queued: list[tuple[str, int, int]] = []

    def render(topic, case, info):
        queued.append((topic, case.id, info["days"]))
        return render_reminder(topic, case, info)

    assert await reminders.queue("console", render, today) == 3
    assert await reminders.queue("console", render, today) == 0
    assert await reminders.queue("console", render, today + timedelta(days=1)) == 0
    # Six days later: `fresh` reaches 9 days (first reminder), `week` 14 (second reminder, and the leader),
    # `stale` 21 (third reminder; the leader's next one comes at 28).
    queued.clear()
    assert await reminders.queue("console", render, today + timedelta(days=6)) == 4
    assert sorted(queued) == sorted(
        [
            ("case_remind_reporter", fresh.id, 9),
            ("case_remind_reporter", week.id, 14),
            ("case_remind_leader", week.id, 14),
            ("case_remind_reporter", stale.id, 21),
        ]
    )
    # A reminder nobody can receive (no chat on any channel of the deployment) is not remembered: tried again.
    other = await make_case(bot, LEADER, received=today - timedelta(days=7))
    leader = await person(bot, LEADER)
    await bot.services.db.execute("DELETE FROM identities WHERE person_id = ?", (leader.id,))
    assert await reminders.queue("console", render, today) == 0
    assert other.id in {r.case.id for r in await cases.due_reminders(today)}


async def test_reminder_job_through_the_application(bot):
    cases = bot.services.cases
    case = await make_case(bot, MEDIATOR, received=cases.today() - timedelta(days=15))
    jobs = bot.app.job_queue.get_jobs_by_name(REMINDER_JOB)
    assert len(jobs) == 1
    before = len(bot.api.outbox)
    await jobs[0].run(bot.app)
    await worker_of(bot.app).drain()
    sent = bot.api.outbox[before:]
    to_mediator = [m for m in sent if m["chat"]["id"] == bot.user_id(MEDIATOR)]
    to_leader = [m for m in sent if m["chat"]["id"] == bot.user_id(LEADER)]
    assert len(to_mediator) == 1 and case.number in to_mediator[0]["text"]
    assert len(to_leader) == 1 and "Nhắc tổ trưởng" in to_leader[0]["text"]
    # The reminder's button records the result.
    out = await bot.tap(MEDIATOR, "Ghi kết quả", message=to_mediator[0])
    assert case.number in texts(out)
    # A restart does not send them again.
    await bot.restart()
    before = len(bot.api.outbox)
    await bot.app.job_queue.get_jobs_by_name(REMINDER_JOB)[0].run(bot.app)
    await worker_of(bot.app).drain()
    assert bot.api.outbox[before:] == []


async def test_forged_case_ids_and_unknown_cases(bot):
    out = await bot.say(MEDIATOR, "/vuviec")
    out = await bot.tap_data(MEDIATOR, "case:v:999999", message=out[-1])
    assert msg.CASE_NOT_FOUND in texts(out)
    out = await bot.tap_data(MEDIATOR, "case:go:n:deadbeefdeadbeef")
    assert msg.CASE_DRAFT_GONE in texts(out)
    out = await bot.tap_data("guest", "case:v:1", message=(await bot.say("guest", "/start"))[-1])
    assert msg.NEED_REGISTRATION in texts(out)
