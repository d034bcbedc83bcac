"""The command-line contract of issue 22: `report submit` prints the revision, `--submitted` reads the latest
snapshots (exit 2 in Vietnamese when a commune never submitted), `--national` rolls up by province; every
counts entry carries both rates and indicators.success_rate.value equals cases.success_rate."""

from __future__ import annotations

import asyncio
import io
import json

import pytest
from openpyxl import load_workbook

from bot.cli import main as cli_main
from services.models import Role
from storage.audit import AuditLog
from tests.stats_factory import build_org
from tests.test_stats import _check_counts

PERIOD = ["--from", "2025-01-01", "--to", "2025-06-30"]


@pytest.fixture
def db(tmp_path):
    async def seed():
        built = await build_org(tmp_path)
        await built.cases(
            "A-1",
            ("2025-01-01", "thanh"),
            ("2025-03-31", "khong_thanh"),
            ("2025-04-01", "thanh"),
            ("2025-05-01", "dang_hoa_giai", "hon_nhan_gia_dinh"),
        )
        await built.cases("B-1", ("2025-02-01", "khong_thanh"))
        await built.cases("C-1", ("2025-02-01", "thanh"), ("2025-02-02", "rut_yeu_cau"))
        # recognised before the period: with the organisation history (issue 16) a person counts for a period
        # only from their recognition (or, without one, from the day they were added)
        await built.person("A-1", "Lò Văn Hùng", Role.TEAM_LEADER, gender="nam", recognised_on="2024-05-10")
        await built.services.close()
        return built.services.config.database_path

    return asyncio.run(seed())


