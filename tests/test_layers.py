"""Issue 15: the layers import one way, handlers go through the services, one reader of the environment,
and the storage methods that replaced handler SQL give the same answers."""

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


#: What a handler may not touch: a service's repository, the database, SQL.
_PAST_THE_SERVICES = {
    "repo",
    "db",
    "execute",
    "executemany",
    "fetchone",
    "fetchall",
    "fetchval",
    "transaction",
}


def _reaches_past_the_services(source: str) -> list[str]:
    return sorted(
        {
            f"{node.lineno}: .{node.attr}"
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and node.attr in _PAST_THE_SERVICES
        }
    )


def test_handlers_do_not_reach_past_the_services():
    for path in sorted((ROOT / "handlers").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert not _reaches_past_the_services(source), (path.name, _reaches_past_the_services(source))
        assert "SELECT " not in source and "INSERT " not in source and "UPDATE " not in source, path.name


def test_the_handler_check_sees_a_repository_call():
    """The check above can fail: each way of reaching past the services is found."""
    for line in (
        "await context.services.cases.repo.get(1)",
        "await context.services.db.fetchone('SELECT 1')",
        "await services.stats.db.execute('x')",
        "async with context.services.db.transaction() as conn: pass",
    ):
        assert _reaches_past_the_services(f"async def f(context, services):\n    {line}\n"), line


#: The container's fields that are repositories or the database, not services (bot/container.py).
_NOT_SERVICES = {"db", "people", "org", "stats", "invites"}
#: Command-line modules that are pure admin plumbing (copying, backing up the database; argparse's words):
#: they work on the database itself, below the services.
_PLUMBING_MODULES = {"cli_dbcopy.py", "cli_ops.py", "cli_i18n.py"}
#: Plumbing functions inside the command-line modules, which may open, migrate and load the database
#: directly: schema migration, the operator's bulk load of the organisation file (before anyone uses the
#: bot), and the demo fixtures (bot/demo.py, seeded into an empty database for `chat`).
_PLUMBING_FUNCTIONS = {
    "cli.py": {"cmd_migrate", "cmd_load_org"},
    "demo.py": {"seed_demo", "seed_demo_year"},
}
#: What plumbing-free command-line code may still ask the database: open it (the services need it open).
_DB_OPENING = {"open", "close", "is_open"}


def _is_services(node: ast.expr) -> bool:
    """`services` or `<anything>.services`: the container."""
    return (isinstance(node, ast.Name) and node.id == "services") or (
        isinstance(node, ast.Attribute) and node.attr == "services"
    )


def _container_uses(source: str, exempt: set[str] = frozenset()) -> list[tuple[int, str, str | None]]:
    """(line, field, attribute read of it) for every `services.<field>[.<attribute>]` in `source`, outside
    the functions named in `exempt`."""
    tree = ast.parse(source)
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in exempt
        for inner in ast.walk(node)
    }
    found = []
    inner = set()  # `services.db` inside `services.db.open`: seen once, with its attribute
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.Attribute):
            continue
        if isinstance(node.value, ast.Attribute) and _is_services(node.value.value):
            found.append((node.lineno, node.value.attr, node.attr))
            inner.add(id(node.value))
    for node in ast.walk(tree):
        if id(node) in skipped or id(node) in inner or not isinstance(node, ast.Attribute):
            continue
        if _is_services(node.value):
            found.append((node.lineno, node.attr, None))
    return sorted(set(found), key=lambda use: (use[0], use[1], use[2] or ""))


def _chat_layer_faults(source: str, exempt: set[str] = frozenset()) -> list[str]:
    """What a handler (or a command-line command) reaches past the services: a repository (`.repo`, or a
    container field that is one), the database beyond opening it, SQL."""
    faults = [
        f"{line}: services.{name}" + (f".{attr}" if attr else "")
        for line, name, attr in _container_uses(source, exempt)
        if (name in _NOT_SERVICES and not (name == "db" and attr in _DB_OPENING))
    ]
    tree = ast.parse(source)
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in exempt
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Attribute) and node.attr == "repo":
            faults.append(f"{node.lineno}: .repo")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if any(word in node.value for word in ("SELECT ", "INSERT ", "UPDATE ", "DELETE ")):
                faults.append(f"{node.lineno}: SQL")
    return sorted(faults)


def _chat_layer_modules() -> list[tuple[Path, set[str]]]:
    """Every handler module, and the command-line modules of bot/ (they translate between a terminal and the
    services, like handlers) with their plumbing functions."""
    found = [(path, set()) for path in sorted((ROOT / "handlers").glob("*.py"))]
    for path in sorted((ROOT / "bot").glob("*.py")):
        if (path.name.startswith("cli") or path.name == "demo.py") and path.name not in _PLUMBING_MODULES:
            found.append((path, _PLUMBING_FUNCTIONS.get(path.name, set())))
    return found


