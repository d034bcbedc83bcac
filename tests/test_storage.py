"""Migrations, pragmas and repositories."""

from __future__ import annotations

import aiosqlite
import pytest

from services.models import PersonDraft, Role
from storage import db as dbmod
from storage.db import INTEGRITY_ERRORS, Database, migrations
from storage.org import OrgRepository
from storage.people import PeopleRepository


@pytest.mark.sqlite_only
async def test_pragmas_and_version(db):
    assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
    assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
    assert (await db.fetchone("PRAGMA busy_timeout"))[0] == 5000
    assert await db.schema_version() == migrations()[-1][0]


async def test_migrate_is_idempotent(db):
    assert await db.migrate() == []
    await db.close()
    await db.open()
    assert await db.migrate() == []


async def test_upgrade_keeps_data(tmp_path, monkeypatch):
    """A database holding data at version 1 is upgraded by every later migration, data intact."""
    path = tmp_path / "old.db"
    old = Database(path)
    await old.open(migrate=False)
    await old.migrate(target=1)
    # written with the SQL of version 1 (today's repositories also write the history tables of 0013)
    await old.execute("INSERT INTO provinces(code, name) VALUES ('DB', 'Điện Biên')")
    await old.execute("INSERT INTO communes(province_id, code, name) VALUES (1, 'ML', 'Phường Mường Lay')")
    await old.execute(
        "INSERT INTO teams(commune_id, code, name) VALUES (1, 'ML-01', 'Tổ hòa giải bản Na Lay')"
    )
    pid = await old.execute(
        "INSERT INTO persons(full_name, role, province_id, commune_id, team_id, created_at,"
        " updated_at) VALUES ('Lò Văn Hùng', 'team_leader', 1, 1, 1, 'x', 'x')"
    )
    team = await OrgRepository(old).team_by_code("ML-01")
    await old.close()

    extra = ("9999_test_extra.sql", "CREATE TABLE extra_probe (id INTEGER PRIMARY KEY, note TEXT);")
    monkeypatch.setattr(dbmod, "migrations", lambda: [*migrations(), (9999, *extra)])
    new = Database(path)
    await new.open()
    try:
        assert await new.schema_version() == 9999
        person = await PeopleRepository(new).get(pid)
        assert person.full_name == "Lò Văn Hùng" and person.team_id == team.id
        assert (await OrgRepository(new).team_by_code("ML-01")).name == "Tổ hòa giải bản Na Lay"
        await new.execute("INSERT INTO extra_probe(note) VALUES ('ok')")
    finally:
        await new.close()


async def test_failed_migration_rolls_back(tmp_path, monkeypatch):
    bad = (9998, "9998_bad.sql", "CREATE TABLE half_done (id INTEGER); INSERT INTO missing_table VALUES (1);")
    monkeypatch.setattr(dbmod, "migrations", lambda: [*migrations(), bad])
    database = Database(tmp_path / "bad.db")
    with pytest.raises(aiosqlite.OperationalError):
        await database.open()
    assert await database.schema_version() == migrations()[-1][0]
    assert await database.fetchone("SELECT name FROM sqlite_master WHERE name = 'half_done'") is None
    await database.close()


async def test_foreign_keys_enforced(db):
    with pytest.raises(INTEGRITY_ERRORS):
        await db.execute("INSERT INTO teams(commune_id, code, name) VALUES (999, 'X', 'x')")


async def test_transaction_rolls_back_on_error(db):
    org = OrgRepository(db)
    province = await org.upsert_province("DB", "Điện Biên")
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO communes(province_id, code, name) VALUES (?, 'A', 'a')", (province.id,)
            )
            raise RuntimeError("boom")
    assert await org.commune_by_code("A") is None


async def test_identity_is_separate_from_person(db):
    org = OrgRepository(db)
    people = PeopleRepository(db)
    province = await org.upsert_province("DB", "Điện Biên")
    pid = await people.create(PersonDraft("Nguyễn Thị Thu", Role.PROVINCE_OFFICIAL, province_id=province.id))
    await people.link_identity(pid, "telegram", "42")
    await people.link_identity(pid, "zalo", "zalo-abc")
    assert (await people.by_identity("telegram", "42")).id == pid
    assert (await people.by_identity("zalo", "zalo-abc")).id == pid
    assert await people.by_identity("telegram", "43") is None
    assert [c for c, _, _ in await people.identities(pid)] == ["telegram", "zalo"]
