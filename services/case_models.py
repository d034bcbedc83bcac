"""Domain objects of the case aggregate (the digital logbook)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# --- Codes of a case (the CHECK constraints of storage/migrations/0002_cases.sql, 0014_logbook.sql) ------
# One definition of the codes; their labels are in the string catalogue (vocabulary/messages.py): the form's
# labels (CASE_FIELD_LABELS, CASE_BASIS_LABELS, CASE_RESULT_LABELS, CASE_INVITED_KIND_LABELS) and the shorter
# ones of the statistics report (STATS_FIELD_LABELS, STATS_RESULT_LABELS), each keyed by these codes.
#: Field of the dispute (lĩnh vực).
FIELD_CODES: tuple[str, ...] = (
    "dat_dai",
    "hon_nhan_gia_dinh",
    "dan_su",
    "xom_gieng",
    "vi_pham_phap_luat",
    "khac",
)
#: Basis for mediating (Law 35/2013 Art. 16).
BASIS_CODES: tuple[str, ...] = ("yeu_cau", "chung_kien", "phan_cong_de_nghi")
#: Result (kết quả) of a case, in the order of the forms and reports.
RESULT_CODES: tuple[str, ...] = ("thanh", "khong_thanh", "dang_hoa_giai", "chuyen_co_quan", "rut_yeu_cau")
SUCCESS_RESULT = "thanh"
PENDING_RESULT = "dang_hoa_giai"
#: Results that end the mediation (they have a closing date).
CONCLUDED_RESULTS: tuple[str, ...] = tuple(r for r in RESULT_CODES if r != PENDING_RESULT)
#: Kinds of persons invited to take part in a mediation (Law 35/2013 Art. 19).
INVITED_KIND_CODES: tuple[str, ...] = (
    "uy_tin",
    "gia_lang",
    "chuc_sac",
    "cong_an",
    "dia_chinh",
    "nguoi_than",
    "phap_luat",
    "biet_vu_viec",
    "to_chuc",
    "khac",
)


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    number: str
    province_id: int
    commune_id: int
    team_id: int
    reporter_id: int | None
    received_on: str
    field: str
    basis: str
    parties_count: int
    result: str
    closed_on: str | None
    court_recognition: bool | None
    summary: str | None
    parties_encrypted: str | None
    external_id: str | None
    submission_key: str | None
    created_at: str
    updated_at: str
    mediator_ids: tuple[int, ...] = ()
    # Part I columns added by migration 0014 (None/empty on older rows).
    invited_kinds: tuple[str, ...] = ()
    invited_count: int | None = None
    invited_names_encrypted: str | None = None
    agreement: str | None = None
    note: str | None = None
    written_record: bool | None = None
    record_photo: str | None = None
    follows_case_id: int | None = None

    def form_values(self) -> dict[str, Any]:
        """The case as values of the case form (services/case_form.py)."""
        values: dict[str, Any] = {
            "team_id": self.team_id,
            "received_on": self.received_on,
            "field": self.field,
            "basis": self.basis,
            "result": self.result,
            "parties_count": self.parties_count,
            "mediator_ids": list(self.mediator_ids),
            "summary": self.summary or "",
        }
        if self.closed_on:
            values["closed_on"] = self.closed_on
        if self.court_recognition is not None:
            values["court_recognition"] = self.court_recognition
        if self.parties_encrypted:
            values["parties"] = self.parties_encrypted
        values["invited_kinds"] = list(self.invited_kinds)
        if self.invited_count:
            values["invited_count"] = self.invited_count
        if self.invited_names_encrypted:
            values["invited_names"] = self.invited_names_encrypted
        values["agreement"] = self.agreement or ""
        values["note"] = self.note or ""
        if self.written_record is not None:
            values["written_record"] = self.written_record
        if self.record_photo:
            values["record_photo"] = self.record_photo
        if self.follows_case_id:
            values["follows_case_id"] = self.follows_case_id
        return values


@dataclass(slots=True)
class Draft:
    person_id: int
    purpose: str  # new | edit | result
    submission_key: str
    case_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    editing: str | None = None
    started: str = ""
    updated_at: str = ""

    def data(self) -> dict[str, Any]:
        return {
            "values": self.values,
            "history": self.history,
            "editing": self.editing,
            "started": self.started,
        }


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    case_id: int
    person_id: int | None
    action: str
    before: dict | None
    after: dict | None
    at: str
