"""Issue 15: the layers import one way, and the storage methods that replaced handler SQL give the same
answers."""

from __future__ import annotations

import ast
from pathlib import Path

from services.broadcast import BroadcastScope

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"bot", "handlers", "services", "storage", "knowledge", "vocabulary"}


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, anywhere (inside functions too); `from a import b` gives a and a.b."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _modules(package: str) -> list[Path]:
    paths = sorted((ROOT / package).rglob("*.py"))
    assert paths, package
    return paths


def test_imports_are_seen_wherever_they_are_written(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from bot import messages\n    import handlers.cases\n", encoding="utf-8")
    assert {"bot", "bot.messages", "handlers.cases"} <= _imports(source)


def test_no_service_imports_the_chat_layer():
    """Domain → storage → services → handlers → bot: services answer with typed errors and codes, and render
    documents with the string catalogue (vocabulary/), never with bot/ or handlers/."""
    for path in _modules("services"):
        bad = {n for n in _imports(path) if n.split(".")[0] in ("telegram", "bot", "handlers")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def _is_domain(module: str) -> bool:
    """The domain without I/O: services/models.py and services/*_models.py (`from services.models import X`
    gives services.models.X too)."""
    return any(
        m == "services.models" or (m.startswith("services.") and m.endswith("_models"))
        for m in (module, module.rsplit(".", 1)[0])
    )


def test_storage_imports_of_services_only_the_domain():
    for path in _modules("storage"):
        bad = {n for n in _imports(path) if n.split(".")[0] == "services" and not _is_domain(n)}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_domain_imports_only_the_domain():
    for path in sorted((ROOT / "services").glob("*models.py")):
        bad = {n for n in _imports(path) if n.split(".")[0] in PROJECT and not _is_domain(n)}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_string_catalogue_is_a_leaf():
    for path in _modules("vocabulary"):
        bad = {n for n in _imports(path) if n.split(".")[0] in PROJECT}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_storage_imports_neither_telegram_nor_the_chat():
    for path in sorted((ROOT / "storage").glob("*.py")):
        bad = {n for n in _imports(path) if n.split(".")[0] in ("telegram", "bot", "handlers")}
        assert not bad, f"{path.name} imports {bad}"


def test_services_that_were_untangled_do_not_import_the_chat_layer():
    for name in ("privacy", "case_import", "broadcast", "training", "delivery", "knowledge", "quiz"):
        bad = {
            n
            for n in _imports(ROOT / "services" / f"{name}.py")
            if n.split(".")[0] in ("telegram", "bot", "handlers")
        }
        assert not bad, f"services/{name}.py imports {bad}"


def test_handlers_do_not_reach_past_the_services():
    for name in ("broadcast", "training", "invite"):
        source = (ROOT / "handlers" / f"{name}.py").read_text(encoding="utf-8")
        assert ".repo." not in source and ".repo\n" not in source and "services.db" not in source, name


async def test_all_communes_in_the_order_of_the_per_province_reads(bot):
    org = bot.services.org
    other = await org.upsert_province("AA", "An Giang")  # sorts before Điện Biên
    await org.upsert_commune(other.id, "AA-02", "Xã Zeta")
    await org.upsert_commune(other.id, "AA-01", "Phường Alpha")
    rows = await bot.services.db.fetchall("SELECT id FROM provinces ORDER BY name")
    expected = [c.id for r in rows for c in await org.communes_of_province(r["id"])]
    assert [c.id for c in await org.all_communes()] == expected
    assert len(expected) >= 4


async def test_history_counts_match_the_per_broadcast_counts(bot):
    official = await bot.services.people.by_identity("console", "1003")
    ml = await bot.services.org.commune_by_code("ML")
    broadcasts = bot.services.broadcasts
    ids = [
        (await broadcasts.create(official, BroadcastScope(communes=(ml.id,)), "console", f"Thông báo {i}"))[0]
        for i in range(3)
    ]
    first = await broadcasts.repo.outbox_row(
        ids[0], (await bot.services.people.by_identity("console", "1001")).id
    )
    await broadcasts.repo.mark_sent(first["id"], 1)
    await broadcasts.acknowledge(ids[0], await bot.services.people.by_identity("console", "1001"))
    history = await broadcasts.history(official)
    assert [b["id"] for b in history] == sorted(ids, reverse=True)
    for item in history:
        counts = await broadcasts.repo.counts(item["id"])
        assert item["counts"] == {"sent": counts["sent"], "total": counts["total"], "acked": counts["acked"]}
    assert history[-1]["counts"] == {"sent": 1, "total": 2, "acked": 1}
