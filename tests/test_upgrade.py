"""Upgrading a populated database: from every earlier schema version to the newest, on the run's backend.

For each bundled migration version V before the newest (computed at run time, so migrations added later are
covered without editing this file): a fresh database is migrated to V, filled through plain SQL with realistic
rows for every table that exists at V, then opened with the current code (which migrates it to the newest
version). Then:
- every row is still there with its values; columns added since V hold their default in the old rows;
- the schema version is the newest, the versions applied before keep their bookkeeping rows;
- the current repositories and services work on the upgraded data: the people, the persistence layer, a case
  reported through the case service (numbered after the migrated ones), a result recorded on a migrated case,
  the statistics report, a broadcast created and its outbox claimed, and the reads of every later table;
- opening it once more applies nothing and changes nothing.

Runs on SQLite, or on PostgreSQL with TEST_DATABASE_URL (tests/dbtarget.py).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.config import Config
from bot.container import Services
from bot.persistence import SqlitePersistence
from services.models import Role
from services.statistics import Counts, Period
from storage.broadcasts import BroadcastRepository
from storage.db import Database, migrations_for
from storage.library import LibraryRepository
from storage.links import LinkCodeRepository
from storage.qa import QARepository
from storage.quiz import QuizRepository
from storage.zalo import ZALO_ID_BASE, ZaloStore
from tests import dbtarget

DIALECT = "postgres" if dbtarget.on_postgres() else "sqlite"
VERSIONS = [version for version, _, _ in migrations_for(DIALECT)]
HEAD = VERSIONS[-1]
#: Every version a deployed database may still be at (newest first: the likeliest upgrade is tested first).
EARLIER = sorted(VERSIONS[:-1], reverse=True)

#: The case service's clock during the test: "today" for the chat form (case numbers carry its year).
TODAY = date(2025, 6, 20)
PERIOD = Period(date(2025, 1, 1), date(2025, 6, 30))


# --- the seed: realistic rows, inserted through plain SQL, for whatever tables exist at V -------------------
@dataclass(frozen=True)
class Ref:
    """The id of an earlier seed row."""

    name: str


@dataclass(frozen=True)
class Seed:
    table: str
    name: str
    values: dict[str, Any]
    #: Other tables that must exist for this row to make sense (a Zalo identity needs zalo_ids).
    needs: tuple[str, ...] = ()


Value = Any | Ref | Callable[[dict[str, int]], Any]


def row(table: str, name: str, values: dict[str, Value], needs: tuple[str, ...] = ()) -> Seed:
    return Seed(table, name, values, needs)


def at(day: str, clock: str = "02:15:00") -> str:
    return f"{day}T{clock}+00:00"


def _person(name: str, role: str, province: str, commune: str | None, team: str | None, **extra: Any) -> dict:
    return {
        "full_name": name,
        "role": role,
        "province_id": Ref(province),
        "commune_id": Ref(commune) if commune else None,
        "team_id": Ref(team) if team else None,
        "created_at": at("2024-02-01"),
        "updated_at": at("2024-02-01"),
        **extra,
    }


def _case(
    number: str,
    team: str,
    commune: str,
    province: str,
    reporter: str | None,
    received: str,
    field_: str,
    basis: str,
    result: str,
    closed: str | None = None,
    **extra: Any,
) -> dict:
    return {
        "number": number,
        "province_id": Ref(province),
        "commune_id": Ref(commune),
        "team_id": Ref(team),
        "reporter_id": Ref(reporter) if reporter else None,
        "received_on": received,
        "field": field_,
        "basis": basis,
        "parties_count": extra.pop("parties_count", 2),
        "result": result,
        "closed_on": closed,
        "created_at": at(received, "09:00:00"),
        "updated_at": at(closed or received, "10:00:00"),
        **extra,
    }


def _scope(communes: list[str], teams: list[str] | None = None) -> Callable[[dict[str, int]], str]:
    return lambda ids: json.dumps(
        {
            "audience": "all",
            "communes": [ids[c] for c in communes],
            "teams": [ids[t] for t in teams] if teams else None,
        },
        sort_keys=True,
    )


def _zalo_external(name: str) -> Callable[[dict[str, int]], str]:
    return lambda ids: str(ZALO_ID_BASE + ids[name])


SHA = "9f2c4e0b7d1a3c5e8f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e"
LINK_HASH = "5b1f0d3c2a4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"

SEED: list[Seed] = [
    # 0001: organisation, people, identities, invites, bot persistence
    row("provinces", "DB", {"code": "DB", "name": "Điện Biên"}),
    row("provinces", "LC", {"code": "LC", "name": "Lai Châu"}),
    row(
        "communes",
        "ML",
        {
            "province_id": Ref("DB"),
            "code": "ML",
            "name": "Phường Mường Lay",
            "kind": "phuong",
            "is_pilot": 1,
            "many_ethnic_minority": 1,
            "success_target": 0.9,
            "store_party_names": 0,
        },
    ),
    row("communes", "NL", {"province_id": Ref("DB"), "code": "NL", "name": "Xã Nà Lơi", "kind": "xa"}),
    row(
        "communes",
        "TT",
        {
            "province_id": Ref("LC"),
            "code": "TT",
            "name": "Xã Tà Tổng",
            "kind": "xa",
            "many_ethnic_minority": 1,
        },
    ),
    row("teams", "ML-01", {"commune_id": Ref("ML"), "code": "ML-01", "name": "Tổ hòa giải bản Na Lay"}),
    row(
        "teams", "ML-02", {"commune_id": Ref("ML"), "code": "ML-02", "name": "Tổ hòa giải tổ dân phố Sông Đà"}
    ),
    row(
        "teams",
        "NL-01",
        {"commune_id": Ref("NL"), "code": "NL-01", "name": "Tổ hòa giải bản Nà Lơi", "active": 0},
    ),
    row("teams", "TT-01", {"commune_id": Ref("TT"), "code": "TT-01", "name": "Tổ hòa giải bản Tà Tổng"}),
    row(
        "persons",
        "mai",
        _person(
            "Quàng Thị Mai",
            "mediator",
            "DB",
            "ML",
            "ML-01",
            gender="nu",
            ethnic_minority=1,
            recognised_on="2024-03-01",
            trained_on="2024-06-15",
            legal_background="Trung cấp luật",
            external_ref="HGV-ML-001",
        ),
    ),
    row(
        "persons",
        "hung",
        _person(
            "Lò Văn Hùng",
            "team_leader",
            "DB",
            "ML",
            "ML-01",
            gender="nam",
            ethnic_minority=1,
            recognised_on="2023-11-20",
            trained_on="2024-01-10",
            external_ref="HGV-ML-002",
        ),
    ),
    row(
        "persons",
        "son",
        _person(
            "Tòng Văn Sơn",
            "mediator",
            "DB",
            "ML",
            "ML-02",
            gender="nam",
            ethnic_minority=1,
            recognised_on="2025-01-05",
            legal_supporter="Nguyễn Văn Luật (Phòng Tư pháp)",
        ),
    ),
    row("persons", "lan", _person("Lường Thị Lan", "mediator", "DB", "ML", "ML-01", gender="nu", active=0)),
    row("persons", "thu", _person("Nguyễn Thị Thu", "commune_official", "DB", "ML", None, gender="nu")),
    row("persons", "binh", _person("Lê Văn Bình", "province_official", "DB", None, None, gender="nam")),
    row(
        "persons",
        "pha",
        _person("Giàng A Pha", "mediator", "LC", "TT", "TT-01", gender="nam", ethnic_minority=1),
    ),
    row(
        "identities",
        "mai-tg",
        {
            "person_id": Ref("mai"),
            "channel": "telegram",
            "external_id": "700001",
            "chat_id": "700001",
            "created_at": at("2024-03-02"),
        },
    ),
    row(
        "identities",
        "hung-tg",
        {
            "person_id": Ref("hung"),
            "channel": "telegram",
            "external_id": "700002",
            "chat_id": None,
            "created_at": at("2024-03-02"),
        },
    ),
    row(
        "identities",
        "son-tg",
        {
            "person_id": Ref("son"),
            "channel": "telegram",
            "external_id": "700003",
            "chat_id": "700003",
            "created_at": at("2025-01-06"),
        },
    ),
    row(
        "identities",
        "lan-tg",
        {
            "person_id": Ref("lan"),
            "channel": "telegram",
            "external_id": "700004",
            "chat_id": "700004",
            "created_at": at("2024-03-02"),
        },
    ),
    row(
        "identities",
        "thu-tg",
        {
            "person_id": Ref("thu"),
            "channel": "telegram",
            "external_id": "700010",
            "chat_id": "700010",
            "created_at": at("2024-02-01"),
        },
    ),
    row(
        "identities",
        "binh-tg",
        {
            "person_id": Ref("binh"),
            "channel": "telegram",
            "external_id": "700020",
            "chat_id": "700020",
            "created_at": at("2024-02-01"),
        },
    ),
    row(
        "invites",
        "inv-mai",
        {
            "code": "ML7Q2K",
            "commune_id": Ref("ML"),
            "team_id": Ref("ML-01"),
            "role": "mediator",
            "max_uses": 5,
            "uses": 1,
            "expires_at": at("2025-12-31"),
            "revoked": 0,
            "created_by": Ref("thu"),
            "created_at": at("2024-02-20"),
        },
    ),
    row(
        "invites",
        "inv-revoked",
        {
            "code": "ML9X4P",
            "commune_id": Ref("ML"),
            "role": "team_leader",
            "max_uses": 1,
            "uses": 0,
            "expires_at": at("2024-04-01"),
            "revoked": 1,
            "created_by": Ref("thu"),
            "created_at": at("2024-03-01"),
        },
    ),
    row(
        "invite_redemptions",
        "red-mai",
        {"invite_id": Ref("inv-mai"), "person_id": Ref("mai"), "redeemed_at": at("2024-03-02")},
    ),
    row(
        "bot_state",
        "user-mai",
        {"kind": "user", "key": "700001", "data": json.dumps({"menu": "cases", "lang": "vi"})},
    ),
    row("bot_state", "conv-reg", {"kind": "conv:registration", "key": "[700009, 700009]", "data": "3"}),
    # 0002: the logbook
    row(
        "cases",
        "c1",
        _case(
            "ML-2025-0001",
            "ML-01",
            "ML",
            "DB",
            "mai",
            "2025-01-15",
            "dat_dai",
            "yeu_cau",
            "thanh",
            "2025-01-20",
            court_recognition=1,
            summary="Tranh chấp ranh giới đất vườn",
            submission_key="a1b2c3d4e5f60001",
        ),
    ),
    row(
        "cases",
        "c2",
        _case(
            "ML-2025-0002",
            "ML-01",
            "ML",
            "DB",
            "hung",
            "2025-02-03",
            "hon_nhan_gia_dinh",
            "chung_kien",
            "khong_thanh",
            "2025-02-10",
            submission_key="a1b2c3d4e5f60002",
        ),
    ),
    row(
        "cases",
        "c3",
        _case(
            "ML-2025-0003",
            "ML-02",
            "ML",
            "DB",
            "son",
            "2025-03-12",
            "xom_gieng",
            "yeu_cau",
            "dang_hoa_giai",
            parties_count=3,
            summary="Tiếng ồn từ xưởng mộc",
        ),
    ),
    row(
        "cases",
        "c4",
        _case(
            "ML-2025-0004",
            "ML-01",
            "ML",
            "DB",
            None,
            "2025-04-01",
            "dan_su",
            "phan_cong_de_nghi",
            "chuyen_co_quan",
            "2025-04-05",
            external_id="SO-2025-17",
        ),
    ),
    row(
        "cases",
        "c5",
        _case(
            "ML-2025-0005",
            "ML-02",
            "ML",
            "DB",
            "son",
            "2025-05-30",
            "khac",
            "yeu_cau",
            "thanh",
            "2025-06-02",
            court_recognition=0,
            parties_encrypted="gAAAAABnQ2xvc2VkLXBhcnRpZXM=",
        ),
    ),
    row(
        "cases",
        "c-old",
        _case(
            "ML-2024-0009",
            "ML-02",
            "ML",
            "DB",
            "son",
            "2024-12-28",
            "dat_dai",
            "yeu_cau",
            "thanh",
            "2024-12-30",
        ),
    ),
    row(
        "cases",
        "c-nl",
        _case(
            "NL-2025-0001",
            "NL-01",
            "NL",
            "DB",
            None,
            "2025-02-14",
            "dat_dai",
            "yeu_cau",
            "rut_yeu_cau",
            "2025-02-20",
        ),
    ),
    row("case_mediators", "c1-mai", {"case_id": Ref("c1"), "person_id": Ref("mai")}),
    row("case_mediators", "c1-hung", {"case_id": Ref("c1"), "person_id": Ref("hung")}),
    row("case_mediators", "c2-hung", {"case_id": Ref("c2"), "person_id": Ref("hung")}),
    row("case_mediators", "c3-son", {"case_id": Ref("c3"), "person_id": Ref("son")}),
    row(
        "case_audit",
        "a1",
        {
            "case_id": Ref("c1"),
            "person_id": Ref("mai"),
            "action": "create",
            "before_json": None,
            "after_json": json.dumps({"number": "ML-2025-0001", "result": "dang_hoa_giai"}),
            "at": at("2025-01-15", "09:00:00"),
        },
    ),
    row(
        "case_audit",
        "a2",
        {
            "case_id": Ref("c1"),
            "person_id": Ref("hung"),
            "action": "record_result",
            "before_json": json.dumps({"result": "dang_hoa_giai"}),
            "after_json": json.dumps({"result": "thanh"}),
            "at": at("2025-01-20", "10:00:00"),
        },
    ),
    # 0003: legal questions
    row(
        "qa_questions",
        "q1",
        {
            "asked_at": at("2025-03-01"),
            "channel": "telegram",
            "asker_ref": "700001",
            "person_id": Ref("mai"),
            "commune_id": Ref("ML"),
            "text": "Hòa giải viên có được hưởng thù lao không?",
            "folded": "hoa giai vien co duoc huong thu lao khong",
            "outcome": "answered",
            "confidence": 0.82,
            "matched_ids": json.dumps(["thu-lao-01", "thu-lao-02"]),
            "matched_scores": json.dumps([0.82, 0.41]),
            "shown_id": "thu-lao-01",
            "feedback": 1,
            "feedback_at": at("2025-03-01", "02:16:00"),
        },
    ),
    row(
        "qa_questions",
        "q2",
        {
            "asked_at": at("2025-03-02"),
            "channel": "telegram",
            "asker_ref": "700099",
            "text": "Tranh chấp lối đi chung giải quyết thế nào",
            "folded": "tranh chap loi di chung giai quyet the nao",
            "outcome": "not_sure",
            "confidence": 0.31,
            "matched_ids": json.dumps(["loi-di-01"]),
            "matched_scores": json.dumps([0.31]),
        },
    ),
    row(
        "qa_questions",
        "q3",
        {
            "asked_at": at("2025-03-02", "02:17:00"),
            "channel": "telegram",
            "asker_ref": "700099",
            "text": "Lối đi chung",
            "folded": "loi di chung",
            "outcome": "picked",
            "matched_ids": "[]",
            "matched_scores": "[]",
            "shown_id": "loi-di-01",
            "parent_id": Ref("q2"),
        },
    ),
    row(
        "qa_expert_requests",
        "x1",
        {
            "question_id": Ref("q1"),
            "asker_id": Ref("mai"),
            "commune_id": Ref("ML"),
            "status": "answered",
            "notified": 2,
            "created_at": at("2025-03-01"),
            "expert_id": Ref("thu"),
            "answer": "Có, theo Nghị định 15/2014/NĐ-CP.",
            "answered_at": at("2025-03-03"),
            "review_status": "pending",
        },
    ),
    # 0004: broadcasts, their outbox, training events
    row(
        "broadcasts",
        "b1",
        {
            "sender_id": Ref("thu"),
            "channel": "telegram",
            "kind": "announcement",
            "scope_json": _scope(["ML"]),
            "text": "Họp tổ hòa giải lúc 8 giờ sáng thứ Hai",
            "recipients": 3,
            "progress_chat_id": "700010",
            "progress_message_id": 55,
            "created_at": at("2025-06-01", "08:00:00"),
        },
    ),
    row(
        "broadcasts",
        "b2",
        {
            "sender_id": Ref("thu"),
            "channel": "telegram",
            "kind": "training",
            "scope_json": _scope(["ML"], ["ML-01", "ML-02"]),
            "text": "Tập huấn kỹ năng hòa giải ngày 05/07",
            "attachment_kind": "document",
            "attachment_file_id": "BQACAgUAAxkBAAIBQ2Z",
            "attachment_name": "ke-hoach.pdf",
            "recipients": 3,
            "created_at": at("2025-06-02"),
            "finished_at": None,
        },
    ),
    row(
        "outbox",
        "o-sent",
        {
            "broadcast_id": Ref("b1"),
            "person_id": Ref("mai"),
            "channel": "telegram",
            "chat_id": "700001",
            "status": "sent",
            "attempts": 1,
            "claimed_at": "2025-06-01T08:00:01.000000+00:00",
            "sent_at": at("2025-06-01", "08:00:02"),
            "message_id": 4411,
            "acked_at": at("2025-06-01", "09:12:00"),
        },
    ),
    row(
        "outbox",
        "o-pending",
        {"broadcast_id": Ref("b1"), "person_id": Ref("hung"), "channel": "telegram", "chat_id": "700002"},
    ),
    row(
        "outbox",
        "o-sending",
        {
            "broadcast_id": Ref("b1"),
            "person_id": Ref("son"),
            "channel": "telegram",
            "chat_id": "700003",
            "status": "sending",
            "attempts": 1,
            "next_attempt_at": "2025-06-01T08:00:00.000000+00:00",
            "claimed_at": "2025-06-01T08:00:01.500000+00:00",
        },
    ),
    row(
        "outbox",
        "o-blocked",
        {
            "broadcast_id": Ref("b2"),
            "person_id": Ref("mai"),
            "channel": "telegram",
            "chat_id": "700001",
            "status": "blocked",
            "attempts": 1,
            "error": "Forbidden: bot was blocked by the user",
        },
    ),
    row(
        "outbox",
        "o-later",
        {
            "broadcast_id": Ref("b2"),
            "person_id": Ref("hung"),
            "channel": "telegram",
            "chat_id": "700002",
            "attempts": 2,
            "error": "RetryAfter",
            "next_attempt_at": "2099-01-01T00:00:00.000000+00:00",
        },
    ),
    row(
        "outbox",
        "o-failed",
        {
            "broadcast_id": Ref("b2"),
            "person_id": Ref("son"),
            "channel": "telegram",
            "chat_id": "700003",
            "status": "failed",
            "attempts": 3,
            "error": "Bad Request: chat not found",
        },
    ),
    row(
        "training_events",
        "e0",
        {
            "title": "Tập huấn Luật Hòa giải ở cơ sở",
            "starts_at": at("2024-06-15", "01:30:00"),
            "local_date": "2024-06-15",
            "place": "Nhà văn hóa bản Na Lay",
            "scope_json": _scope(["ML"]),
            "organiser_id": Ref("thu"),
            "province_id": Ref("DB"),
            "commune_id": Ref("ML"),
            "attendance_saved_at": at("2024-06-16"),
            "created_at": at("2024-06-01"),
        },
    ),
    row(
        "training_events",
        "e1",
        {
            "title": "Tập huấn kỹ năng hòa giải 2025",
            "starts_at": at("2025-07-05", "01:30:00"),
            "local_date": "2025-07-05",
            "place": "Hội trường UBND phường Mường Lay",
            "scope_json": _scope(["ML"]),
            "organiser_id": Ref("thu"),
            "province_id": Ref("DB"),
            "commune_id": Ref("ML"),
            "announcement_id": Ref("b2"),
            "created_at": at("2025-06-02"),
        },
    ),
    row(
        "training_rsvps",
        "r-mai",
        {
            "event_id": Ref("e1"),
            "person_id": Ref("mai"),
            "answer": "yes",
            "answered_at": at("2025-06-02", "03:00:00"),
        },
    ),
    row(
        "training_rsvps",
        "r-son",
        {
            "event_id": Ref("e1"),
            "person_id": Ref("son"),
            "answer": "no",
            "answered_at": at("2025-06-02", "03:05:00"),
        },
    ),
    row(
        "training_attendance",
        "att-mai",
        {
            "event_id": Ref("e0"),
            "person_id": Ref("mai"),
            "attended_on": "2024-06-15",
            "changed_trained_on": 1,
            "previous_trained_on": None,
            "recorded_by": Ref("thu"),
            "recorded_at": at("2024-06-16"),
        },
    ),
    # 0005: materials and quizzes
    row(
        "material_files",
        "f1",
        {
            "material_id": "luat-hoa-giai-2013",
            "file_hash": SHA,
            "channel": "telegram",
            "file_id": "BQACAgUAAxkBAAIB8mZLuat",
            "created_at": at("2025-02-01"),
        },
    ),
    row(
        "material_opens",
        "open-mai",
        {
            "material_id": "luat-hoa-giai-2013",
            "person_id": Ref("mai"),
            "channel": "telegram",
            "external_id": "700001",
            "opened_at": at("2025-02-01"),
        },
    ),
    # Sơn read a material before he registered: counted through his identity.
    row(
        "material_opens",
        "open-son",
        {
            "material_id": "so-tay-hoa-giai",
            "channel": "telegram",
            "external_id": "700003",
            "opened_at": at("2025-01-04"),
        },
    ),
    row(
        "quiz_sessions",
        "quiz-mai",
        {
            "person_id": Ref("mai"),
            "topic": "ky-nang",
            "question_ids": json.dumps(["q-001", "q-014", "q-022"]),
            "total": 3,
            "position": 2,
            "score": 1,
            "started_at": at("2025-05-10"),
        },
    ),
    row(
        "quiz_answers",
        "qa-0",
        {
            "session_id": Ref("quiz-mai"),
            "position": 0,
            "question_id": "q-001",
            "choice": 2,
            "correct": 1,
            "answered_at": at("2025-05-10", "02:16:00"),
        },
    ),
    row(
        "quiz_answers",
        "qa-1",
        {
            "session_id": Ref("quiz-mai"),
            "position": 1,
            "question_id": "q-014",
            "choice": 0,
            "correct": 0,
            "answered_at": at("2025-05-10", "02:17:00"),
        },
    ),
    # 0006: monthly summary bookkeeping
    row("stats_summary_optout", "optout-binh", {"person_id": Ref("binh"), "created_at": at("2025-03-01")}),
    row(
        "stats_summary_sent",
        "sent-thu",
        {"person_id": Ref("thu"), "month": "2025-05", "sent_at": at("2025-06-01", "01:00:00")},
    ),
    # 0007: case drafts and reminders
    row(
        "case_drafts",
        "draft-hung",
        {
            "person_id": Ref("hung"),
            "purpose": "edit",
            "case_id": Ref("c2"),
            "submission_key": "e5d1c0ffee000002",
            "data": json.dumps(
                {
                    "values": {"field": "hon_nhan_gia_dinh", "summary": "Mâu thuẫn vợ chồng"},
                    "history": ["field"],
                    "editing": "summary",
                    "started": at("2025-06-10"),
                },
                ensure_ascii=False,
            ),
            "created_at": at("2025-06-10"),
            "updated_at": at("2025-06-10", "02:20:00"),
        },
    ),
    row(
        "case_reminders",
        "rem-son",
        {
            "case_id": Ref("c3"),
            "recipient_id": Ref("son"),
            "kind": "reporter",
            "period": 1,
            "sent_at": at("2025-03-19", "01:00:00"),
        },
    ),
    # 0008: Zalo ids and chats, link codes
    row(
        "zalo_ids",
        "z-mai",
        {"zalo_id": "4368923478123", "display_name": "Quàng Mai", "created_at": at("2025-05-01")},
    ),
    row(
        "zalo_ids",
        "z-pha",
        {"zalo_id": "5512093345871", "display_name": None, "created_at": at("2025-05-02")},
    ),
    row(
        "identities",
        "mai-zalo",
        {
            "person_id": Ref("mai"),
            "channel": "zalo",
            "external_id": _zalo_external("z-mai"),
            "chat_id": _zalo_external("z-mai"),
            "created_at": at("2025-05-01"),
        },
        needs=("zalo_ids",),
    ),
    row(
        "identities",
        "pha-zalo",
        {
            "person_id": Ref("pha"),
            "channel": "zalo",
            "external_id": _zalo_external("z-pha"),
            "created_at": at("2025-05-02"),
        },
        needs=("zalo_ids",),
    ),
    row(
        "zalo_chats",
        "zc-mai",
        {
            "zalo_id": "4368923478123",
            "message": json.dumps(
                {
                    "text": "Chọn một việc:",
                    "reply_markup": {
                        "inline_keyboard": [[{"text": "Báo vụ việc", "callback_data": "case:new"}]]
                    },
                },
                ensure_ascii=False,
            ),
            "updated_at": at("2025-05-01", "02:30:00"),
        },
    ),
    row(
        "link_codes",
        "link-mai",
        {
            "code_hash": LINK_HASH,
            "person_id": Ref("mai"),
            "channel": "telegram",
            "expires_at": at("2099-01-01"),
            "created_at": at("2025-05-01"),
        },
    ),
    row(
        "link_attempts",
        "try-1",
        {"channel": "zalo", "external_id": "10000000000000099", "at": at("2025-05-01")},
    ),
    # 0009: the send pace shared by the processes (seconds since the epoch)
    row("send_pacing", "pace-tg", {"channel": "telegram", "next_slot": 1750395600.25}),
    # A broadcast written on Zalo, waiting in the outbox (after the Zalo identities it goes to).
    row(
        "broadcasts",
        "b3",
        {
            "sender_id": Ref("thu"),
            "channel": "zalo",
            "kind": "reminder",
            "scope_json": _scope(["ML"]),
            "text": "Nhắc: nộp sổ theo dõi trước ngày 25",
            "recipients": 1,
            "created_at": at("2025-06-15"),
        },
        needs=("zalo_ids",),
    ),
    row(
        "outbox",
        "o-zalo",
        {
            "broadcast_id": Ref("b3"),
            "person_id": Ref("mai"),
            "channel": "zalo",
            "chat_id": _zalo_external("z-mai"),
        },
        needs=("zalo_ids",),
    ),
    # 0010: the audit log of officials' changes
    row(
        "audit_log",
        "audit-1",
        {
            "at": at("2025-06-20"),
            "actor_id": Ref("thu"),
            "action": "org.update",
            "object_type": "person",
            "object_id": "ML-01-02",
            "commune_id": Ref("ML"),
            "before_json": json.dumps({"trained_on": None}),
            "after_json": json.dumps({"trained_on": "2025-06-15"}),
        },
    ),
    # 0011: which flow a person's next typed text is for
    row("text_claims", "claim-mai", {"person_id": Ref("mai"), "flow": "case:new", "at": at("2025-06-20")}),
    # 0015: remuneration rates, exclusions, pay lists and their lines
    row(
        "remuneration_rates",
        "rate-db",
        {
            "province_id": Ref("DB"),
            "commune_id": None,
            "effective_from": "2024-07-01",
            "per_case": 250000,
            "per_successful_case": 350000,
            "team_month": 120000,
            "basis": "Nghị quyết 09/2024/NQ-HĐND",
            "created_at": at("2024-07-01"),
        },
    ),
    row(
        "remuneration_exclusions",
        "excl-c2",
        {
            "case_id": Ref("c2"),
            "commune_id": Ref("ML"),
            "reason": "Vi phạm Điều 10 khoản 3 Luật 35/2013",
            "created_by": Ref("thu"),
            "created_at": at("2025-06-10"),
        },
    ),
    row(
        "remuneration_lists",
        "list-1",
        {
            "commune_id": Ref("ML"),
            "number": 1,
            "period_start": "2025-01-01",
            "period_end": "2025-01-31",
            "status": "paid",
            "total": 350000,
            "data_json": json.dumps({"total": 350000}),
            "created_by": Ref("thu"),
            "created_at": at("2025-02-01"),
            "paid_on": "2025-02-05",
            "paid_by": Ref("thu"),
            "paid_at": at("2025-02-05"),
        },
    ),
    row(
        "remuneration_items",
        "item-c1",
        {
            "list_id": Ref("list-1"),
            "kind": "case",
            "case_id": Ref("c1"),
            "team_id": Ref("ML-01"),
            "amount": 350000,
            "case_version": at("2025-01-20"),
            "detail_json": "{}",
        },
    ),
    # 0012: submitted reports and the cases behind them; the ministry_official role
    row(
        "report_submissions",
        "sub-1",
        {
            "commune_id": Ref("ML"),
            "province_id": Ref("DB"),
            "period_start": "2025-01-01",
            "period_end": "2025-06-30",
            "revision": 1,
            "submitted_by": Ref("thu"),
            "submitted_at": at("2025-07-02"),
            "cases_count": 1,
            "report_json": json.dumps({"cases": {"received": 1, "successful": 1}}),
            "inputs_json": json.dumps({"field_results": [["dat_dai", "thanh", 1]]}),
        },
    ),
    row(
        "report_submission_cases",
        "sub-1-c1",
        {
            "submission_id": Ref("sub-1"),
            "case_id": Ref("c1"),
            "team_id": Ref("ML-01"),
            "field": "dat_dai",
            "result": "thanh",
            "received_on": "2025-01-15",
            "updated_at": at("2025-01-20"),
        },
    ),
    row(
        "persons",
        "bo",
        {
            "full_name": "Trần Văn Bộ",
            "role": "ministry_official",
            "created_at": at("2025-07-01"),
            "updated_at": at("2025-07-01"),
        },
        needs=("report_submissions",),
    ),
    # 0014: following up successful agreements (Law 35/2013 Art. 26)
    row(
        "agreement_followups",
        "fu-c1",
        {
            "case_id": Ref("c1"),
            "status": "answered",
            "asked_at": at("2025-02-19"),
            "answer": "done",
            "answered_by": Ref("mai"),
            "answered_at": at("2025-02-20"),
        },
    ),
    # 0016: Zalo events seen once, first-contact disclosures, the Official Account's tokens and windows
    row(
        "channel_events",
        "ev-1",
        {
            "channel": "zalo",
            "event_key": "message.text.received:2d758cb5e222177a4e35",
            "claimed_at": at("2025-06-21"),
            "done_at": at("2025-06-21", "02:15:01"),
        },
    ),
    row("chat_disclosures", "disc-mai", {"zalo_id": "4368923478123", "shown_at": at("2025-06-21")}),
    row(
        "oa_tokens",
        "oa-tok",
        {
            "app_id": "1234567890123456789",
            "access_token": "acc-xyz",
            "refresh_token": "ref-xyz",
            "expires_at": at("2025-06-22"),
            "refreshed_at": at("2025-06-21"),
        },
    ),
    row(
        "oa_windows",
        "oa-win",
        {
            "user_id": "2468458835296117922",
            "last_user_at": at("2025-06-21"),
            "last_message_id": "a2c40ba0e3e3b4bdedf2",
            "replies_used": 3,
        },
    ),
    row(
        "invite_attempts",
        "inv-try-1",
        {"channel": "telegram", "external_id": "5550099", "at": at("2025-06-21")},
    ),
    row(
        "handled_updates", "upd-1", {"channel": "telegram", "update_id": 734_000_123, "at": at("2025-06-21")}
    ),
    # 0013: the dated history of people and teams, commune mergers (a commune of Lai Châu merged into Tà Tổng)
    row("communes", "TL", {"province_id": Ref("LC"), "code": "TL", "name": "Xã Tà Lèng", "kind": "xa"}),
    row(
        "commune_merges",
        "merge-tl",
        {
            "from_commune_id": Ref("TL"),
            "into_commune_id": Ref("TT"),
            "merged_on": "2025-07-01",
            "created_at": at("2025-06-25"),
        },
    ),
    row(
        "team_history",
        "th-ml01",
        {
            "team_id": Ref("ML-01"),
            "commune_id": Ref("ML"),
            "name": "Tổ hòa giải bản Na Lay",
            "active": 1,
            "valid_from": None,
            "recorded_at": at("2025-06-25"),
        },
    ),
    row(
        "person_history",
        "ph-mai",
        {
            "person_id": Ref("mai"),
            "province_id": Ref("DB"),
            "commune_id": Ref("ML"),
            "team_id": Ref("ML-01"),
            "role": "mediator",
            "status": "active",
            "gender": "nu",
            "ethnic_minority": 1,
            "recognition_decision": "12/QĐ-UBND",
            "recognised_on": "2024-03-01",
            "trained_on": "2024-06-15",
            "valid_from": "2024-03-01",
            "recorded_at": at("2025-06-25"),
        },
    ),
]


@dataclass
class Seeded:
    """What was inserted at version V: ids by seed name, resolved values, by table."""

    ids: dict[str, int] = field(default_factory=dict)
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    tables: dict[str, list[str]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.rows

    def of(self, table: str) -> list[dict[str, Any]]:
        return [self.rows[name] for name in self.tables.get(table, [])]


def _resolve(value: Value, ids: dict[str, int]) -> Any:
    if isinstance(value, Ref):
        return ids[value.name]
    if callable(value):
        return value(ids)
    return value


async def _seed(db: Database, existing: set[str]) -> Seeded:
    seeded = Seeded()
    for seed in SEED:
        if seed.table not in existing or any(t not in existing for t in seed.needs):
            continue
        values = {k: _resolve(v, seeded.ids) for k, v in seed.values.items()}
        new_id = await db.execute(
            f"INSERT INTO {seed.table}({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()),
        )
        seeded.ids[seed.name] = new_id
        seeded.rows[seed.name] = values
        seeded.tables.setdefault(seed.table, []).append(seed.name)
    return seeded


# --- reading the schema and the data of either backend ------------------------------------------------------
async def _columns(db: Database) -> dict[str, dict[str, str | None]]:
    """{table: {column: default expression or None}} of the live database (schema_migrations left out)."""
    found: dict[str, dict[str, str | None]] = {}
    if db.dialect == "postgres":
        rows = await db.fetchall(
            "SELECT table_name, column_name, column_default FROM information_schema.columns"
            " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
        for r in rows:
            found.setdefault(r["table_name"], {})[r["column_name"]] = r["column_default"]
    else:
        tables = await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        for t in tables:
            info = await db.fetchall(f'PRAGMA table_info("{t["name"]}")')
            found[t["name"]] = {r["name"]: r["dflt_value"] for r in info}
    found.pop("schema_migrations", None)
    return found


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: repr(sorted(r.items())))


async def _snapshot(
    db: Database, columns: dict[str, dict[str, str | None]]
) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, restricted to `columns` (the columns a table had at the older version)."""
    snap = {}
    for table, cols in columns.items():
        rows = await db.fetchall(f"SELECT {', '.join(cols)} FROM {table}")
        snap[table] = _sorted([dict(r) for r in rows])
    return snap


