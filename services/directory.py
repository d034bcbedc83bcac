"""Read-only look-ups of the organisation (provinces, communes, teams) and its people, for the chat and the
command line, with the rule of which communes a province official or an administrator may pick.

Handlers reach the organisation only through this service (tests/test_layers.py); creating and linking people
belongs to services/registration.py, editing the organisation to services/org_list.py."""

from __future__ import annotations

from typing import Literal

from services.models import Commune, Person, Province, Team
from storage.org import OrgRepository
from storage.people import PeopleRepository
from storage.stats import StatsRepository

#: The units that have a code.
UnitKind = Literal["province", "commune", "team"]


class DirectoryService:
    def __init__(self, org: OrgRepository, people: PeopleRepository, stats: StatsRepository):
        self._org = org
        self._people = people
        self._stats = stats

    # --- provinces, communes, teams ----------------------------------------------------------------------
    async def provinces(self) -> list[Province]:
        """Every province, by name."""
        return await self._stats.provinces()

    async def province(self, province_id: int) -> Province | None:
        return await self._org.province(province_id)

    async def province_by_code(self, code: str) -> Province | None:
        return await self._org.province_by_code(code)

    async def commune(self, commune_id: int) -> Commune | None:
        return await self._org.commune(commune_id)

    async def commune_by_code(self, code: str) -> Commune | None:
        return await self._org.commune_by_code(code)

    async def communes_of_province(self, province_id: int) -> list[Commune]:
        """The communes of a province, by name."""
        return await self._org.communes_of_province(province_id)

    async def communes_in_reach(self, person: Person) -> list[Commune]:
        """The communes a province official (or an administrator) picks from: those of their province; for
        one without a province (an administrator), every commune, by province name then commune name."""
        if person.province_id:
            return await self._org.communes_of_province(person.province_id)
        return await self._org.all_communes()

    async def all_communes(self) -> list[Commune]:
        """Every commune, by province name then commune name."""
        return await self._org.all_communes()

    async def team(self, team_id: int) -> Team | None:
        return await self._org.team(team_id)

    async def team_by_code(self, code: str) -> Team | None:
        return await self._org.team_by_code(code)

    async def teams_of_commune(self, commune_id: int) -> list[Team]:
        """The active teams of a commune, by code."""
        return await self._org.teams_of_commune(commune_id)

    async def codes(self, kind: UnitKind) -> list[str]:
        """Every code of one kind of unit, sorted."""
        return await self._stats.codes(kind)

    async def by_code(self, kind: UnitKind, code: str) -> Province | Commune | Team | None:
        """The province, commune or team with exactly this code."""
        if kind == "province":
            return await self._org.province_by_code(code)
        if kind == "commune":
            return await self._org.commune_by_code(code)
        return await self._org.team_by_code(code)

    # --- people ------------------------------------------------------------------------------------------
    async def person(self, person_id: int) -> Person | None:
        return await self._people.get(person_id)

    async def person_by_identity(self, channel: str, external_id: str) -> Person | None:
        """The person a chat account ('telegram', 'zalo', 'oa', 'console' and its id) is linked to."""
        return await self._people.by_identity(channel, external_id)

    async def members_of_team(self, team_id: int) -> list[Person]:
        return await self._people.members_of_team(team_id)
