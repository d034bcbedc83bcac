"""Issue 15: the jobs (case reminders, monthly summary, agreement follow-ups, training reminders) are services
that queue through the outbox, scheduled in the composition root: a job run twice queues once, a restart
between queueing and sending delivers exactly once, and the messages people get are those of before."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot import jobs
from bot import messages as msg
from bot.delivery import worker_of
from services import case_form as form
from services.jobs import REMIND_LEADER, REMIND_REPORTER, SUMMARY
from tests.harness import texts
from tests.test_cases_followup import LEADER, MEDIATOR, make_case, person

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL_CHAT = 1003  # the demo's commune official of ML


def titled(bot, chat: int, title: str) -> list[dict]:
    return [m for m in bot.api.sent_to(chat) if title in (m.get("text") or "")]


async def outbox_rows(bot, topic: str) -> list:
    return await bot.services.db.fetchall(
        "SELECT o.person_id, o.status FROM outbox o JOIN broadcasts b ON b.id = o.broadcast_id"
        " WHERE b.topic = ? ORDER BY o.id",
        (topic,),
    )


async def restart_with_a_claimed_row(bot) -> None:
    """The process dies with one outbox row claimed but not sent, and starts again."""
    claimed = await bot.services.broadcasts.repo.claim_next(
        "console", now=datetime.now(UTC) - timedelta(seconds=300)
    )
    assert claimed is not None and claimed["status"] == "sending"
    await bot.restart()
    await worker_of(bot.app).recover()


# --- case reminders -----------------------------------------------------------------------------------------
async def test_case_reminders_queue_once_and_survive_a_restart_before_sending(bot):
    today = bot.services.cases.today()
    case = await make_case(bot, MEDIATOR, received=today - timedelta(days=15))
    mediator, leader = await person(bot, MEDIATOR), await person(bot, LEADER)
    assert await jobs.case_reminders(bot.app, today) == 2
    assert await jobs.case_reminders(bot.app, today) == 0  # the same day again: nothing more
    assert [r["person_id"] for r in await outbox_rows(bot, REMIND_REPORTER)] == [mediator.id]
    assert [r["person_id"] for r in await outbox_rows(bot, REMIND_LEADER)] == [leader.id]
    assert not bot.api.sent_to(bot.user_id(MEDIATOR))  # queued, nothing sent yet
    await restart_with_a_claimed_row(bot)
    assert await jobs.case_reminders(bot.app, today) == 0  # after the restart: still queued once
    await worker_of(bot.app).drain()
    to_mediator = [m for m in bot.api.sent_to(bot.user_id(MEDIATOR)) if case.number in (m.get("text") or "")]
    to_leader = [m for m in bot.api.sent_to(bot.user_id(LEADER)) if case.number in (m.get("text") or "")]
    assert len(to_mediator) == 1 and len(to_leader) == 1
    # The texts and the button are those the job used to send itself.
    values = {
        "number": case.number,
        "field": form.FIELDS[case.field],
        "received": form.display_date(case.received_on),
        "days": 15,
    }
    assert to_mediator[0]["text"] == msg.CASE_REMIND_REPORTER.format(**values)
    assert to_leader[0]["text"] == msg.CASE_REMIND_LEADER.format(**values, reporter=mediator.full_name)
    for message in (to_mediator[0], to_leader[0]):
        assert message["reply_markup"]["inline_keyboard"] == [
            [{"text": msg.CASE_BTN_RECORD_RESULT, "callback_data": f"case:r:{case.id}"}]
        ]
    await bot.restart()
    await worker_of(bot.app).drain()
    assert await jobs.case_reminders(bot.app, today + timedelta(days=1)) == 0
    await worker_of(bot.app).drain()
    assert (
        len([m for m in bot.api.sent_to(bot.user_id(MEDIATOR)) if case.number in (m.get("text") or "")]) == 1
    )


# --- the monthly summary ------------------------------------------------------------------------------------
async def test_monthly_summary_queues_once_and_survives_a_restart_before_sending(bot):
    day = date(2025, 7, 1)
    assert await jobs.monthly_summaries(bot.app, day) == 1
    assert await jobs.monthly_summaries(bot.app, day) == 0
    assert await jobs.monthly_summaries(bot.app, day + timedelta(days=1)) == 0
    assert len(await outbox_rows(bot, SUMMARY)) == 1
    assert not titled(bot, OFFICIAL_CHAT, msg.STATS_SUMMARY_TITLE)
    await restart_with_a_claimed_row(bot)
    assert await jobs.monthly_summaries(bot.app, day + timedelta(days=1)) == 0
    await worker_of(bot.app).drain()
    assert len(titled(bot, OFFICIAL_CHAT, msg.STATS_SUMMARY_TITLE)) == 1
    await bot.restart()
    await worker_of(bot.app).recover()
    await worker_of(bot.app).drain()
    assert len(titled(bot, OFFICIAL_CHAT, msg.STATS_SUMMARY_TITLE)) == 1
    # The official's own broadcast history does not list the summary they received.
    official = await bot.services.people.by_identity("console", str(OFFICIAL_CHAT))
    assert await bot.services.broadcasts.history(official) == []
    out = await bot.say("commune", "/thongbao")
    assert msg.STATS_SUMMARY_TITLE not in texts(out)


async def test_only_commune_officials_turn_the_summary_off_in_the_service(bot):
    from services.statistics import ScopeDenied

    leader = await person(bot, LEADER)
    try:
        await bot.services.summaries.set_opt_out(leader, True)
    except ScopeDenied:
        pass
    else:
        raise AssertionError("a team leader turned the commune summary off")
    official = await bot.services.people.by_identity("console", str(OFFICIAL_CHAT))
    await bot.services.summaries.set_opt_out(official, True)
    assert await bot.services.summaries.opted_out(official)
    assert await jobs.monthly_summaries(bot.app, date(2025, 7, 1)) == 0


# --- scheduling ---------------------------------------------------------------------------------------------
async def test_every_job_is_scheduled_by_the_composition_root(bot):
    names = {job.name for job in bot.app.job_queue.jobs()}
    assert {
        jobs.CASE_REMINDERS,
        jobs.FOLLOWUPS,
        jobs.SUMMARY,
        f"{jobs.SUMMARY}-catch-up",
        jobs.TRAINING_REMINDERS,
    } <= names
    for job in bot.app.job_queue.jobs():
        if job.name in (jobs.CASE_REMINDERS, jobs.FOLLOWUPS, jobs.TRAINING_REMINDERS):
            assert len(bot.app.job_queue.get_jobs_by_name(job.name)) == 1


def test_handlers_neither_schedule_nor_send_jobs():
    """The chat layer gives texts and buttons; no handler module touches the JobQueue or imports bot.jobs."""
    for path in sorted((ROOT / "handlers").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        attrs = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not attrs & {"job_queue", "run_daily", "run_repeating"}, path.name
        assert "bot.jobs" not in modules, path.name


# --- the record and the message in one unit of work (issue 15, session 3) --------------------------------
class Injected(RuntimeError):
    """Storing the message fails right after the job's record was written."""


