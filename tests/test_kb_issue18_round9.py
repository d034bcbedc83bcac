"""Issue 18, session 8: the team, the mediator and public land as subjects; more forms of "may the team take
this on?"; the session's new entries."""

from __future__ import annotations

import pytest

from knowledge import search


def _without(kb, monkeypatch, *facets: str) -> search.SearchIndex:
    """An index of the session's knowledge base built without the given facets (entries' facets are read at
    build time, so the switch needs a new index, not a new load)."""
    kept = {name: pattern for name, pattern in search.FACETS.items() if name not in facets}
    monkeypatch.setattr(search, "FACETS", kept)
    return search.SearchIndex(kb)


@pytest.mark.parametrize(
    ("question", "without"),
    [
        ("tổ hòa giải ở thôn có những trách nhiệm gì", "l35-d10-nghia-vu-hgv"),
        ("nhiem vu cua to hoa giai la gi", "l35-d15-quyen-nghia-vu-to-truong"),
    ],
)
def test_the_team_as_the_subject_of_a_duty_is_article_13(index, kb, monkeypatch, question, without):
    """Điều 13 (the team's duties), not the mediator's Điều 10 nor the glossary entry on the team."""
    assert index.search(question, 3).best.entry.id == "l35-d13-trach-nhiem-to"
    assert _without(kb, monkeypatch, "team").search(question, 3).best.entry.id == without


def test_the_team_leader_keeps_his_own_article(index):
    assert index.search("tổ trưởng tổ hòa giải có nhiệm vụ gì", 3).best.entry.id == (
        "l35-d15-quyen-nghia-vu-to-truong"
    )


@pytest.mark.parametrize(
    "question", ["trach nhiem cua hgv la gi", "trach nhiem cua to hoa giai voi thon la gi"]
)
def test_a_plain_question_on_whose_duty_is_answered_directly(index, kb, monkeypatch, question):
    """Without the subject the team leader's article (rights and duties too) kept the answer unsure."""
    assert index.search(question, 3).confident
    assert not _without(kb, monkeypatch, "team", "mediator").search(question, 3).confident


@pytest.mark.parametrize(
    ("question", "document"),
    [
        ("vai trò của mặt trận tổ quốc đối với hòa giải ở thôn là gì", "35/2013/QH13"),
        ("nghị quyết liên tịch 01/2014 giao mặt trận làm gì trong hòa giải", "01/2014/NQLT/CP-UBTƯMTTQVN"),
        ("luat hoa giai o co so co hieu luc tu bao gio, thay van ban nao", "35/2013/QH13"),
    ],
)
def test_the_law_answers_for_itself_unless_another_text_is_named(index, question, document):
    """The Front's role is the Law's (Điều 5, 30); the entry on Nghị quyết liên tịch 01/2014 answers when that
    text is named. The Law's entry into force says what it replaced, as Nghị định 15's does."""
    assert index.search(question, 3).best.entry.source.document == document


def test_where_the_money_comes_from_under_the_circular_has_its_entry(index):
    """Thông tư 56/2023 Điều 2 khoản 1 (new entry, session 8): three sources, the direct answer first."""
    result = index.search("theo thong tu 56 thi tien cho hoa giai co so lay tu nguon nao", 3)
    entry = result.best.entry
    assert entry.id == "tt56-d2-nguon-kinh-phi"
    assert entry.answer.startswith("Từ ba nguồn") and "tài trợ" in entry.answer


@pytest.mark.parametrize(
    ("question", "without"),
    [
        ("tranh chap tien hui giua may nha co duoc hoa giai o thon", "kn-loi-di-chung"),
        ("nha ben lan ranh dat nha toi, nho to hoa giai hay phai kien ra toa", "ngoai-hoa-giai-dat-ubnd-xa"),
        (
            "hai chi em dau cai nhau vi tien nuoi me, to hoa giai co giai quyet duoc khong hay phai len xa",
            "kn-phung-duong-cha-me",
        ),
    ],
)
def test_whether_a_matter_can_be_mediated_is_read_in_more_forms(index, monkeypatch, question, without):
    """Without the final "không", with "… hay phải ra tòa / lên xã" after it, or "nhờ tổ hòa giải hay phải
    kiện": still a question on the scope (Điều 3), answered from it."""
    first = index.search(question, 3).best.entry
    assert (first.source.document, first.source.article) in search.SCOPE
    monkeypatch.setattr(search, "CAN_MEDIATE", search.re.compile(r"(?!)"))
    assert index.search(question, 3).best.entry.id == without


