"""/taphuan: events announced through the outbox, RSVP, the reminder job, attendance and trained dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import messages as msg
from bot.delivery import worker_of
from bot.jobs import training_reminders
from services.broadcast import BroadcastScope, PermissionDenied
from services.models import PersonDraft, Role
from services.training import WhenError, parse_when
from tests.harness import texts

MEDIATOR, LEADER, COMMUNE, PROVINCE = 1001, 1002, 1003, 1004
TZ = "Asia/Ho_Chi_Minh"


async def person(bot, ref: str):
    row = await bot.services.db.fetchone("SELECT id FROM persons WHERE external_ref = ?", (ref,))
    return await bot.services.people.get(row["id"])


async def tick(bot, who: int, fragment: str) -> list[dict]:
    option = next(o for o in bot.buttons(who) if fragment in o.label)
    return await bot.tap(who, option.callback_data)


def checklist_text(bot, who: int) -> str:
    return bot.api.current(bot.last_with_buttons(who))["text"]


async def make_event(bot, days: float = 3, scope: BroadcastScope | None = None) -> tuple[int, int]:
    official = await bot.services.people.by_identity("console", str(COMMUNE))
    ml = await bot.services.org.commune_by_code("ML")
    starts = datetime.now(UTC) + timedelta(days=days)
    event_id, broadcast_id, _ = await bot.services.training.create(
        official,
        scope or BroadcastScope(communes=(ml.id,)),
        "console",
        title="Kỹ năng hòa giải đất đai",
        starts_at=starts,
        place="Hội trường UBND phường",
        render=lambda e: f"Tập huấn {e['title']}",
    )
    return event_id, broadcast_id


RECENT = (datetime.now(UTC) - timedelta(days=10)).date().isoformat()


async def to_past(bot, event_id: int, day: str = RECENT) -> None:
    await bot.services.db.execute(
        "UPDATE training_events SET starts_at = ?, local_date = ? WHERE id = ?",
        (f"{day}T01:00:00+00:00", day, event_id),
    )


async def test_official_creates_event_and_mediators_answer(bot):
    when = (datetime.now(ZoneInfo(TZ)) + timedelta(days=5)).strftime("%d/%m/%Y") + " 08:30"
    await bot.say(COMMUNE, "/taphuan")
    await bot.tap(COMMUNE, "Tạo buổi tập huấn")
    out = await bot.say(COMMUNE, "ab")
    assert msg.TR_BAD_TITLE in texts(out)
    await bot.say(COMMUNE, "Kỹ năng hòa giải tranh chấp đất đai")
    out = await bot.say(COMMUNE, "mai")
    assert msg.TR_WHEN_ERRORS["format"] in texts(out)
    out = await bot.say(COMMUNE, "01/01/2020 08:00")
    assert msg.TR_WHEN_ERRORS["past"] in texts(out)
    await bot.say(COMMUNE, when)
    await bot.say(COMMUNE, "Hội trường UBND phường Mường Lay")
    out = await bot.tap(COMMUNE, "Toàn xã/phường")
    preview = next(m for m in out if "TẬP HUẤN" in (m.get("text") or ""))
    assert "08:30" in preview["text"] and when[:10] in preview["text"] and "Lò Thị Hoa" in preview["text"]
    assert "2 người" in texts(out)
    await bot.tap(COMMUNE, "Tạo và gửi thông báo")
    await worker_of(bot.app).drain()
    received = bot.api.sent_to(MEDIATOR)[-1]
    assert received["text"] == preview["text"]
    await bot.tap(MEDIATOR, "Tham gia", message=received)
    assert bot.api.callback_answers[-1]["text"] == msg.TR_ANSWER_YES
    assert bot.api.current(received)["reply_markup"]["inline_keyboard"][0][0]["text"] == msg.TR_BTN_YES_CHOSEN
    await bot.tap(LEADER, "Không tham gia", message=bot.api.sent_to(LEADER)[-1])
    counts = await bot.services.training.repo.rsvp_counts(1)
    assert counts == {"yes": 1, "no": 1}
    # the official sees the answers; the mediator sees the event and their answer
    await bot.say(COMMUNE, "/taphuan")
    out = await bot.tap(COMMUNE, "Các buổi sắp tới")
    assert "Tham gia: 1 · Không: 1 · Chưa trả lời: 0" in texts(out)  # both who received it answered
    out = await bot.say(MEDIATOR, "/taphuan")
    assert "Kỹ năng hòa giải tranh chấp đất đai" in texts(out) and "sẽ tham gia" in texts(out)
    await bot.tap(MEDIATOR, 2)  # change of mind from the list
    assert await bot.services.training.repo.rsvp_of(1, (await person(bot, "ML-01-02")).id) == "no"


async def test_forged_rsvp_and_mediator_cannot_create(bot):
    await make_event(bot)
    out = await bot.say(MEDIATOR, "/taphuan")
    assert msg.TR_BTN_NEW not in str(out)
    out = await bot.tap_data(MEDIATOR, "tr:new", bot.api.sent_to(MEDIATOR)[-1])
    assert "TẬP HUẤN" not in texts(out)
    nh_leader = await person(bot, "NH-01-01")
    await bot.services.people.link_identity(nh_leader.id, "console", "3001", "3001")
    await bot.tap_data(3001, "tr:r:1:y", bot.api._new_bot_message(3001, {}, text="x"))
    assert bot.api.callback_answers[-1]["text"] == msg.TR_NOT_INVITED
    assert await bot.services.training.repo.rsvp_of(1, nh_leader.id) is None
    with pytest.raises(PermissionDenied):
        await bot.services.training.answer(nh_leader, 1, "yes")


async def test_reminder_the_day_before_once_and_not_to_decliners(bot):
    event_id, _ = await make_event(bot, days=3)
    await worker_of(bot.app).drain()
    leader = await bot.services.people.by_identity("console", str(LEADER))
    await bot.services.training.answer(leader, event_id, "no")
    event = await bot.services.training.repo.get(event_id)
    starts = datetime.fromisoformat(event["starts_at"])
    assert await training_reminders(bot.app, now=starts - timedelta(hours=30)) == 0  # too early
    assert await training_reminders(bot.app, now=starts - timedelta(hours=20)) == 1
    assert await training_reminders(bot.app, now=starts - timedelta(hours=19)) == 0  # idempotent
    await worker_of(bot.app).drain()
    assert "NHẮC LỊCH" in texts(bot.api.sent_to(MEDIATOR)[-1:])
    assert "NHẮC LỊCH" not in texts(bot.api.sent_to(LEADER))
    event = await bot.services.training.repo.get(event_id)
    assert event["reminded_at"] and event["reminder_id"]
    # an event announced less than a day before gets no separate reminder
    late_id, _ = await make_event(bot, days=0.5)
    late = await bot.services.training.repo.get(late_id)
    assert late not in await bot.services.training.due_reminders(
        datetime.fromisoformat(late["starts_at"]) - timedelta(hours=1)
    )


async def test_attendance_sets_trained_dates(bot):
    event_id, _ = await make_event(bot)
    await to_past(bot, event_id)
    binh, mai = await person(bot, "ML-01-03"), await person(bot, "ML-01-02")
    assert binh.trained_on is None and mai.trained_on == "2024-08-20"
    await bot.say(COMMUNE, "/taphuan")
    await bot.tap(COMMUNE, "Điểm danh sau buổi tập huấn")
    await bot.tap(COMMUNE, 1)
    assert "đã chọn 0/6" in checklist_text(bot, COMMUNE)  # the six team members of the commune
    await tick(bot, COMMUNE, "Nguyễn Văn Bình")
    await tick(bot, COMMUNE, "Quàng Thị Mai")
    assert "đã chọn 2/6" in checklist_text(bot, COMMUNE)
    out = await bot.tap(COMMUNE, "Xong")
    assert "2 người dự" in texts(out) and "cho 1 người" in texts(out)
    assert (await bot.services.people.get(binh.id)).trained_on == RECENT  # first training
    assert (await bot.services.people.get(mai.id)).trained_on == "2024-08-20"  # earlier training kept
    assert await bot.services.training.repo.attendees(event_id) == sorted([binh.id, mai.id])
    # a correction: Bình did not attend after all -> his date is restored
    await bot.say(COMMUNE, "/taphuan")
    await bot.tap(COMMUNE, "Điểm danh sau buổi tập huấn")
    await bot.tap(COMMUNE, 1)
    assert "đã chọn 2/6" in checklist_text(bot, COMMUNE)
    await tick(bot, COMMUNE, "Nguyễn Văn Bình")
    await bot.tap(COMMUNE, "Xong")
    assert (await bot.services.people.get(binh.id)).trained_on is None
    assert await bot.services.training.repo.attendees(event_id) == [mai.id]


async def test_earlier_training_lowers_trained_date_and_statistics_table(bot):
    official = await bot.services.people.by_identity("console", str(COMMUNE))
    event_id, _ = await make_event(bot)
    await to_past(bot, event_id, "2024-01-10")
    mai = await person(bot, "ML-01-02")
    count, changed = await bot.services.training.save_attendance(official, event_id, {mai.id})
    assert (count, changed) == (1, 1)
    assert (await bot.services.people.get(mai.id)).trained_on == "2024-01-10"
    await bot.services.training.save_attendance(official, event_id, set())
    assert (await bot.services.people.get(mai.id)).trained_on == "2024-08-20"


async def test_attendance_refuses_forged_people_and_events(bot):
    official = await bot.services.people.by_identity("console", str(COMMUNE))
    event_id, _ = await make_event(bot)
    nh_member = await person(bot, "NH-01-02")
    with pytest.raises(WhenError):  # not started yet
        await bot.services.training.save_attendance(official, event_id, set())
    await to_past(bot, event_id)
    with pytest.raises(PermissionDenied):
        await bot.services.training.save_attendance(official, event_id, {nh_member.id})
    await bot.say(COMMUNE, "/taphuan")
    await bot.tap(COMMUNE, "Điểm danh sau buổi tập huấn")
    await bot.tap(COMMUNE, 1)
    out = await bot.tap_data(COMMUNE, f"tr:at:{event_id}:{nh_member.id}:0")
    assert "không được dùng" in texts(out)
    # an official of another commune cannot open this event's checklist
    nh_official = await person(bot, "NH-TP-01")
    await bot.services.people.link_identity(nh_official.id, "console", "3002", "3002")
    out = await bot.tap_data(3002, f"tr:ae:{event_id}", bot.api._new_bot_message(3002, {}, text="x"))
    assert "không được dùng" in texts(out)
    with pytest.raises(PermissionDenied):
        await bot.services.training.save_attendance(nh_official, event_id, set())
    out = await bot.tap_data(MEDIATOR, f"tr:as:{event_id}", bot.api._new_bot_message(MEDIATOR, {}, text="x"))
    assert "không được dùng" in texts(out)


async def test_long_checklist_is_paged(bot):
    ml = await bot.services.org.commune_by_code("ML")
    team = await bot.services.org.team_by_code("ML-02")
    for i in range(12):
        await bot.services.people.create(
            PersonDraft(full_name=f"Người Thứ {i:02d}", role=Role.MEDIATOR, commune_id=ml.id, team_id=team.id)
        )
    event_id, _ = await make_event(bot)
    await to_past(bot, event_id)
    await bot.say(COMMUNE, "/taphuan")
    await bot.tap(COMMUNE, "Điểm danh sau buổi tập huấn")
    await bot.tap(COMMUNE, 1)
    labels = [o.label for o in bot.buttons(COMMUNE)]
    assert "Trang sau ▶" in labels and len([x for x in labels if x.startswith("☐")]) == 8
    await bot.tap(COMMUNE, "Trang sau ▶")
    await tick(bot, COMMUNE, "Người Thứ 11")
    out = await bot.tap(COMMUNE, "Xong")
    assert "1 người dự" in texts(out)


@given(st.datetimes(min_value=datetime(2026, 1, 2), max_value=datetime(2026, 12, 30)))
def test_parse_when_round_trip(moment):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    moment = moment.replace(second=0, microsecond=0)
    for text in (
        moment.strftime("%d/%m/%Y %H:%M"),
        moment.strftime("%-d-%-m-%Y %-Hh%M"),
        moment.strftime("%d/%m/%y, lúc %H giờ %M"),
    ):
        assert parse_when(text, TZ, now) == moment.replace(tzinfo=ZoneInfo(TZ))


@pytest.mark.parametrize(
    "text,reason",
    [
        ("14/10", "format"),
        ("31/02/2026 08:00", "invalid"),
        ("01/01/2020 8:00", "past"),
        ("01/01/2030 8:00", "too_far"),
        ("25:00 hôm nay", "format"),
    ],
)
def test_parse_when_errors(text, reason):
    with pytest.raises(WhenError) as info:
        parse_when(text, TZ, datetime(2026, 1, 1, tzinfo=UTC))
    assert info.value.reason == reason
