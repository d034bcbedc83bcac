"""Statistics: counts and rates, period boundaries, changed results, teams with no cases, indicators, scoping,
the period parser and the command-line JSON contract."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import messages as msg
from bot.cli import main as cli_main
from services.models import Commune, Person, Role, Team
from services.statistics import (
    Counts,
    Period,
    PeriodError,
    Scope,
    TeamMembers,
    add_months,
    build_report,
    may_see,
    parse_period_text,
    preset_period,
    previous_month,
    success_target,
    team_complete,
    trained_within_6_months,
)
from storage.stats import set_case_result
from tests.stats_factory import build_org

Q1 = Period(date(2025, 1, 1), date(2025, 3, 31))


@pytest.fixture
async def org(tmp_path):
    built = await build_org(tmp_path)
    yield built
    await built.services.close()


async def report(org, level: str, key: str, period: Period = Q1):
    service = org.services.statistics
    return await service.report(await service.scope(level, org[key]), period)


# --- counts and rates ---------------------------------------------------------------------------------------
async def test_counts_rates_boundaries_and_teams_without_cases(org):
    await org.cases(
        "A-1",
        ("2025-01-01", "thanh"),
        ("2025-02-10", "thanh", "hon_nhan_gia_dinh"),
        ("2025-03-31", "thanh"),
        ("2025-03-01", "khong_thanh", "dan_su"),
        ("2025-03-02", "dang_hoa_giai", "xom_gieng"),
    )
    await org.cases(
        "A-2", ("2025-01-15", "chuyen_co_quan", "vi_pham_phap_luat"), ("2025-02-01", "rut_yeu_cau")
    )
    # just outside the period, and in other communes: never counted
    await org.cases("A-1", ("2024-12-31", "thanh"), ("2025-04-01", "khong_thanh"))
    await org.cases("B-1", ("2025-02-01", "khong_thanh"))
    await org.cases("C-1", ("2025-02-01", "thanh"))

    data = (await report(org, "commune", "A")).as_json()
    assert data["scope"] == {"level": "commune", "code": "A", "name": "Xã An"}
    assert data["period"] == {"from": "2025-01-01", "to": "2025-03-31"}
    assert data["cases"] == {
        "received": 7,
        "successful": 3,
        "unsuccessful": 1,
        "pending": 1,
        "transferred": 1,
        "withdrawn": 1,
        "success_rate": 3 / 4,
        "success_rate_received": 3 / 7,
    }
    assert set(data["by_field"]) == {
        "dat_dai",
        "hon_nhan_gia_dinh",
        "dan_su",
        "xom_gieng",
        "vi_pham_phap_luat",
        "khac",
    }
    assert data["by_field"]["dat_dai"]["received"] == 3 and data["by_field"]["dat_dai"]["successful"] == 2
    assert data["by_field"]["dan_su"]["success_rate"] == 0.0
    assert data["by_field"]["khac"]["received"] == 0 and data["by_field"]["khac"]["success_rate"] is None
    assert list(data["by_team"]) == ["A-1", "A-2", "A-3"]
    assert data["by_team"]["A-1"]["received"] == 5 and data["by_team"]["A-1"]["success_rate"] == 0.75
    assert data["by_team"]["A-1"]["success_rate_received"] == 3 / 5
    assert data["by_team"]["A-2"]["transferred"] == 1 and data["by_team"]["A-2"]["success_rate"] is None
    assert data["by_team"]["A-2"]["success_rate_received"] == 0.0
    assert data["by_team"]["A-3"] == {**Counts().as_json(), "commune": "A", "full_composition": False}
    assert "by_commune" not in data
    # the sums agree
    assert sum(f["received"] for f in data["by_field"].values()) == 7
    assert sum(t["received"] for t in data["by_team"].values()) == 7


async def test_single_day_period_includes_both_ends(org):
    await org.cases("A-1", ("2025-05-05", "thanh"), ("2025-05-04", "thanh"), ("2025-05-06", "thanh"))
    data = (await report(org, "commune", "A", Period(date(2025, 5, 5), date(2025, 5, 5)))).as_json()
    assert data["cases"]["received"] == 1 and data["cases"]["success_rate"] == 1.0


async def test_empty_period_gives_zeros_and_null_rates(org):
    await org.cases("A-1", ("2024-06-01", "thanh"))
    data = (await report(org, "commune", "A")).as_json()
    assert data["cases"] == Counts().as_json()
    assert data["cases"]["success_rate"] is None and data["cases"]["success_rate_received"] is None
    assert data["indicators"]["success_rate"] == {"value": None, "target": 0.85, "met": None}
    assert all(team["received"] == 0 for team in data["by_team"].values()) and len(data["by_team"]) == 3


async def test_cases_count_by_current_result(org):
    [first, second] = await org.cases("A-1", ("2025-01-10", "dang_hoa_giai"), ("2025-01-11", "dang_hoa_giai"))
    before = (await report(org, "commune", "A")).cases
    assert (before.pending, before.successful) == (2, 0)
    await set_case_result(
        org.services.db, first, "thanh", "2025-04-20"
    )  # concluded after the period: still counts
    await set_case_result(org.services.db, second, "khong_thanh", "2025-02-01")
    after = (await report(org, "commune", "A")).cases
    assert (after.received, after.pending, after.successful, after.unsuccessful) == (2, 0, 1, 1)
    assert after.success_rate == 0.5


async def test_province_rollup_by_commune_and_completeness(org):
    await org.cases("A-1", ("2025-01-10", "thanh"), ("2025-01-11", "khong_thanh"))
    await org.cases("C-1", ("2025-01-10", "thanh"))  # other province
    data = (await report(org, "province", "P1")).as_json()
    assert data["scope"]["level"] == "province" and data["scope"]["code"] == "P1"
    assert data["cases"]["received"] == 2
    assert data["by_commune"]["A"]["received"] == 2 and data["by_commune"]["A"]["reported"] is True
    assert data["by_commune"]["B"] == {**Counts().as_json(), "reported": False}
    assert data["completeness"] == {"communes": 2, "reported": 1, "not_reported": ["B"]}
    assert list(data["by_team"]) == ["A-1", "A-2", "A-3", "B-1"]
    assert data["by_team"]["B-1"]["commune"] == "B"
    assert data["indicators"]["success_rate"]["target"] == 0.85


async def test_team_report_sees_only_its_team(org):
    await org.cases("A-1", ("2025-01-10", "thanh"))
    await org.cases("A-2", ("2025-01-10", "thanh"), ("2025-01-12", "thanh"))
    data = (await report(org, "team", "A-2")).as_json()
    assert (
        data["scope"]["level"] == "team"
        and data["cases"]["received"] == 2
        and list(data["by_team"]) == ["A-2"]
    )


async def test_inactive_team_with_cases_still_counted(org):
    await org.cases("A-3", ("2025-01-10", "thanh"))
    await org.services.org.set_team_active(org["A-3"], False, "2025-01-01")
    data = (await report(org, "commune", "A")).as_json()
    assert data["cases"]["received"] == 1 and data["by_team"]["A-3"]["received"] == 1
    assert data["organisation"]["teams"] == 2  # the dissolved team no longer counts in the organisation


# --- indicators ---------------------------------------------------------------------------------------------
async def test_indicators_on_hand_built_teams(org):
    end = "2025-06-30"
    # full (leader + 2, one woman, one ethnic minority); legal supporter; trained people
    await org.person(
        "A-1",
        "Lò Văn Một",
        Role.TEAM_LEADER,
        gender="nam",
        ethnic_minority=True,
        recognised_on="2019-01-01",
        trained_on="2020-01-01",
    )
    await org.person("A-1", "Lò Thị Hai", gender="nu", recognised_on="2024-01-01", trained_on="2024-07-01")
    await org.person(
        "A-1",
        "Trần Văn Ba",
        gender="nam",
        recognised_on="2024-11-30",
        trained_on="2025-07-01",
        legal_supporter="cong_an",
    )
    # three people with a woman and a leader, but no ethnic-minority mediator in a many-EM commune
    await org.person("A-2", "Nguyễn Văn Bốn", Role.TEAM_LEADER, gender="nam", recognised_on="2023-12-31")
    await org.person(
        "A-2", "Nguyễn Thị Năm", gender="nu", recognised_on="2024-08-31", trained_on="2025-02-28"
    )
    await org.person("A-2", "Phạm Văn Sáu", gender="nam", recognised_on="2025-01-01")  # less than 6 months
    # people who do not count: an official, an inactive mediator, a mediator recognised after the period
    await org.person(None, "Cán Bộ Xã", Role.COMMUNE_OFFICIAL, commune_id=org["A"], gender="nu")
    gone = await org.person("A-3", "Đã Nghỉ", gender="nu", trained_on="2020-01-01")
    await org.services.people.update_fields(gone, active=0)
    await org.person("A-3", "Mới Bầu", gender="nu", recognised_on="2025-07-01", trained_on="2025-07-02")

    data = (await report(org, "commune", "A", Period(date(2025, 1, 1), date.fromisoformat(end)))).as_json()
    org_data = data["organisation"]
    assert org_data == {
        "teams": 3,
        "mediators": 6,
        "women": 2,
        "men": 4,
        "ethnic_minority": 1,
        "trained": 3,
        "legal_supporters": 1,
        "teams_with_legal_supporter": 1,
        "teams_full_composition": 1,
    }
    ind = data["indicators"]
    assert ind["trained_share"] == {"value": 0.5, "target": 0.8, "met": False}
    # eligible: recognised 2024-01-01 .. 2024-12-30 → Hai (trained on the last allowed day), Ba (late),
    # Năm (31/08 + 6 months = 28/02, on time); Bốn (2023) and Sáu (not 6 months yet) are not counted
    assert ind["trained_within_6_months"] == {"value": 2 / 3, "target": 1.0, "met": False}
    assert ind["teams_full_composition"] == {"value": 1 / 3, "target": 1.0, "met": False}
    assert ind["teams_with_legal_supporter"] == {"value": 1 / 3, "target": 0.1, "met": True}
    assert data["by_team"]["A-1"]["full_composition"] is True
    assert data["by_team"]["A-2"]["full_composition"] is False


async def test_indicators_without_people_are_null(org):
    data = (await report(org, "commune", "B")).as_json()
    ind = data["indicators"]
    assert ind["trained_share"]["value"] is None and ind["trained_share"]["met"] is None
    assert ind["trained_within_6_months"] == {"value": None, "target": 1.0, "met": None}
    assert ind["teams_full_composition"] == {"value": 0.0, "target": 1.0, "met": False}
    assert ind["success_rate"]["target"] == 0.9  # pilot commune


def test_success_targets():
    base = dict(id=1, province_id=1, code="X", name="X")
    assert success_target(Commune(**base)) == 0.85
    assert success_target(Commune(**base, is_pilot=True)) == 0.90
    assert success_target(Commune(**base, is_pilot=True, success_target=0.95)) == 0.95
    assert success_target(None) == 0.85


def test_success_rate_met_at_exactly_the_target():
    commune = Commune(id=1, province_id=1, code="X", name="X", success_target=0.85)
    scope = Scope("commune", 1, "X", "X", province=None, commune=commune)
    rows = [("dat_dai", "thanh", 17), ("dat_dai", "khong_thanh", 3)]
    made = build_report(
        scope,
        Q1,
        field_results=rows,
        team_results=[(1, 9, "thanh", 17), (1, 9, "khong_thanh", 3)],
        teams=[Team(9, 1, "T", "T")],
        members=[],
        recognition_groups=[],
    )
    assert made.indicators["success_rate"].value == 0.85 and made.indicators["success_rate"].met is True
    rows[0] = ("dat_dai", "thanh", 16)
    rows.append(("dat_dai", "dang_hoa_giai", 1))
    made = build_report(
        scope, Q1, field_results=rows, team_results=[], teams=[], members=[], recognition_groups=[]
    )
    assert made.indicators["success_rate"].met is False
    assert made.indicators["teams_full_composition"].value is None  # no team at all


def test_team_composition_rules():
    full = TeamMembers(1, mediators=3, leaders=1, women=1, ethnic_minority=0)
    assert team_complete(full, many_ethnic_minority=False)
    assert not team_complete(full, many_ethnic_minority=True)
    assert not team_complete(TeamMembers(1, mediators=3, leaders=0, women=1, ethnic_minority=1), False)
    assert not team_complete(TeamMembers(1, mediators=2, leaders=1, women=1, ethnic_minority=1), False)
    assert not team_complete(TeamMembers(1, mediators=5, leaders=1, women=0, ethnic_minority=1), False)
    assert not team_complete(None, False)


def test_trained_within_6_months_window():
    end = date(2025, 6, 30)  # window: 2024-01-01 .. 2024-12-30 (end − 6 months)
    assert trained_within_6_months([], end) is None
    assert trained_within_6_months([("2023-12-31", None, 4)], end) is None
    assert trained_within_6_months([("2024-12-30", None, 1)], end) == 0.0
    assert trained_within_6_months([("2024-12-31", None, 1)], end) is None
    groups = [
        ("2024-02-29", "2024-08-29", 2),
        ("2024-02-29", "2024-08-30", 1),
        ("2024-03-01", "2023-01-01", 1),
    ]
    assert trained_within_6_months(groups, end) == 3 / 4  # trained before recognition counts as trained
    assert trained_within_6_months([("bad", None, 1), ("2024-05-01", "2024-05-02", 1)], end) == 1.0


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), -6) == date(2023, 8, 29)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)


# --- who sees what ------------------------------------------------------------------------------------------
def test_may_see():
    official = Person(1, "X", Role.COMMUNE_OFFICIAL, province_id=1, commune_id=10)
    leader = Person(2, "Y", Role.TEAM_LEADER, province_id=1, commune_id=10, team_id=100)
    province = Person(3, "Z", Role.PROVINCE_OFFICIAL, province_id=1)
    mediator = Person(4, "M", Role.MEDIATOR, province_id=1, commune_id=10, team_id=100)
    admin = Person(5, "A", Role.ADMIN)
    assert may_see(official, "commune", 10, province_id=1, commune_id=10)
    assert not may_see(official, "commune", 11, province_id=1, commune_id=11)
    assert not may_see(official, "province", 1, province_id=1, commune_id=None)
    assert may_see(leader, "team", 100, province_id=1, commune_id=10)
    assert not may_see(leader, "team", 101, province_id=1, commune_id=10)
    assert not may_see(leader, "commune", 10, province_id=1, commune_id=10)
    assert may_see(province, "province", 1, province_id=1, commune_id=None)
    assert may_see(province, "commune", 11, province_id=1, commune_id=11)
    assert not may_see(province, "province", 2, province_id=2, commune_id=None)
    assert not may_see(mediator, "team", 100, province_id=1, commune_id=10)
    assert may_see(admin, "province", 2, province_id=2, commune_id=None)
    inactive = Person(6, "I", Role.COMMUNE_OFFICIAL, province_id=1, commune_id=10, active=False)
    assert not may_see(inactive, "commune", 10, province_id=1, commune_id=10)


# --- periods ------------------------------------------------------------------------------------------------
def test_presets():
    today = date(2025, 8, 17)
    assert preset_period("month", today) == Period(date(2025, 8, 1), date(2025, 8, 31))
    assert preset_period("quarter", today) == Period(date(2025, 7, 1), date(2025, 9, 30))
    assert preset_period("half", today) == Period(date(2025, 7, 1), date(2025, 12, 31))
    assert preset_period("half", date(2025, 6, 30)) == Period(date(2025, 1, 1), date(2025, 6, 30))
    assert preset_period("year", today) == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert preset_period("month", date(2024, 2, 10)).end == date(2024, 2, 29)
    assert previous_month(date(2025, 1, 1)) == Period(date(2024, 12, 1), date(2024, 12, 31))


@pytest.mark.parametrize(
    "text",
    [
        "01/01/2025 - 31/03/2025",
        "1/1/2025-31/3/2025",
        "1.1.2025 den 31.3.2025",
        "01-01-2025 – 31-03-2025",
        "từ 1/1/2025 đến 31/3/2025",
        "2025-01-01 2025-03-31",
    ],
)
def test_custom_period_forms(text):
    assert parse_period_text(text) == Q1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "format"),
        ("thang 3", "format"),
        ("1/1/2025", "format"),
        ("31/02/2025 - 01/03/2025", "date"),
        ("31/03/2025 - 01/01/2025", "order"),
        ("01/01/1990 - 01/01/2025", "range"),
        ("1/1/2025 - 2/1/2025 - 3/1/2025", "format"),
    ],
)
def test_custom_period_errors(text, reason):
    with pytest.raises(PeriodError) as err:
        parse_period_text(text)
    assert err.value.reason == reason


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(0, 4000),
    st.sampled_from([" - ", "-", " đến ", " den ", " – ", "  "]),
    st.sampled_from(["/", ".", "-"]),
)
def test_custom_period_roundtrip(start, days, sep, datesep):
    end = min(start + timedelta(days=days), date(2100, 12, 31))
    fmt = f"%d{datesep}%m{datesep}%Y"
    assert parse_period_text(f"{start.strftime(fmt)}{sep}{end.strftime(fmt)}") == Period(start, end)


@given(st.text(max_size=60))
def test_custom_period_never_crashes(text):
    try:
        period = parse_period_text(text)
    except PeriodError as exc:
        assert exc.reason in {"format", "date", "order", "range"}
    else:
        assert period.start <= period.end


# --- command line -------------------------------------------------------------------------------------------
@pytest.fixture
def cli_db(tmp_path):
    async def seed():
        built = await build_org(tmp_path)
        await built.cases(
            "A-1", ("2025-01-01", "thanh"), ("2025-03-31", "khong_thanh"), ("2025-04-01", "thanh")
        )
        await built.cases("C-1", ("2025-02-01", "thanh"))
        await built.services.close()
        return built.services.config.database_path

    return asyncio.run(seed())


COUNT_KEYS = {
    "received",
    "successful",
    "unsuccessful",
    "pending",
    "transferred",
    "withdrawn",
    "success_rate",
    "success_rate_received",
}


def _check_counts(counts: dict) -> None:
    assert COUNT_KEYS <= set(counts)
    assert "success_rate_concluded" not in counts
    for key in COUNT_KEYS - {"success_rate", "success_rate_received"}:
        assert type(counts[key]) is int
    for key in ("success_rate", "success_rate_received"):
        assert counts[key] is None or (isinstance(counts[key], float) and 0 <= counts[key] <= 1)


def test_cli_json_contract_commune(cli_db, capsys):
    code = cli_main(
        [
            "report",
            "--commune",
            "A",
            "--from",
            "2025-01-01",
            "--to",
            "2025-03-31",
            "--format",
            "json",
            "--db",
            cli_db,
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scope"]["level"] == "commune" and data["scope"]["code"] == "A"
    assert data["period"] == {"from": "2025-01-01", "to": "2025-03-31"}
    _check_counts(data["cases"])
    assert data["cases"]["received"] == 2 and data["cases"]["success_rate"] == 0.5
    for counts in [*data["by_field"].values(), *data["by_team"].values()]:
        _check_counts(counts)
    assert set(data["by_team"]) == {"A-1", "A-2", "A-3"}
    for indicator in data["indicators"].values():
        assert set(indicator) >= {"value", "target", "met"}
        assert isinstance(indicator["target"], float)
        assert indicator["met"] in (True, False, None)
        assert (indicator["value"] is None) == (indicator["met"] is None)


def test_cli_json_province_to_file(cli_db, tmp_path, capsys):
    out = tmp_path / "p1.json"
    code = cli_main(
        [
            "report",
            "--province",
            "P1",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--format",
            "json",
            "--out",
            str(out),
            "--db",
            cli_db,
        ]
    )
    assert code == 0 and "Đã ghi" in capsys.readouterr().err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["scope"] == {"level": "province", "code": "P1", "name": "Tỉnh Một"}
    assert data["cases"]["received"] == 3 and set(data["by_commune"]) == {"A", "B"}
    assert data["by_commune"]["B"]["reported"] is False


def test_cli_text_and_xlsx(cli_db, tmp_path, capsys):
    assert (
        cli_main(
            [
                "report",
                "--commune",
                "A",
                "--from",
                "2025-01-01",
                "--to",
                "2025-03-31",
                "--format",
                "text",
                "--db",
                cli_db,
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "Xã An" in text and "Tiếp nhận: 2 vụ việc" in text and "Tổ A-3" in text
    out = tmp_path / "a.xlsx"
    assert (
        cli_main(
            [
                "report",
                "--commune",
                "A",
                "--from",
                "2025-01-01",
                "--to",
                "2025-03-31",
                "--format",
                "xlsx",
                "--out",
                str(out),
                "--db",
                cli_db,
            ]
        )
        == 0
    )
    assert out.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--from", "2025-01-01", "--to", "2025-03-31"], "--commune"),
        (["--commune", "A", "--province", "P1", "--from", "2025-01-01", "--to", "2025-03-31"], "--commune"),
        (["--commune", "A", "--from", "2025-02-30", "--to", "2025-03-31"], "YYYY-MM-DD"),
        (["--commune", "A", "--from", "01/01/2025", "--to", "2025-03-31"], "YYYY-MM-DD"),
        (["--commune", "A", "--to", "2025-03-31"], "YYYY-MM-DD"),
        (["--commune", "A", "--from", "2025-04-01", "--to", "2025-03-31"], "trước"),
        (["--commune", "A", "--from", "2025-01-01", "--to", "2025-03-31", "--format", "pdf"], "json, xlsx"),
        (["--commune", "ZZ", "--from", "2025-01-01", "--to", "2025-03-31"], "Không có xã/phường mã ZZ"),
        (["--province", "ZZ", "--from", "2025-01-01", "--to", "2025-03-31"], "Không có tỉnh"),
        (["--commune", "A", "--from"], "Lỗi tham số"),
    ],
)
def test_cli_bad_arguments_exit_2(cli_db, capsys, args, expected):
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(cli_main(["report", *args, "--db", cli_db]))
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert expected in captured.err and captured.out == ""


async def test_six_month_deadline_in_sql_matches_python(org):
    """The SQL count of mediators trained in time agrees with add_months on month ends and leap days."""
    pairs = [
        ("2024-01-31", "2024-07-31"),
        ("2024-01-31", "2024-08-01"),
        ("2024-08-31", "2025-02-28"),
        ("2024-08-31", "2025-03-01"),
        ("2024-02-29", "2024-08-29"),
        ("2024-02-29", "2024-08-30"),
        ("2024-03-31", "2024-09-30"),
        ("2024-03-31", "2024-10-01"),
        ("2024-12-30", "2025-06-30"),
        ("2024-06-15", None),
        ("2024-05-31", "2024-01-01"),
    ]
    for i, (recognised, trained) in enumerate(pairs):
        await org.person(
            "B-1", f"Người Số {chr(65 + i)}", gender="nu", recognised_on=recognised, trained_on=trained
        )
    period = Period(date(2025, 1, 1), date(2025, 6, 30))
    data = (await report(org, "commune", "B", period)).as_json()
    expected = trained_within_6_months([(r, t, 1) for r, t in pairs], period.end)
    assert expected == 6 / 11
    assert data["indicators"]["trained_within_6_months"]["value"] == pytest.approx(expected)


def test_codes_match_the_case_form():
    """Statistics uses short labels of its own, on exactly the codes of the case form and the cases table."""
    from services import case_form
    from services.case_models import FIELD_CODES, RESULT_CODES
    from services.statistics import FIELDS, RESULT_COUNT, RESULTS

    assert list(FIELDS) == list(case_form.FIELDS) == list(FIELD_CODES) == list(msg.STATS_FIELD_LABELS)
    assert list(RESULTS) == list(case_form.RESULTS) == list(RESULT_CODES) == list(msg.STATS_RESULT_LABELS)
    assert set(RESULT_COUNT) == set(RESULT_CODES)
    # two named label sets on purpose (buttons say what belongs in a field; reports use short headings)
    assert msg.STATS_FIELD_LABELS["dan_su"] == "Dân sự" != case_form.FIELDS["dan_su"]
    assert msg.STATS_RESULT_LABELS["rut_yeu_cau"] == "Rút yêu cầu" != case_form.RESULTS["rut_yeu_cau"]


# --- the Ministry's rate: the worked check (reporting-forms.md §3.1, a commune's first half of 2022) -------
def test_worked_check_186_successful_103_unsuccessful_34_unfinished():
    from services.stats_export import rate_received_formula, rate_with_formula

    counts = Counts.from_results({"thanh": 186, "khong_thanh": 103, "dang_hoa_giai": 34})
    assert counts.received == 323 and counts.mediated == 289
    assert round(counts.success_rate * 100, 1) == 64.4  # the official rate, not 57.6
    assert round(counts.success_rate_received * 100, 1) == 57.6
    assert rate_with_formula(counts) == "64,4% (186/289 vụ việc đã hòa giải)"
    assert rate_received_formula(counts) == "186/323 vụ việc tiếp nhận"
    # transferred and withdrawn cases are in neither the numerator nor the official denominator
    counts.add(Counts.from_results({"chuyen_co_quan": 5, "rut_yeu_cau": 7}))
    assert counts.success_rate == 186 / 289 and counts.success_rate_received == 186 / 335


def test_the_ministrys_national_figures():
    # 2014–2018: 570,835 successful of 698,753 mediated, successful + unsuccessful = 698,708 → 81.7 %
    assert round(Counts(successful=570_835, unsuccessful=698_708 - 570_835).success_rate * 100, 1) == 81.7
    # 2014–2023 (189/BC-BTP): 1,096,572 / 1,350,533 = 81.2 %, not 80.3 % on the 1,364,806 received
    c = Counts(received=1_364_806, successful=1_096_572, unsuccessful=1_350_533 - 1_096_572)
    assert round(c.success_rate * 100, 1) == 81.2 and round(c.success_rate_received * 100, 1) == 80.3


async def test_indicator_is_the_official_rate_everywhere(org):
    await org.cases(
        "A-1",
        ("2025-01-10", "thanh"),
        ("2025-01-11", "khong_thanh"),
        ("2025-01-12", "dang_hoa_giai"),
        ("2025-01-13", "rut_yeu_cau"),
    )
    for level, key in (("commune", "A"), ("province", "P1"), ("team", "A-1")):
        data = (await report(org, level, key)).as_json()
        assert data["cases"]["success_rate"] == 0.5 and data["cases"]["success_rate_received"] == 0.25
        assert data["indicators"]["success_rate"]["value"] == data["cases"]["success_rate"]
    data = (await report(org, "province", "P1")).as_json()
    assert data["by_commune"]["A"]["success_rate"] == 0.5 and data["by_commune"]["B"]["success_rate"] is None
