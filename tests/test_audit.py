"""The audit log: a row written in the change's transaction is kept with it, or rolled back with it."""

import pytest

from storage.audit import AuditLog


async def test_record_and_read_back_newest_first(db):
    log = AuditLog(db)
    await log.add(
        action="org.update",
        object_type="person",
        object_id="ML-01-02",
        actor_label="cli",
        before={"trained_on": None},
        after={"trained_on": "2025-06-15", "name": "Lò Thị Hoa"},
    )
    await log.add(action="report.submit", object_type="report", object_id=7)
    rows = await log.rows()
    assert [r.action for r in rows] == ["report.submit", "org.update"]
    assert rows[1].after == {"trained_on": "2025-06-15", "name": "Lò Thị Hoa"}
    assert rows[1].before == {"trained_on": None} and rows[1].actor_label == "cli"
    assert [r.object_id for r in await log.rows(object_type="report")] == ["7"]


async def test_rolled_back_with_the_change(db):
    log = AuditLog(db)
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await log.record(conn, action="org.retire", object_type="person", object_id="x")
            raise RuntimeError("the change failed")
    assert await log.rows() == []