async def _migration_rows(db: Database) -> list[dict[str, Any]]:
    return [
        dict(r)
        for r in await db.fetchall("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
    ]


async def _default_of(db: Database, expression: str | None) -> Any:
    if expression is None:
        return None
    return (await db.fetchone(f"SELECT {expression} AS v"))["v"]


async def _fresh(tmp_path, version: int) -> tuple[str, Database]:
    target = dbtarget.database_for(tmp_path, f"from-v{version}.db")
    await dbtarget.prepare(target)
    db = Database(target)
    await db.open(migrate=False)
    return target, db


# --- the test -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", EARLIER, ids=[f"from-v{v}" for v in EARLIER])
async def test_upgrade_populated_database(tmp_path, version):
    # 1. A database of version V, filled with rows for every table it has.
    target, old = await _fresh(tmp_path, version)
    try:
        assert await old.migrate(target=version) == [v for v in VERSIONS if v <= version]
        assert await old.schema_version() == version
        columns_at_v = await _columns(old)
        seeded = await _seed(old, set(columns_at_v))
        empty = sorted(set(columns_at_v) - set(seeded.tables))
        assert not empty, f"tables of version {version} with no rows in SEED (add some): {empty}"
        before = await _snapshot(old, columns_at_v)
        migrations_before = await _migration_rows(old)
    finally:
        await old.close()
    assert [r["version"] for r in migrations_before] == [v for v in VERSIONS if v <= version]

    # 2. Opened by the current code: migrated to the newest version, every row intact.
    services = Services.build(Config(database_path=target))
    await services.db.open()
    try:
        db = services.db
        assert await db.schema_version() == HEAD
        assert await db.applied_versions() == set(VERSIONS)
        migrations_after = await _migration_rows(db)
        assert migrations_after[: len(migrations_before)] == migrations_before  # nothing applied twice
        assert [r["version"] for r in migrations_after] == VERSIONS
        columns_at_head = await _columns(db)
        for table, cols in columns_at_v.items():
            assert set(cols) <= set(columns_at_head.get(table, {})), f"{table} lost columns"
        assert await _snapshot(db, columns_at_v) == before
        for name, values in seeded.rows.items():  # the seeded values themselves, not just "unchanged"
            table = next(t for t, names in seeded.tables.items() if name in names)
            where = " AND ".join(f"{k} = ?" if v is not None else f"{k} IS NULL" for k, v in values.items())
            found = await db.fetchall(
                f"SELECT * FROM {table} WHERE {where}", [v for v in values.values() if v is not None]
            )
            assert len(found) == 1, (name, values)
            if "id" in columns_at_v[table]:
                assert found[0]["id"] == seeded.ids[name]
        # columns added since V: their default (NULL when none) in every migrated row
        for table, cols in columns_at_v.items():
            for column, default in columns_at_head[table].items():
                if column in cols:
                    continue
                expected = await _default_of(db, default)
                values = {r[column] for r in await db.fetchall(f"SELECT {column} FROM {table}")}
                assert values <= {expected}, (table, column, values, expected)

        await _check_services(services, seeded)

        after_use = await _snapshot(db, columns_at_head)
    finally:
        await services.close()

    # 3. Opening again applies nothing and changes nothing.
    again = Database(target)
    await again.open()
    try:
        assert await again.migrate() == []
        assert await again.schema_version() == HEAD
        assert await _migration_rows(again) == migrations_after
        assert await _snapshot(again, columns_at_head) == after_use
    finally:
        await again.close()


async def _check_services(services: Services, seeded: Seeded) -> None:
    """The current repositories and services on the upgraded data."""
    db, ids = services.db, seeded.ids

    # organisation, people, identities
    mai = await services.people.by_identity("telegram", "700001")
    assert mai is not None and mai.id == ids["mai"] and mai.full_name == "Quàng Thị Mai"
    assert mai.role == Role.MEDIATOR and mai.team_id == ids["ML-01"] and mai.ethnic_minority is True
    assert (await services.people.get(ids["lan"])).active is False
    # Lường Thị Lan left the team (inactive); names sort bytewise on both backends
    assert [p.full_name for p in await services.people.members_of_team(ids["ML-01"])] == [
        "Lò Văn Hùng",
        "Quàng Thị Mai",
    ]
    commune = await services.org.commune_by_code("ML")
    assert commune.id == ids["ML"] and commune.name == "Phường Mường Lay" and commune.success_target == 0.9
    assert [t.code for t in await services.org.teams_of_commune(ids["ML"])] == ["ML-01", "ML-02"]
    invite = await services.invites.by_code("ML7Q2K")
    assert invite.id == ids["inv-mai"] and invite.uses == 1 and invite.max_uses == 5

    # python-telegram-bot persistence
    persistence = SqlitePersistence(db)
    assert (await persistence.get_user_data())[700001] == {"menu": "cases", "lang": "vi"}
    assert await persistence.get_conversations("registration") == {(700009, 700009): 3}

    # later tables, read by their repositories
    if seeded.has("q1"):
        question = await QARepository(db).question(ids["q1"])
        assert question.text == "Hòa giải viên có được hưởng thù lao không?" and question.feedback == 1
    if seeded.has("f1"):
        library = LibraryRepository(db)
        assert await library.file_id("luat-hoa-giai-2013", SHA, "telegram") == "BQACAgUAAxkBAAIB8mZLuat"
        assert await library.access(commune_id=ids["ML"]) == (3, 2)  # Mai by id, Sơn through his identity
        session = await QuizRepository(db).session(ids["quiz-mai"])
        assert session.question_ids == ("q-001", "q-014", "q-022") and (session.position, session.score) == (
            2,
            1,
        )
    if seeded.has("sent-thu"):
        assert await services.stats.summary_opted_out(ids["binh"])
        assert await db.fetchone(
            "SELECT 1 FROM stats_summary_sent WHERE person_id = ? AND month = ?", (ids["thu"], "2025-05")
        )
        assert await services.stats.summary_recipients("telegram", "2025-05") == []
    if seeded.has("draft-hung"):
        draft = await services.cases.repo.draft(ids["hung"], "edit")
        assert draft.case_id == ids["c2"] and draft.values["summary"] == "Mâu thuẫn vợ chồng"
        assert await services.cases.repo.reminder_sent(ids["c3"], ids["son"], "reporter", 1)
        assert not await services.cases.repo.reminder_sent(ids["c3"], ids["son"], "reporter", 2)
    if seeded.has("z-mai"):
        zalo = ZaloStore(db)
        assert await zalo.zalo_id(ZALO_ID_BASE + ids["z-pha"]) == "5512093345871"
        assert await zalo.zalo_id(ZALO_ID_BASE + ids["z-mai"]) == "4368923478123"
        # a Zalo user known before the upgrade keeps the integer id stored in their identity; a new one gets
        # a fresh id
        assert await zalo.int_id("4368923478123", "Quàng Mai") == ZALO_ID_BASE + ids["z-mai"]
        newcomer = await zalo.int_id("7730011122233", "Hà Thị Xuân")
        assert newcomer - ZALO_ID_BASE not in (ids["z-mai"], ids["z-pha"])
        assert await zalo.zalo_id(newcomer) == "7730011122233"
        assert (await zalo.options_message("4368923478123"))["text"] == "Chọn một việc:"
        links = LinkCodeRepository(db)
        assert await links.active_hash_exists(LINK_HASH, at("2025-06-20"))
        assert await links.failures_since("zalo", "10000000000000099", at("2025-01-01")) == 1
        assert (await services.people.by_identity("zalo", str(ZALO_ID_BASE + ids["z-mai"]))).id == ids["mai"]

    await _check_cases_and_statistics(services, seeded)
    await _check_broadcast(services, seeded)


async def _check_cases_and_statistics(services: Services, seeded: Seeded) -> None:
    ids, cases = seeded.ids, services.cases
    cases.clock = lambda: datetime(TODAY.year, TODAY.month, TODAY.day, 3, 0, tzinfo=UTC)
    migrated = seeded.of("cases")
    before_count = await cases.repo.count()
    assert before_count == len(migrated)

    # A new case reported through the chat form: numbered after the migrated cases of the commune and year.
    mai = await services.people.get(ids["mai"])
    answers = {"received_on": "hôm nay", "field": "dat_dai", "basis": "yeu_cau", "result": "thanh"}
    view = await cases.begin(mai)
    asked = []
    while view.step is not None:
        asked.append(view.step)
        view = await cases.answer(mai, "new", view.step, answers[view.step])
    assert asked == list(answers)
    outcome = await cases.submit(mai, "new", view.draft.submission_key)
    prefix = f"ML-{TODAY.year}-"
    last = max(
        (int(c["number"][len(prefix) :]) for c in migrated if c["number"].startswith(prefix)), default=0
    )
    new_case = outcome.case
    assert outcome.created and new_case.number == f"{prefix}{last + 1:04d}"
    assert new_case.id not in {ids[n] for n in seeded.tables.get("cases", [])}
    assert (new_case.received_on, new_case.closed_on, new_case.mediator_ids) == (
        TODAY.isoformat(),
        TODAY.isoformat(),
        (mai.id,),
    )
    assert await cases.repo.count() == before_count + 1
    assert [a.action for a in await cases.repo.audit(new_case.id)] == ["create"]
    assert await cases.draft(mai) is None

    # A result recorded on a migrated pending case, through the same service.
    results = {c["number"]: c["result"] for c in migrated}
    if seeded.has("c3"):
        son = await services.people.get(ids["son"])
        view = await cases.begin_result(son, ids["c3"])
        result_answers = {"result": "thanh", "closed_on": "hôm nay"}
        while view.step is not None:
            view = await cases.answer(son, "result", view.step, result_answers[view.step])
        recorded = await cases.submit(son, "result", view.draft.submission_key)
        assert (
            recorded.changed and recorded.case.result == "thanh" and recorded.case.mediator_ids == (son.id,)
        )
        assert [a.action for a in await cases.repo.audit(ids["c3"])] == ["record_result"]
        results["ML-2025-0003"] = "thanh"
        assert len(migrated) == 7  # the expectations below are computed from this many seeded cases

    # The statistics report over the migrated cases (current results) and the new one.
    team_codes = {ids["ML-01"]: "ML-01", ids["ML-02"]: "ML-02"}
    start, end = PERIOD.iso
    in_period = [c for c in migrated if c["commune_id"] == ids["ML"] and start <= c["received_on"] <= end]
    expected = Counts.from_results(Counter([results[c["number"]] for c in in_period] + ["thanh"]))
    by_team = Counter(team_codes[c["team_id"]] for c in in_period) + Counter(["ML-01"])
    statistics = services.statistics
    report = await statistics.report(await statistics.scope("commune", ids["ML"]), PERIOD)
    assert report.cases == expected
    assert {line.team.code: line.counts.received for line in report.by_team} == {
        "ML-01": by_team["ML-01"],
        "ML-02": by_team["ML-02"],
    }
    if seeded.has("c3"):
        assert (expected.received, expected.successful, expected.pending) == (6, 4, 0)
    province = await statistics.report(await statistics.scope("province", ids["DB"]), PERIOD)
    nl_cases = sum(1 for c in migrated if c["commune_id"] == ids["NL"] and start <= c["received_on"] <= end)
    assert province.cases.received == expected.received + nl_cases
    assert {line.commune.code: line.counts.received for line in province.by_commune} == {
        "ML": expected.received,
        "NL": nl_cases,
    }


async def _check_broadcast(services: Services, seeded: Seeded) -> None:
    ids = seeded.ids
    repo = BroadcastRepository(services.db)
    roles = (Role.MEDIATOR, Role.TEAM_LEADER)
    recipients = await repo.recipients("telegram", [ids["ML"]], roles, channels=("telegram", "zalo"))
    # Lan left (inactive), Thu is an official; Hùng's identity has no chat id: his user id is the chat.
    assert recipients == sorted(
        [
            (ids["mai"], "700001", "telegram"),
            (ids["hung"], "700002", "telegram"),
            (ids["son"], "700003", "telegram"),
        ]
    )
    old_broadcasts = {ids[n] for n in seeded.tables.get("broadcasts", [])}
    broadcast_id = await repo.create(
        sender_id=ids["thu"],
        channel="telegram",
        kind="announcement",
        scope={"audience": "all", "communes": [ids["ML"]], "teams": None},
        text="Tổ hòa giải họp tổng kết 6 tháng",
        recipients=recipients,
    )
    assert broadcast_id not in old_broadcasts
    new_rows = [await repo.outbox_row(broadcast_id, person_id) for person_id, _, _ in recipients]
    assert all(r["status"] == "pending" and r["attempts"] == 0 for r in new_rows)

    # A row left in `sending` before the upgrade goes back to pending (its claim is long stale).
    stale = [n for n in seeded.tables.get("outbox", []) if seeded.rows[n].get("status") == "sending"]
    assert await repo.requeue_inflight("telegram") == len(stale)

    # Everything due on Telegram is claimed once, oldest due first; the RetryAfter row and Zalo's are not.
    due = [
        (seeded.rows[n].get("next_attempt_at", ""), ids[n])
        for n in seeded.tables.get("outbox", [])
        if seeded.rows[n]["channel"] == "telegram"
        and seeded.rows[n].get("status", "pending") in ("pending", "sending")
        and seeded.rows[n].get("next_attempt_at", "") < "2099"
    ]
    due += [(r["next_attempt_at"], r["id"]) for r in new_rows]
    attempts_before = {
        r["id"]: r["attempts"] for r in await services.db.fetchall("SELECT id, attempts FROM outbox")
    }
    claimed = []
    while (claim := await repo.claim_next("telegram")) is not None:
        assert claim["status"] == "sending" and claim["attempts"] == attempts_before[claim["id"]] + 1
        claimed.append(claim["id"])
        assert len(claimed) <= len(due), "a row was claimed twice"
    assert claimed == [row_id for _, row_id in sorted(due)]
    counts = await repo.counts(broadcast_id)
    assert (counts["sending"], counts["total"]) == (3, 3)
    for row_id in claimed:
        await repo.mark_sent(row_id, 9000 + row_id)
    assert await services.broadcasts.finish_if_done(broadcast_id)
    assert (await repo.get(broadcast_id))["finished_at"] is not None
    if seeded.has("o-zalo"):
        claim = await repo.claim_next("zalo")
        assert claim["id"] == ids["o-zalo"] and claim["chat_id"] == str(ZALO_ID_BASE + ids["z-mai"])
    if seeded.has("b1"):
        assert await services.broadcasts.finish_if_done(ids["b1"])  # its last rows were just sent
        assert await services.broadcasts.finish_if_done(ids["b2"]) is False  # the RetryAfter row is pending
    if seeded.has("pace-tg") and services.db.dialect == "postgres":  # the shared pace is PostgreSQL's
        assert await repo.reserve_send_slot("telegram", 0.04, 1.0) <= 0  # the stored slot is long past
        slot = (await services.db.fetchone("SELECT next_slot FROM send_pacing WHERE channel = 'telegram'"))[0]
        assert slot > seeded.rows["pace-tg"]["next_slot"]
