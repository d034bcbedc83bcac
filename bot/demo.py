"""Demo data for the offline console: a province, two communes, teams and one person per role."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

import yaml

from bot.container import Services
from services.models import Role
from services.org_loader import load_org
from storage.stats import CaseSeed, seed_cases

#: Console user ids of the demo people (see bot/data/demo-org.yaml), by the role they act as.
DEMO_USERS = {
    "mediator": (1001, "Quàng Thị Mai"),
    "leader": (1002, "Lò Văn Hùng"),
    "commune": (1003, "Lò Thị Hoa"),
    "province": (1004, "Nguyễn Thị Thu"),
    "admin": (1005, "Quản trị"),
    "guest": (1009, "Khách"),
}
DEMO_INVITE = "HGCS2345"


def demo_org() -> dict:
    text = resources.files("bot.data").joinpath("demo-org.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


async def seed_demo(services: Services) -> bool:
    """Load the demo organisation and a demo invite code on an empty database. Returns True if seeded."""
    row = await services.db.fetchone("SELECT COUNT(*) AS n FROM provinces")
    if row["n"]:
        return False
    await load_org(demo_org(), services.org, services.people)
    commune = await services.directory.commune_by_code("ML")
    team = await services.directory.team_by_code("ML-01")
    if commune is None or team is None:
        raise RuntimeError("the demo organisation has no commune ML or team ML-01")
    await services.invites.create(
        DEMO_INVITE, commune.id, Role.MEDIATOR, 100, "2099-12-31T00:00:00+00:00", team_id=team.id
    )
    return True


#: How the demo year's cases spread over the fields and end (rough shares seen in communes' logbooks).
_FIELD_WEIGHTS = {
    "dat_dai": 32,
    "hon_nhan_gia_dinh": 22,
    "dan_su": 20,
    "xom_gieng": 20,
    "vi_pham_phap_luat": 4,
    "khac": 2,
}
_RESULT_WEIGHTS = {"thanh": 78, "khong_thanh": 12, "chuyen_co_quan": 5, "rut_yeu_cau": 5}
_BASIS_WEIGHTS = {"yeu_cau": 80, "chung_kien": 12, "phan_cong_de_nghi": 8}


def demo_year_cases(
    teams: list[tuple[int, str]],
    today: date,
    seed: int = 2025,
    members: Mapping[int, Sequence[int]] | None = None,
) -> list[CaseSeed]:
    """A realistic year of cases for `teams` [(team id, commune code)], the twelve months up to `today`:
    one to three cases a month per team, most concluded within three weeks, about half of the last six weeks'
    still being mediated.
    `members` (team id → its mediators' person ids): one or two of them take part in each case, so Part II of
    the logbook and the remuneration list name who mediated.
    Deterministic: the same teams, day, seed and members give the same cases."""
    rng = random.Random(seed)
    fields, field_w = zip(*_FIELD_WEIGHTS.items(), strict=True)
    results, result_w = zip(*_RESULT_WEIGHTS.items(), strict=True)
    bases, basis_w = zip(*_BASIS_WEIGHTS.items(), strict=True)
    counters: dict[str, int] = {}
    found: list[tuple[str, CaseSeed]] = []
    months_back = today.year * 12 + today.month - 1 - 11  # the current month and the eleven before it
    first = date(months_back // 12, months_back % 12 + 1, 1)
    for team_id, commune_code in teams:
        month = first
        while month <= today:
            days_in_month = ((month.replace(day=28) + timedelta(days=4)).replace(day=1) - month).days
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                received = month + timedelta(days=rng.randrange(days_in_month))
                if received > today:
                    continue
                closed = received + timedelta(days=rng.randrange(1, 22))
                result = rng.choices(results, result_w)[0]
                recent = (today - received).days < 45 and rng.random() < 0.5  # some still open for /vuviec
                closed_on: str | None = closed.isoformat()
                if closed > today or recent:
                    result, closed_on = "dang_hoa_giai", None
                found.append(
                    (
                        commune_code,
                        CaseSeed(
                            team_id=team_id,
                            received_on=received.isoformat(),
                            field=rng.choices(fields, field_w)[0],
                            result=result,
                            basis=rng.choices(bases, basis_w)[0],
                            closed_on=closed_on,
                        ),
                    )
                )
            month = (month + timedelta(days=32)).replace(day=1)
    found.sort(key=lambda item: (item[0], item[1].received_on, item[1].team_id))
    picker = random.Random(seed + 1)  # its own stream: the cases themselves do not depend on `members`
    cases = []
    for commune_code, case in found:  # numbered as the logbook numbers them: commune, year, order
        prefix = f"{commune_code}-{case.received_on[:4]}-"
        counters[prefix] = counters.get(prefix, 0) + 1
        team = list((members or {}).get(case.team_id, ()))
        who = tuple(sorted(picker.sample(team, min(len(team), picker.choice((1, 1, 2)))))) if team else ()
        cases.append(replace(case, number=f"{prefix}{counters[prefix]:04d}", mediator_ids=who))
    return cases


async def seed_demo_year(services: Services, today: date | None = None) -> int:
    """On a demo database without cases: a year of cases for the demo communes (so /thongke, the chart and the
    Excel file are not empty on the first run). Returns the number of cases written."""
    row = await services.db.fetchone("SELECT COUNT(*) AS n FROM cases")
    if row["n"]:
        return 0
    today = today or datetime.now(ZoneInfo(services.config.timezone)).date()
    teams: list[tuple[int, str]] = []
    for commune in demo_org()["communes"]:
        found = await services.directory.commune_by_code(commune["code"])
        if found is None:
            continue
        teams += [(team.id, found.code) for team in await services.directory.teams_of_commune(found.id)]
    members = {
        team_id: [p.id for p in await services.directory.members_of_team(team_id)] for team_id, _ in teams
    }
    return len(await seed_cases(services.db, demo_year_cases(teams, today, members=members)))
