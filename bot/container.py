"""The services an application uses, built once from the configuration (composition root)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from bot.config import Config
from services.cases import CaseService, CaseSettings
from services.library import LibraryService
from services.linking import LinkingService
from services.privacy import PartyCipher
from services.quiz import QuizService
from services.registration import RegistrationService
from storage.cases import CaseRepository
from storage.db import Database
from storage.invites import InviteRepository
from storage.library import LibraryRepository
from storage.links import LinkCodeRepository
from storage.org import OrgRepository
from storage.people import PeopleRepository
from storage.quiz import QuizRepository


@dataclass
class Services:
    config: Config
    db: Database
    org: OrgRepository
    people: PeopleRepository
    invites: InviteRepository
    registration: RegistrationService
    cases: CaseService = field(default=None)  # type: ignore[assignment]
    library: LibraryService = field(default=None)
    quiz: QuizService = field(default=None)
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
            cases=CaseService(CaseRepository(db), org, people, PartyCipher.from_env(os.environ),
                              CaseSettings.from_env(os.environ, timezone=config.timezone)),
            library=LibraryService(LibraryRepository(db)), quiz=QuizService(QuizRepository(db)),
            linking=LinkingService(LinkCodeRepository(db), people),
        )

    async def open(self) -> None:
        if self.db._conn is None:
            await self.db.open()

    async def close(self) -> None:
        await self.db.close()
