"""The services an application uses, built once from the configuration (composition root)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Config
from services.agreements import AgreementFollowUp, FollowUpSettings
from services.broadcast import BroadcastService, ScopeChecker
from services.cases import CaseService, CaseSettings
from services.directory import DirectoryService
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
from services.text_claims import TextClaims
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
from storage.training import TrainingRepository


@dataclass
class Services:
    config: Config
    db: Database
    org: OrgRepository
    people: PeopleRepository
    invites: InviteRepository
    registration: RegistrationService
    cases: CaseService
    library: LibraryService
    quiz: QuizService
    knowledge: KnowledgeService
    qa: QAService
    stats: StatsRepository
    statistics: StatisticsService
    linking: LinkingService
    remuneration: PayListService
    # Made from the others by __post_init__:
    scopes: ScopeChecker = field(init=False)
    text_claims: TextClaims = field(init=False)
    broadcasts: BroadcastService = field(init=False)
    training: TrainingService = field(init=False)
    submissions: SubmissionService = field(init=False)
    national: NationalService = field(init=False)
    logbook: LogbookService = field(init=False)
    followups: AgreementFollowUp = field(init=False)
    org_list: OrgListService = field(init=False)
    case_reminders: CaseReminders = field(init=False)
    summaries: MonthlySummaries = field(init=False)
    directory: DirectoryService = field(init=False)  # what handlers read of the organisation and people

    def __post_init__(self) -> None:
        self.scopes = ScopeChecker(self.db, self.org)
        self.text_claims = TextClaims(self.cases.claims)
        self.broadcasts = BroadcastService(BroadcastRepository(self.db), self.scopes)
        self.training = TrainingService(TrainingRepository(self.db), self.broadcasts, self.config.timezone)
        self.submissions = SubmissionService(SubmissionRepository(self.db), self.statistics, self.org)
        self.national = NationalService(self.stats, self.org, self.submissions)
        self.logbook = LogbookService(LogbookRepository(self.db), self.stats, self.org, self.cases)
        self.followups = AgreementFollowUp(
            self.logbook.repo,
            self.cases,
            FollowUpSettings(days=self.config.agreement_follow_up_days),
            channels=self.broadcasts.channels,
        )
        self.org_list = OrgListService(OrgListRepository(self.db), org=self.org)
        self.qa.channels = self.broadcasts.channels  # an expert's answer reaches the asker on any of them
        jobs = JobRepository(self.db)
        self.case_reminders = CaseReminders(self.cases, jobs, channels=self.broadcasts.channels)
        self.summaries = MonthlySummaries(
            self.stats, self.statistics, jobs, channels=self.broadcasts.channels
        )
        self.directory = DirectoryService(self.org, self.people, self.stats)

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
