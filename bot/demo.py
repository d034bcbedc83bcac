"""Demo data for the offline console: a province, two communes, teams and one person per role."""

from __future__ import annotations

from importlib import resources

import yaml

from bot.container import Services
from services.models import Role
from services.org_loader import load_org

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
    commune = await services.org.commune_by_code("ML")
    team = await services.org.team_by_code("ML-01")
    await services.invites.create(DEMO_INVITE, commune.id, Role.MEDIATOR, 100, "2099-12-31T00:00:00+00:00",
                                  team_id=team.id)
    return True
