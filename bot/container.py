"""The services an application uses, built once from the configuration (composition root)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Config
from services.registration import RegistrationService
from services.statistics import StatisticsService
from storage.db import Database
from storage.invites import InviteRepository
from storage.org import OrgRepository
from storage.people import PeopleRepository
from storage.stats import StatsRepository


@dataclass
class Services:
    config: Config
    db: Database
    org: OrgRepository
    people: PeopleRepository
    invites: InviteRepository
    registration: RegistrationService
    stats: StatsRepository = field(default=None)
    statistics: StatisticsService = field(default=None)

    @classmethod
    def build(cls, config: Config, db: Database | None = None) -> Services:
        db = db or Database(config.database_path)
        org = OrgRepository(db)
        people = PeopleRepository(db)
        invites = InviteRepository(db)
        return cls(
            config=config, db=db, org=org, people=people, invites=invites,
            registration=RegistrationService(org, people, invites),
            stats=(stats := StatsRepository(db)), statistics=StatisticsService(stats, org),
        )

    async def open(self) -> None:
        if self.db._conn is None:
            await self.db.open()

    async def close(self) -> None:
        await self.db.close()
