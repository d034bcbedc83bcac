"""The services an application uses, built once from the configuration (composition root)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Config
from services.linking import LinkingService
from services.registration import RegistrationService
from storage.db import Database
from storage.invites import InviteRepository
from storage.links import LinkCodeRepository
from storage.org import OrgRepository
from storage.people import PeopleRepository


@dataclass
class Services:
    config: Config
    db: Database
    org: OrgRepository
    people: PeopleRepository
    invites: InviteRepository
    registration: RegistrationService
    linking: LinkingService = field(default=None)  # type: ignore[assignment]

    @classmethod
    def build(cls, config: Config, db: Database | None = None) -> Services:
        db = db or Database(config.database_path)
        org = OrgRepository(db)
        people = PeopleRepository(db)
        invites = InviteRepository(db)
        return cls(
            config=config, db=db, org=org, people=people, invites=invites,
            registration=RegistrationService(org, people, invites),
            linking=LinkingService(LinkCodeRepository(db), people),
        )

    async def open(self) -> None:
        if self.db._conn is None:
            await self.db.open()

    async def close(self) -> None:
        await self.db.close()
