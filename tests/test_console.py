"""The offline console: same application, polling over the in-process Bot API, numbered buttons."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from bot.app import build_application
from bot.channels import numbered
from bot.channels.console import run_console
from bot.channels.local import LocalBotApi, LocalRequest
from bot.config import Config
from bot.container import Services
from bot.demo import DEMO_INVITE, seed_demo


async def _lines(*items):
    for item in items:
        yield item


async def test_console_registration_with_numbers(tmp_path):
    config = Config(database_path=str(tmp_path / "c.db"))
    services = Services.build(config)
    await services.open()
    await seed_demo(services)
    api = LocalBotApi()
    app = build_application(config, channel="console", request=LocalRequest(api), services=services)
    out: list[str] = []
    await run_console(
        app,
        api,
        1009,
        "Khách",
        lines=_lines("1", DEMO_INVITE, "1", "1", "/thoat"),
        write=out.append,
        settle_s=0.05,
    )
    transcript = "\n".join(out)
    assert "1. 🔑 Tôi có mã mời" in transcript
    assert "Đăng ký thành công" in transcript
    services = Services.build(config)
    await services.open()
    assert (await services.people.by_identity("console", "1009")).full_name == "Khách"
    await services.close()


def test_chat_command_runs_offline(tmp_path):
    """`mediator-bot chat` on a fresh database seeds the demo and answers; stdin closed ends it."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "fresh.db"), "--as", "commune"],
        input="/moi\n1\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Đã tạo dữ liệu mẫu" in result.stdout
    assert "Người được mời sẽ là" in result.stdout
    assert "Traceback" not in result.stderr


def test_numbered_choice_by_number_and_text():
    markup = {
        "inline_keyboard": [
            [{"text": "✅ Đúng", "callback_data": "y"}, {"text": "✏️ Không, sửa lại", "callback_data": "n"}],
            [{"text": "Tổ hòa giải bản Bó", "callback_data": "t"}],
        ]
    }
    opts = numbered.options(markup)
    assert numbered.choose("2", opts).callback_data == "n"
    assert numbered.choose("dung", opts).callback_data == "y"
    assert numbered.choose("to hoa giai ban bo", opts).callback_data == "t"
    assert numbered.choose("9", opts) is None
    assert numbered.choose("một câu hỏi khác", opts) is None
    assert "  3. Tổ hòa giải bản Bó" in numbered.render("Chọn:", opts)
    own = numbered.options(
        {
            "inline_keyboard": [
                [{"text": "1. Mức thù lao", "callback_data": "a"}],
                [{"text": "2. Quyền của hòa giải viên", "callback_data": "b"}],
            ]
        }
    )
    assert numbered.render("", own) == "  1. Mức thù lao\n  2. Quyền của hòa giải viên"


@given(st.text(max_size=200))
def test_numbered_choose_never_crashes(text):
    opts = numbered.options({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    result = numbered.choose(text, opts)
    assert result is None or result.callback_data == "a"
