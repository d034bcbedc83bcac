"""KB_DIR and a knowledge base reload that reaches every process sharing the database (issue 15)."""

from __future__ import annotations

import shutil

from bot.config import Config
from bot.container import Services
from knowledge.catalog import ROOT
from tests import dbtarget


def _copy_kb(tmp_path):
    root = tmp_path / "kb-dir"
    shutil.copytree(ROOT / "kb", root / "kb")
    for name in ("documents.yaml", "synonyms.yaml"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, root / name)
    return root


def test_kb_dir_is_read_from_the_environment(tmp_path):
    assert Config.from_env({}).kb_dir is None
    assert Config.from_env({"KB_DIR": str(tmp_path)}).kb_dir == str(tmp_path)


async def test_reload_in_one_process_reaches_the_other(tmp_path):
    root = _copy_kb(tmp_path)
    target = dbtarget.database_for(tmp_path, "kb.db")
    await dbtarget.prepare(target)
    config = Config(database_path=target, kb_dir=str(root))
    first, second = Services.build(config), Services.build(config)  # two bot processes, one database
    await first.open()
    await second.open()
    try:
        assert first.knowledge.root == root and second.knowledge.root == root
        entry = first.knowledge.kb.entries[0]
        assert await second.knowledge.sync() is False  # nothing announced yet
        path = next(
            p for p in (root / "kb").glob("*.yaml") if f"id: {entry.id}" in p.read_text(encoding="utf-8")
        )
        text = path.read_text(encoding="utf-8")
        assert f'title: "{entry.title}"' in text
        path.write_text(
            text.replace(f'title: "{entry.title}"', 'title: "Tiêu đề mới sau khi sửa"', 1), encoding="utf-8"
        )
        report = await first.knowledge.reload()  # /tailai_kb in the first process
        assert report.ok
        assert first.knowledge.kb.get(entry.id).title == "Tiêu đề mới sau khi sửa"
        assert second.knowledge.kb.get(entry.id).title == entry.title  # not yet: it has not checked
        assert await second.knowledge.sync() is True
        assert second.knowledge.kb.get(entry.id).title == "Tiêu đề mới sau khi sửa"
        assert await second.knowledge.sync() is False  # once per announcement
        assert await first.knowledge.sync() is False  # the process that reloaded does not reload again
    finally:
        await first.close()
        await second.close()


async def test_a_broken_reload_is_not_announced(tmp_path):
    root = _copy_kb(tmp_path)
    target = dbtarget.database_for(tmp_path, "kb.db")
    await dbtarget.prepare(target)
    config = Config(database_path=target, kb_dir=str(root))
    first, second = Services.build(config), Services.build(config)
    await first.open()
    await second.open()
    try:
        next((root / "kb").glob("*.yaml")).write_text("entries: [", encoding="utf-8")
        assert (await first.knowledge.reload()).ok is False
        assert await second.knowledge.sync() is False
        assert second.knowledge.kb.entries  # still serving
    finally:
        await first.close()
        await second.close()


async def test_tailai_kb_in_one_bot_reaches_the_other_through_its_sync_job(tmp_path):
    """The whole path: /tailai_kb typed to one bot process; the other one's JobQueue has the kb-sync job
    (bot/kb_sync.py, registered by every application) and running it loads the new version."""
    from bot.kb_sync import KB_SYNC_EVERY_S
    from tests.harness import ChatHarness, texts

    root = _copy_kb(tmp_path)
    async with (
        ChatHarness(tmp_path, kb_dir=str(root)) as first,
        ChatHarness(tmp_path, kb_dir=str(root)) as second,
    ):
        assert first.config.database_path == second.config.database_path
        await first.seed_demo()
        entry = second.services.knowledge.kb.entries[0]
        path = next(
            p for p in (root / "kb").glob("*.yaml") if f"id: {entry.id}" in p.read_text(encoding="utf-8")
        )
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace(f'title: "{entry.title}"', 'title: "Tiêu đề mới sau khi sửa"', 1), encoding="utf-8"
        )
        assert "Đã tải lại cơ sở tri thức" in texts(await first.say("admin", "/tailai_kb"))
        assert first.services.knowledge.kb.get(entry.id).title == "Tiêu đề mới sau khi sửa"
        assert second.services.knowledge.kb.get(entry.id).title == entry.title

        (job,) = second.app.job_queue.get_jobs_by_name("kb-sync")
        assert job.trigger.interval.total_seconds() == KB_SYNC_EVERY_S
        await job.run(second.app)
        assert second.services.knowledge.kb.get(entry.id).title == "Tiêu đề mới sau khi sửa"
