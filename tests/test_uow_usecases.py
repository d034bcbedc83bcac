"""Remuneration lists, training events, the logbook's follow-ups and broadcasts, each one unit of work
(storage/uow.py) in its service: a failure after the first write leaves nothing, and (PostgreSQL, a pool of
connections, so the transactions really overlap) the row locks keep concurrent use cases right. On SQLite (one
writer at a time) the concurrent tests check the same outcome one after the other."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.config import Config
from bot.container import Services
from handlers.agreements import render
from services.agreements import NOT_DONE
from services.broadcast import BroadcastScope
from services.pay_lists import PayConflict, PayInputError, PayListService
from services.statistics import Period
from storage.audit import AuditLog
from storage.broadcasts import BroadcastRepository
from storage.logbook import LogbookRepository
from storage.remuneration import RemunerationRepository
from storage.training import TrainingRepository
from tests import dbtarget
from tests.test_cases_flow import report
from tests.test_remuneration import Pay
from tests.test_training import COMMUNE, LEADER, RECENT, make_event, person, to_past

JAN = Period(date(2026, 1, 1), date(2026, 1, 31))


class Injected(RuntimeError):
    """The failure a test injects into a use case after one of its writes."""


def fail_after(monkeypatch, cls, name: str) -> None:
    """`cls.name` does its write, then the use case fails (as if the process or the next statement did)."""
    original = getattr(cls, name)

    async def failing(self, *args, **kwargs):
        await original(self, *args, **kwargs)
        raise Injected(name)

    monkeypatch.setattr(cls, name, failing)


async def blocked_by(db, pid: int) -> bool:
    """PostgreSQL: whether a backend waits for a lock that backend `pid` holds."""
    row = await db.fetchone(
        "SELECT COUNT(*) AS n FROM pg_locks WHERE NOT granted AND ? = ANY(pg_blocking_pids(pid))", (pid,)
    )
    return bool(row["n"])


def overlap_after(monkeypatch, cls, name: str, parties: int = 2) -> None:
    """Make concurrent use cases overlap for sure (PostgreSQL): after `cls.name` (a read the use case
    decides on), each waits until the other use cases have read too, or one of them is seen waiting for a
    lock this one holds. Without the lock both read before either writes; with it the others wait. No
    timing: only the order of events. On SQLite (one writer at a time) nothing overlaps: no waiting."""
    original = getattr(cls, name)
    arrived: list[object] = []

    async def held(*args, **kwargs):
        found = await original(*args, **kwargs)
        arrived.append(args)
        if dbtarget.on_postgres():
            db = args[0].db  # the repository of the unit of work: its connection
            pid = int((await db.fetchone("SELECT pg_backend_pid() AS pid"))["pid"])
            while True:  # polled: the other party is another connection
                if len(arrived) >= parties or await blocked_by(db, pid):
                    break
                await asyncio.sleep(0.01)
        return found

    monkeypatch.setattr(
        cls, name, staticmethod(held) if isinstance(cls.__dict__[name], staticmethod) else held
    )


async def audit_actions(services: Services, object_type: str) -> list[str]:
    return [r.action for r in await AuditLog(services.db).rows(object_type=object_type)]


# --- remuneration lists ---------------------------------------------------------------------------------
@pytest.fixture
async def pay(tmp_path):
    target = dbtarget.database_for(tmp_path, "pay.db")
    await dbtarget.prepare(target)
    services = Services.build(Config(database_path=target))
    await services.open()
    try:
        yield await Pay(services).setup()
    finally:
        await services.close()


async def test_a_list_drawn_up_is_stored_with_its_lines_and_audit_row_or_not_at_all(pay, monkeypatch):
    await pay.case("thanh", "2026-01-12")
    for step in ("save_list",):  # the first write: the list and its lines
        with monkeypatch.context() as patch:
            fail_after(patch, RemunerationRepository, step)
            with pytest.raises(Injected):
                await pay.service.draw_up(pay.official, pay.commune, JAN)
    with monkeypatch.context() as patch:  # the last write: the audit row
        fail_after(patch, AuditLog, "add")
        with pytest.raises(Injected):
            await pay.service.draw_up(pay.official, pay.commune, JAN)
    assert await pay.service.repo.lists(pay.commune.id) == []
    assert await pay.services.db.fetchone("SELECT 1 FROM remuneration_items") is None
    assert await audit_actions(pay.services, "remuneration_list") == []
    stored, _ = await pay.service.draw_up(pay.official, pay.commune, JAN)
    assert stored.number == 1 and stored.data["number"] == 1  # no number was used up by the failures
    assert await audit_actions(pay.services, "remuneration_list") == ["remuneration.draft"]


async def test_marking_paid_changes_the_list_with_its_audit_row_or_not_at_all(pay, monkeypatch):
    await pay.case("thanh", "2026-01-12")
    await pay.service.draw_up(pay.official, pay.commune, JAN)
    with monkeypatch.context() as patch:
        fail_after(patch, RemunerationRepository, "set_paid")
        with pytest.raises(Injected):
            await pay.service.mark_paid(pay.official, pay.commune, 1, date(2026, 2, 3))
    assert (await pay.service.repo.get_list(pay.commune.id, 1)).status == "drafted"
    assert await audit_actions(pay.services, "remuneration_list") == ["remuneration.draft"]
    paid = await pay.service.mark_paid(pay.official, pay.commune, 1, date(2026, 2, 3))
    assert (paid.status, paid.paid_on) == ("paid", "2026-02-03")


async def test_an_exclusion_its_lifting_and_a_rate_come_with_their_audit_rows_or_not_at_all(pay, monkeypatch):
    number = await pay.case("thanh", "2026-01-12")
    reason = "Vi phạm Điều 10 khoản 3 Luật 35/2013: có quyền lợi liên quan"
    with monkeypatch.context() as patch:
        fail_after(patch, RemunerationRepository, "exclude")
        with pytest.raises(Injected):
            await pay.service.exclude(pay.official, pay.commune, number, reason)
    assert await pay.service.repo.exclusions(pay.commune.id) == {}
    await pay.service.exclude(pay.official, pay.commune, number, reason)
    with monkeypatch.context() as patch:
        fail_after(patch, RemunerationRepository, "lift_exclusion")
        with pytest.raises(Injected):
            await pay.service.include(pay.official, pay.commune, number)
    assert len(await pay.service.repo.exclusions(pay.commune.id)) == 1
    assert await audit_actions(pay.services, "case") == ["remuneration.exclude"]
    with monkeypatch.context() as patch:
        fail_after(patch, RemunerationRepository, "add_rate")
        with pytest.raises(Injected):
            await pay.service.set_rate(
                pay.province, None, date(2026, 2, 1), 1, 1, 1, "Nghị quyết thử", actor_label="test"
            )
    assert await pay.service.repo.rates(pay.province.id, pay.commune.id) == ([], [])
    assert await audit_actions(pay.services, "remuneration_rate") == []


async def test_lists_drawn_up_at_once_in_one_commune_get_consecutive_numbers(pay):
    await pay.case("thanh", "2026-01-12")
    stored = await asyncio.gather(*(pay.service.draw_up(pay.official, pay.commune, JAN) for _ in range(4)))
    assert sorted(s.number for s, _ in stored) == [1, 2, 3, 4]
    assert sorted(s.data["number"] for s, _ in stored) == [1, 2, 3, 4]
    rows = await AuditLog(pay.services.db).rows(object_type="remuneration_list")
    assert sorted(r.after["number"] for r in rows) == [1, 2, 3, 4]


async def test_one_list_marked_paid_twice_at_once_is_paid_once(pay):
    await pay.case("thanh", "2026-01-12")
    await pay.service.draw_up(pay.official, pay.commune, JAN)
    outcomes = await asyncio.gather(
        *(pay.service.mark_paid(pay.official, pay.commune, 1, date(2026, 2, 3)) for _ in range(3)),
        return_exceptions=True,
    )
    paid = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(paid) == 1 and paid[0].status == "paid"
    assert all(isinstance(e, PayInputError) and e.reason == "not_draft" for e in refused), refused
    assert await audit_actions(pay.services, "remuneration_list") == [
        "remuneration.paid",
        "remuneration.draft",
    ]


async def test_two_lists_of_the_same_case_paid_at_once_pay_it_once(pay, monkeypatch):
    number = await pay.case("khong_thanh", "2026-01-12")
    await pay.service.draw_up(pay.official, pay.commune, JAN)
    await pay.service.draw_up(pay.official, pay.commune, JAN)
    overlap_after(monkeypatch, PayListService, "_conflicts")
    outcomes = await asyncio.gather(
        *(pay.service.mark_paid(pay.official, pay.commune, n, date(2026, 2, 3)) for n in (1, 2)),
        return_exceptions=True,
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    (conflict,) = [o for o in outcomes if isinstance(o, BaseException)]
    assert isinstance(conflict, PayConflict) and number in conflict.what
    assert len(await pay.service.repo.paid_cases(pay.commune.id)) == 1


async def test_lists_of_merged_communes_paid_at_once_pay_a_team_month_once(pay, monkeypatch):
    """A commune merged into ML: its teams' months are on both communes' lists until one is paid. Paying
    both at once (each under its own commune's lock alone, both would pass) pays the month once."""
    old = await pay.services.org.upsert_commune(pay.province.id, "MX", "Xã Mường Xen")
    await pay.services.org.upsert_team(old.id, "MX-01", "Tổ hòa giải bản Xen")
    year = date.today().year - 1
    jan = Period(date(year, 1, 1), date(year, 1, 31))
    await pay.service.draw_up(None, old, jan, actor_label="cli")
    await pay.services.db.execute(  # the record a merge leaves (services/org_list.py merge_communes)
        "INSERT INTO commune_merges(from_commune_id, into_commune_id, merged_on, created_at)"
        " VALUES (?, ?, ?, ?)",
        (old.id, pay.commune.id, date.today().isoformat(), datetime.now(UTC).isoformat()),
    )
    await pay.service.draw_up(None, pay.commune, jan, actor_label="cli")
    assert await pay.service.repo.merge_family(old.id) == await pay.service.repo.merge_family(pay.commune.id)
    overlap_after(monkeypatch, PayListService, "_conflicts")
    outcomes = await asyncio.gather(
        pay.service.mark_paid(None, old, 1, date(year, 2, 3), actor_label="cli"),
        pay.service.mark_paid(None, pay.commune, 1, date(year, 2, 3), actor_label="cli"),
        return_exceptions=True,
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    (conflict,) = [o for o in outcomes if isinstance(o, BaseException)]
    assert isinstance(conflict, PayConflict) and f"MX-01 {year}-01" in conflict.what
    months = await pay.service.repo.paid_months(pay.commune.id)
    team = await pay.services.org.team_by_code("MX-01")
    assert (team.id, f"{year}-01") in months


# --- training events ------------------------------------------------------------------------------------
async def _row(db, sql: str, *params) -> dict:
    return dict(await db.fetchone(sql, params))


async def test_an_event_is_stored_with_its_announcement_and_outbox_or_not_at_all(bot, monkeypatch):
    with monkeypatch.context() as patch:
        fail_after(patch, TrainingRepository, "create_event")
        with pytest.raises(Injected):
            await make_event(bot)
    db = bot.services.db
    assert (await _row(db, "SELECT COUNT(*) AS n FROM training_events"))["n"] == 0
    assert (await _row(db, "SELECT COUNT(*) AS n FROM broadcasts"))["n"] == 0
    assert (await _row(db, "SELECT COUNT(*) AS n FROM outbox"))["n"] == 0
    event_id, broadcast_id = await make_event(bot)
    assert (await bot.services.training.repo.get(event_id))["announcement_id"] == broadcast_id
    assert (await bot.services.broadcasts.repo.counts(broadcast_id))["total"] == 2


async def test_a_reminder_is_stored_once_with_its_outbox_or_not_at_all(bot, monkeypatch):
    event_id, _ = await make_event(bot, days=0.5)
    event = await bot.services.training.repo.get(event_id)
    with monkeypatch.context() as patch:
        fail_after(patch, TrainingRepository, "mark_reminded")
        with pytest.raises(Injected):
            await bot.services.training.remind(event, "console", "Nhắc")
    assert (await bot.services.training.repo.get(event_id))["reminded_at"] is None
    outcomes = await asyncio.gather(
        *(bot.services.training.remind(event, "console", "Nhắc") for _ in range(3))
    )
    reminders = [b for b, _ in outcomes if b is not None]
    assert len(reminders) == 1
    assert (await bot.services.training.repo.get(event_id))["reminder_id"] == reminders[0]
    row = await _row(bot.services.db, "SELECT COUNT(*) AS n FROM broadcasts WHERE kind = 'reminder'")
    assert row["n"] == 1


async def _trained(bot, person_id: int) -> str | None:
    return (await bot.services.training.repo.trained_on(person_id))[1]


async def test_attendance_is_saved_with_the_trained_dates_or_not_at_all(bot, monkeypatch):
    official = await bot.services.people.by_identity("console", str(COMMUNE))
    mai = await person(bot, "ML-01-01")
    await bot.services.db.execute("UPDATE persons SET trained_on = NULL WHERE id = ?", (mai.id,))
    event_id, _ = await make_event(bot)
    await to_past(bot, event_id)
    with monkeypatch.context() as patch:
        fail_after(patch, TrainingRepository, "set_trained_on")
        with pytest.raises(Injected):
            await bot.services.training.save_attendance(official, event_id, {mai.id})
    assert await bot.services.training.repo.attendance(event_id) == {}
    assert await _trained(bot, mai.id) is None
    await bot.services.training.save_attendance(official, event_id, {mai.id})
    assert await _trained(bot, mai.id) == RECENT
    with monkeypatch.context() as patch:  # un-ticking: the date restored, or nothing changed
        fail_after(patch, TrainingRepository, "remove_attendance")
        with pytest.raises(Injected):
            await bot.services.training.save_attendance(official, event_id, set())
    assert set(await bot.services.training.repo.attendance(event_id)) == {mai.id}
    assert await _trained(bot, mai.id) == RECENT


async def test_attendance_of_two_events_saved_at_once_keeps_the_earliest_trained_date(bot, monkeypatch):
    """Each save reads the person's trained date, then sets it if the event is earlier: without the person's
    row lock both would read the old date and the later event could win."""
    official = await bot.services.people.by_identity("console", str(COMMUNE))
    mai = await person(bot, "ML-01-01")
    await bot.services.db.execute("UPDATE persons SET trained_on = NULL WHERE id = ?", (mai.id,))
    early, _ = await make_event(bot)
    late, _ = await make_event(bot)
    days = [(datetime.now(UTC) - timedelta(days=d)).date().isoformat() for d in (20, 10)]
    await to_past(bot, early, days[0])
    await to_past(bot, late, days[1])
    overlap_after(monkeypatch, TrainingRepository, "trained_on")
    await asyncio.gather(
        bot.services.training.save_attendance(official, late, {mai.id}),
        bot.services.training.save_attendance(official, early, {mai.id}),
    )
    assert await _trained(bot, mai.id) == days[0]
    rows = {e: (await bot.services.training.repo.attendance(e))[mai.id] for e in (early, late)}
    # whichever ran first, un-ticking the early event would give the late event's date back
    assert rows[early]["changed_trained_on"] == 1
    assert rows[early]["previous_trained_on"] in (None, days[1])


# --- the logbook's follow-ups -----------------------------------------------------------------------------
async def _followup_case(bot):
    await report(bot)
    return (await bot.services.cases.repo.find(limit=1))[0]


async def _count(db, sql: str, *params) -> int:
    return int((await db.fetchone(sql, params))["n"])


async def test_a_follow_up_step_is_stored_with_its_messages_or_not_at_all(bot, monkeypatch):
    case = await _followup_case(bot)
    followups = bot.services.followups
    today = bot.services.cases.today() + timedelta(days=30)
    with monkeypatch.context() as patch:
        fail_after(patch, LogbookRepository, "start_followup")
        with pytest.raises(Injected):
            await followups.run("console", render, today=today)
    assert await followups.repo.followup(case.id) is None
    assert (
        await _count(bot.services.db, "SELECT COUNT(*) AS n FROM broadcasts WHERE case_id = ?", case.id) == 0
    )
    reports = await asyncio.gather(*(followups.run("console", render, today=today) for _ in range(3)))
    assert sum(r.asked for r in reports) == 1  # the step happens once
    assert (await followups.repo.followup(case.id))["status"] == "asked"
    assert (
        await _count(bot.services.db, "SELECT COUNT(*) AS n FROM broadcasts WHERE case_id = ?", case.id) == 1
    )


async def test_an_answer_and_an_action_come_with_their_audit_rows_and_notices_or_not_at_all(bot, monkeypatch):
    case = await _followup_case(bot)
    mediator = await bot.services.people.get(case.mediator_ids[0])
    followups = bot.services.followups
    db = bot.services.db
    audit_sql = "SELECT COUNT(*) AS n FROM case_audit WHERE case_id = ? AND action LIKE 'agreement%'"
    with monkeypatch.context() as patch:
        fail_after(patch, LogbookRepository, "audit")
        with pytest.raises(Injected):
            await followups.answer(mediator, case.id, "not_done", "console", render)
        with pytest.raises(Injected):
            await followups.add_note(mediator, case.id, "Hai bên hẹn trả dần")
    assert await followups.repo.followup(case.id) is None
    assert await _count(db, audit_sql, case.id) == 0
    assert await _count(db, "SELECT COUNT(*) AS n FROM broadcasts WHERE case_id = ?", case.id) == 0
    await followups.answer(mediator, case.id, "not_done", "console", render)
    await followups.add_note(mediator, case.id, "Hai bên hẹn trả dần")
    found = await followups.repo.followup(case.id)
    assert (found["answer"], found["action"], found["note"]) == ("not_done", "note", "Hai bên hẹn trả dần")
    assert await _count(db, audit_sql, case.id) == 2
    assert await _count(db, "SELECT COUNT(*) AS n FROM broadcasts WHERE topic = ?", NOT_DONE) == 1


async def test_not_done_answered_twice_at_once_tells_the_leader_once(bot, monkeypatch):
    """The notice goes when the answer BECOMES 'not_done': the earlier answer is read under the case's row
    lock, so of two such answers at once the second sees the first."""
    case = await _followup_case(bot)
    mediator = await bot.services.people.get(case.mediator_ids[0])
    official = await bot.services.people.by_identity("console", str(COMMUNE))
    overlap_after(monkeypatch, LogbookRepository, "followup")
    await asyncio.gather(
        *(
            bot.services.followups.answer(p, case.id, "not_done", "console", render)
            for p in (mediator, official)
        )
    )
    db = bot.services.db
    assert await _count(db, "SELECT COUNT(*) AS n FROM broadcasts WHERE topic = ?", NOT_DONE) == 1
    audit = await db.fetchall(
        "SELECT before_json FROM case_audit WHERE case_id = ? AND action = 'agreement_followup' ORDER BY id",
        (case.id,),
    )
    assert [json.loads(r["before_json"])["answer"] for r in audit] == [None, "not_done"]


# --- broadcasts -------------------------------------------------------------------------------------------
async def test_a_broadcast_is_stored_with_its_outbox_or_not_at_all(bot, monkeypatch):
    official = await bot.services.people.by_identity("console", str(COMMUNE))
    ml = await bot.services.org.commune_by_code("ML")
    with monkeypatch.context() as patch:
        fail_after(patch, BroadcastRepository, "create")
        with pytest.raises(Injected):
            await bot.services.broadcasts.create(
                official, BroadcastScope(communes=(ml.id,)), "console", "Tin"
            )
    db = bot.services.db
    assert await _count(db, "SELECT COUNT(*) AS n FROM broadcasts") == 0
    assert await _count(db, "SELECT COUNT(*) AS n FROM outbox") == 0
    broadcast_id, count = await bot.services.broadcasts.create(
        official, BroadcastScope(communes=(ml.id,)), "console", "Tin"
    )
    assert (await bot.services.broadcasts.repo.counts(broadcast_id))["total"] == count == 2


async def test_acknowledged_twice_at_once_is_recorded_once(bot):
    official = await bot.services.people.by_identity("console", str(COMMUNE))
    ml = await bot.services.org.commune_by_code("ML")
    broadcast_id, _ = await bot.services.broadcasts.create(
        official, BroadcastScope(communes=(ml.id,)), "console", "Tin"
    )
    mai = await person(bot, "ML-01-01")
    outcomes = await asyncio.gather(
        *(bot.services.broadcasts.acknowledge(broadcast_id, mai) for _ in range(4))
    )
    assert sorted(outcomes) == [False, False, False, True]
    assert await bot.services.broadcasts.acknowledge(broadcast_id, official) is None  # not a recipient
    assert (await bot.services.broadcasts.repo.counts(broadcast_id))["acked"] == 1


# --- a training answer (RSVP), one unit of work under the event's lock (issue 15, session 3) --------------
async def _reminded(bot, event_id: int) -> set[int]:
    rows = await bot.services.db.fetchall(
        "SELECT o.person_id FROM outbox o JOIN training_events e ON e.reminder_id = o.broadcast_id"
        " WHERE e.id = ?",
        (event_id,),
    )
    return {r["person_id"] for r in rows}


async def test_a_decline_stored_while_the_reminder_is_due_is_never_reminded(bot, monkeypatch):
    """The decline holds the event's lock (stored, not committed yet) when the daily reminder starts: the
    reminder waits for it and leaves the decliner out."""
    event_id, _ = await make_event(bot, days=0.5)
    event = await bot.services.training.repo.get(event_id)
    leader = await bot.services.people.by_identity("console", str(LEADER))
    stored, release, pids = asyncio.Event(), asyncio.Event(), []
    original = TrainingRepository.set_rsvp

    async def held(self, *args, **kwargs):
        await original(self, *args, **kwargs)
        if dbtarget.on_postgres():
            pids.append(int((await self.db.fetchone("SELECT pg_backend_pid() AS pid"))["pid"]))
        stored.set()
        await release.wait()

    monkeypatch.setattr(TrainingRepository, "set_rsvp", held)
    decline = asyncio.create_task(bot.services.training.answer(leader, event_id, "no"))
    await stored.wait()
    remind = asyncio.create_task(bot.services.training.remind(event, "console", "Nhắc"))
    if pids:  # PostgreSQL: release the decline once the reminder waits for its lock
        while True:  # polled: the reminder runs on another connection
            if remind.done() or await blocked_by(bot.services.db, pids[0]):
                break
            await asyncio.sleep(0.01)
    else:  # SQLite: the reminder's transaction waits for the only writer; let it get there
        for _ in range(20):
            await asyncio.sleep(0)
    release.set()
    await decline
    broadcast_id, count = await remind
    assert broadcast_id is not None and count >= 1
    reminded = await _reminded(bot, event_id)
    assert leader.id not in reminded and len(reminded) == count
    assert await bot.services.training.answer_of(event_id, leader) == "no"


async def test_a_decline_arriving_while_the_reminder_is_stored_waits_for_it(bot, monkeypatch):
    """The reminder has read who declined (under the event's lock) when a decline arrives: the decline waits
    until the reminder is stored, so no one is reminded after their decline was stored. Before, the reminder
    read who declined before its unit of work and the decline committed in between (PostgreSQL)."""
    event_id, _ = await make_event(bot, days=0.5)
    event = await bot.services.training.repo.get(event_id)
    leader = await bot.services.people.by_identity("console", str(LEADER))
    read, release, pids = asyncio.Event(), asyncio.Event(), []
    original = BroadcastRepository.recipients

    async def held(self, *args, **kwargs):
        found = await original(self, *args, **kwargs)
        if kwargs.get("exclude_declined_event") is not None:  # the reminder's read of who declined
            if dbtarget.on_postgres():
                pids.append(int((await self.db.fetchone("SELECT pg_backend_pid() AS pid"))["pid"]))
            read.set()
            await release.wait()
        return found

    monkeypatch.setattr(BroadcastRepository, "recipients", held)
    remind = asyncio.create_task(bot.services.training.remind(event, "console", "Nhắc"))
    await read.wait()
    decline = asyncio.create_task(bot.services.training.answer(leader, event_id, "no"))
    if pids:  # PostgreSQL: wait until the decline is stored or waits for the reminder's lock
        while True:  # polled: the decline runs on another connection
            if decline.done() or await blocked_by(bot.services.db, pids[0]):
                break
            await asyncio.sleep(0.01)
    else:  # SQLite: the decline's transaction waits for the only writer; let it get there
        for _ in range(20):
            await asyncio.sleep(0)
    declined_before_the_reminder_was_stored = decline.done()
    release.set()
    broadcast_id, _ = await remind
    await decline
    assert not declined_before_the_reminder_was_stored
    assert broadcast_id is not None and leader.id in await _reminded(bot, event_id)
    assert await bot.services.training.answer_of(event_id, leader) == "no"


async def test_a_training_answer_is_refused_and_stores_nothing_once_the_event_has_started(bot):
    """The start is checked in the answer's unit of work, against the event as stored then."""
    from services.training import WhenError

    event_id, _ = await make_event(bot)
    leader = await bot.services.people.by_identity("console", str(LEADER))
    await to_past(bot, event_id)
    with pytest.raises(WhenError):
        await bot.services.training.answer(leader, event_id, "yes")
    assert await bot.services.training.answer_of(event_id, leader) is None


# --- a broadcast's finish, the broadcast service's rule (issue 15, session 3) ------------------------------
async def test_a_broadcast_is_finished_once_no_row_is_left_to_deliver_and_only_once(bot):
    from bot.delivery import worker_of
    from storage.broadcasts import FAILED

    official = await bot.services.people.by_identity("console", str(COMMUNE))
    ml = await bot.services.org.commune_by_code("ML")
    broadcasts = bot.services.broadcasts
    broadcast_id, count = await broadcasts.create(
        official, BroadcastScope(communes=(ml.id,)), "console", "Tin"
    )
    assert count == 2
    first = await broadcasts.repo.claim_next("console")
    assert await broadcasts.finish_if_done(broadcast_id) is False  # one row sending, one pending
    await broadcasts.repo.mark_sent(first["id"], 1)
    assert await broadcasts.finish_if_done(broadcast_id) is False  # one row pending
    second = await broadcasts.repo.claim_next("console")
    await broadcasts.repo.mark_final(second["id"], FAILED, "test")  # failed is final: nothing left
    outcomes = await asyncio.gather(*(broadcasts.finish_if_done(broadcast_id) for _ in range(3)))
    assert sorted(outcomes) == [False, False, True]
    assert (await broadcasts.repo.get(broadcast_id))["finished_at"] is not None
    # the application's delivery worker asks the same service (wired in bot/delivery.py)
    assert worker_of(bot.app).broadcasts is broadcasts


# --- a quiz started: the old session closed and the new one stored, one unit of work (issue 15, session 3) -
async def _active_sessions(bot, person_id: int) -> list[int]:
    rows = await bot.services.db.fetchall(
        "SELECT id FROM quiz_sessions WHERE person_id = ? AND finished_at IS NULL AND abandoned = 0",
        (person_id,),
    )
    return [r["id"] for r in rows]


async def test_a_quiz_started_replaces_the_active_session_or_changes_nothing(bot, monkeypatch):
    from storage.quiz import QuizRepository

    mai = await person(bot, "ML-01-01")
    first = await bot.services.quiz.start(mai.id)
    with monkeypatch.context() as patch:
        fail_after(patch, QuizRepository, "create_session")
        with pytest.raises(Injected):
            await bot.services.quiz.start(mai.id)
    assert await _active_sessions(bot, mai.id) == [first.id]  # the old session was not closed
    second = await bot.services.quiz.start(mai.id)
    assert await _active_sessions(bot, mai.id) == [second.id]


async def test_quizzes_started_at_once_leave_one_active_session(bot, monkeypatch):
    """Each start closes the person's active session, then stores its own: without the person's row lock
    both close nothing new and both sessions stay active (PostgreSQL)."""
    from storage.quiz import QuizRepository

    mai = await person(bot, "ML-01-01")
    overlap_after(monkeypatch, QuizRepository, "answered_question_ids")
    sessions = await asyncio.gather(*(bot.services.quiz.start(mai.id) for _ in range(2)))
    assert len({s.id for s in sessions}) == 2
    assert len(await _active_sessions(bot, mai.id)) == 1


# --- a logbook file imported: one unit of work under the commune's lock (issue 15, session 3) -------------
async def _import_rows(bot, n: int):
    from tests.test_logbook_book import _case

    team = await bot.services.org.team_by_code("ML-01")
    commune = await bot.services.org.commune_by_code("ML")
    rows = [(_case(team.id, f"2025-03-{d + 1:02d}", "dan_su", "thanh", []), f"X{d}") for d in range(n)]
    return commune, rows


async def _imported(bot, commune_id: int) -> list[tuple[str, str]]:
    rows = await bot.services.db.fetchall(
        "SELECT external_id, number FROM cases WHERE commune_id = ? AND external_id IS NOT NULL ORDER BY id",
        (commune_id,),
    )
    return [(r["external_id"], r["number"]) for r in rows]


async def test_an_import_stores_every_row_or_none(bot, monkeypatch):
    from services.case_import import store_rows
    from storage.cases import CaseRepository

    commune, rows = await _import_rows(bot, 3)
    original, calls = CaseRepository.insert_imported, []

    async def third_fails(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise Injected("insert_imported")
        return await original(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(CaseRepository, "insert_imported", third_fails)
        with pytest.raises(Injected):
            await store_rows(bot.services.cases, commune, rows)
    assert await _imported(bot, commune.id) == []
    assert await _count(bot.services.db, "SELECT COUNT(*) AS n FROM case_audit WHERE action = 'import'") == 0
    created, existing = await store_rows(bot.services.cases, commune, rows)
    assert (len(created), existing) == (3, 0)
    assert [n for _, n in await _imported(bot, commune.id)] == [c.number for c in created]


async def test_one_file_imported_twice_at_once_stores_each_row_once(bot, monkeypatch):
    """Each import checks which external ids are stored, then stores the others: without the commune's row
    lock both would store every row (PostgreSQL)."""
    from services.case_import import store_rows
    from storage.cases import CaseRepository

    commune, rows = await _import_rows(bot, 3)
    overlap_after(monkeypatch, CaseRepository, "external_id_stored")
    outcomes = await asyncio.gather(*(store_rows(bot.services.cases, commune, rows) for _ in range(2)))
    assert sorted((len(c), e) for c, e in outcomes) == [(0, 3), (3, 0)]
    stored = await _imported(bot, commune.id)
    assert sorted(x for x, _ in stored) == ["X0", "X1", "X2"] and len({n for _, n in stored}) == 3
