"""Remuneration lists, training events, the logbook's follow-ups and broadcasts, each one unit of work
(storage/uow.py) in its service: a failure after the first write leaves nothing, and (PostgreSQL, a pool of
connections, so the transactions really overlap) the row locks keep concurrent use cases right. On SQLite (one
writer at a time) the concurrent tests check the same outcome one after the other."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from bot.config import Config
from bot.container import Services
from services.pay_lists import PayConflict, PayInputError, PayListService
from services.statistics import Period
from storage.audit import AuditLog
from storage.remuneration import RemunerationRepository
from tests import dbtarget
from tests.test_remuneration import Pay

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
