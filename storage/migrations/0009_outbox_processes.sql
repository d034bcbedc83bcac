-- Several bot processes on one database (PostgreSQL).
-- claimed_by: the liveness token of the process that claimed an outbox row (an advisory lock that process holds
-- while it is alive, see storage/postgres.py), so that the rows of a process that died are sent again at once by
-- another process, and the rows of a live one are never taken from it.
ALTER TABLE outbox ADD COLUMN claimed_by INTEGER;

-- One pace per channel shared by every process: the messages-per-second ceiling belongs to the bot, not to a
-- process. next_slot is the next free send slot, in seconds since the epoch (UTC).
CREATE TABLE send_pacing (
    channel TEXT PRIMARY KEY,
    next_slot REAL NOT NULL DEFAULT 0
);