async def _fail(*_args, **_kwargs):
    raise Injected()


async def test_a_reminder_whose_message_is_not_stored_is_not_recorded(bot, monkeypatch):
    """If storing the message fails, the record is rolled back with it: the next run queues the reminder."""
    import pytest

    from storage.broadcasts import BroadcastRepository

    today = bot.services.cases.today()
    await make_case(bot, MEDIATOR, received=today - timedelta(days=15))
    with monkeypatch.context() as patch:
        patch.setattr(BroadcastRepository, "create_topical", _fail)
        with pytest.raises(Injected):
            await jobs.case_reminders(bot.app, today)
    assert await bot.services.db.fetchall("SELECT * FROM case_reminders") == []
    assert await outbox_rows(bot, REMIND_REPORTER) == []
    assert await jobs.case_reminders(bot.app, today) == 2


async def test_a_summary_whose_message_is_not_stored_is_not_recorded(bot, monkeypatch):
    import pytest

    from storage.broadcasts import BroadcastRepository

    day = date(2025, 7, 1)
    with monkeypatch.context() as patch:
        patch.setattr(BroadcastRepository, "create_topical", _fail)
        with pytest.raises(Injected):
            await jobs.monthly_summaries(bot.app, day)
    assert await bot.services.db.fetchall("SELECT * FROM stats_summary_sent") == []
    assert await outbox_rows(bot, SUMMARY) == []
    assert await jobs.monthly_summaries(bot.app, day) == 1