def run(capsys, *args):
    code = cli_main(["report", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _check_contract(data: dict) -> None:
    _check_counts(data["cases"])
    for section in ("by_field", "by_team", "by_commune", "by_province"):
        for entry in data.get(section, {}).values():
            _check_counts(entry)
    assert data["indicators"]["success_rate"]["value"] == data["cases"]["success_rate"]


def test_submit_prints_the_revision_and_submitted_reads_it(db, capsys):
    code, out, err = run(capsys, "--commune", "A", *PERIOD, "--submitted", "--db", db)
    assert code == 2 and out == "" and "chưa chốt số liệu" in err and "report submit --commune A" in err
    code, out, err = run(capsys, "submit", "--commune", "A", *PERIOD, "--by", "TP-01", "--db", db)
    assert code == 0 and out.strip() == "1" and "lần 1" in err
    code, out, _ = run(capsys, "--commune", "A", *PERIOD, "--format", "json", "--submitted", "--db", db)
    frozen = json.loads(out)
    _check_contract(frozen)
    assert frozen["source"] == "submitted" and frozen["submission"]["revision"] == 1
    assert frozen["submission"]["submitted_by_ref"] == "TP-01" and frozen["submission"]["case_count"] == 4
    assert frozen["cases"]["success_rate"] == 2 / 3 and frozen["cases"]["success_rate_received"] == 0.5

    # a late case: live figures change, submitted ones do not, until the next revision
    async def late():
        built = await build_org_again(db)
        await built.cases("A-2", ("2025-06-01", "khong_thanh"))
        await built.services.close()

    asyncio.run(late())
    code, out, _ = run(capsys, "--commune", "A", *PERIOD, "--submitted", "--db", db)
    assert json.loads(out)["cases"] == frozen["cases"]
    code, out, _ = run(capsys, "--commune", "A", *PERIOD, "--db", db)
    assert json.loads(out)["cases"]["received"] == 5 and json.loads(out)["source"] == "live"
    code, out, _ = run(capsys, "submit", "--commune", "A", *PERIOD, "--db", db)
    assert code == 0 and out.strip() == "2"
    code, out, _ = run(capsys, "--commune", "A", *PERIOD, "--submitted", "--db", db)
    assert json.loads(out)["cases"]["received"] == 5 and json.loads(out)["submission"]["revision"] == 2


def test_submit_again_without_changes_prints_the_same_revision(db, capsys):
    code, out, _ = run(capsys, "submit", "--commune", "A", *PERIOD, "--by", "TP-01", "--db", db)
    assert code == 0 and out.strip() == "1"
    code, out, err = run(capsys, "submit", "--commune", "A", *PERIOD, "--by", "TP-02", "--db", db)
    assert code == 0 and out.strip() == "1"
    assert "Số liệu không thay đổi so với lần chốt số 1 (" in err and "không tạo lần chốt mới." in err

    async def rows():
        built = await build_org_again(db)
        try:
            subs = await built.services.db.fetchall(
                "SELECT revision, submitted_label FROM report_submissions"
            )
            audit = await AuditLog(built.services.db).rows(object_type="report_submission")
            return [(r["revision"], r["submitted_label"]) for r in subs], [r.action for r in audit]
        finally:
            await built.services.close()

    assert asyncio.run(rows()) == ([(1, "TP-01")], ["report.submit"])

    async def change():
        built = await build_org_again(db)
        await built.cases("A-2", ("2025-06-01", "khong_thanh"))
        await built.services.close()

    asyncio.run(change())
    code, out, err = run(capsys, "submit", "--commune", "A", *PERIOD, "--db", db)
    assert code == 0 and out.strip() == "2" and "lần 2" in err
    assert asyncio.run(rows())[1] == ["report.revise", "report.submit"]


async def build_org_again(target: str):
    """The seeded database opened again (no new organisation)."""
    from bot.config import Config
    from bot.container import Services
    from tests.stats_factory import Org

    services = Services.build(Config(database_path=target))
    await services.open()
    ids = {
        t.code: t.id
        for c in await services.org.communes_of_province((await services.org.province_by_code("P1")).id)
        for t in await services.stats.teams("commune", c.id)
    }
    return Org(services, ids)


def test_province_submitted_marks_communes_not_submitted(db, capsys):
    assert run(capsys, "submit", "--commune", "A", *PERIOD, "--db", db)[0] == 0
    code, out, err = run(capsys, "--province", "P1", *PERIOD, "--submitted", "--db", db)
    assert code == 0 and "1 xã/phường chưa chốt" in err and "B" in err
    data = json.loads(out)
    _check_contract(data)
    assert data["source"] == "submitted" and data["completeness"]["not_submitted"] == ["B"]
    assert data["cases"]["received"] == 4 and data["by_commune"]["B"]["submitted"] is False
    code, out, _ = run(capsys, "--province", "P1", *PERIOD, "--db", db)
    assert json.loads(out)["cases"]["received"] == 5  # live: B's case too


def test_national_json_and_xlsx(db, capsys, tmp_path):
    code, out, _ = run(capsys, "--national", *PERIOD, "--format", "json", "--db", db)
    assert code == 0
    data = json.loads(out)
    _check_contract(data)
    assert (
        data["scope"] == {"level": "national", "code": "VN", "name": "Toàn quốc"} and data["source"] == "live"
    )
    assert set(data["by_province"]) == {"P1", "P2"}
    p1, p2 = data["by_province"]["P1"], data["by_province"]["P2"]
    assert (p1["received"], p1["successful"], p1["unsuccessful"], p1["pending"]) == (5, 2, 2, 1)
    assert p1["success_rate"] == 0.5 and p1["success_rate_received"] == 0.4
    assert p1["indicators"]["success_rate"]["value"] == p1["success_rate"]
    assert (p2["received"], p2["withdrawn"], p2["success_rate"]) == (2, 1, 1.0)
    assert p1["communes"] == 2 and p1["reported"] == 2 and p2["communes"] == 1
    assert p1["organisation"]["teams"] == 4 and p1["organisation"]["mediators"] == 1
    assert data["cases"]["received"] == 7 and data["cases"]["success_rate"] == 3 / 5
    assert data["by_field"]["hon_nhan_gia_dinh"]["pending"] == 1
    # the province's own report gives the same figures as its line in the national one
    code, out, _ = run(capsys, "--province", "P1", *PERIOD, "--db", db)
    province = json.loads(out)
    assert {k: province["cases"][k] for k in p1 if k in province["cases"]} == {
        k: p1[k] for k in province["cases"]
    }
    assert province["indicators"] == p1["indicators"]

    # from snapshots: nothing submitted yet, then commune C
    code, out, _ = run(capsys, "--national", *PERIOD, "--submitted", "--db", db)
    assert code == 0 and json.loads(out)["cases"]["received"] == 0
    assert run(capsys, "submit", "--commune", "C", *PERIOD, "--db", db)[0] == 0
    code, out, _ = run(capsys, "--national", *PERIOD, "--submitted", "--db", db)
    data = json.loads(out)
    _check_contract(data)
    assert data["source"] == "submitted" and data["cases"]["received"] == 2
    assert data["by_province"]["P2"]["reported"] == 1 and data["by_province"]["P1"]["reported"] == 0
    assert data["completeness"] == {"communes": 3, "submitted": 1}

    path = tmp_path / "vn.xlsx"
    code, _, _ = run(capsys, "--national", *PERIOD, "--format", "xlsx", "--out", str(path), "--db", db)
    wb = load_workbook(io.BytesIO(path.read_bytes()))
    assert wb.sheetnames == ["Tổ chức", "Theo tỉnh", "Theo lĩnh vực", "Chỉ tiêu QĐ 315", "Chỉ tiêu theo tỉnh"]
    ws = wb["Theo tỉnh"]
    assert ws["A3"].value.startswith("Số liệu: hiện tại")
    rows = {r[0].value: [c.value for c in r[1:]] for r in ws.iter_rows(min_row=10, max_row=12)}
    assert (
        rows["Tỉnh Một"][:7] == [5, 2, 2, 1, 0, 0, 0.5] and rows["Tỉnh Một"][7] == "2/4 vụ việc đã hòa giải"
    )
    assert rows["Tổng số"][0] == 7
    code, out, _ = run(capsys, "--national", *PERIOD, "--format", "text", "--db", db)
    assert "Toàn quốc" in out and "Tỷ lệ hòa giải thành: 60,0% (3/5 vụ việc đã hòa giải)" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--commune", "A", "--national"],
        ["--province", "P1", "--national"],
        ["submit", "--province", "P1"],
        ["submit", "--national"],
    ],
)
def test_bad_scope_arguments_exit_2(db, capsys, args):
    code, out, err = run(capsys, *args, *PERIOD, "--db", db)
    assert code == 2 and out == "" and err.strip()


def test_submit_unknown_commune_exit_2(db, capsys):
    code, out, err = run(capsys, "submit", "--commune", "ZZ", *PERIOD, "--db", db)
    assert code == 2 and out == "" and "ZZ" in err


def test_codes_typed_in_lower_case_are_found(db, capsys):
    """QA: `report --commune a` said "Không có xã/phường mã a" while `logbook --team`/`import-cases` accept
    it."""
    code, out, _ = run(capsys, "--commune", "a", *PERIOD, "--db", db)
    assert code == 0 and json.loads(out)["scope"]["code"] == "A"
    code, out, _ = run(capsys, "submit", "--commune", " a ", *PERIOD, "--db", db)
    assert code == 0 and out.strip() == "1"
