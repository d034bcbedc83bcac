"""Issue 18, sixth round: "can the team take this on?" after a story is answered by the general scope rule,
with the practical entry on the story next. Found on the blind development sets; the held-out sets are never
used here."""

from __future__ import annotations

import pytest

import knowledge.search as search
from knowledge.catalog import load
from knowledge.search import SearchIndex

GENERAL = {"l35-d3-k1-pham-vi-hoa-giai", "nd15-d5-pham-vi"}  # tagged pham-vi-chung


@pytest.mark.parametrize(
    ("question", "story"),
    [
        # (session 8: "cay xoai … vo het ngoi, hoa giai dc k" lost to the entry on voluntariness: unaccented,
        # "ngói" (tiles) reads "ngồi" (sit down), which that entry's ways of asking are full of)
        ("cây nhà bên đổ sang làm vỡ ngói nhà tôi, hòa giải được không", "kn-cay-leo-sang-nha"),
        # (session 7: "nha ben canh nuoi cho tha rong can con toi chay mau, hoa giai vu nay dc ko" is now
        # answered with the scope article even without the rule: the entry on crimes, Điều 3 too)
        ("cho vay 20 trieu 2 nam roi khong tra, goi to hoa giai duoc khong", "kn-no-nan-vay-tien"),
        (
            "Nhà hàng xóm hát karaoke đến 12 giờ đêm, nói mãi không nghe. Có nhờ tổ hòa giải được không?",
            "kn-tieng-on-hang-xom",
        ),
        ("nha tren doc xa nuoc thai xuong ruong nha duoi, nho hoa giai dc ko a", "kn-nuoc-thai-thoat-nuoc"),
    ],
)
def test_whether_a_told_matter_can_be_mediated_leads_with_the_scope_rule(index, monkeypatch, question, story):
    result = index.search(question, 3)
    first = result.best.entry
    assert (first.source.document, first.source.article) in search.SCOPE  # the scope rule (general or family)
    assert story in [h.entry.id for h in result.hits]  # the how, among the suggestions
    monkeypatch.setattr(search, "SCOPE_GENERAL_BOOST", 0.0)
    assert index.search(question, 3).best.entry.id == story  # the rule is what decides


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
    spelled = "toi co duoc tu chon nguoi hoa giai khong gi cung duoc"  # kept with its words sorted
    phrasings = after.phrasings[[e.id for e in after.entries].index("l35-d17-k1-chon-hgv-dia-diem")]
    assert " ".join(sorted(spelled.split())) in phrasings
    for word in ("dc", "ko", "j"):
        assert word not in after._word_set
    question = "nhung viec j ko dc hoa giai o thon"
    assert (
        after.analyse(question).text
        == before.analyse(question).text
        == ("nhung viec gi khong duoc hoa giai o thon")
    )


# --- more ways of asking (`also_asked`): they rank, they do not vouch ------------------------------------
def test_every_entry_has_more_ways_of_asking_distinct_from_its_questions():
    from knowledge.text import fold

    kb = load()
    assert not kb.problems
    for entry in kb.entries:
        assert entry.also_asked, entry.id
        own = {fold(q) for q in entry.questions}
        assert not own & {fold(q) for q in entry.also_asked}, entry.id
    assert sum(len(e.also_asked) for e in kb.entries) >= 1000


def test_also_asked_must_be_a_list(tmp_path):
    import shutil

    root = tmp_path / "knowledge"
    shutil.copytree(load().root, root, ignore=shutil.ignore_patterns("materials", "quiz"))
    path = root / "kb" / "luat-35-2013.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    also_asked:\n")
    end = text.index("    answer:", start)
    path.write_text(text[:start] + '    also_asked: "mot cau"\n' + text[end:], encoding="utf-8")
    assert any("'also_asked'" in p for p in load(root).problems)


def test_a_phrasing_in_also_asked_ranks_its_entry(index):
    # words found in that entry's also_asked only, not in its questions or title
    result = index.search("hoa giai vien bi nga xe tren duong di hoa giai thi ai lo", 3)
    assert result.best.entry.id.startswith(("l35-d9-k7", "nd15-tai-nan"))


def test_a_question_matching_only_more_ways_of_asking_is_not_answered_with_confidence(monkeypatch):
    from bench.retrieval import declines

    question = "Cách bón phân cho lúa để năng suất cao?"  # words found only in more ways of asking
    assert declines(SearchIndex(load()).search(question, 3))
    monkeypatch.setattr(search, "ASKED_ONLY_RANKS", False)
    assert not declines(SearchIndex(load()).search(question, 3))


def test_a_typed_content_word_is_not_read_as_a_stop_word(index, monkeypatch):
    terms = index.analyse("cách nấu phở bò").terms
    assert "nao" not in terms and "cach_nao" not in terms  # 'nấu' is not 'nào'
    assert "hoa_giai" in index.analyse("hoa giai vein co dc thu loa ko").terms  # real typos still read
    monkeypatch.setattr(search, "TYPO_NOT_STOP", False)
    assert "cach_nao" in index.analyse("cách nấu phở bò").terms


@pytest.mark.parametrize(
    # (session 7: "cai zalo tren dien thoai the nao" no longer reaches a confident answer without the rule)
    "question",
    ["tải zalo về máy điện thoại mới ra sao"],
)
def test_a_question_with_no_word_pair_of_mediation_is_not_answered_directly(index, monkeypatch, question):
    from bench.retrieval import declines

    assert declines(index.search(question, 3))
    assert index.search("hoa giai qua zalo dc ko", 3).best.entry.id == "l35-d21-k1-truc-tiep-co-mat"
    monkeypatch.setattr(search, "DOMAIN_CAP", False)
    assert not declines(index.search(question, 3))  # the rule is what declines it


def test_a_story_asking_whether_the_mediator_may_step_in_finds_that_rule(index):
    """Điều 16 K2 (the mediator steps in unasked). The rule that lifted it for such questions was removed in
    session 6: with the blind questions as more ways of asking it decided none of ~2,000 bench questions."""
    question = "khong ai nho nhung toi thay hai nha cai nhau ve bo rao, toi co tu vao hoa giai duoc khong"
    assert index.search(question, 3).best.entry.id == "l35-d16-k2-tu-phat-hien"
    # a fight: the duty to report a risk of violence comes first, the step-in rule next; neither is given as
    # a direct answer
    result = index.search("hoa giai vien thay 2 nha danh nhau thi lam luon dc ko", 3)
    assert "l35-d16-k2-tu-phat-hien" in [h.entry.id for h in result.hits[:2]] and not result.confident


def test_whether_a_matter_can_be_mediated_is_still_the_scope_question(index):
    result = index.search("cay xoai nha ben do vo ngoi nha toi, nho to hoa giai dc ko", 3)
    first = result.best.entry
    assert (first.source.document, first.source.article) in search.SCOPE