def test_the_chat_layer_reaches_only_services():
    """Issue 15: handlers (and the command line) translate between chat and services; the repositories,
    the database and SQL are the services' business."""
    for path, exempt in _chat_layer_modules():
        faults = _chat_layer_faults(path.read_text(encoding="utf-8"), exempt)
        assert not faults, (str(path.relative_to(ROOT)), faults)


def test_the_chat_layer_imports_no_repository():
    """Handlers import from storage/ only the database's error (handlers/errors.py answers it); the
    command-line commands, nothing (the plumbing modules and the demo seed aside)."""
    for path, _ in _chat_layer_modules():
        allowed = {"storage.db", "storage.db.StorageError"} if path.parent.name == "handlers" else set()
        if path.name == "demo.py":
            continue  # the demo fixtures write their year of cases with storage.stats.seed_cases
        bad = {n for n in _imports(path) if n.split(".")[0] == "storage" and n not in allowed}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_every_container_field_the_chat_layer_uses_is_a_service():
    """Whatever a field is called: each `services.<field>` a handler or command reads is typed, in
    bot/container.Services, as a class of services/ (or the configuration)."""
    import typing

    from bot.config import Config
    from bot.container import Services

    hints = typing.get_type_hints(Services)
    for path, exempt in _chat_layer_modules():
        for line, name, attr in _container_uses(path.read_text(encoding="utf-8"), exempt):
            if name not in hints or (name == "db" and attr in _DB_OPENING):
                continue  # not the container (e.g. `context.services.config.x` is seen as config, x)
            kind = hints[name]
            assert kind is Config or kind.__module__.startswith("services."), (
                f"{path.relative_to(ROOT)}:{line}: services.{name} is a {kind.__module__}.{kind.__name__}"
            )


def test_the_chat_layer_check_can_fail():
    """Each way of reaching past the services is found, an exempt plumbing function is not, and a
    repository-typed field under another name is caught by its type."""
    for line in (
        "await context.services.people.by_identity('console', '1')",
        "org = context.services.org",
        "await services.stats.provinces()",
        "await services.invites.create('X', 1, 'mediator', 1, '2099')",
        "await services.db.fetchall('SELECT code FROM teams')",
        "await services.qa.repo.gaps('2025-01-01')",
        "await context.services.org_list.repo.teams(1)",
        "await services.db.migrate()",
    ):
        assert _chat_layer_faults(f"async def f(context, services):\n    {line}\n"), line
    plumbing = "async def cmd_migrate(services):\n    await services.db.migrate()\n"
    assert _chat_layer_faults(plumbing) and not _chat_layer_faults(plumbing, {"cmd_migrate"})
    assert not _chat_layer_faults("async def f(services):\n    await services.db.open()\n")
    assert not _chat_layer_faults("async def f(context):\n    await context.services.directory.team(1)\n")
    import typing

    from bot.container import Services

    hints = typing.get_type_hints(Services)
    assert hints["text_claims"].__module__.startswith("services.")
    assert not hints["people"].__module__.startswith("services.")


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


def test_config_is_the_only_reader_of_the_environment():
    """One definition per concept: bot/config.Config.from_env reads every variable, the channels' included."""
    readers = []
    for package in ("bot", "handlers", "services", "storage", "knowledge"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "bot" / "config.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                    readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                elif isinstance(node, ast.FunctionDef) and node.name == "from_env":
                    readers.append(f"{path.relative_to(ROOT)}:{node.lineno} from_env")
    assert readers == []


def test_the_channels_settings_come_from_config():
    import pytest

    from bot.config import Config, ConfigError

    config = Config.from_env({"ZALO_BOT_TOKEN": "1:a", "ZALO_OA_APP_ID": "7", "ZALO_OA_WEBHOOK_PORT": "9001"})
    assert config.zalo.token == "1:a" and config.zalo.webhook_port == 8444 and config.zalo.poll_timeout == 30
    assert config.oa.app_id == "7" and config.oa.webhook_port == 9001 and not config.oa.proactive
    assert Config().zalo.token is None and Config().oa.webhook_path == "zalo-oa"
    with pytest.raises(ConfigError, match="ZALO_WEBHOOK_PORT và ZALO_POLL_TIMEOUT phải là số."):
        Config.from_env({"ZALO_POLL_TIMEOUT": "ba mươi"})
    with pytest.raises(ConfigError, match="ZALO_OA_WEBHOOK_PORT phải là số."):
        Config.from_env({"ZALO_OA_WEBHOOK_PORT": "x"})


def test_channels_share_the_http_transport_not_each_others_servers():
    """Channels are adapters at the transport level: the Zalo routes and the Telegram webhook each add routes
    to bot/channels/http.HttpServer; neither imports the other."""
    channels = ROOT / "bot" / "channels"
    for name in ("zalo_server", "zalo", "oa"):
        assert "bot.channels.webhook" not in _imports(channels / f"{name}.py"), name
    assert not {n for n in _imports(channels / "webhook.py") if n.startswith("bot.channels.zalo")}
    assert "bot.channels.http" in _imports(channels / "webhook.py")
    assert "bot.channels.http" in _imports(channels / "runner.py")
