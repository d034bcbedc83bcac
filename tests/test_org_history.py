"""Migration 0013 carries existing people and teams over as history, and the history is kept by every path
that changes a person (organisation file, registration, training attendance, repository updates)."""

from __future__ import annotations

import json
from datetime import date

from services.models import PersonDraft, Role
from storage.db import Database
from tests import dbtarget


async def test_migration_carries_people_and_teams_over(tmp_path):
    target = dbtarget.database_for(tmp_path, "carry.db")
    await dbtarget.prepare(target)
    db = Database(target)
    await db.open(migrate=False)
    try:
        await db.migrate(target=12)
        await db.execute("INSERT INTO provinces(code, name) VALUES ('DB', 'Điện Biên')")
        await db.execute("INSERT INTO communes(province_id, code, name) VALUES (1, 'ML', 'Mường Lay')")
        await db.execute("INSERT INTO teams(commune_id, code, name) VALUES (1, 'ML-01', 'Tổ 1')")
        await db.execute("INSERT INTO teams(commune_id, code, name, active) VALUES (1, 'ML-02', 'Tổ 2', 0)")
        for name, recognised, active in (("Một", "2019-05-10", 1), ("Hai", None, 1), ("Ba", "2020-01-01", 0)):
            await db.execute(
                "INSERT INTO persons(full_name, role, province_id, commune_id, team_id, recognised_on,"
                " active, created_at, updated_at)"
                " VALUES (?, 'mediator', 1, 1, 1, ?, ?,"
                " '2024-02-03T01:00:00+00:00', '2024-02-03T01:00:00+00:00')",
                (name, recognised, active),
            )
        await db.migrate()
        rows = await db.fetchall(
            "SELECT p.full_name, h.valid_from, h.valid_to, h.status, h.team_id, h.commune_id"
            " FROM person_history h JOIN persons p ON p.id = h.person_id ORDER BY p.id"
        )
        assert [tuple(r) for r in rows] == [
            ("Một", "2019-05-10", None, "active", 1, 1),
            ("Hai", "2024-02-03", None, "active", 1, 1),
            ("Ba", "2020-01-01", None, "retired", 1, 1),
        ]
        teams = await db.fetchall(
            "SELECT team_id, active, valid_from, valid_to FROM team_history ORDER BY team_id"
        )
        assert [tuple(r) for r in teams] == [(1, 1, None, None), (2, 0, None, None)]
    finally:
        await db.close()


async def test_every_write_path_keeps_one_open_history_row(tmp_path):
    from tests.stats_factory import build_org

    org = await build_org(tmp_path)
    services = org.services
    try:
        pid = await org.person("A-1", "Lò Văn Một", Role.MEDIATOR, recognised_on="2020-01-01")
        await services.people.update_fields(pid, trained_on="2020-06-01")  # a change made today: a new row
        rows = await services.db.fetchall(
            "SELECT valid_from, valid_to, trained_on FROM person_history WHERE person_id = ? ORDER BY id",
            (pid,),
        )
        today = date.today().isoformat()
        assert [tuple(r) for r in rows] == [("2020-01-01", today, None), (today, None, "2020-06-01")]
        # training attendance (services/training.py) writes trained_on with its history too
        official = await org.person(None, "Cán Bộ", Role.COMMUNE_OFFICIAL, commune_id=org["A"])
        event_id = await services.db.execute(
            "INSERT INTO training_events(title, starts_at, local_date, place, scope_json, organiser_id,"
            " created_at)"
            " VALUES ('Tập huấn', '2025-01-10T02:00:00+00:00', '2025-01-10', 'UBND', ?, ?, 'x')",
            (json.dumps({"communes": [org["A"]]}), official),
        )
        other = await org.person("A-2", "Lò Thị Hai", recognised_on="2020-01-01")
        organiser = await services.people.get(official)
        await services.training.save_attendance(organiser, event_id, {other})
        [row] = await services.db.fetchall(
            "SELECT trained_on FROM person_history WHERE person_id = ? AND valid_to IS NULL", (other,)
        )
        assert row["trained_on"] == "2025-01-10"
        invite = await services.registration.create_invite(None, org["A"], Role.MEDIATOR, team_id=org["A-2"])
        person = await services.registration.register(invite.code, "Người Mới", "console", "42")
        [row] = await services.db.fetchall(
            "SELECT valid_from, valid_to, team_id FROM person_history WHERE person_id = ?", (person.id,)
        )
        assert tuple(row) == (today, None, org["A-2"])
        ref = await services.people.upsert_by_ref(
            PersonDraft(
                "Ai Đó",
                Role.MEDIATOR,
                external_ref="X-1",
                team_id=org["A-1"],
                commune_id=org["A"],
                recognised_on="2018-01-01",
            )
        )
        [row] = await services.db.fetchall(
            "SELECT valid_from FROM person_history WHERE person_id = ?", (ref,)
        )
        assert row["valid_from"] == "2018-01-01"  # an organisation file describes people as they are
        open_rows = await services.db.fetchall(
            "SELECT person_id, COUNT(*) AS n FROM person_history WHERE valid_to IS NULL GROUP BY person_id"
        )
        assert all(r["n"] == 1 for r in open_rows)
    finally:
        await services.close()
