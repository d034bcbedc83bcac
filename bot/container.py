"""The services an application uses, built once from the configuration (composition root)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Config
from services.agreements import AgreementFollowUp, FollowUpSettings
from services.broadcast import BroadcastService, ScopeChecker
from services.cases import CaseService, CaseSettings
from services.jobs import CaseReminders, MonthlySummaries
from services.knowledge import KnowledgeService
from services.library import LibraryService
from services.linking import LinkingService
from services.logbook import LogbookService
from services.national import NationalService
from services.org_list import OrgListService
from services.pay_lists import PayListService
from services.privacy import PartyCipher
from services.qa import QAService
from services.quiz import QuizService
from services.registration import RegistrationService
from services.statistics import StatisticsService
from services.submissions import SubmissionService
from services.training import TrainingService
from storage.broadcasts import BroadcastRepository
from storage.cases import CaseRepository
from storage.db import Database
from storage.invites import InviteRepository
from storage.jobs import JobRepository
from storage.kb_version import KnowledgeVersion
from storage.library import LibraryRepository
from storage.links import LinkCodeRepository
from storage.logbook import LogbookRepository
from storage.org import OrgRepository
from storage.org_list import OrgListRepository
from storage.people import PeopleRepository
from storage.qa import QARepository
from storage.quiz import QuizRepository
from storage.remuneration import RemunerationRepository
from storage.stats import StatsRepository
from storage.submissions import SubmissionRepository
from storage.text_claims import TextClaimRepository
from storage.training import TrainingRepository


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
    knowledge: KnowledgeService = field(default=None)  # type: ignore[assignment]
    qa: QAService = field(default=None)  # type: ignore[assignment]
    scopes: ScopeChecker = field(default=None)
    broadcasts: BroadcastService = field(default=None)
    training: TrainingService = field(default=None)
    stats: StatsRepository = field(default=None)
    statistics: StatisticsService = field(default=None)
    linking: LinkingService = field(default=None)  # type: ignore[assignment]
    text_claims: TextClaimRepository = field(default=None)  # type: ignore[assignment]
    remuneration: PayListService = field(default=None)  # type: ignore[assignment]
    submissions: SubmissionService = field(default=None)  # type: ignore[assignment]
    national: NationalService = field(default=None)  # type: ignore[assignment]
    logbook: LogbookService = field(default=None)  # type: ignore[assignment]
    followups: AgreementFollowUp = field(default=None)  # type: ignore[assignment]
    org_list: OrgListService = field(default=None)  # type: ignore[assignment]
    case_reminders: CaseReminders = field(default=None)  # type: ignore[assignment]
    summaries: MonthlySummaries = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.scopes = self.scopes or ScopeChecker(self.db, self.org)
        self.text_claims = self.text_claims or (
            self.cases.claims if self.cases else TextClaimRepository(self.db)
        )
        self.broadcasts = self.broadcasts or BroadcastService(BroadcastRepository(self.db), self.scopes)
        self.training = self.training or TrainingService(
            TrainingRepository(self.db), self.broadcasts, self.config.timezone
        )
        if self.submissions is None and self.statistics is not None:
            self.submissions = SubmissionService(SubmissionRepository(self.db), self.statistics, self.org)
        if self.national is None and self.stats is not None:
            self.national = NationalService(self.stats, self.org, self.submissions)
        self.logbook = self.logbook or LogbookService(
            LogbookRepository(self.db), self.stats or StatsRepository(self.db), self.org, self.cases
        )
        if self.followups is None and self.cases is not None:
            self.followups = AgreementFollowUp(
                self.logbook.repo,
                self.cases,
                FollowUpSettings(days=self.config.agreement_follow_up_days),
                channels=self.broadcasts.channels,
            )
        self.org_list = self.org_list or OrgListService(OrgListRepository(self.db), org=self.org)
        jobs = JobRepository(self.db)
        if self.case_reminders is None and self.cases is not None:
            self.case_reminders = CaseReminders(self.cases, jobs, channels=self.broadcasts.channels)
        if self.summaries is None and self.statistics is not None:
            self.summaries = MonthlySummaries(
                self.stats, self.statistics, jobs, channels=self.broadcasts.channels
            )

    @classmethod
    def build(cls, config: Config, db: Database | None = None) -> Services:
        db = db or Database(config.database_path)
        org = OrgRepository(db)
        people = PeopleRepository(db)
        invites = InviteRepository(db)
        return cls(
            config=config,
            db=db,
            org=org,
            people=people,
            invites=invites,
            registration=RegistrationService(org, people, invites),
            cases=CaseService(
                CaseRepository(db),
                org,
                people,
                PartyCipher(config.party_data_key),
                CaseSettings(reminder_days=config.case_reminder_days, timezone=config.timezone),
            ),
            library=LibraryService(LibraryRepository(db)),
            quiz=QuizService(QuizRepository(db)),
            knowledge=(knowledge := KnowledgeService(config.kb_dir, KnowledgeVersion(db))),
            qa=QAService(knowledge, QARepository(db)),
            stats=(stats := StatsRepository(db)),
            statistics=StatisticsService(stats, org),
            linking=LinkingService(LinkCodeRepository(db), people),
            remuneration=PayListService(RemunerationRepository(db), org, config.timezone),
        )

    async def open(self) -> None:
        if not self.db.is_open:
            await self.db.open()
        if self.knowledge is not None:
            await self.knowledge.load()

    async def close(self) -> None:
        await self.db.close()
