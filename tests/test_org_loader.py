from __future__ import annotations

import pytest

from bot import messages as msg
from bot.cli import org_file_problem
from bot.demo import demo_org
from services.org_loader import OrgFileError, load_org, parse_org
from storage.org import OrgRepository
from storage.people import PeopleRepository

EXAMPLE = {
    "province": {"code": "DB", "name": "Điện Biên"},
    "communes": [
        {
            "code": "ML",
            "name": "Phường Mường Lay",
            "teams": [{"code": "ML-01", "name": "Tổ hòa giải bản Na Lay"}],
        }
    ],
}


async def test_minimal_file_from_issue_loads(db):
    org, people = OrgRepository(db), PeopleRepository(db)
    summary = await load_org(EXAMPLE, org, people)
    assert (summary.provinces, summary.communes, summary.teams) == (1, 1, 1)
    commune = await org.commune_by_code("ML")
    assert [t.code for t in await org.teams_of_commune(commune.id)] == ["ML-01"]


async def test_load_is_idempotent(db):
    org, people = OrgRepository(db), PeopleRepository(db)
    await load_org(demo_org(), org, people)
    counts = [
        (await db.fetchone(f"SELECT COUNT(*) FROM {t}"))[0]
        for t in ("provinces", "communes", "teams", "persons", "identities")
    ]
    await load_org(demo_org(), org, people)
    again = [
        (await db.fetchone(f"SELECT COUNT(*) FROM {t}"))[0]
        for t in ("provinces", "communes", "teams", "persons", "identities")
    ]
    assert counts == again
    assert counts[3] >= 10


async def test_renames_update_in_place(db):
    org, people = OrgRepository(db), PeopleRepository(db)
    await load_org(EXAMPLE, org, people)
    renamed = {**EXAMPLE, "communes": [{**EXAMPLE["communes"][0], "name": "Phường Mường Lay mới"}]}
    await load_org(renamed, org, people)
    assert (await org.commune_by_code("ML")).name == "Phường Mường Lay mới"


async def test_invalid_file_writes_nothing(db):
    bad = {
        "province": {"code": "DB", "name": "Điện Biên"},
        "communes": [
            {
                "code": "ML",
                "name": "x",
                "kind": "huyen",
                "teams": [
                    {"code": "T1"},
                    {
                        "code": "T2",
                        "name": "b",
                        "members": [{"name": "A", "gender": "x", "recognised_on": "31/02/2024"}],
                    },
                ],
            }
        ],
    }
    with pytest.raises(OrgFileError) as info:
        await load_org(bad, OrgRepository(db), PeopleRepository(db))
    text = "\n".join(org_file_problem(p) for p in info.value.problems)
    assert "kind" in text and "teams[0]" in text and "giới tính" in text and "ngày" in text
    assert (await db.fetchone("SELECT COUNT(*) FROM provinces"))[0] == 0


def test_parse_rejects_non_mapping():
    _, problems = parse_org(["not", "a", "mapping"])
    assert [org_file_problem(p) for p in problems] == [msg.ORG_FILE_PROBLEMS["not_org"]]