@pytest.mark.parametrize(
    "question",
    [
        "hàng xóm xây tường lấn đất nhà tôi, tổ hòa giải có hòa giải được không",
        "hang xom xay nha lan sang dat toi nua met, to hoa giai thon co hoa giai duoc khong",
    ],
)
def test_a_neighbours_wall_is_not_the_village_road(index, kb, monkeypatch, question):
    """ "Lấn sang đất nhà tôi" is a dispute between two households (mediable); the entry on encroaching public
    land (Điều 3 khoản 1 a: not mediated) is for roads, canals, public land — a subject of its own."""
    public = "kn-lan-chiem-dat-cong"
    assert public not in [h.entry.id for h in index.search(question, 3).hits]
    assert public in [h.entry.id for h in _without(kb, monkeypatch, "public").search(question, 3).hits]


def test_the_village_road_still_finds_the_public_land_entry(index):
    result = index.search("nha kia lan ra duong lang xay quan, to hoa giai co hoa giai duoc khong", 3)
    assert result.best.entry.id == "kn-lan-chiem-dat-cong"


@pytest.mark.parametrize(
    "question",
    [
        "hòa giải không thành thì hòa giải viên có phải hướng dẫn hai bên đi đâu không",
        "hai ben ko thoa thuan dc thi hoa giai vien huong dan ho di dau",
    ],
)
def test_after_a_failed_mediation_the_mediator_points_the_way(index, question):
    """New entry (session 8): Điều 21 khoản 3, last paragraph — the mediator guides the parties to the
    competent body (the parties' own choice is Điều 27)."""
    entry = index.search(question, 3).best.entry
    assert (entry.source.article, entry.source.clause) == (21, 3)


def test_the_new_entry_answers_yes_and_names_where_to_go(kb):
    entry = kb.get("l35-d21-k3-huong-dan-khi-khong-thanh")
    assert entry.answer.startswith("Có.") and "Tòa án" in entry.answer and "UBND xã" in entry.answer


@pytest.mark.parametrize(
    "question",
    [
        "con gái 15 tuổi bị gia đình ép lấy chồng, tổ hòa giải có dàn xếp cho cưới được không",
        "hai nguoi la anh em ho chung song nhu vo chong, hoa giai cho ho tiep tuc song chung dc ko",
    ],
)
def test_an_unlawful_marriage_is_not_mediated_into_a_lasting_one(index, question):
    """New entry (session 8): underage or forced marriage, cohabiting with a married person or a close
    relative are forbidden (Luật Hôn nhân và gia đình Điều 5 khoản 2) — not for the team to settle (Luật Hòa
    giải ở cơ sở Điều 3 khoản 1 b, c); the answer says "Không" first."""
    entry = index.search(question, 3).best.entry
    assert entry.id == "l35-d3-k1b-hon-nhan-trai-phap-luat"
    assert entry.answer.startswith("Không.") and "Điều 5 khoản 2" in entry.answer


def test_what_the_parties_do_after_a_successful_mediation_is_answered_directly(index):
    """The end-to-end question (tests/test_e2e_full.py): more ways of asking on following up (Điều 26) brought
    that entry within the related margin; the title of Điều 25 khoản 1 now says what it answers."""
    result = index.search("hoa giai thanh thi cac ben phai lam gi", 3)
    assert result.best.entry.id == "l35-d25-k1-thuc-hien-thoa-thuan" and result.confident


@pytest.mark.parametrize(
    "question",
    [
        "tổ trưởng đã giao vụ việc thì hòa giải viên có được từ chối không",
        "dan nho hoa giai thi hoa giai vien co duoc tu choi khong",
    ],
)
def test_a_mediator_may_not_simply_refuse_a_case(index, question):
    """New entry (session 8): the duty to mediate when there are grounds (Điều 10 khoản 1), refusal only for a
    conflict of interest (khoản 3) — answered "Không được tùy ý từ chối" first."""
    entry = index.search(question, 3).best.entry
    assert entry.id == "l35-d10-k1-khong-tuy-y-tu-choi"
    assert entry.answer.startswith("Không được tùy ý từ chối.")
