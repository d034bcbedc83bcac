"""The organisation list kept by commune officials: XLSX round trip, every kind of change, invalid rows, dated
history behind the indicators, who may do what, and the command-line contract (export-org / import-org)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from bot import messages as msg
from bot.cli import main as cli_main
from handlers.org import file_error_text, row_error_line, row_error_text
from services.models import Person, Role
from services.org_list import FIRST_ROW, PEOPLE_COLUMNS, OrgDenied, may_edit, may_view
from services.statistics import Period
from storage.audit import AuditLog
from tests.stats_factory import build_org

TODAY = date.today()
Q1_LAST_YEAR = Period(date(TODAY.year - 1, 1, 1), date(TODAY.year - 1, 3, 31))
THIS_YEAR = Period(date(TODAY.year, 1, 1), TODAY)
COL = {name: i + 1 for i, name in enumerate(PEOPLE_COLUMNS)}


@pytest.fixture
async def org(tmp_path):
    built = await build_org(tmp_path)
    a = await built.services.org.commune(built["A"])
    built.ids["leader"] = await built.person(
        "A-1",
        "Lò Văn Một",
        Role.TEAM_LEADER,
        gender="nam",
        ethnic_minority=True,
        recognised_on="2019-01-01",
        trained_on="2020-01-01",
        external_ref="A-001",
    )
    built.ids["hai"] = await built.person(
        "A-1", "Lò Thị Hai", gender="nu", recognised_on="2020-01-01", external_ref="A-002"
    )
    built.ids["ba"] = await built.person(
        "A-1", "Trần Văn Ba", gender="nam", recognised_on="2020-01-01", legal_supporter="cong_an"
    )
    built.ids["bon"] = await built.person(
        "A-2",
        "Nguyễn Văn Bốn",
        Role.TEAM_LEADER,
        gender="nam",
        recognised_on="2020-01-01",
        external_ref="A-004",
    )
    built.ids["official"] = await built.person(None, "Cán Bộ Xã", Role.COMMUNE_OFFICIAL, commune_id=a.id)
    built.commune = a
    yield built
    await built.services.close()


def official(org, commune="A", role=Role.COMMUNE_OFFICIAL, **kw) -> Person:
    return Person(
        id=kw.pop("id", org.ids.get("official", 9999)),
        full_name="Cán bộ",
        role=role,
        province_id=org["P1"],
        commune_id=org[commune] if commune else None,
        **kw,
    )


async def export(org) -> bytes:
    return await org.services.org_list.export_xlsx(org.commune)


def edit(content: bytes, sheet: str, changes: dict[tuple[int, int], object]) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb[sheet]
    for (row, col), value in changes.items():
        ws.cell(row=row, column=col, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row_of(content: bytes, name: str) -> int:
    ws = load_workbook(io.BytesIO(content))[msg.ORG_SHEET_PEOPLE]
    for r in range(FIRST_ROW, ws.max_row + 1):
        if ws.cell(row=r, column=COL["full_name"]).value == name:
            return r
    raise AssertionError(name)


async def plan(org, content: bytes, person: Person | None = None):
    return await org.services.org_list.plan_file(org.commune, content, person)


async def indicators(org, period: Period) -> dict:
    service = org.services.statistics
    return (await service.report(await service.scope("commune", org["A"]), period)).as_json()["organisation"]


# --- round trip ---------------------------------------------------------------------------------------------
async def test_round_trip_reports_no_change_and_writes_nothing(org):
    content = await export(org)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == [
        msg.ORG_SHEET_TEAMS,
        msg.ORG_SHEET_PEOPLE,
        msg.ORG_SHEET_NOTES,
        msg.ORG_SHEET_LISTS,
    ]
    people = wb[msg.ORG_SHEET_PEOPLE]
    assert tuple(c.value for c in people[2]) == msg.ORG_PEOPLE_HEADERS
    assert people.cell(row=row_of(content, "Trần Văn Ba"), column=COL["legal_supporter"]).value == "Công an"
    assert people.cell(row=row_of(content, "Trần Văn Ba"), column=COL["ref"]).value == f"ID{org['ba']}"
    validations = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in people.data_validations.dataValidation}
    assert validations[f"D{FIRST_ROW}"] == '"Hòa giải viên,Tổ trưởng"'
    assert msg.ORG_SHEET_TEAMS in validations[f"A{FIRST_ROW}"]
    result = await plan(org, content)
    assert not result.errors and result.changes == []
    assert result.counts() == {"added": 0, "changed": 0, "retired": 0, "unchanged": 3 + 4}
    await org.services.org_list.apply(result, official(org))
    assert await AuditLog(org.services.db).rows() == []


async def test_older_free_text_values_survive_a_round_trip(org):
    await org.services.people.update_fields(
        org["hai"], legal_supporter="Nguyễn Văn Luật (Phòng Tư pháp)", full_name="Người thử 5"
    )
    await org.services.people.update_fields(org["ba"], full_name="  Trần  Văn Ba ")
    result = await plan(org, await export(org))
    assert not result.errors and result.changes == []


# --- every kind of change -----------------------------------------------------------------------------------
async def test_every_kind_of_change_previewed_applied_and_audited(org):
    content = await export(org)
    hai, ba = row_of(content, "Lò Thị Hai"), row_of(content, "Trần Văn Ba")
    new_row = FIRST_ROW + 4
    content = edit(
        content,
        msg.ORG_SHEET_TEAMS,
        {(FIRST_ROW + 5, 1): "A-9", (FIRST_ROW + 5, 2): "Tổ bản Mới", (FIRST_ROW + 1, 2): "Tổ A-2 (đổi tên)"},
    )
    content = edit(
        content,
        msg.ORG_SHEET_PEOPLE,
        {
            (hai, COL["trained_on"]): date(TODAY.year, 1, 5),
            (hai, COL["recognition_decision"]): "15/QĐ-UBND",
            (ba, COL["status"]): "Đã thôi",
            (ba, COL["retire_reason"]): "theo nguyen vong (dieu 11 k1 a)",
            (ba, COL["retired_on"]): "10/01/" + str(TODAY.year),
            (new_row, COL["team"]): "A-9",
            (new_row, COL["full_name"]): "Hà Thị Mới",
            (new_row, COL["role"]): "to truong",
            (new_row, COL["gender"]): "Nữ",
            (new_row, COL["recognised_on"]): "2025-02-03",
        },
    )
    result = await plan(org, content, official(org))
    assert not result.errors, [row_error_line(e) for e in result.errors]
    assert result.counts() == {"added": 2, "changed": 2, "retired": 1, "unchanged": 4}
    [retire] = result.retired
    assert retire.before["status"] == "active" and retire.after["retire_reason"] == "nguyen_vong"
    assert retire.effective_on == f"{TODAY.year}-01-10"
    changed = {c.key: c for c in result.changed}
    assert changed["A-002"].after["trained_on"] == f"{TODAY.year}-01-05"
    assert changed["A-002"].after["recognition_decision"] == "15/QĐ-UBND"
    assert changed["A-2"].before["name"] == "Tổ A-2" and changed["A-2"].after["name"] == "Tổ A-2 (đổi tên)"
    await org.services.org_list.apply(result, official(org, id=org["leader"]))

    again = await plan(org, await export(org))
    assert again.changes == [] and again.counts()["unchanged"] == 4 + 5
    people = {p["full_name"]: p for p in await org.services.org_list.repo.people(org["A"])}
    assert people["Hà Thị Mới"]["team"] == "A-9" and people["Hà Thị Mới"]["role"] == "team_leader"
    assert people["Hà Thị Mới"]["ref"].startswith("A-")  # a stable ref given by the bot
    assert people["Trần Văn Ba"]["status"] == "retired"
    rows = await AuditLog(org.services.db).rows(commune_id=org["A"])
    assert sorted(r.action for r in rows) == [
        "org.person.add",
        "org.person.retire",
        "org.person.update",
        "org.team.add",
        "org.team.update",
    ]
    assert all(r.actor_id == org["leader"] for r in rows)
    retired = next(r for r in rows if r.action == "org.person.retire")
    assert retired.before["status"] == "active" and retired.after["status"] == "retired"


async def test_small_changes_move_leader_training_recognition(org):
    service, a = org.services.org_list, org.commune
    me = official(org)
    assert not (await service.move(a, me, "A-002", "A-2")).errors
    assert not (await service.set_leader(a, me, "A-002")).errors
    assert not (await service.mark_trained(a, me, ["A-002", "A-004"], f"{TODAY.year}-02-01")).errors
    assert not (await service.record_recognition(a, me, f"ID{org['ba']}", "7/QĐ-UBND", "2020-01-01")).errors
    added = await service.add_person(a, me, {"team": "A-3", "full_name": "Mùa A Dế", "role": "mediator"})
    assert not added.errors
    people = {p["ref"]: p for p in await service.repo.people(org["A"])}
    assert people["A-002"]["team"] == "A-2" and people["A-002"]["role"] == "team_leader"
    assert people["A-004"]["role"] == "mediator"  # the former leader of A-2
    assert people["A-004"]["trained_on"] == people["A-002"]["trained_on"] == f"{TODAY.year}-02-01"
    assert people[f"ID{org['ba']}"]["recognition_decision"] == "7/QĐ-UBND"
    assert any(p["full_name"] == "Mùa A Dế" for p in people.values())
    # bad values sent by a forged button are refused with nothing written
    bad = await service.retire(a, me, "A-002", "bi_bat", "2025-13-01")
    assert {e.column for e in bad.errors} == {"Lý do thôi (Điều 11)", "Ngày thôi"}
    assert (await service.move(a, me, "A-002", "Z-1")).errors
    assert await service.repo.people(org["A"])  # still there
    assert {p["ref"]: p for p in await service.repo.people(org["A"])}["A-002"]["status"] == "active"


# --- invalid rows -------------------------------------------------------------------------------------------
async def test_invalid_rows_all_reported_with_row_numbers_nothing_written(org):
    content = await export(org)
    hai, ba, bon = (row_of(content, n) for n in ("Lò Thị Hai", "Trần Văn Ba", "Nguyễn Văn Bốn"))
    content = edit(
        content,
        msg.ORG_SHEET_PEOPLE,
        {
            (hai, COL["team"]): "X-9",  # unknown team
            (ba, COL["trained_on"]): "31/02/2025",  # bad date
            (bon, COL["ref"]): "A-002",  # duplicate ref
            (FIRST_ROW + 5, COL["team"]): "A-1",
            (FIRST_ROW + 5, COL["full_name"]): "Người Mới",
            (FIRST_ROW + 5, COL["role"]): "chủ tịch",  # unknown role
            (FIRST_ROW + 5, COL["gender"]): "nữ giới",  # unknown value
            (FIRST_ROW + 6, COL["team"]): "A-1",
            (FIRST_ROW + 6, COL["full_name"]): "Người Khác",
            (FIRST_ROW + 6, COL["role"]): "Hòa giải viên",
            (FIRST_ROW + 6, COL["status"]): "Đã thôi",  # no reason
            (FIRST_ROW + 7, COL["team"]): "A-1",
            (FIRST_ROW + 7, COL["full_name"]): "Người Thứ Ba",
            (FIRST_ROW + 7, COL["role"]): "Hòa giải viên",
            (FIRST_ROW + 7, COL["recognised_on"]): TODAY + timedelta(days=3),  # in the future
        },
    )
    result = await plan(org, content)
    found = {(e.row, e.column) for e in result.errors}
    assert {
        (hai, "Mã tổ"),
        (ba, "Ngày tập huấn"),
        (bon, "Mã người"),
        (FIRST_ROW + 5, "Vai trò"),
        (FIRST_ROW + 5, "Giới tính"),
        (FIRST_ROW + 6, "Tình trạng"),
        (FIRST_ROW + 7, "Ngày công nhận"),
    } <= found
    assert all(str(e.row) in row_error_line(e) for e in result.errors)
    with pytest.raises(ValueError):
        await org.services.org_list.apply(result, official(org))


async def test_team_errors_and_file_errors(org):
    from services.org_list import OrgFileError

    content = await export(org)
    dup = edit(content, msg.ORG_SHEET_TEAMS, {(FIRST_ROW + 1, 1): "A-1"})
    assert any(e.column == "Mã tổ" and e.row == FIRST_ROW + 1 for e in (await plan(org, dup)).errors)
    taken = edit(content, msg.ORG_SHEET_TEAMS, {(FIRST_ROW + 5, 1): "C-1", (FIRST_ROW + 5, 2): "Tổ khác"})
    assert (await plan(org, taken)).errors
    dissolve = edit(content, msg.ORG_SHEET_TEAMS, {(FIRST_ROW, 3): "Đã giải thể"})  # A-1 still has members
    assert {row_error_text(e) for e in (await plan(org, dissolve)).errors} == {
        msg.ORG_ERR["team_inactive"].format(value="A-1")
    }
    with pytest.raises(OrgFileError) as exc:
        await plan(org, b"not a workbook")
    assert file_error_text(exc.value) == msg.ORG_ERR["file"]
    with pytest.raises(OrgFileError) as exc:
        await plan(org, edit(content, msg.ORG_SHEET_PEOPLE, {(2, 3): "Tên"}))
    assert file_error_text(exc.value) == msg.ORG_ERR["header"].format(sheet=msg.ORG_SHEET_PEOPLE)


# --- history behind the indicators --------------------------------------------------------------------------
async def test_indicators_count_the_list_as_it_was(org):
    service, a, me = org.services.org_list, org.commune, official(org)
    before_q1 = await indicators(org, Q1_LAST_YEAR)
    assert before_q1["mediators"] == 4 and before_q1["legal_supporters"] == 1
    last_may = f"{TODAY.year - 1}-05-10"
    assert not (await service.retire(a, me, f"ID{org['ba']}", "nguyen_vong", last_may)).errors
    # retired in May: still counted in Q1, not at the end of last year
    assert await indicators(org, Q1_LAST_YEAR) == before_q1
    end_of_year = await indicators(org, Period(date(TODAY.year - 1, 10, 1), date(TODAY.year - 1, 12, 31)))
    assert end_of_year["mediators"] == 3 and end_of_year["legal_supporters"] == 0
    # changes made today (move, new person recognised long ago, training) leave past periods as they were
    assert not (await service.move(a, me, "A-002", "A-3")).errors
    assert not (
        await service.add_person(
            a,
            me,
            {
                "team": "A-1",
                "full_name": "Lý Thị Sau",
                "role": "mediator",
                "gender": "nu",
                "recognised_on": "2020-01-01",
            },
        )
    ).errors
    assert not (await service.mark_trained(a, me, ["A-004"], "2020-06-01")).errors
    assert await indicators(org, Q1_LAST_YEAR) == before_q1
    now = await indicators(org, THIS_YEAR)
    assert now["mediators"] == 4 and now["trained"] == 2 and now["women"] == 2
    report = await org.services.statistics.report(
        await org.services.statistics.scope("commune", org["A"]), THIS_YEAR
    )
    members = {line.team.code: line.members.mediators if line.members else 0 for line in report.by_team}
    assert members == {"A-1": 2, "A-2": 1, "A-3": 1}


async def test_team_dissolved_today_still_counts_for_past_periods(org):
    await org.services.org.set_team_active(org["A-3"], False)
    assert (await indicators(org, Q1_LAST_YEAR))["teams"] == 3
    assert (await indicators(org, THIS_YEAR))["teams"] == 2


# --- who may do what ----------------------------------------------------------------------------------------
def test_authorisation_matrix(org):
    a = org.commune
    assert may_edit(None, a)  # the operator's command line
    assert may_edit(official(org), a)
    assert not may_edit(official(org, commune="B"), a)
    assert may_edit(official(org, commune=None, role=Role.PROVINCE_OFFICIAL), a)
    other_province = Person(id=1, full_name="X", role=Role.PROVINCE_OFFICIAL, province_id=org["P2"])
    assert not may_edit(other_province, a)
    assert may_edit(Person(id=1, full_name="X", role=Role.ADMIN), a)
    assert not may_edit(official(org, active=False), a)
    leader = Person(id=2, full_name="L", role=Role.TEAM_LEADER, commune_id=org["A"], team_id=org["A-1"])
    assert not may_edit(leader, a)
    assert may_view(leader, a, org["A-1"]) and not may_view(leader, a, org["A-2"])
    mediator = Person(id=3, full_name="M", role=Role.MEDIATOR, commune_id=org["A"], team_id=org["A-1"])
    assert not may_view(mediator, a, org["A-1"])


async def test_actions_refused_on_the_server(org):
    service, a = org.services.org_list, org.commune
    leader = Person(id=2, full_name="L", role=Role.TEAM_LEADER, commune_id=org["A"], team_id=org["A-1"])
    for action in (
        lambda p: service.retire(a, p, "A-002", "nguyen_vong", "2025-01-01"),
        lambda p: service.move(a, p, "A-002", "A-2"),
        lambda p: service.set_leader(a, p, "A-002"),
        lambda p: service.mark_trained(a, p, ["A-002"], "2025-01-01"),
        lambda p: service.record_recognition(a, p, "A-002", "1/QĐ", "2025-01-01"),
        lambda p: service.add_person(a, p, {"team": "A-1", "full_name": "Ai Đó", "role": "mediator"}),
        lambda p: service.plan_file(a, b"", p),
    ):
        for person in (leader, official(org, commune="B")):
            with pytest.raises(OrgDenied):
                await action(person)
    content = await service.export_xlsx(a, leader, org["A-1"])  # read only, their team
    names = {
        load_workbook(io.BytesIO(content))[msg.ORG_SHEET_PEOPLE].cell(row=r, column=COL["full_name"]).value
        for r in range(FIRST_ROW, FIRST_ROW + 5)
    }
    assert names == {"Lò Văn Một", "Lò Thị Hai", "Trần Văn Ba", None}
    with pytest.raises(OrgDenied):
        await service.export_xlsx(a, leader, org["A-2"])
    assert await AuditLog(org.services.db).rows() == []


# --- the command-line contract ------------------------------------------------------------------------------
def test_cli_export_import_contract(org_db, tmp_path, capsys):
    out = tmp_path / "a.xlsx"
    assert cli_main(["admin", "export-org", "--commune", "A", "--out", str(out), "--db", org_db]) == 0
    capsys.readouterr()
    assert cli_main(["admin", "import-org", str(out), "--commune", "A", "--db", org_db]) == 0
    assert msg.ORG_SUMMARY.format(added=0, changed=0, retired=0, unchanged=5) in capsys.readouterr().out
    content = out.read_bytes()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        edit(
            content,
            msg.ORG_SHEET_PEOPLE,
            {(FIRST_ROW, COL["team"]): "Z-0", (FIRST_ROW + 1, COL["trained_on"]): "hôm qua"},
        )
    )
    assert cli_main(["admin", "import-org", str(bad), "--commune", "A", "--db", org_db]) == 1
    err = capsys.readouterr().err
    assert f"dòng {FIRST_ROW}," in err and f"dòng {FIRST_ROW + 1}," in err
    changed = tmp_path / "changed.xlsx"
    changed.write_bytes(edit(content, msg.ORG_SHEET_PEOPLE, {(FIRST_ROW, COL["gender"]): "Khác"}))
    assert cli_main(["admin", "import-org", str(changed), "--commune", "A", "--dry-run", "--db", org_db]) == 0
    assert "sửa 1" in capsys.readouterr().out
    assert cli_main(["admin", "import-org", str(changed), "--commune", "A", "--db", org_db]) == 0
    capsys.readouterr()
    assert cli_main(["admin", "import-org", str(changed), "--commune", "A", "--db", org_db]) == 0
    assert "sửa 0" in capsys.readouterr().out
    assert cli_main(["admin", "import-org", str(changed), "--commune", "ZZ", "--db", org_db]) == 1


@pytest.fixture
def org_db(tmp_path):
    import asyncio

    async def seed():
        built = await build_org(tmp_path)
        await built.person("A-1", "Lò Văn Một", Role.TEAM_LEADER, gender="nam", external_ref="A-001")
        await built.person("A-1", "Lò Thị Hai", gender="nu", external_ref="A-002")
        await built.services.close()
        return built.services.config.database_path

    return asyncio.run(seed())


# --- cell parsers -------------------------------------------------------------------------------------------
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from services.org_list import CHOICES, parse_choice, parse_date  # noqa: E402


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(["/", "-", "."]),
    st.booleans(),
)
def test_dates_as_officials_type_them(day, sep, iso):
    text = (
        f"{day.year}{sep}{day.month}{sep}{day.day}"
        if iso
        else f"{day.day}{sep}{day.month:02d}{sep}{day.year}"
    )
    assert parse_date(text) == day


@given(st.one_of(st.text(max_size=30), st.from_regex(r"\d{1,25}[/.-]\d{1,25}[/.-]\d{1,25}", fullmatch=True)))
def test_date_parser_never_crashes(text):
    try:
        parse_date(text)
    except ValueError:
        pass


@given(
    st.sampled_from([(f, code, label) for f, labels in CHOICES.items() for code, label in labels.items()]),
    st.booleans(),
)
def test_choices_by_label_or_code_without_diacritics(item, upper):
    from knowledge.text import fold

    fieldname, code, label = item
    typed = fold(label).upper() if upper else label
    assert parse_choice(fieldname, typed) == code
