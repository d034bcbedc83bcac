"""Issue 18: the trial questions quoted in the issue (regression), the updated content, the held-out scorer
and the first-contact disclosure."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.retrieval import HELDOUT_SETS, declines, heldout_scores, heldout_table, load_heldout, score_heldout
from knowledge.catalog import load
from knowledge.search import SearchIndex
from tests.harness import texts
from vocabulary import messages as msg


def best(index, question):
    result = index.search(question, 3)
    assert result.best is not None
    return result, result.best.entry


# --- the questions a trial user asked (quoted in the issue) -------------------------------------------------
def test_how_long_to_finish_is_not_the_courts_six_months(index):
    result, entry = best(index, "bao lau thi phai hoa giai xong")
    assert (entry.source.document, entry.source.article) == ("35/2013/QH13", 20)
    assert entry.answer.startswith("Luật không đặt thời hạn phải hòa giải xong")
    assert "03 ngày" in entry.answer


def test_court_recognition_is_plainly_not_mandatory(index):
    result, entry = best(index, "hoa giai thanh thi co phai ra toa cong nhan ko")
    assert entry.source.document == "92/2015/QH13" and entry.source.article in (416, 417)
    assert entry.answer.startswith("Không bắt buộc")


def test_land_conciliation_at_the_commune_is_explained_as_not_grassroots_mediation(index):
    result, entry = best(index, "tranh chap dat dai co can hoa giai o xa truoc khi ra toa k")
    assert result.confident and entry.outside and declines(result)
    assert entry.answer.startswith("Không phải hòa giải ở cơ sở")
    assert (entry.source.document, entry.source.article) == ("31/2024/QH15", 235)
    assert "UBND xã" in entry.answer and "tự" in entry.answer  # the difference: compulsory vs voluntary


def test_husband_and_wife_fighting_gets_a_direct_answer(index):
    result, entry = best(index, "vo chong danh nhau co hoa giai dc ko")
    assert result.confident, result.confidence
    assert entry.source.document == "35/2013/QH13" and entry.source.article in (3, 10)
    assert entry.answer.startswith("Có")
    assert "báo" in entry.answer  # violence or an offence is reported, not mediated away


def test_divorce_procedure_is_declined_with_where_to_ask(index):
    result, entry = best(index, "thu tuc ly hon o toa")
    assert result.confident and entry.outside and declines(result)
    assert "Tòa án nhân dân khu vực" in entry.answer and "Tư pháp" in entry.answer


async def test_divorce_question_in_chat_offers_no_unrelated_suggestions(bot):
    out = await bot.say("mediator", "thu tuc ly hon o toa")
    text = texts(out)
    assert msg.QA_NOT_SURE not in text
    assert "không hướng dẫn thủ tục ly hôn" in text
    assert text.startswith("ℹ️") and "✅" not in text  # not presented as an answer to the question
    assert not [o for o in bot.buttons("mediator") if o.callback_data.startswith("qa:pick:")]


# --- content brought up to date ----------------------------------------------------------------------------
def test_remuneration_cites_circular_56_2023_and_the_old_circular_is_marked_expired(kb, index):
    _, entry = best(index, "hoa giai vien duoc tra bao nhieu tien mot vu")
    assert entry.source.document == "56/2023/TT-BTC"
    assert "300.000" in entry.answer and "400.000" in entry.answer and "HĐND tỉnh" in entry.answer
    for e in kb.entries:
        if "100/2014" in e.answer:
            assert "hết hiệu lực" in e.answer or "thay" in e.answer, e.id


def test_recognition_goes_to_the_regional_peoples_court(index):
    _, entry = best(index, "don cong nhan ket qua hoa giai thanh nop o toa nao")
    assert (entry.source.document, entry.source.article) == ("92/2015/QH13", 39)
    assert entry.answer.startswith("Tòa án nhân dân khu vực") and "85/2025/QH15" in entry.answer


def test_new_provisions_have_entries(kb):
    cited = {(e.source.document, e.source.article) for e in kb.entries}
    for provision in [
        ("15/2014/NĐ-CP", 5),
        ("15/2014/NĐ-CP", 6),
        ("01/2014/NQLT/CP-UBTƯMTTQVN", 12),
        ("01/2014/NQLT/CP-UBTƯMTTQVN", 13),
        ("01/2014/NQLT/CP-UBTƯMTTQVN", 14),
        ("56/2023/TT-BTC", 3),
        ("56/2023/TT-BTC", 5),
        ("56/2023/TT-BTC", 7),
    ]:
        assert provision in cited, provision


def test_outside_must_be_a_boolean(tmp_path):
    import shutil

    root = tmp_path / "knowledge"
    shutil.copytree(load().root, root, ignore=shutil.ignore_patterns("materials", "quiz"))
    path = root / "kb" / "ngoai-pham-vi.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("    outside: true", "    outside: maybe", 1),
        encoding="utf-8",
    )
    assert any("'outside'" in p for p in load(root).problems)


# --- the held-out scorer -----------------------------------------------------------------------------------
def test_heldout_scores_count_articles_confidence_and_declines(kb, index):
    questions = [
        {
            "q": "tổ hòa giải có ít nhất mấy người",
            "accented": True,
            "cites": [{"doc": "35/2013/QH13", "article": 12}],
        },
        {
            "q": "to hoa giai co it nhat may nguoi",
            "accented": False,
            "cites": [{"doc": "35/2013/QH13", "article": 99}],
        },  # a wrong label: every answer misses
        {"q": "giá vàng hôm nay", "accented": True, "out_of_scope": True},
        {"q": "thu tuc ly hon o toa", "accented": False, "out_of_scope": True},
    ]
    results = [index.search(q["q"], 3) for q in questions]
    scores = heldout_scores(kb, questions, [[h.entry.id for h in r.hits] for r in results], results)
    assert scores["in_scope"] == 2 and scores["unaccented"] == 1
    assert scores["top1"] == 0.5 and scores["top1_unaccented"] == 0.0
    assert scores["confident_wrong"] == (1 if results[1].confident else 0)
    assert scores["out_of_scope"] == 2 and scores["out_of_scope_declined"] == 2


# --- first contact -----------------------------------------------------------------------------------------
def test_first_contact_text_says_automated_for_reference_and_how_to_reach_a_person():
    text = msg.FIRST_CONTACT
    assert "tự động" in text and "tham khảo" in text and "căn cứ pháp lý" in text
    assert msg.BTN_QA_EXPERT in text and "UBND xã" in text
    assert len(text) < 500


async def test_start_of_a_guest_shows_the_disclosure_and_the_first_question_does_not_repeat_it(bot):
    out = await bot.say("guest", "/start")
    assert msg.FIRST_CONTACT in texts(out)
    out = await bot.say("guest", "to hoa giai co may nguoi")
    assert msg.FIRST_CONTACT not in texts(out)


async def test_first_question_of_a_guest_shows_the_disclosure_once(bot):
    out = await bot.say("guest", "to hoa giai co may nguoi")
    assert texts(out).startswith(msg.FIRST_CONTACT)
    out = await bot.say("guest", "hoa giai vien co quyen gi")
    assert msg.FIRST_CONTACT not in texts(out)


async def test_registered_person_gets_no_disclosure_on_questions(bot):
    out = await bot.say("mediator", "to hoa giai co may nguoi")
    assert msg.FIRST_CONTACT not in texts(out)


def test_yes_no_questions_are_answered_yes_or_no_first(kb):
    """An entry whose main phrasing asks "có … không" starts its answer with the direct answer."""
    import re

    from knowledge.text import fold

    yes_no = re.compile(
        r"\bco\b.*\bkhong\s*$|\bco bat buoc\b|\bco phai\b.*khong|\bco can\b.*khong|\bco duoc\b.*khong"
    )
    direct = ("Có", "Không", "Được", "Chưa", "Phải", "Nên", "Cần")
    late = [
        e.id for e in kb.entries if yes_no.search(fold(e.questions[0])) and not e.answer.startswith(direct)
    ]
    assert not late


# --- the second held-out set (heldout2.yaml) is read by the same loader and scorer -------------------------
FIXTURE = Path(__file__).parent / "fixtures" / "heldout_tiny.yaml"


def test_heldout_loader_reads_the_schema_and_a_missing_file_is_empty(tmp_path):
    held = load_heldout(FIXTURE)
    assert [bool(q.get("out_of_scope")) for q in held] == [False, False, True]
    assert held[0]["cites"][0] == {"doc": "35/2013/QH13", "article": 12, "clause": 1}
    assert load_heldout(tmp_path / "heldout2.yaml") == []
    assert [name for name, _ in HELDOUT_SETS] == ["heldout", "heldout2"]


@pytest.mark.parametrize(
    "text",
    [
        "questions: {}\n",
        "questions:\n  - cites: [{doc: '35/2013/QH13', article: 12}]\n",
        "questions:\n  - q: 'to hoa giai'\n    accented: false\n",
        "questions:\n  - q: 'to hoa giai'\n    cites: [{doc: '35/2013/QH13', article: 'muoi hai'}]\n",
    ],
)
def test_heldout_loader_rejects_a_malformed_file_by_position_not_text(tmp_path, text):
    path = tmp_path / "heldout2.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        load_heldout(path)
    assert "to hoa giai" not in str(raised.value)


def test_both_heldout_sets_are_scored_in_one_table_beside_bm25(kb, index):
    pytest.importorskip("rank_bm25", reason="the BM25 baseline is in the bench extra (CI installs it)")
    held = load_heldout(FIXTURE)
    scored = {"heldout": score_heldout(kb, index, held), "heldout2": score_heldout(kb, index, held[1:])}
    assert scored["heldout"]["ours"]["in_scope"] == 2 and scored["heldout2"]["ours"]["in_scope"] == 1
    assert scored["heldout"]["ours"]["out_of_scope_declined"] == 1
    assert "confident" not in scored["heldout"]["bm25_folded"]  # baselines have no confidence
    lines = heldout_table(scored)
    rows = [line.split(",")[0] for line in lines[1:]]
    assert rows == ["heldout"] * 3 + ["heldout2"] * 3
    assert any(line.startswith("heldout2, BM25 folded") for line in lines)


# --- honest confidence (session 2) -------------------------------------------------------------------------
def _with_copy(kb, entry_id: str, article: int):
    """The knowledge base plus a copy of one entry that cites `article` of the same document."""
    from dataclasses import replace

    from knowledge.catalog import KnowledgeBase

    entry = kb.get(entry_id)
    twin = replace(entry, id=entry.id + "-twin", source=replace(entry.source, article=article))
    return KnowledgeBase(
        documents=kb.documents, entries=[*kb.entries, twin], synonyms=kb.synonyms, root=kb.root
    )


def test_two_provisions_answering_alike_is_not_a_confident_answer(kb):
    question = "tổ hòa giải có ít nhất mấy người"
    assert SearchIndex(kb).search(question).confident  # one provision says it: confident
    same_article = SearchIndex(_with_copy(kb, "l35-d12-k1-thanh-phan-to", 12)).search(question)
    assert same_article.confident  # two entries on one article agreeing is not doubt
    other_article = SearchIndex(_with_copy(kb, "l35-d12-k1-thanh-phan-to", 13)).search(question)
    assert not other_article.confident and other_article.confidence <= 0.6


#: how the main phrasing of an entry asks who / how long / how much (folded), and what the answer's first
#: sentence must then contain: an actor, a duration or date, an amount
_WHO = (
    r"^ai\b|\bnhung ai\b|\b(do|cho|gui|bao|hoi|la|voi) ai\b"
    r"|\bai (cong nhan|quyet|phan cong|theo doi|co quyen|lam|chiu|bau|ky)"
)
_HOW_LONG = r"\b(bao lau|may ngay|may thang|thoi han)\b"
_HOW_MUCH = r"\bbao nhieu\b|\bmuc chi\b"
_HOW_TO = r"\b(the nao|lam sao|ra sao|cach|cac buoc|lam gi|phai lam)\b"
_ACTOR = (
    r"\b(to truong|hoa giai vien|chu tich|ubnd|uy ban|toa an|toa|hdnd|bo tu phap|bo tai chinh|cac ben|"
    r"mat tran|ban cong tac|truong thon|cong chuc|so tu phap|chinh phu|nguoi|ca nhan|tap huan vien|luat su|"
    r"to hoa giai)\b"
)


def _first_sentence(answer: str) -> str:
    import re

    from knowledge.text import fold

    return fold(re.split(r"(?<=[.:;])\s", answer, maxsplit=1)[0])


@pytest.mark.parametrize(
    ("asks", "needs"),
    [
        (_WHO, _ACTOR),
        (_HOW_LONG, r"\d|\bkhong\b|\bngay\b"),
        (_HOW_MUCH, r"\d|\bquyet dinh\b|\btoi da\b"),
        (_HOW_TO, r"\w"),  # how to: any first step, but no legal preamble
    ],
    ids=["who", "how-long", "how-much", "how-to"],
)
def test_who_how_long_how_much_questions_get_the_answer_first(kb, asks, needs):
    """An entry whose main phrasing asks who / how long / how much names the actor, the time or the amount in
    its first sentence, before any explanation or legal preamble ("Theo Điều …", "Căn cứ …")."""
    import re

    from knowledge.text import fold

    late = []
    for e in kb.entries:
        if not re.search(asks, fold(e.questions[0])):
            continue
        first = _first_sentence(e.answer)
        if first.startswith(("theo ", "can cu ", "luat quy dinh")) or not re.search(needs, first):
            late.append(f"{e.id}: {first[:80]}")
    assert not late


@pytest.mark.parametrize(
    "question",
    [
        "trâu nhà bên kia sang phá lúa nhà tôi, tôi phải làm gì",
        "hang xom hat karaoke den 1h sang thi lam sao",
        "nha tren xa nuoc thai xuong vuon nha minh thi xu ly the nao",
    ],
)
def test_a_story_asking_what_to_do_is_answered_by_how_to_ask_for_or_conduct_mediation(index, question):
    """Not by the scope (Điều 3) or principles (Điều 4) article: by asking for mediation (Điều 16) or how the
    mediator helps the parties agree (Điều 21)."""
    hits = index.search(question, 3).hits
    assert (hits[0].entry.source.document, hits[0].entry.source.article) in {
        ("35/2013/QH13", 16),
        ("35/2013/QH13", 21),
    }


def test_a_typo_that_spells_another_syllable_is_read_by_the_word_pair_it_makes(index):
    """ "thu loa" is a typo of "thu lao" (remuneration) although "loa" (loudspeaker) is a word too."""
    readings = [r for r, _ in index.analyse("hgv co dc nhan thu loa ko").content]
    assert ("loa", "lao") == readings[-1][:2]
    assert "thù lao" in best(index, "hoa giai khong thanh thi hgv co dc nhan thu loa ko")[1].title.lower()
    # a word that makes a known pair as typed keeps its one reading
    assert [r for r, _ in index.analyse("nha ben mo loa keo keo").content][-3] == ("loa",)


def test_commendation_of_mediators_has_its_own_answer(index):
    result, entry = best(index, "hoa giai vien lam tot nhieu nam co duoc khen thuong khong")
    assert (entry.source.document, entry.source.article, entry.source.clause) == ("35/2013/QH13", 9, 6)
    assert entry.answer.startswith("Có.") and "thi đua, khen thưởng" in entry.answer


def test_a_close_runner_up_the_knowledge_base_marks_as_related_needs_a_clearer_lead(index, monkeypatch):
    """Two entries the knowledge base links as related, on different provisions (here the court's general rule
    on recognising an out-of-court mediation, Điều 416, and its conditions, Điều 417); a lead between
    MIN_MARGIN and RELATED_MARGIN is not enough for a direct answer."""
    from knowledge import search

    # (session 7: "Kết quả hòa giải thành ở thôn có được Tòa án công nhận không?" was the example until more
    # ways of asking gave it a lead past RELATED_MARGIN; session 8: so did "Tòa án có công nhận kết quả hòa
    # giải thành ở thôn không?"; this question is still decided by the rule)
    question = "toa co cong nhan bien ban hoa giai thon ko"
    assert not index.search(question, 5).confident
    # the margins are taken on the scores before article-level evidence: show those
    monkeypatch.setattr(search, "ARTICLE_WEIGHT", 0.0)
    result = index.search(question, 5)
    first, runner = result.hits[0].entry, result.hits[1].entry
    assert runner.id in first.related or first.id in runner.related
    assert search.MIN_MARGIN <= result.hits[0].score - result.hits[1].score < search.RELATED_MARGIN
    assert not result.confident
    monkeypatch.setattr(search, "RELATED_MARGIN", 0.0)
    assert index.search(question, 5).confident


def test_initialisms_are_spelled_out_to_compare_with_phrasings(index):
    """'hgv' stays a search term (the knowledge base writes HGV too) but is compared with the phrasings as
    'hòa giải viên': the common remuneration question typed with it is answered directly."""
    assert index.analyse("hgv co duoc tra thu lao khong").text == "hoa giai vien co duoc tra thu lao khong"
    assert "hgv" in index.analyse("hgv co duoc tra thu lao khong").terms
    result, entry = best(index, "hgv co duoc tra thu lao khong")
    assert result.confident and entry.id == "l35-d9-k5-thu-lao" and entry.answer.startswith("Có")


def test_a_question_worded_as_an_entry_phrasing_is_answered_directly_despite_a_close_neighbour(
    index, monkeypatch
):
    from knowledge import search

    question = (
        "Hòa giải viên có được hưởng thù lao không?"  # a phrasing of the entry on Điều 9 K5, word for word
    )
    result = index.search(question, 5)
    other = next(h for h in result.hits[1:] if h.entry.source.article != 9)
    assert result.hits[0].entry.id == "l35-d9-k5-thu-lao" and result.confident
    assert result.hits[0].score - other.score < search.MIN_MARGIN
    monkeypatch.setattr(search, "EXACT_FUZZ", 1.01)
    assert not index.search(question, 5).confident


def test_a_confident_outside_answer_is_wrong_only_off_the_cited_provision(kb):
    """'This is not grassroots mediation: the land conciliation at the commune' is the right answer to a
    question citing the Land Law's Art. 235, and a wrong one to a question citing Law 35 Art. 16."""
    from types import SimpleNamespace

    outside = kb.get("ngoai-hoa-giai-dat-ubnd-xa")
    assert outside.outside and (outside.source.document, outside.source.article) == ("31/2024/QH15", 235)
    result = SimpleNamespace(confident=True, best=SimpleNamespace(entry=outside))
    question = "tranh chap dat co bat buoc hoa giai o xa truoc khi kien ko"
    on = {"q": question, "accented": False, "cites": [{"doc": "31/2024/QH15", "article": 235}]}
    off = {"q": question, "accented": False, "cites": [{"doc": "35/2013/QH13", "article": 16}]}
    ids = [[outside.id]]
    right = heldout_scores(kb, [on], ids, [result])
    assert (right["top1"], right["confident"], right["confident_wrong"]) == (1.0, 1, 0)
    assert right["confident_outside_right"] == 1
    wrong = heldout_scores(kb, [off], ids, [result])
    assert (wrong["top1"], wrong["confident_wrong"], wrong["confident_outside_right"]) == (0.0, 1, 0)
