from __future__ import annotations

import pytest

from storage.db import Database
from tests.harness import ChatHarness


@pytest.fixture
async def db(tmp_path):
    database = Database(tmp_path / "test.db")
    await database.open()
    yield database
    await database.close()


@pytest.fixture
async def bot(tmp_path):
    async with ChatHarness(tmp_path) as harness:
        await harness.seed_demo()
        yield harness
