"""Issue 18, fourth round: wrong answers found during development, each with its regression test."""

from __future__ import annotations

import pytest

import knowledge.search as search
from bench.retrieval import declines
from knowledge.search import facets_of


# --- 1. a land dispute without a title can be mediated: not the land-paperwork entry ---
@pytest.mark.parametrize(
    "question",
    [
        "đất chưa có sổ đỏ có hòa giải tranh chấp được không",
        "dat chua co so do co hoa giai duoc khong",
        "dat chua co so do co hoa giai tranh chap duoc ko",
    ],
)
def test_a_land_dispute_without_a_title_can_be_mediated(index, question):
    result = index.search(question, 3)
    entry = result.best.entry
    assert result.confident and not entry.outside and not declines(result)
    assert (entry.source.document, entry.source.article, entry.source.clause) == ("35/2013/QH13", 3, 1)
    assert entry.answer.startswith("Có.")
    assert "Điều 235" in entry.answer and "UBND xã" in entry.answer  # the commune's step is a different one


def test_land_paperwork_itself_is_still_declined(index):
    result = index.search("mua dat giay tay gio muon lam so do thi lam sao", 3)
    assert result.confident and result.best.entry.id == "ngoai-thu-tuc-so-do" and declines(result)


def test_the_commune_land_conciliation_is_still_explained(index):
    result = index.search("tranh chap dat dai co can hoa giai o xa truoc khi ra toa k", 3)
    assert result.best.entry.id == "ngoai-hoa-giai-dat-ubnd-xa" and result.confident


def test_paperwork_entries_never_win_whether_a_dispute_can_be_mediated(index, monkeypatch):
    question = "dat chua co so do co hoa giai duoc khong"
    assert search.WHETHER_MEDIABLE.search(index.analyse(question).text)
    assert not search.WHETHER_MEDIABLE.search(index.analyse("lam so do o dau").text)
    paperwork = [e.id for e, p in zip(index.entries, index.paperwork, strict=True) if p]
    assert set(paperwork) == {"ngoai-thu-tuc-so-do", "ngoai-thu-tuc-giay-to"}
    with_penalty = {h.entry.id: h.score for h in index.search(question, 10).hits}
    monkeypatch.setattr(search, "PAPERWORK_PENALTY", 0.0)
    without = {h.entry.id: h.score for h in index.search(question, 10).hits}
    assert without["ngoai-thu-tuc-so-do"] > with_penalty.get("ngoai-thu-tuc-so-do", 0.0)


# --- 2. court recognition: a plain "Không bắt buộc" ---
@pytest.mark.parametrize(
    "question",
    [
        "hoa giai thanh co phai ra toa cong nhan ko",
        "hoa giai thanh thi co phai ra toa cong nhan ko",
        "hoa giai xong co can toa cong nhan",
        "hòa giải thành có bắt buộc đưa ra tòa không",
    ],
)
def test_court_recognition_is_answered_directly_not_mandatory(index, question):
    result = index.search(question, 3)
    entry = result.best.entry
    assert result.confident, result.confidence
    assert (entry.source.document, entry.source.article) == ("92/2015/QH13", 416)
    assert entry.answer.startswith("Không bắt buộc")


def test_the_shortest_phrasing_puts_the_rule_first(index):
    # "có bắt buộc ra tòa không" names neither a mediation nor land: the rule first, not confident
    result = index.search("co bat buoc ra toa khong", 3)
    assert result.best.entry.id == "blttds-d416-cong-nhan-la-gi"


def test_a_failed_mediation_is_not_answered_with_court_recognition(index, monkeypatch):
    question = "hoa giai khong thanh thi co duoc kien ra toa khong"
    result = index.search(question, 3)
    assert (result.best.entry.source.document, result.best.entry.source.article) == ("35/2013/QH13", 27)

    def recognition_score() -> float:
        hits = index.search(question, 10).hits
        return next(h.score for h in hits if h.entry.id == "blttds-d27-yeu-cau-dan-su")

    penalised = recognition_score()
    monkeypatch.setattr(search, "FAILED_PENALTY", 0.0)
    # the rule is what keeps court recognition down for a failed mediation (it was first without it before
    # the last clause of a question weighed more)
    assert recognition_score() > penalised


# --- 3. health insurance for mediators: no provision, declined with where to ask ---
@pytest.mark.parametrize(
    "question",
    [
        "bao hiem y te cho hoa giai vien",
        "hòa giải viên có được bảo hiểm y tế không",
        "hgv co duoc dong bhyt ko",
    ],
)
def test_health_insurance_for_mediators_is_declined_with_where_to_ask(index, question):
    result = index.search(question, 3)
    entry = result.best.entry
    assert entry.outside and declines(result)
    # the bare noun phrase shares its words with the paperwork entry (health insurance cards), which the KB
    # links as related: the answer comes first of three suggestions rather than directly
    assert result.confident or question == "bao hiem y te cho hoa giai vien"
    assert entry.id == "ngoai-bao-hiem-y-te-hgv"
    assert entry.answer.startswith("Không có quy định riêng")
    assert "bảo hiểm xã hội" in entry.answer and "UBND xã" in entry.answer
    assert "khoản 7 Điều" in entry.answer  # what the law does give: support after an accident


def test_accident_costs_stay_with_the_accident_entries(index):
    result = index.search("chi phi y te cua hoa giai vien bi tai nan thanh toan the nao", 3)
    assert result.best.entry.id == "tt56-d3-k17-mai-tang"


def test_household_health_insurance_stays_declined(index):
    assert declines(index.search("Mức đóng bảo hiểm y tế hộ gia đình năm nay là bao nhiêu", 3))


# --- 4. "chính quyền" is the government, not a right ---
def test_government_is_not_a_right():
    assert "right" not in facets_of("chinh quyen xa phai lo nhung gi")
    assert "commune" in facets_of("chinh quyen phai lo nhung gi")
    assert "right" in facets_of("quyen cua hoa giai vien")
    assert "right" not in facets_of("tham quyen cua toa an")
