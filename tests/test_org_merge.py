"""Commune mergers: teams move with their history and cases; the old communes' reports stay as they were; the
new commune's reports roll the merged communes' history up; only the right people may merge."""

from __future__ import annotations

from datetime import date

import pytest

from bot import messages as msg
from bot.cli import main as cli_main
from handlers.org import merge_error_text
from services.models import Person, Role
from services.org_list import MergeError, OrgDenied, merge_communes
from services.statistics import Period
from storage.audit import AuditLog
from tests.stats_factory import build_org

TODAY = date.today()
LAST_YEAR = Period(date(TODAY.year - 1, 1, 1), date(TODAY.year - 1, 12, 31))
NOW = Period(TODAY, TODAY)


@pytest.fixture
async def org(tmp_path):
    built = await build_org(tmp_path)
    y = TODAY.year - 1
    await built.cases("A-1", (f"{y}-02-01", "thanh"), (f"{y}-03-01", "khong_thanh"))
    await built.cases("A-2", (f"{y}-05-01", "thanh"))
    await built.cases("B-1", (f"{y}-04-01", "thanh"), (f"{y}-06-01", "dang_hoa_giai"))
    await built.person("A-1", "Lò Văn Một", Role.TEAM_LEADER, gender="nam", recognised_on="2020-01-01")
    await built.person("B-1", "Lò Thị Hai", gender="nu", recognised_on="2020-01-01")
    yield built
    await built.services.close()


async def report(org, code: str, period: Period) -> dict:
    service = org.services.statistics
    return (await service.report(await service.scope_by_code("commune", code), period)).as_json()


async def test_merge_keeps_every_case_and_old_reports(org):
    services = org.services
    before = {code: await report(org, code, LAST_YEAR) for code in ("A", "B")}
    province_before = (
        await services.statistics.report(await services.statistics.scope("province", org["P1"]), LAST_YEAR)
    ).as_json()
    cases_before = await services.db.fetchall("SELECT id, commune_id, team_id, number FROM cases ORDER BY id")
    merged, _ = await merge_communes(services.org, services.db, "AB", ["A", "B"], "Xã An Bình")
    assert merged.code == "AB" and merged.many_ethnic_minority and merged.is_pilot
    # every case kept, where it was received; the teams moved
    assert (
        await services.db.fetchall("SELECT id, commune_id, team_id, number FROM cases ORDER BY id")
        == cases_before
    )
    assert {t.code for t in await services.org.teams_of_commune(merged.id)} == {"A-1", "A-2", "A-3", "B-1"}
    assert await services.org.teams_of_commune(org["A"]) == []
    # the old communes' reports for past periods are unchanged
    for code in ("A", "B"):
        assert await report(org, code, LAST_YEAR) == before[code]
    province_after = (
        await services.statistics.report(await services.statistics.scope("province", org["P1"]), LAST_YEAR)
    ).as_json()
    assert province_after["cases"] == province_before["cases"]
    assert province_after["organisation"] == province_before["organisation"]
    # the new commune rolls their history up
    rolled = await report(org, "AB", LAST_YEAR)
    assert (
        rolled["cases"]["received"]
        == before["A"]["cases"]["received"] + before["B"]["cases"]["received"]
        == 5
    )
    assert rolled["organisation"]["teams"] == 4 and rolled["organisation"]["mediators"] == 2
    assert set(rolled["by_team"]) == {"A-1", "A-2", "A-3", "B-1"}
    # from today on the old communes have no team; the new one has them all
    assert (await report(org, "A", NOW))["organisation"]["teams"] == 0
    assert (await report(org, "AB", NOW))["organisation"]["teams"] == 4
    # a new case of a moved team belongs to the new commune
    person = await services.people.get(
        (await services.db.fetchone("SELECT id FROM persons WHERE full_name = 'Lò Thị Hai'"))["id"]
    )
    assert person.commune_id == merged.id
    [row] = await AuditLog(services.db).rows(object_type="commune")
    assert row.action == "org.commune.merge" and row.before["communes"] == ["A", "B"]


async def test_merge_into_an_existing_commune_and_again(org):
    services = org.services
    before_a = await report(org, "A", LAST_YEAR)
    await merge_communes(services.org, services.db, "B", ["A"])
    assert (await report(org, "B", LAST_YEAR))["cases"]["received"] == 5
    assert await report(org, "A", LAST_YEAR) == before_a
    # B (with A inside) merged again: the new commune sees A's history too
    await merge_communes(services.org, services.db, "Z", ["B"], "Xã Mới")
    assert (await report(org, "Z", LAST_YEAR))["cases"]["received"] == 5


async def test_merge_refusals(org):
    services = org.services
    for into, sources, name, code, words in (
        ("A", ["A"], None, "sources", msg.ORG_MERGE_ERR["sources"]),
        ("Z", ["A", "C"], "X", "provinces", msg.ORG_MERGE_ERR["provinces"]),
        ("Z", ["A"], None, "name", msg.ORG_MERGE_ERR["name"].format(code="Z")),
        ("A", ["NOPE"], None, "unknown_commune", msg.ORG_UNKNOWN_COMMUNE.format(code="NOPE")),
        ("C", ["A"], None, "provinces", msg.ORG_MERGE_ERR["provinces"]),
    ):
        with pytest.raises(MergeError) as exc:
            await merge_communes(services.org, services.db, into, sources, name)
        assert exc.value.code == code and merge_error_text(exc.value) == words
    official = Person(
        id=1, full_name="X", role=Role.COMMUNE_OFFICIAL, province_id=org["P1"], commune_id=org["A"]
    )
    other = Person(id=1, full_name="X", role=Role.PROVINCE_OFFICIAL, province_id=org["P2"])
    for person in (official, other):
        with pytest.raises(OrgDenied):
            await merge_communes(services.org, services.db, "B", ["A"], person=person)
    assert await AuditLog(services.db).rows() == []


def test_cli_merge_contract(tmp_path, capsys):
    import asyncio

    async def seed():
        built = await build_org(tmp_path)
        await built.services.close()
        return built.services.config.database_path

    db = asyncio.run(seed())
    assert (
        cli_main(
            ["admin", "merge-communes", "--into", "AB", "--from", "A,B", "--name", "Xã An Bình", "--db", db]
        )
        == 0
    )
    assert "Xã An Bình (AB)" in capsys.readouterr().out
    assert cli_main(["admin", "merge-communes", "--into", "Q", "--from", "C", "--db", db]) == 1
    assert "--name" in capsys.readouterr().err
