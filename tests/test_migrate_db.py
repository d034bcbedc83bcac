"""`mediator-bot admin migrate-db`: a populated SQLite pilot database copied into PostgreSQL
(TEST_DATABASE_URL) or, without it, into another SQLite file — every table, counts checked, idempotent,
sequences moved on."""

from __future__ import annotations

import asyncio

from bot import messages as msg
from bot.cli import main
from services.broadcast import BroadcastScope
from storage.db import Database
from storage.stats import CaseSeed, seed_cases
from storage.transfer import copy_database
from tests import dbtarget
from tests.harness import ChatHarness, texts


async def _populate(bot: ChatHarness) -> None:
    """Demo organisation, cases (with mediators and audit rows), a broadcast, a question, a half-filled
    form."""
    services = bot.services
    team = await services.org.team_by_code("ML-01")
    mediator = await services.people.by_identity("console", "1001")
    commune = await services.org.commune(team.commune_id)
    for i in range(3):
        await services.cases.repo.create(
            {
                "team_id": team.id,
                "received_on": f"2025-03-0{i + 1}",
                "field": "dat_dai",
                "basis": "yeu_cau",
                "result": "dang_hoa_giai",
                "mediator_ids": [mediator.id],
            },
            province_id=commune.province_id,
            commune_id=commune.id,
            commune_code=commune.code,
            reporter_id=mediator.id,
            submission_key=f"k{i}",
        )
    await seed_cases(services.db, [CaseSeed(team.id, f"2025-0{m}-15", result="thanh") for m in range(1, 8)])
    official = await services.people.by_identity("console", "1003")
    await services.broadcasts.create(
        official, BroadcastScope(communes=(commune.id,)), "console", "Họp tổ hòa giải lúc 8 giờ"
    )
    await bot.say("mediator", "hòa giải viên có được hưởng thù lao không")
    await bot.say("leader", "/huy")


async def _counts(db: Database) -> dict[str, int]:
    tables = (
        "provinces",
        "communes",
        "teams",
        "persons",
        "identities",
        "invites",
        "cases",
        "case_mediators",
        "case_audit",
        "broadcasts",
        "outbox",
        "qa_questions",
        "bot_state",
    )
    return {t: (await db.fetchone(f"SELECT COUNT(*) AS n FROM {t}"))["n"] for t in tables}


async def test_migrate_db_copies_everything_once(tmp_path, capsys):
    async with ChatHarness(tmp_path, db_name="pilot.db", backend="sqlite") as bot:
        await bot.seed_demo()
        await _populate(bot)
        source_counts = await _counts(bot.services.db)
    assert (
        source_counts["cases"] == 10 and source_counts["outbox"] >= 2 and source_counts["qa_questions"] == 1
    )
    source = f"sqlite:///{tmp_path / 'pilot.db'}"
    target = dbtarget.database_for(tmp_path, "province.db")
    await dbtarget.prepare(target)

    assert (
        await asyncio.to_thread(
            main, ["admin", "migrate-db", "--from", source, "--to", target, "--batch", "4"]
        )
        == 0
    )
    first = capsys.readouterr().out
    assert msg.DBCOPY_DONE.split(":")[0] in first and "cases: 10 dòng (thêm mới 10)" in first
    # again: nothing added
    assert await asyncio.to_thread(main, ["admin", "migrate-db", "--from", source, "--to", target]) == 0
    second = capsys.readouterr().out
    assert "cases: 10 dòng (thêm mới 0)" in second and "(thêm mới 1" not in second

    copy = Database(target)
    await copy.open()
    try:
        assert await _counts(copy) == source_counts
        # identities, names and the audit log came across intact; new rows get fresh ids (sequences moved on)
        row = await copy.fetchone(
            "SELECT p.full_name FROM persons p JOIN identities i ON i.person_id = p.id"
            " WHERE i.channel = 'console' AND i.external_id = '1001'"
        )
        assert row["full_name"] == "Quàng Thị Mai"
        new_id = await copy.execute("INSERT INTO provinces(code, name) VALUES ('NEW', 'Tỉnh mới')")
        max_before = (await copy.fetchone("SELECT MAX(id) AS m FROM provinces WHERE code <> 'NEW'"))["m"]
        assert new_id == max_before + 1
        await copy.execute("DELETE FROM provinces WHERE code = 'NEW'")
    finally:
        await copy.close()

    # the bot runs on the copy: the mediator is still registered, her case list is there
    async with ChatHarness(tmp_path, db_name="province.db") as moved:
        out = await moved.say("mediator", "/start")
        assert "Quàng Thị Mai" in texts(out)
        assert await moved.services.cases.repo.count() == 10


async def test_copy_refuses_a_target_with_other_data_and_writes_nothing(tmp_path):
    async with ChatHarness(tmp_path, db_name="a.db", backend="sqlite") as bot:
        await bot.seed_demo()
    other = dbtarget.database_for(tmp_path, "other.db")
    await dbtarget.prepare(other)
    target = Database(other)
    await target.open()
    source = Database(tmp_path / "a.db")
    await source.open()
    try:
        await target.execute("INSERT INTO provinces(id, code, name) VALUES (900, 'ZZ', 'Tỉnh khác')")
        try:
            await copy_database(source, target)
        except Exception as exc:
            assert "provinces" in str(exc)
        else:
            raise AssertionError("the copy should refuse a target holding other data")
        assert (await target.fetchone("SELECT COUNT(*) AS n FROM persons"))["n"] == 0
    finally:
        await source.close()
        await target.close()


async def test_cli_refuses_bad_arguments(tmp_path, capsys):
    assert (
        main(["admin", "migrate-db", "--from", str(tmp_path / "none.db"), "--to", str(tmp_path / "x.db")])
        == 2
    )
    assert "Không thấy tệp SQLite" in capsys.readouterr().err
    assert main(["admin", "migrate-db", "--from", "postgresql://h/db", "--to", str(tmp_path / "x.db")]) == 2
    assert main(["admin", "migrate-db", "--from", "a.db", "--to", "sqlite:///a.db"]) == 2
