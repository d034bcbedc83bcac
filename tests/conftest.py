from __future__ import annotations

import asyncio

import pytest

from knowledge.catalog import KnowledgeBase, load
from knowledge.search import SearchIndex
from storage.db import Database
from tests import dbtarget
from tests.harness import ChatHarness


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: uses SQLite internals; stays on SQLite with TEST_DATABASE_URL"
    )


def pytest_report_header(config):
    return f"database: {'PostgreSQL (TEST_DATABASE_URL)' if dbtarget.on_postgres() else 'SQLite'}"


def pytest_sessionfinish(session, exitstatus):
    if dbtarget.on_postgres():
        asyncio.run(dbtarget.drop_run_schemas())


def _backend(request) -> str | None:
    return "sqlite" if request.node.get_closest_marker("sqlite_only") else None


@pytest.fixture
async def db(tmp_path, request):
    target = dbtarget.database_for(tmp_path, "test.db", _backend(request))
    await dbtarget.prepare(target)
    database = Database(target)
    await database.open()
    yield database
    await database.close()


@pytest.fixture
async def bot(tmp_path, request):
    async with ChatHarness(tmp_path, backend=_backend(request)) as harness:
        await harness.seed_demo()
        yield harness


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The bundled knowledge base, read once (a test module may define its own)."""
    return load()


@pytest.fixture(scope="session")
def index(kb) -> SearchIndex:
    """One search index for the whole run: tests switch rules off with monkeypatch, never mutate it."""
    return SearchIndex(kb)
