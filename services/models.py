"""Domain objects of the organisation: province → commune → mediation team → people."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    MEDIATOR = "mediator"
    TEAM_LEADER = "team_leader"
    COMMUNE_OFFICIAL = "commune_official"
    PROVINCE_OFFICIAL = "province_official"
    ADMIN = "admin"
    MINISTRY_OFFICIAL = (
        "ministry_official"  # Bộ Tư pháp: the national roll-up; created by an administrator only
    )


#: Roles that may hold an invite code (who may create which: services/registration.creatable_roles).
INVITABLE_ROLES = (Role.MEDIATOR, Role.TEAM_LEADER, Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL)
#: Roles whose members work inside one mediation team.
TEAM_ROLES = (Role.MEDIATOR, Role.TEAM_LEADER)
OFFICIAL_ROLES = (Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.ADMIN)

#: Kinds of legal supporter attached to a team (QĐ 315/QĐ-TTg: lawyers, jurists, police...).
LEGAL_SUPPORTER_KINDS = (
    "luat_su",
    "luat_gia",
    "cong_an",
    "hoi_tham_nhan_dan",
    "bo_doi_bien_phong",
    "can_bo_phap_luat",
    "cuu_tham_phan_kiem_sat_vien",
    "khac",
)

COMMUNE_KINDS = ("xa", "phuong", "dac_khu")


@dataclass(frozen=True, slots=True)
class Province:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Commune:
    id: int
    province_id: int
    code: str
    name: str
    kind: str = "xa"
    is_pilot: bool = False
    many_ethnic_minority: bool = False
    success_target: float | None = None
    store_party_names: bool = False


@dataclass(frozen=True, slots=True)
class Team:
    id: int
    commune_id: int
    code: str
    name: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    full_name: str
    role: Role
    province_id: int | None = None
    commune_id: int | None = None
    team_id: int | None = None
    gender: str | None = None
    ethnic_minority: bool | None = None
    recognised_on: str | None = None
    trained_on: str | None = None
    legal_background: str | None = None
    legal_supporter: str | None = None
    active: bool = True

    @property
    def is_official(self) -> bool:
        return self.role in OFFICIAL_ROLES


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    code: str
    commune_id: int
    team_id: int | None
    role: Role
    max_uses: int
    uses: int
    expires_at: str
    revoked: bool = False
    person_id: int | None = None
    created_by: int | None = None


@dataclass(slots=True)
class PersonDraft:
    """What is known of a person before they are stored (from an org file or a registration)."""

    full_name: str
    role: Role
    province_id: int | None = None
    commune_id: int | None = None
    team_id: int | None = None
    gender: str | None = None
    ethnic_minority: bool | None = None
    recognised_on: str | None = None
    trained_on: str | None = None
    legal_background: str | None = None
    legal_supporter: str | None = None
    external_ref: str | None = None
    extra: dict = field(default_factory=dict)


#: The smallest mediation team (Law 35/2013 Art. 12 cl. 1: a team has three or more members).
MIN_TEAM_SIZE = 3


@dataclass(slots=True)
class TeamMembers:
    """Aggregates of the active mediators of one team (from a GROUP BY over persons)."""

    team_id: int
    mediators: int = 0
    leaders: int = 0
    women: int = 0
    men: int = 0
    ethnic_minority: int = 0
    trained: int = 0
    legal_supporters: int = 0
    #: mediators recognised in the window of the 6-month indicator, and those of them trained in time
    recent: int = 0
    recent_trained_in_time: int = 0
