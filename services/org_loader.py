"""Load an organisation file (YAML) into the database — idempotent, validated before anything is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from services import dates
from services.models import COMMUNE_KINDS, LEGAL_SUPPORTER_KINDS, PersonDraft, Role
from storage.org import OrgRepository
from storage.people import PeopleRepository
from storage.uow import UnitOfWork

MEMBER_ROLES = {"mediator": Role.MEDIATOR, "team_leader": Role.TEAM_LEADER}
GENDERS = ("nam", "nu", "khac")
#: Longest name (province, commune, team, person) and code accepted; names become button labels.
NAME_MAX = 150
CODE_MAX = 30
TEXT_MAX = 500


@dataclass(frozen=True)
class Problem:
    """What is wrong in the file and where: `where` is the place ('communes[0].teams[1]', '' for the whole
    file), `code` keys ORG_FILE_PROBLEMS of the catalogue, `params` fill it in (bot.cli words it)."""

    where: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class OrgFileError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.where}: {p.code}" for p in problems))
        self.problems = problems


@dataclass
class LoadSummary:
    provinces: int = 0
    communes: int = 0
    teams: int = 0
    people: int = 0
    identities: list[tuple[int, str, str]] = field(default_factory=list)


def _date(value: Any, where: str, problems: list[Problem]) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dates.parse_iso(str(value)).isoformat()
    except dates.DateError:
        problems.append(Problem(where, "date", {"value": repr(value)}))
        return None


def _text(
    value: Any, where: str, key: str, problems: list[Problem], limit: int = NAME_MAX, numbers: bool = False
) -> str:
    """A name or code from the file: text (codes may be written as numbers) within `limit` characters."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int if numbers else str):
        problems.append(Problem(where, "not_text", {"key": key, "type": type(value).__name__}))
        return ""
    text = " ".join(str(value).split())
    if len(text) > limit:
        problems.append(Problem(where, "too_long", {"key": key, "length": len(text), "limit": limit}))
        return ""
    return text


def _person(raw: Any, where: str, problems: list[Problem], default_role: Role | None) -> dict | None:
    if not isinstance(raw, dict):
        problems.append(Problem(where, "not_mapping"))
        return None
    count = len(problems)
    name = _text(raw.get("name"), where, "name", problems)
    if not name and len(problems) == count:
        problems.append(Problem(where, "no_name"))
    role_text = raw.get("role")
    role = default_role
    if role_text is not None:
        try:
            role = Role(str(role_text))
        except ValueError:
            problems.append(Problem(where, "role", {"value": repr(role_text)}))
    gender = raw.get("gender")
    if gender is not None and gender not in GENDERS:
        problems.append(Problem(where, "gender", {"allowed": GENDERS}))
    supporter = raw.get("legal_supporter")
    if supporter is not None and supporter not in LEGAL_SUPPORTER_KINDS:
        problems.append(Problem(where, "legal_supporter", {"allowed": LEGAL_SUPPORTER_KINDS}))
    ref = _text(raw.get("ref"), where, "ref", problems, CODE_MAX * 2, numbers=True) or None
    background = _text(raw.get("legal_background"), where, "legal_background", problems, TEXT_MAX) or None
    identities = raw.get("identities") or {}
    if not isinstance(identities, dict) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) and len(str(v)) <= 64
        for v in identities.values()
    ):
        problems.append(Problem(where, "identities"))
        identities = {}
    return {
        "ref": ref,
        "name": name,
        "role": role,
        "gender": gender,
        "ethnic_minority": None if raw.get("ethnic_minority") is None else bool(raw.get("ethnic_minority")),
        "recognised_on": _date(raw.get("recognised_on"), where, problems),
        "trained_on": _date(raw.get("trained_on"), where, problems),
        "legal_background": background,
        "legal_supporter": supporter,
        "identities": identities,
    }


