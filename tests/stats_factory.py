"""A small organisation for statistics tests, built through the repositories (no SQL in tests).

Province P1 (code "P1"): commune A (many ethnic-minority residents, default target), commune B (pilot).
Province P2: commune C. Teams: A-1, A-2, A-3 (never any case), B-1, C-1.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config
from bot.container import Services
from services.models import PersonDraft, Role
from storage.stats import CaseSeed, seed_cases
from tests import dbtarget


@dataclass
class Org:
    services: Services
    ids: dict[str, int]

    def __getitem__(self, key: str) -> int:
        return self.ids[key]

    async def cases(self, team: str, *specs: tuple[str, str, str] | tuple[str, str]) -> list[int]:
        """specs: (received_on, result) or (received_on, result, field)."""
        seeds = [
            CaseSeed(
                team_id=self.ids[team], received_on=s[0], result=s[1], field=s[2] if len(s) > 2 else "dat_dai"
            )
            for s in specs
        ]
        return await seed_cases(self.services.db, seeds)

    async def person(self, team: str | None, name: str, role: Role = Role.MEDIATOR, **fields) -> int:
        team_id = self.ids[team] if team else None
        commune_id = fields.pop("commune_id", None)
        if team_id is not None and commune_id is None:
            commune_id = (await self.services.org.team(team_id)).commune_id
        province_id = fields.pop("province_id", None)
        if commune_id is not None and province_id is None:
            province_id = (await self.services.org.commune(commune_id)).province_id
        return await self.services.people.create(
            PersonDraft(
                full_name=name,
                role=role,
                province_id=province_id,
                commune_id=commune_id,
                team_id=team_id,
                **fields,
            )
        )


async def build_org(tmp_path) -> Org:
    target = dbtarget.database_for(tmp_path, "stats.db")
    await dbtarget.prepare(target)
    services = Services.build(Config(database_path=target))
    await services.open()
    org = services.org
    ids: dict[str, int] = {}
    p1 = await org.upsert_province("P1", "Tỉnh Một")
    p2 = await org.upsert_province("P2", "Tỉnh Hai")
    ids.update(P1=p1.id, P2=p2.id)
    a = await org.upsert_commune(p1.id, "A", "Xã An", many_ethnic_minority=True)
    b = await org.upsert_commune(p1.id, "B", "Xã Bình", is_pilot=True)
    c = await org.upsert_commune(p2.id, "C", "Phường Cầu")
    ids.update(A=a.id, B=b.id, C=c.id)
    for code, commune in (("A-1", a), ("A-2", a), ("A-3", a), ("B-1", b), ("C-1", c)):
        ids[code] = (await org.upsert_team(commune.id, code, f"Tổ {code}")).id
    return Org(services, ids)
