"""Per-chat ordering with concurrency across chats."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.concurrency import PerChatUpdateProcessor


def _update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "u", False)
    message = Message(update_id, None, Chat(chat_id, "private"), from_user=user, text="x")
    return Update(update_id, message=message)


async def test_same_chat_in_order_other_chats_overlap():
    processor = PerChatUpdateProcessor(16)
    log: list[tuple[int, str]] = []
    running = 0
    peak = 0

    async def work(update_id: int, delay: float) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        log.append((update_id, "start"))
        await asyncio.sleep(delay)
        log.append((update_id, "end"))
        running -= 1

    jobs = []
    for i in range(6):  # chat 1: slow first update, later ones must wait for it, in order
        jobs.append(processor.process_update(_update(i, 1), work(i, 0.05 if i == 0 else 0.001)))
    for i in range(6, 12):  # other chats run meanwhile
        jobs.append(processor.process_update(_update(i, 100 + i), work(i, 0.01)))
    await asyncio.gather(*jobs)
    chat1 = [uid for uid, event in log if uid < 6 and event == "start"]
    assert chat1 == [0, 1, 2, 3, 4, 5]
    for i in range(5):
        assert log.index((i, "end")) < log.index((i + 1, "start"))
    assert peak > 2
    assert not processor._locks
