"""Submitted reports: frozen against later edits, late cases and result changes; numbered revisions; audited;
only a commune's own official submits; province roll-ups from the latest snapshots with communes missing."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from services.models import Role
from services.statistics import Period
from services.submissions import DUE_DAYS, NotSubmitted, SubmitDenied, Unchanged
from storage.audit import AuditLog
from storage.stats import set_case_result
from tests.stats_factory import build_org

H1 = Period(date(2025, 1, 1), date(2025, 6, 30))


@pytest.fixture
async def org(tmp_path):
    built = await build_org(tmp_path)
    yield built
    await built.services.close()


async def scope(org, level: str, key: str):
    return await org.services.statistics.scope(level, org[key])


async def person(org, key: str):
    return await org.services.people.get(org.ids[key])


async def test_submission_is_frozen_against_edits_late_cases_and_result_changes(org):
    official = org.ids["official"] = await org.person(
        None, "Cán bộ xã An", Role.COMMUNE_OFFICIAL, commune_id=org["A"]
    )
    first, second, _ = await org.cases(
        "A-1",
        ("2025-01-10", "thanh"),
        ("2025-02-10", "dang_hoa_giai"),
        ("2025-03-01", "khong_thanh", "dan_su"),
    )
    await org.cases("A-2", ("2025-07-01", "thanh"))  # outside the period
    a = await scope(org, "commune", "A")
    service = org.services.submissions
    sub = await service.submit(await person(org, "official"), a, H1)
    assert sub.revision == 1 and sub.cases_count == 3 and sub.submitted_by == official
    frozen = await service.submitted_json(a, H1)
    assert frozen["source"] == "submitted" and frozen["submission"]["revision"] == 1
    assert frozen["cases"]["received"] == 3 and frozen["cases"]["success_rate"] == 0.5
    assert frozen["indicators"]["success_rate"]["value"] == frozen["cases"]["success_rate"]
    # the submitted figures are the live figures of that moment
    live = (await org.services.statistics.report(a, H1)).as_json()
    assert {k: v for k, v in frozen.items() if k not in ("source", "submission")} == {
        k: v for k, v in live.items() if k != "source"
    }
    # the case versions behind it
    cases = await service.repo.submitted_cases(sub.id)
    assert [c.case_id for c in cases] == sorted([first, second, _])

    # a result change, a late case and a case edited back and forth
    await set_case_result(org.services.db, second, "thanh", "2025-07-05")
    [late] = await org.cases("A-2", ("2025-06-30", "rut_yeu_cau"))
    await set_case_result(org.services.db, first, "thanh", "2025-01-20")  # same counted state: not a change
    assert (await service.submitted_json(a, H1))["cases"] == frozen["cases"]
    latest, changes = await service.changes(a, H1)
    assert latest.revision == 1
    assert [(c.kind, c.case_id) for c in changes] == [("changed", second), ("new", late)]
    assert changes[0].before.result == "dang_hoa_giai" and changes[0].after.result == "thanh"
    live = (await org.services.statistics.report(a, H1)).as_json()
    assert live["cases"]["received"] == 4 and live["cases"]["successful"] == 2

    # a revision: numbered, the history kept, the new figures frozen
    revised = await service.submit(None, a, H1, label="CLI-01")
    assert revised.revision == 2 and revised.submitted_label == "CLI-01"
    assert (await service.submitted_json(a, H1))["cases"] == live["cases"]
    assert [r[0] for r in await service.repo.history(org["A"], *H1.iso)] == [1, 2]
    assert (await service.changes(a, H1))[1] == []
    rows = await AuditLog(org.services.db).rows(object_type="report_submission")
    assert [r.action for r in rows] == ["report.revise", "report.submit"]
    assert rows[1].actor_id == official and rows[0].actor_label == "CLI-01" and rows[0].commune_id == org["A"]
    assert rows[1].after["revision"] == 1 and rows[1].after["cases"]["received"] == 3


async def test_submitting_again_unchanged_makes_no_revision(org):
    """Nothing changed since the latest submission: no revision, nothing written or audited; a mediator added
    (figures change, no case does) or a case changed: the next revision as before."""
    [case] = await org.cases("A-1", ("2025-01-10", "dang_hoa_giai"))
    a = await scope(org, "commune", "A")
    service = org.services.submissions
    first = await service.submit(None, a, H1, label="x")
    assert (await service.unchanged(a, H1)).id == first.id
    await set_case_result(org.services.db, case, "dang_hoa_giai", "2025-02-01")  # edited, same counted state
    with pytest.raises(Unchanged) as raised:
        await service.submit(None, a, H1, label="again")
    assert raised.value.latest.id == first.id and raised.value.latest.revision == 1
    assert [r[0] for r in await service.repo.history(org["A"], *H1.iso)] == [1]
    assert len(await AuditLog(org.services.db).rows(object_type="report_submission")) == 1

    await org.person("A-1", "Lò Thị Mai", Role.MEDIATOR, gender="nu", recognised_on="2024-05-10")
    assert (await service.changes(a, H1))[1] == [] and await service.unchanged(a, H1) is None
    assert (await service.submit(None, a, H1, label="x")).revision == 2
    with pytest.raises(Unchanged):
        await service.submit(None, a, H1, label="x")
    await set_case_result(org.services.db, case, "thanh", "2025-02-02")
    assert (await service.submit(None, a, H1, label="x")).revision == 3
    assert [r[0] for r in await service.repo.history(org["A"], *H1.iso)] == [1, 2, 3]


async def test_only_the_communes_own_official_or_an_admin_submits(org):
    leader = await org.person("A-1", "Tổ trưởng", Role.TEAM_LEADER)
    other = await org.person(None, "Cán bộ xã Bình", Role.COMMUNE_OFFICIAL, commune_id=org["B"])
    province = await org.person(None, "Sở", Role.PROVINCE_OFFICIAL, province_id=org["P1"])
    admin = await org.person(None, "Quản trị", Role.ADMIN)
    a = await scope(org, "commune", "A")
    service = org.services.submissions
    for pid in (leader, other, province):
        with pytest.raises(SubmitDenied):
            await service.submit(await org.services.people.get(pid), a, H1)
    assert await service.latest(a, H1) is None
    assert (await service.submit(await org.services.people.get(admin), a, H1)).revision == 1
    with pytest.raises(ValueError):
        await service.submit(None, await scope(org, "province", "P1"), H1)


async def test_province_rollup_from_snapshots_with_a_commune_missing(org):
    await org.cases("A-1", ("2025-01-10", "thanh"), ("2025-01-11", "khong_thanh"), ("2025-01-12", "thanh"))
    await org.cases("B-1", ("2025-02-01", "thanh"))  # B never submits
    a, p1 = await scope(org, "commune", "A"), await scope(org, "province", "P1")
    service = org.services.submissions
    await service.submit(None, a, H1, label="x")
    await org.cases("A-2", ("2025-03-01", "khong_thanh"))  # after the submission: not in the snapshot
    report = await service.submitted_province_report(p1, H1)
    data = report.as_json()
    assert data["source"] == "submitted"
    assert data["cases"]["received"] == 3 and data["cases"]["success_rate"] == 2 / 3
    assert data["indicators"]["success_rate"]["value"] == data["cases"]["success_rate"]
    assert data["by_commune"]["A"]["submitted"] is True and data["by_commune"]["A"]["revision"] == 1
    assert data["by_commune"]["B"]["submitted"] is False and data["by_commune"]["B"]["received"] == 0
    assert data["completeness"]["not_submitted"] == ["B"]
    assert data["by_team"]["A-1"]["received"] == 3
    live = (await org.services.statistics.report(p1, H1)).as_json()
    assert (
        live["source"] == "live"
        and live["cases"]["received"] == 5
        and "submitted" not in live["by_commune"]["A"]
    )
    with pytest.raises(NotSubmitted):
        await service.submitted_json(await scope(org, "commune", "B"), H1)


async def test_province_status_late_and_revised(org):
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).date()
    recent = Period(today - timedelta(days=30), today - timedelta(days=1))
    a = await scope(org, "commune", "A")
    service = org.services.submissions
    await service.submit(None, a, recent)
    await org.cases("A-1", (recent.end.isoformat(), "thanh"))  # a late case: something to revise
    await service.submit(None, a, recent)
    await service.submit(None, a, H1)  # a 2025 period submitted now: late
    statuses = {s.commune.code: s for s in await service.province_status(org["P1"], recent, today)}
    assert statuses["A"].latest.revision == 2 and statuses["A"].revised and not statuses["A"].late
    assert statuses["B"].latest is None and not statuses["B"].late
    after_due = recent.end + timedelta(days=DUE_DAYS + 1)
    statuses = {s.commune.code: s for s in await service.province_status(org["P1"], recent, after_due)}
    assert statuses["B"].late and not statuses["A"].late
    statuses = {s.commune.code: s for s in await service.province_status(org["P1"], H1, today)}
    assert statuses["A"].late and not statuses["A"].revised and statuses["B"].late


async def test_the_same_submission_sent_twice_at_once_freezes_one_revision(org):
    """The 'unchanged since the latest?' check and the new revision are one unit of work under the commune's
    row lock: of two identical submissions at once, one is stored and the other is told it is unchanged."""
    await org.cases("A-1", ("2025-01-10", "thanh"), ("2025-02-10", "khong_thanh"))
    a = await scope(org, "commune", "A")
    service = org.services.submissions
    outcomes = await asyncio.gather(
        *(service.submit(None, a, H1, label="cli") for _ in range(3)), return_exceptions=True
    )
    stored = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(stored) == 1 and stored[0].revision == 1
    assert all(isinstance(o, Unchanged) for o in outcomes if o is not stored[0])
    assert (await service.latest(a, H1)).revision == 1
