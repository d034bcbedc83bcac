"""Issue 18, sixth round: "can the team take this on?" after a story is answered by the general scope rule,
with the practical entry on the story next. Found on the blind development sets; the held-out sets are never
used here."""

from __future__ import annotations

import pytest

import knowledge.search as search
from knowledge.catalog import load
from knowledge.search import SearchIndex

GENERAL = {"l35-d3-k1-pham-vi-hoa-giai", "nd15-d5-pham-vi"}


@pytest.fixture(scope="module")
def index():
    return SearchIndex(load())


@pytest.mark.parametrize(
    ("question", "story"),
    [
        ("cay xoai nha ben kia do de len mai nha toi vo het ngoi, hoa giai dc k", "kn-cay-leo-sang-nha"),
        ("nha ben canh nuoi cho tha rong can con toi chay mau, hoa giai vu nay dc ko", "kn-cho-can"),
        (
            "Nhà hàng xóm hát karaoke đến 12 giờ đêm, nói mãi không nghe. Có nhờ tổ hòa giải được không?",
            "kn-tieng-on-hang-xom",
        ),
        ("con cai ko chiu nuoi me gia, ba con trong ho muon hoa giai, dc ko", "kn-phung-duong-cha-me"),
    ],
)
def test_whether_a_told_matter_can_be_mediated_leads_with_the_scope_rule(index, monkeypatch, question, story):
    result = index.search(question, 3)
    ids = [h.entry.id for h in result.hits]
    assert ids[0] in GENERAL
    assert story in ids  # the how, right after
    assert not GENERAL & set(ids[1:])  # one general entry, not both (they say the same)
    monkeypatch.setattr(search, "SCOPE_GENERAL_BOOST", 0.0)
    assert index.search(question, 3).best.entry.id not in GENERAL  # the rule is what decides


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # what to do / how: the practical entry
        ("hang xom hat karaoke den khuya, hoa giai vien nen lam the nao", "kn-tieng-on-hang-xom"),
        ("cho nha ben can con toi, hoa giai boi thuong the nao", "kn-cho-can"),
        # a matter with its own scope entry keeps it
        ("vo chong danh nhau co hoa giai duoc khong", "l35-d3-k1b-hon-nhan-gia-dinh"),
    ],
)
def test_other_questions_on_a_matter_are_unchanged(index, question, expected):
    assert index.search(question, 3).best.entry.id == expected


@pytest.mark.parametrize(
    "question",
    [
        "hoa giai vien bi xu phat vi danh bac, co cho thoi lam hoa giai vien dc ko",
        "hoa giai thanh roi thi nho toa cong nhan duoc khong",
        "chuyện nhà tôi xấu hổ lắm, hòa giải kín được không ạ",
    ],
)
def test_questions_about_a_mediator_or_a_result_or_a_manner_are_not_scope_questions(index, question):
    assert not search.SCOPE & {
        (h.entry.source.document, h.entry.source.article) for h in index.search(question, 1).hits
    }


def test_a_phrasing_typed_in_chat_shorthand_does_not_change_how_questions_are_read(tmp_path):
    """'dc', 'ko', 'j' are read as 'được', 'không', 'gì' in a question; a phrasing written with them is
    indexed spelled out, so it neither makes them words of the knowledge base nor changes other questions."""
    import shutil

    root = tmp_path / "knowledge"
    shutil.copytree(load().root, root, ignore=shutil.ignore_patterns("materials", "quiz"))
    path = root / "kb" / "luat-35-2013.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = '      - "Người dân có được chọn hòa giải viên mình tin tưởng không?"\n'
    assert anchor in text
    added = '      - "toi co dc tu chon nguoi hoa giai ko, j cung dc"\n'
    path.write_text(text.replace(anchor, anchor + added))
    before, after = SearchIndex(load()), SearchIndex(load(root))
    assert (
        "toi co duoc tu chon nguoi hoa giai khong gi cung duoc"
        in after.phrasings[[e.id for e in after.entries].index("l35-d17-k1-chon-hgv-dia-diem")]
    )
    for word in ("dc", "ko", "j"):
        assert word not in after._word_set
    question = "nhung viec j ko dc hoa giai o thon"
    assert (
        after.analyse(question).text
        == before.analyse(question).text
        == ("nhung viec gi khong duoc hoa giai o thon")
    )
