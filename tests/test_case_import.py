"""`mediator-bot admin import-cases`: CSV and XLSX, all-or-nothing, --skip-invalid, idempotent re-import."""

from __future__ import annotations

import asyncio
import json

from openpyxl import Workbook

from bot.cli import main
from bot.config import Config
from bot.container import Services
from bot.demo import seed_demo

HEADER = [
    "team_code",
    "received_date",
    "field",
    "basis",
    "result",
    "closed_date",
    "parties_count",
    "summary",
    "external_id",
]
GOOD = [
    [
        "ML-01",
        "2024-03-02",
        "dat_dai",
        "yeu_cau",
        "thanh",
        "2024-03-10",
        "2",
        "Tranh chấp lối đi, SĐT 0912345678",
        "S1-01",
    ],
    ["ML-02", "2024-04-02", "Hôn nhân và gia đình", "chung_kien", "dang_hoa_giai", "", "3", "", "S1-02"],
    ["ml-03", "2024-05-09", "khac", "phan_cong_de_nghi", "khong_thanh", "", "", "", "S1-03"],
]
BAD = [
    ["ML-09", "2024-03-02", "dat_dai", "yeu_cau", "thanh", "", "2", "", "S2-01"],  # row 2: unknown team
    ["ML-01", "02/03/2024", "dat_dai", "yeu_cau", "thanh", "", "2", "", "S2-02"],  # row 3: date format
    ["ML-01", "2024-03-02", "ruộng", "yeu_cau", "dang_hoa_giai", "2024-03-05", "1", "", "S2-03"],  # row 4
    [
        "ML-01",
        "2024-03-02",
        "dan_su",
        "yeu_cau",
        "thanh",
        "2024-03-01",
        "2",
        "",
        "S2-04",
    ],  # row 5: closed < recv
    ["NH-01", "2024-03-02", "dan_su", "yeu_cau", "thanh", "", "2", "", "S2-05"],  # row 6: other commune
    ["ML-01", "2024-03-02", "dan_su", "nhờ", "thanh", "", "2", "", "S2-01"],  # row 7: basis, dup id
    ["ML-01", "2024-06-01", "khac", "yeu_cau", "rut_yeu_cau", "", "2", "", "S2-07"],  # row 8: valid
]


def write_csv(path, rows, header=HEADER):
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows, header=HEADER):
    from datetime import date

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        cells = list(row)
        if cells[1] and cells[1][:4].isdigit() and len(cells[1]) == 10:
            cells[1] = date.fromisoformat(cells[1])  # spreadsheets store dates as dates
        if cells[6]:
            cells[6] = int(cells[6])
        sheet.append(cells)
    workbook.save(path)
    return path


def stored(db_path):
    async def read():
        services = Services.build(Config(database_path=str(db_path)))
        await services.open()
        try:
            return await services.cases.repo.find(limit=100)
        finally:
            await services.close()

    return asyncio.run(read())


def seeded(tmp_path):
    db_path = tmp_path / "import.db"

    async def seed():
        services = Services.build(Config(database_path=str(db_path)))
        await services.open()
        await seed_demo(services)
        await services.close()

    asyncio.run(seed())
    return db_path


def test_good_csv_imports_and_reimport_is_idempotent(tmp_path, capsys):
    db = seeded(tmp_path)
    path = write_csv(tmp_path / "so.csv", GOOD)
    assert main(["admin", "import-cases", str(path), "--commune", "ML", "--db", str(db)]) == 0
    assert "Đã nhập 3 vụ việc mới" in capsys.readouterr().out
    cases = {c.external_id: c for c in stored(db)}
    assert set(cases) == {"S1-01", "S1-02", "S1-03"}
    first = cases["S1-01"]
    assert first.number == "ML-2024-0001" and first.closed_on == "2024-03-10" and first.reporter_id is None
    assert "0912345678" not in first.summary and "[SĐT đã che]" in first.summary
    assert cases["S1-02"].field == "hon_nhan_gia_dinh" and cases["S1-02"].parties_count == 3
    assert cases["S1-03"].parties_count == 2 and cases["S1-03"].closed_on is None
    assert main(["admin", "import-cases", str(path), "--commune", "ML", "--db", str(db)]) == 0
    assert "bỏ qua 3 vụ việc đã có" in capsys.readouterr().out
    assert len(stored(db)) == 3


