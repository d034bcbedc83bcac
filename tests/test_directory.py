"""Issue 15: the read-only directory the chat layer looks the organisation and people up through
(services/directory.py), and the command line's code look-up built on it."""

from __future__ import annotations

from dataclasses import replace

from bot.cli import lookup_code


async def test_communes_in_reach_follow_the_scope_rule(bot):
    directory = bot.services.directory
    org = bot.services.org
    other = await org.upsert_province("AA", "An Giang")
    await org.upsert_commune(other.id, "AA-01", "Phường Alpha")
    province_official = await directory.person_by_identity("console", "1004")
    admin = await directory.person_by_identity("console", "1005")
    assert province_official is not None and admin is not None and province_official.province_id
    own = await directory.communes_in_reach(province_official)
    assert own == await org.communes_of_province(province_official.province_id)
    assert own and all(c.province_id == province_official.province_id for c in own)
    # an administrator of no province (the demo's belongs to one: they get its communes, as above)
    assert await directory.communes_in_reach(admin) == await org.communes_of_province(admin.province_id or 0)
    everywhere = await directory.communes_in_reach(replace(admin, province_id=None))
    # the order the handlers showed before: province by province (by name), communes by name
    expected = [c for p in await directory.provinces() for c in await org.communes_of_province(p.id)]
    assert everywhere == expected and everywhere[0].code == "AA-01" and len(everywhere) > len(own)


async def test_look_ups_by_code_and_id(bot):
    directory = bot.services.directory
    ml = await directory.commune_by_code("ML")
    team = await directory.team_by_code("ML-01")
    assert ml is not None and team is not None and team.commune_id == ml.id
    assert await directory.by_code("commune", "ML") == ml
    assert await directory.by_code("team", "ML-01") == team
    province = await directory.province(ml.province_id)
    assert province is not None and await directory.by_code("province", province.code) == province
    assert await directory.by_code("team", "NO-SUCH") is None
    assert "ML" in await directory.codes("commune") and "ML-01" in await directory.codes("team")
    assert await directory.codes("commune") == sorted(await directory.codes("commune"))
    members = await directory.members_of_team(team.id)
    assert members and all(m.team_id == team.id for m in members)
    assert await directory.person(members[0].id) == members[0]
    assert await directory.person_by_identity("console", "999999") is None


async def test_lookup_code_matches_any_case_and_lists_the_codes_otherwise(bot, capsys):
    services = bot.services
    assert (await lookup_code(services, "commune", "ml")).code == "ML"
    assert (await lookup_code(services, "team", " ml-01 ")).code == "ML-01"
    assert await lookup_code(services, "commune", "ZZ") is None
    err = capsys.readouterr().err
    assert "ZZ" in err and "ML" in err


async def test_the_chat_claims_text_through_a_service(bot):
    person = await bot.services.directory.person_by_identity("console", "1001")
    claims = bot.services.text_claims
    await claims.claim(person.id, "case:new")
    assert await claims.holds(person.id, "case:new") and not await claims.holds(person.id, "qa")
