"""Materials library (/tailieu): content checks, browsing, file-id reuse, search, access records,
indicator."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from bot import messages as msg
from services.library import (
    Catalogue,
    ContentError,
    check_content,
    load_catalogue,
    markdown_to_text,
    materials_dir,
)
from services.logbook_template import FILE_NAME, build_workbook, sheet_values
from tests.harness import texts

MEDIATOR, LEADER, COMMUNE, PROVINCE, GUEST = 1001, 1002, 1003, 1004, 1009
DOC_TOPIC = "bieu-mau"


# --- content --------------------------------------------------------------------------------------------
def test_shipped_content_is_valid():
    report = check_content()
    assert report.ok, report.problems
    assert report.materials >= 10 and report.questions >= 60
    catalogue = load_catalogue()
    assert {m.topic for m in catalogue.materials} <= set(catalogue.topic_by_code)
    assert any(m.file and m.file.endswith(".xlsx") for m in catalogue.materials)


def _broken_copy(tmp_path):
    base = tmp_path / "materials"
    shutil.copytree(materials_dir(), base)
    data = yaml.safe_load((base / "catalog.yaml").read_text(encoding="utf-8"))
    data["materials"][0]["topic"] = "khong-co"  # unknown topic
    data["materials"][1]["file"] = "files/khong-ton-tai.md"  # missing file
    data["materials"][2]["link"] = "http://example.org"  # both file and link, and not https
    data["materials"][3]["id"] = data["materials"][4]["id"]  # duplicate id
    data["materials"][5]["keywords"].append("Thông tư 99/2099/TT-BTP")  # a document not in documents.yaml
    data["materials"].append(
        {
            "id": "ngoai",
            "title": "Ngoài thư mục",
            "description": "x",
            "topic": "ky-nang",
            "file": "../catalog.yaml",
        }
    )
    (base / "catalog.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return base / "catalog.yaml"


def test_broken_catalogue_lists_every_problem(tmp_path):
    path = _broken_copy(tmp_path)
    with pytest.raises(ContentError) as caught:
        load_catalogue(path)
    problems = "\n".join(caught.value.problems)
    for expected in (
        "topic 'khong-co'",
        "khong-ton-tai.md does not exist",
        "exactly one of file or link",
        "link must be an https",
        "duplicate id",
        "99/2099/TT-BTP",
        "relative path inside",
    ):
        assert expected in problems


def test_broken_quiz_fixture_is_rejected(tmp_path):
    data = yaml.safe_load((materials_dir().parent / "quiz" / "questions.yaml").read_text(encoding="utf-8"))
    qs = data["questions"]
    qs[0]["source"]["document"] = "99/2099/QH99"  # unknown document
    qs[1]["source"]["article"] = 34  # Law 35/2013 has 33 articles
    qs[2]["answer"] = 4  # not a choice
    qs[3]["choices"] = ["Một", "Hai"]  # too few choices
    qs[4]["topic"] = "khong-co"
    qs[5]["id"] = qs[6]["id"]
    qs[7]["explanation"] = ""
    path = tmp_path / "questions.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = check_content(questions_path=path)
    problems = "\n".join(report.problems)
    assert not report.ok
    for expected in (
        "'99/2099/QH99' is not in documents.yaml",
        "article 34 does not exist",
        "answer 4",
        "3 or 4 answers",
        "topic 'khong-co'",
        "duplicate id",
        "explanation is required",
    ):
        assert expected in problems


def test_cli_check_passes_and_fails(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "bot", "library", "check"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "Hợp lệ" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "library", "check", "--catalogue", str(_broken_copy(tmp_path))],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and "khong-ton-tai.md" in bad.stderr


def test_logbook_template_matches_generator_and_form():
    committed = load_workbook(materials_dir() / "files" / FILE_NAME)
    assert sheet_values(committed) == sheet_values(build_workbook()), "run: mediator-bot library make-logbook"
    part1 = committed["Phần I"]
    numbers = [part1.cell(row=5, column=c).value for c in range(1, 11)]
    assert numbers == [f"({n})" for n in range(1, 11)]
    headers = " | ".join(str(part1.cell(row=r, column=c).value) for r in (3, 4) for c in range(1, 11))
    for title in (
        "STT",
        "Ngày, tháng, năm nhận vụ, việc hòa giải",
        "Nội dung chủ yếu của vụ, việc",
        "Kết quả hòa giải",
        "Hòa giải thành",
        "Hòa giải không thành",
        "Ghi chú",
    ):
        assert title in headers


def test_markdown_becomes_readable_text():
    text = markdown_to_text(
        "# Tiêu đề\n\n**Đậm** và *nghiêng*\n\n| Cột | Cách ghi |\n|---|---|\n| (1) | STT |\n"
        "- mục [trang](https://vbpl.vn)\n> lưu ý"
    )
    assert "TIÊU ĐỀ" in text and "**" not in text and "|" not in text and "---" not in text
    assert "• (1) — Cách ghi: STT" in text and "• mục trang (https://vbpl.vn)" in text and "    lưu ý" in text


# --- search ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("so theo doi", "huong-dan-ghi-so-theo-doi"),
        ("sổ theo dõi", "huong-dan-ghi-so-theo-doi"),
        ("huong dan ghi so theo dio", "huong-dan-ghi-so-theo-doi"),  # unaccented, with a typo
        ("ky nag lang nge", "ky-nang-lang-nghe-thuyet-phuc"),  # two typos
        ("cong nhan tai toa", "cong-nhan-hoa-giai-thanh-tai-toa-an"),
        ("mau so excel", "mau-so-theo-doi-hoa-giai"),
        ("tom tat luat", "tom-tat-luat-hoa-giai-o-co-so"),
    ],
)
def test_search_finds_unaccented_and_misspelt(catalogue, query, expected):
    assert catalogue.search(query)[0].id == expected


def test_search_nonsense_finds_nothing(catalogue):
    assert catalogue.search("xyz qwrt") == [] and catalogue.search("") == [] and catalogue.search("!!!") == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_search_never_crashes(catalogue, text):
    found = catalogue.search(text)
    assert isinstance(found, list) and len(found) <= 8


# --- chat -----------------------------------------------------------------------------------------------
def _documents(messages):
    return [m for m in messages if "document" in m]


async def test_browse_topic_and_receive_file_once_then_by_file_id(bot):
    out = await bot.say(MEDIATOR, "/tailieu")
    assert "Thư viện tài liệu" in texts(out)
    out = await bot.tap_data(MEDIATOR, f"doc:t:{DOC_TOPIC}", bot.last_with_buttons(MEDIATOR))
    assert "Biểu mẫu, sổ sách" in texts(out)
    files_before = len(bot.api.files)
    out = await bot.tap(MEDIATOR, "Hướng dẫn ghi Sổ theo dõi hoạt động hòa giải ở cơ sở")
    [first] = _documents(out)
    assert first["document"]["file_name"] == "huong-dan-ghi-so-theo-doi.txt"
    assert "Hướng dẫn ghi Sổ theo dõi" in first["caption"]
    assert len(bot.api.files) == files_before + 1  # uploaded
    name, content = bot.api.files[first["document"]["file_id"]]
    body = content.decode("utf-8-sig")
    assert "PHẦN I" in body.upper() and "**" not in body and "|---" not in body

    # another person, after a restart: the stored file id is reused, nothing is uploaded again
    await bot.restart()
    await bot.say(LEADER, "/tailieu")
    await bot.tap_data(LEADER, f"doc:t:{DOC_TOPIC}", bot.last_with_buttons(LEADER))
    out = await bot.tap(LEADER, "Hướng dẫn ghi Sổ theo dõi hoạt động hòa giải ở cơ sở")
    [second] = _documents(out)
    assert second["document"]["file_id"] == first["document"]["file_id"]
    assert len(bot.api.files) == files_before + 1
    assert msg.LIBRARY_MORE in texts(out)


async def test_stale_file_id_is_uploaded_again(bot):
    material = bot.services.library.catalogue.by_id["cac-buoc-hoa-giai"]
    payload = bot.services.library.catalogue.payload(material)
    await bot.services.library.store.remember_file_id(material.id, payload.sha256, "console", "GONE-FILE-ID")
    await bot.say(MEDIATOR, "/tailieu")
    out = await bot.tap_data(MEDIATOR, "doc:m:cac-buoc-hoa-giai", bot.last_with_buttons(MEDIATOR))
    [sent] = _documents(out)
    assert sent["document"]["file_id"] != "GONE-FILE-ID"
    assert (
        await bot.services.library.store.file_id(material.id, payload.sha256, "console")
        == sent["document"]["file_id"]
    )


async def test_xlsx_template_and_link_material(bot):
    await bot.say(MEDIATOR, "/tailieu")
    out = await bot.tap_data(MEDIATOR, "doc:m:mau-so-theo-doi-hoa-giai", bot.last_with_buttons(MEDIATOR))
    [sent] = _documents(out)
    assert sent["document"]["file_name"] == "mau-so-theo-doi-hoa-giai.xlsx"
    _, content = bot.api.files[sent["document"]["file_id"]]
    assert content == (materials_dir() / "files" / FILE_NAME).read_bytes()
    out = await bot.tap_data(MEDIATOR, "doc:m:link-nghi-dinh-15-2014-vbpl", bot.last_with_buttons(MEDIATOR))
    assert "https://vbpl.vn/" in texts(out) and not _documents(out)


async def test_typed_search_unaccented_with_typo_then_open(bot):
    [home] = await bot.say(MEDIATOR, "/tailieu")
    out = await bot.say(MEDIATOR, "mau bien ban hoa giai thnh")  # not asked for a name: a legal question
    assert "Tìm thấy" not in texts(out)
    out = await bot.tap(MEDIATOR, "Tìm theo tên", home)
    assert msg.LIBRARY_ASK_SEARCH in texts(out)
    out = await bot.say(MEDIATOR, "mau bien ban hoa giai thnh")
    assert "Tìm thấy" in texts(out)
    assert bot.buttons(MEDIATOR)[0].callback_data == "doc:m:mau-bien-ban-hoa-giai-thanh"
    out = await bot.tap(MEDIATOR, 1)
    assert _documents(out)[0]["document"]["file_name"] == "mau-bien-ban-hoa-giai-thanh.txt"
    await bot.tap(MEDIATOR, "Tìm theo tên")
    out = await bot.say(MEDIATOR, "qwxzv zzkkq")
    assert "Không tìm thấy tài liệu" in texts(out)
    out = await bot.say(MEDIATOR, "so theo doi")  # after "not found" the prompt asks again
    assert "Tìm thấy" in texts(out)


async def test_forged_material_and_topic_ids(bot):
    await bot.say(MEDIATOR, "/tailieu")
    out = await bot.tap_data(MEDIATOR, "doc:m:../../etc/passwd", bot.last_with_buttons(MEDIATOR))
    assert not _documents(out)
    out = await bot.tap_data(MEDIATOR, "doc:m:khong-co", bot.last_with_buttons(MEDIATOR))
    assert msg.LIBRARY_NOT_FOUND_ITEM in texts(out) and not _documents(out)
    out = await bot.tap_data(MEDIATOR, "doc:t:khong-co", bot.last_with_buttons(MEDIATOR))
    assert msg.LIBRARY_NOT_FOUND_ITEM in texts(out)


async def test_menu_button_opens_library(bot):
    await bot.say(MEDIATOR, "/trogiup")
    out = await bot.tap(MEDIATOR, "📚 Tài liệu")
    assert "Thư viện tài liệu" in texts(out)


async def test_access_records_and_indicator(bot):
    services = bot.services
    ml = await services.org.commune_by_code("ML")
    nh = await services.org.commune_by_code("NH")
    province = await services.org.province_by_code("DB")
    assert (await services.library.access(commune_id=ml.id)).opened == 0
    # ML has 6 mediators (3 teams), NH has 3
    await bot.say(MEDIATOR, "/tailieu")
    await bot.tap_data(MEDIATOR, "doc:m:cac-buoc-hoa-giai", bot.last_with_buttons(MEDIATOR))
    await bot.tap_data(
        MEDIATOR, "doc:m:link-de-an-315-moj", bot.last_with_buttons(MEDIATOR)
    )  # links count too
    # an official opening materials does not count as a mediator
    await bot.say(COMMUNE, "/tailieu")
    await bot.tap_data(COMMUNE, "doc:m:cac-buoc-hoa-giai", bot.last_with_buttons(COMMUNE))
    rows = await services.db.fetchall("SELECT * FROM material_opens ORDER BY id")
    mai = await services.people.by_identity("console", str(MEDIATOR))
    assert [(r["material_id"], r["person_id"], r["external_id"]) for r in rows[:2]] == [
        ("cac-buoc-hoa-giai", mai.id, None),
        ("link-de-an-315-moj", mai.id, None),
    ]
    stats = await services.library.access(commune_id=ml.id)
    assert (stats.opened, stats.mediators) == (1, 6) and stats.share == pytest.approx(1 / 6)
    assert (await services.library.access(commune_id=nh.id)).opened == 0
    assert (await services.library.access(province_id=province.id)).mediators == 9

    # a guest opens a material, then is linked to an NH mediator: the opening counts for them
    await bot.say(GUEST, "/tailieu")
    await bot.tap_data(GUEST, "doc:m:cac-buoc-hoa-giai", bot.last_with_buttons(GUEST))
    guest_row = (await services.db.fetchall("SELECT * FROM material_opens ORDER BY id DESC LIMIT 1"))[0]
    assert guest_row["person_id"] is None and guest_row["external_id"] == str(GUEST)
    dua = await services.db.fetchone("SELECT id FROM persons WHERE external_ref = 'NH-01-02'")
    await services.people.link_identity(dua["id"], "console", str(GUEST))
    assert (await services.library.access(commune_id=nh.id)).opened == 1
    assert (await services.library.access(province_id=province.id)).opened == 2

    out = await bot.say(COMMUNE, "/tailieu")
    assert "1/6 hòa giải viên của Phường Mường Lay đã mở tài liệu (17%)" in texts(out)
    assert "Nà Hỳ" not in texts(out)
    out = await bot.say(PROVINCE, "/tailieu")
    assert "2/9 hòa giải viên của tỉnh Điện Biên" in texts(out) and "1/3 hòa giải viên của Xã Nà Hỳ" in texts(
        out
    )
    out = await bot.say(MEDIATOR, "/tailieu")
    assert "đã mở tài liệu" not in texts(out)


async def test_text_long_after_library_goes_to_free_text(bot, monkeypatch):
    import handlers.library as library

    await bot.say(MEDIATOR, "/tailieu")
    monkeypatch.setattr(library, "SEARCH_WINDOW_S", -1)
    out = await bot.say(MEDIATOR, "so theo doi")
    assert "Tìm thấy" not in texts(out)
    monkeypatch.setattr(library, "SEARCH_WINDOW_S", 900)
    out = await bot.say(MEDIATOR, "so theo doi")  # the flow ended: this is free text again
    assert "Tìm thấy" not in texts(out)


async def test_cancel_leaves_library(bot):
    await bot.say(MEDIATOR, "/tailieu")
    out = await bot.say(MEDIATOR, "/huy")
    assert msg.CANCELLED in texts(out)
    out = await bot.say(MEDIATOR, "so theo doi")
    assert "Tìm thấy" not in texts(out)


async def test_material_upload_and_reuse_over_real_http(tmp_path):
    """The real bot process (python-telegram-bot's HTTP stack) uploads a material once, then reuses its file
    id."""
    import asyncio
    import os

    from bot.config import Config
    from bot.container import Services
    from tests.emulator import BotApiEmulator

    emulator = await BotApiEmulator().start()
    db_path = str(tmp_path / "e2e.db")
    env = {
        **os.environ,
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_BASE_URL": emulator.base_url,
        "DATABASE_PATH": db_path,
        "LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        api = emulator.api
        await emulator.wait_for(lambda: api.commands, timeout=30)
        assert any(c["command"] == "tailieu" for c in api.commands)
        sent = []
        for user in (515151, 525252):
            mark = len(api.outbox)
            api.user_message(user, "/tailieu")
            home = (await emulator.reply_to(user, mark))[-1]
            mark = len(api.outbox)
            api.user_click(user, home["message_id"], "doc:m:cac-buoc-hoa-giai")
            await emulator.wait_for(
                lambda u=user, m=mark: any("document" in x for x in api.outbox[m:] if x["chat"]["id"] == u),
                timeout=20,
            )
            sent += [x for x in api.outbox[mark:] if "document" in x]
        assert len(sent) == 2 and sent[0]["document"]["file_id"] == sent[1]["document"]["file_id"]
        assert sent[0]["document"]["file_name"] == "cac-buoc-hoa-giai.txt"
        assert api.files[sent[0]["document"]["file_id"]][1].decode("utf-8-sig").startswith("CÁC BƯỚC")
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
        await emulator.stop()
    assert b"Traceback" not in stderr, stderr.decode()
    services = Services.build(Config(database_path=db_path))
    await services.open()
    rows = await services.db.fetchall("SELECT channel, external_id FROM material_opens ORDER BY id")
    await services.close()
    assert [(r["channel"], r["external_id"]) for r in rows] == [
        ("telegram", "515151"),
        ("telegram", "525252"),
    ]