def test_bad_csv_imports_nothing_and_lists_every_error(tmp_path, capsys):
    db = seeded(tmp_path)
    path = write_csv(tmp_path / "loi.csv", BAD)
    assert main(["admin", "import-cases", str(path), "--commune", "ML", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "Tệp có 6 dòng lỗi, chưa nhập gì" in err
    assert "Dòng 2: team_code — Không có tổ hòa giải mã ML-09" in err
    assert "Dòng 3: received_date — Chưa hiểu ngày này" in err
    assert "Dòng 4: field" in err and "Dòng 4: parties_count" in err and "Dòng 4: closed_date" in err
    assert "Dòng 5: closed_date — Ngày kết thúc không thể trước ngày nhận" in err
    assert "Dòng 6: team_code" in err
    assert "Dòng 7: basis" in err and "Dòng 7: external_id — external_id S2-01 lặp lại ở dòng 2" in err
    assert "Dòng 8" not in err
    assert stored(db) == []


def test_skip_invalid_imports_the_valid_rows(tmp_path, capsys):
    db = seeded(tmp_path)
    path = write_csv(tmp_path / "loi.csv", BAD)
    assert (
        main(["admin", "import-cases", str(path), "--commune", "ML", "--db", str(db), "--skip-invalid"]) == 0
    )
    captured = capsys.readouterr()
    assert "Bỏ qua 6 dòng lỗi" in captured.err and "Đã nhập 1 vụ việc mới" in captured.out
    assert [c.external_id for c in stored(db)] == ["S2-07"]


def test_xlsx_good_and_bad(tmp_path, capsys):
    db = seeded(tmp_path)
    good = write_xlsx(tmp_path / "so.xlsx", GOOD)
    assert main(["admin", "import-cases", str(good), "--commune", "ML", "--db", str(db)]) == 0
    assert "Đã nhập 3 vụ việc mới" in capsys.readouterr().out
    assert {c.received_on for c in stored(db)} == {"2024-03-02", "2024-04-02", "2024-05-09"}
    bad = write_xlsx(tmp_path / "loi.xlsx", BAD)
    assert main(["admin", "import-cases", str(bad), "--commune", "ML", "--db", str(db)]) == 1
    assert "Dòng 2: team_code" in capsys.readouterr().err
    assert len(stored(db)) == 3


def test_file_problems(tmp_path, capsys):
    db = seeded(tmp_path)
    missing = write_csv(
        tmp_path / "thieu.csv", [["ML-01", "2024-01-01"]], header=["team_code", "received_date"]
    )
    assert main(["admin", "import-cases", str(missing), "--commune", "ML", "--db", str(db)]) == 1
    assert "Thiếu cột: field, basis" in capsys.readouterr().err
    other = tmp_path / "so.txt"
    other.write_text("x", encoding="utf-8")
    assert main(["admin", "import-cases", str(other), "--commune", "ML", "--db", str(db)]) == 1
    assert "chỉ nhận .csv" in capsys.readouterr().err
    good = write_csv(tmp_path / "so.csv", GOOD)
    assert main(["admin", "import-cases", str(good), "--commune", "XX", "--db", str(db)]) == 1
    assert "Không có xã/phường mã XX" in capsys.readouterr().err
    empty = write_csv(tmp_path / "rong.csv", [])
    assert main(["admin", "import-cases", str(empty), "--commune", "ML", "--db", str(db)]) == 1
    assert "không có dòng dữ liệu" in capsys.readouterr().err


def test_mediators_column_names_who_mediated_by_their_codes(tmp_path, capsys):
    """QA: imported paper logbooks had no mediators, so Part II of the book and the remuneration list named
    nobody for them. The optional `mediators` column takes the codes of the team's mediators (column 3 of the
    book)."""
    db = seeded(tmp_path)
    header = [*HEADER, "mediators"]
    rows = [
        [
            "ML-01",
            "2024-03-02",
            "dat_dai",
            "yeu_cau",
            "thanh",
            "2024-03-10",
            "2",
            "",
            "M-1",
            "ML-01-02; ml-01-03",
        ],
        ["ML-01", "2024-03-04", "khac", "yeu_cau", "dang_hoa_giai", "", "2", "", "M-2", ""],
    ]
    bad = [
        ["ML-01", "2024-03-05", "khac", "yeu_cau", "thanh", "", "2", "", "M-3", "ML-02-02"],  # another team's
        ["ML-02", "2024-03-05", "khac", "yeu_cau", "thanh", "", "2", "", "M-4", "XX-9"],
    ]  # unknown code
    path = write_csv(tmp_path / "bad.csv", bad, header)
    assert main(["admin", "import-cases", str(path), "--commune", "ML", "--db", str(db)]) == 1
    out = "".join(capsys.readouterr())
    assert "Dòng 2: mediators" in out and "ML-02-02" in out and "Dòng 3: mediators" in out and "XX-9" in out
    for name, writer in (("so.csv", write_csv), ("so.xlsx", write_xlsx)):
        path = writer(tmp_path / name, rows, header)
        assert main(["admin", "import-cases", str(path), "--commune", "ML", "--db", str(db)]) == 0
    cases = {c.external_id: c for c in stored(db)}
    assert len(cases) == 2 and len(cases["M-1"].mediator_ids) == 2 and cases["M-2"].mediator_ids == ()
    capsys.readouterr()
    assert (
        main(
            ["remuneration", "--commune", "ML", "--from", "2024-03-01", "--to", "2024-03-31", "--db", str(db)]
        )
        == 0
    )
    pay = json.loads(capsys.readouterr().out)
    line = next(c for c in pay["cases"] if c["case_no"] == cases["M-1"].number)
    assert sorted(m["name"] for m in line["mediators"]) == ["Nguyễn Văn Bình", "Quàng Thị Mai"]
    assert sum(m["share"] for m in line["mediators"]) == line["amount"]
    assert (
        main(["report", "--commune", "ML", "--from", "2024-03-01", "--to", "2024-03-31", "--db", str(db)])
        == 0
    )
    by_mediator = json.loads(capsys.readouterr().out)["by_mediator"]
    assert by_mediator["ML-01-02"]["successful"] == 1 and by_mediator["ML-01-03"]["received"] == 1