def parse_org(data: Any) -> tuple[dict, list[Problem]]:
    """Check the structure; returns (normalised data, problems)."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return {}, [Problem("", "not_org")]
    province = data.get("province")
    if not isinstance(province, dict) or not province.get("code") or not province.get("name"):
        problems.append(Problem("province", "code_and_name"))
        province = {}
    else:
        province = {
            "code": _text(province["code"], "province", "code", problems, CODE_MAX, numbers=True),
            "name": _text(province["name"], "province", "name", problems),
        }
    officials = [
        p
        for i, raw in enumerate(data.get("officials") or [])
        if (p := _person(raw, f"officials[{i}]", problems, Role.PROVINCE_OFFICIAL))
    ]
    communes = []
    seen_codes: set[str] = set()
    for ci, c in enumerate(data.get("communes") or []):
        where = f"communes[{ci}]"
        if not isinstance(c, dict) or not c.get("code") or not c.get("name"):
            problems.append(Problem(where, "code_and_name"))
            continue
        c = {
            **c,
            "code": _text(c["code"], where, "code", problems, CODE_MAX, numbers=True),
            "name": _text(c["name"], where, "name", problems),
        }
        kind = c.get("kind", "xa")
        if kind not in COMMUNE_KINDS:
            problems.append(Problem(where, "kind", {"allowed": COMMUNE_KINDS}))
        target = c.get("success_target")
        if target is not None and not (isinstance(target, int | float) and 0 < target <= 1):
            problems.append(Problem(where, "success_target"))
        teams = []
        for ti, t in enumerate(c.get("teams") or []):
            twhere = f"{where}.teams[{ti}]"
            if not isinstance(t, dict) or not t.get("code") or not t.get("name"):
                problems.append(Problem(twhere, "code_and_name"))
                continue
            t = {
                **t,
                "code": _text(t["code"], twhere, "code", problems, CODE_MAX, numbers=True),
                "name": _text(t["name"], twhere, "name", problems),
            }
            if t["code"] in seen_codes:
                problems.append(Problem(twhere, "team_code_twice", {"code": repr(t["code"])}))
            seen_codes.add(t["code"])
            members = []
            for mi, m in enumerate(t.get("members") or []):
                member = _person(m, f"{twhere}.members[{mi}]", problems, Role.MEDIATOR)
                if member and member["role"] not in MEMBER_ROLES.values():
                    problems.append(Problem(f"{twhere}.members[{mi}]", "member_role"))
                if member:
                    members.append(member)
            teams.append({"code": str(t["code"]), "name": str(t["name"]), "members": members})
        c_officials = []
        for oi, o in enumerate(c.get("officials") or []):
            official = _person(o, f"{where}.officials[{oi}]", problems, Role.COMMUNE_OFFICIAL)
            if official:
                c_officials.append(official)
        communes.append(
            {
                "code": str(c["code"]),
                "name": str(c["name"]),
                "kind": kind,
                "is_pilot": bool(c.get("pilot", False)),
                "many_ethnic_minority": bool(c.get("many_ethnic_minority", False)),
                "success_target": target,
                "store_party_names": bool(c.get("store_party_names", False)),
                "teams": teams,
                "officials": c_officials,
            }
        )
    return {"province": province, "officials": officials, "communes": communes}, problems


async def load_org(data: Any, org: OrgRepository, people: PeopleRepository) -> LoadSummary:
    """Validate everything first; then upsert, all in one unit of work (a file is loaded whole or not at
    all). People need a `ref` to be updated rather than duplicated."""
    parsed, problems = parse_org(data)
    if problems:
        raise OrgFileError(problems)
    async with UnitOfWork(org.db)() as u:  # upserts: each row is locked by its own statement
        return await _load(parsed, u.org, u.people)


async def _load(parsed: dict, org: OrgRepository, people: PeopleRepository) -> LoadSummary:
    summary = LoadSummary()
    province = await org.upsert_province(parsed["province"]["code"], str(parsed["province"]["name"]))
    summary.provinces = 1

    async def person(p: dict, **where: Any) -> None:
        draft = PersonDraft(
            full_name=p["name"],
            role=p["role"],
            gender=p["gender"],
            ethnic_minority=p["ethnic_minority"],
            recognised_on=p["recognised_on"],
            trained_on=p["trained_on"],
            legal_background=p["legal_background"],
            legal_supporter=p["legal_supporter"],
            external_ref=p["ref"],
            province_id=province.id,
            **where,
        )
        if p["ref"]:
            person_id = await people.upsert_by_ref(draft)
        else:
            person_id = await people.create(draft)
        for channel, external_id in dict(p["identities"]).items():
            await people.link_identity(person_id, str(channel), str(external_id), str(external_id))
            summary.identities.append((person_id, str(channel), str(external_id)))
        summary.people += 1

    for p in parsed["officials"]:
        await person(p)
    for c in parsed["communes"]:
        commune = await org.upsert_commune(
            province.id,
            c["code"],
            c["name"],
            kind=c["kind"],
            is_pilot=c["is_pilot"],
            many_ethnic_minority=c["many_ethnic_minority"],
            success_target=c["success_target"],
            store_party_names=c["store_party_names"],
        )
        summary.communes += 1
        for p in c["officials"]:
            await person(p, commune_id=commune.id)
        for t in c["teams"]:
            team = await org.upsert_team(commune.id, t["code"], t["name"])
            summary.teams += 1
            for p in t["members"]:
                await person(p, commune_id=commune.id, team_id=team.id)
    return summary


class _AliasRefused(yaml.YAMLError):
    pass


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (`*name`) before building anything: an organisation list needs none,
    and nested aliases ("billion laughs") expand into huge values once turned into text."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _AliasRefused(str(self.peek_event().start_mark))
        return super().compose_node(parent, index)


def read_org_file(path: str | Path) -> Any:
    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_NoAliasLoader)  # noqa: S506 (safe)
    except _AliasRefused as exc:
        raise OrgFileError([Problem("", "yaml_alias", {"detail": str(exc)})]) from exc
    except yaml.YAMLError as exc:
        raise OrgFileError([Problem("", "yaml", {"detail": str(exc)})]) from exc
