"""Online backup while the database is being written, and a restore."""

from __future__ import annotations

import asyncio

import aiosqlite
import pytest

from bot.cli import main
from bot.config import Config
from bot.container import Services
from bot.demo import seed_demo
from storage.backup import BackupError, backup, restore


async def _seeded(path):
    services = Services.build(Config(database_path=str(path)))
    await services.open()
    await seed_demo(services)
    return services


async def test_backup_while_writing_then_restore(tmp_path):
    live = tmp_path / "live.db"
    services = await _seeded(live)
    stop = asyncio.Event()

    async def writer():
        n = 0
        while not stop.is_set():
            await services.db.execute(
                "INSERT INTO bot_state(kind, key, data) VALUES ('probe', ?, '{}')", (str(n),)
            )
            n += 1
            await asyncio.sleep(0)
        return n

    task = asyncio.create_task(writer())
    await asyncio.sleep(0.05)
    counts = await asyncio.to_thread(backup, live, tmp_path / "copy.db")
    stop.set()
    written = await task
    await services.close()
    assert counts["persons"] >= 10
    assert 0 < counts["bot_state"] <= written

    restored = tmp_path / "restored.db"
    restored_counts, kept = restore(tmp_path / "copy.db", restored)
    assert kept is None and restored_counts == counts
    again = Services.build(Config(database_path=str(restored)))
    await again.open()
    assert (await again.people.by_identity("console", "1001")).full_name == "Quàng Thị Mai"
    await again.close()


async def test_restore_keeps_current_file_aside(tmp_path):
    a = await _seeded(tmp_path / "a.db")
    await a.close()
    backup(tmp_path / "a.db", tmp_path / "a.bak")
    b = await _seeded(tmp_path / "b.db")
    await b.db.execute("DELETE FROM identities")
    await b.close()
    _, kept = restore(tmp_path / "a.bak", tmp_path / "b.db")
    assert kept is not None and kept.exists()
    async with (
        aiosqlite.connect(tmp_path / "b.db") as conn,
        conn.execute("SELECT COUNT(*) FROM identities") as cur,
    ):
        assert (await cur.fetchone())[0] > 0


async def test_refuses_non_database(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError):
        restore(junk, tmp_path / "x.db")
    assert not (tmp_path / "x.db").exists()


def test_cli_backup_and_restore(tmp_path, capsys):
    asyncio.run(_close(_seeded(tmp_path / "live.db")))
    assert main(["admin", "backup", "--db", str(tmp_path / "live.db"), str(tmp_path / "b.db")]) == 0
    assert "Đã sao lưu" in capsys.readouterr().out
    assert main(["admin", "restore", "--db", str(tmp_path / "new.db"), str(tmp_path / "b.db")]) == 2
    assert main(["admin", "restore", "--db", str(tmp_path / "new.db"), str(tmp_path / "b.db"), "--yes"]) == 0
    assert "Đã khôi phục" in capsys.readouterr().out


async def _close(coro):
    services = await coro
    await services.close()
