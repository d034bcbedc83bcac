"""Organisation edits, link codes and Q&A as units of work (storage/uow.py): each use case commits or rolls
back as a whole (a failure injected after its first write leaves nothing), and concurrent runs of one use case
on the same aggregate keep it right. On PostgreSQL the concurrent calls really overlap (a pool of
connections); on SQLite they run one writer at a time and must give the same outcome."""

from __future__ import annotations

import asyncio

import pytest

from services.linking import LinkError
from storage.links import LinkCodeRepository
from storage.people import PeopleRepository


class Injected(RuntimeError):
    """The failure a test injects in the middle of a use case."""


def fail(*_args, **_kwargs):
    raise Injected()


async def _hoa(services):
    return await services.people.by_identity("console", "1003")


# --- link codes -------------------------------------------------------------------------------------------
async def test_issuing_a_code_rolls_back_as_a_whole(bot, monkeypatch):
    """Issuing expires the person's live code, then stores the new one: if storing fails, the old code still
    works."""
    linking, hoa = bot.services.linking, await _hoa(bot.services)
    old = await linking.issue(hoa, "console")
    monkeypatch.setattr(LinkCodeRepository, "insert", fail)
    with pytest.raises(Injected):
        await linking.issue(hoa, "console")
    monkeypatch.undo()
    assert (await linking.redeem(old.code, "zalo", "z-old")).id == hoa.id


async def test_a_redemption_rolls_back_as_a_whole(bot, monkeypatch):
    """The code is used first, then the identity linked: if linking fails, the code is not used up."""
    linking, hoa = bot.services.linking, await _hoa(bot.services)
    issued = await linking.issue(hoa, "console")
    monkeypatch.setattr(PeopleRepository, "link_identity", fail)
    with pytest.raises(Injected):
        await linking.redeem(issued.code, "zalo", "z-1")
    monkeypatch.undo()
    assert await bot.services.people.by_identity("zalo", "z-1") is None
    assert (await linking.redeem(issued.code, "zalo", "z-1")).id == hoa.id


async def test_a_wrong_code_records_its_failed_attempt_and_nothing_else(bot):
    linking = bot.services.linking
    with pytest.raises(LinkError) as refused:
        await linking.redeem("000000", "zalo", "z-guess")
    assert refused.value.detail == "unknown"
    assert await linking.codes.failures_since("zalo", "z-guess", "2000-01-01") == 1
    assert await bot.services.people.by_identity("zalo", "z-guess") is None


async def test_concurrent_redemptions_of_one_code_link_exactly_one_identity(bot):
    linking, hoa = bot.services.linking, await _hoa(bot.services)
    issued = await linking.issue(hoa, "console")
    outcomes = await asyncio.gather(
        *(linking.redeem(issued.code, "zalo", f"z-{n}") for n in range(6)), return_exceptions=True
    )
    linked = [o for o in outcomes if not isinstance(o, BaseException)]
    assert [p.id for p in linked] == [hoa.id]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert all(isinstance(e, LinkError) and e.detail == "used" for e in refused), refused
    zalo = [i for i in await bot.services.people.identities(hoa.id) if i[0] == "zalo"]
    assert len(zalo) == 1


async def test_concurrent_issues_leave_one_valid_code(bot):
    linking, hoa = bot.services.linking, await _hoa(bot.services)
    issued = await asyncio.gather(*(linking.issue(hoa, "console") for _ in range(5)))
    working = []
    for n, code in enumerate(issued):
        try:
            await linking.redeem(code.code, "zalo", f"z-try-{n}")
            working.append(code)
        except LinkError as exc:
            assert exc.detail in ("expired", "used")
    assert len(working) == 1
