"""The knowledge base files, their check, search behaviour and the `ask` command-line contract."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from knowledge.catalog import ROOT, load
from knowledge.search import SearchIndex
from knowledge.text import fold

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    kb = load()
    assert not kb.problems, kb.problems
    return SearchIndex(kb)


# --- kb check -----------------------------------------------------------------------------------------------
def test_shipped_knowledge_base_passes_check(capsys):
    assert main(["kb", "check"]) == 0
    out = capsys.readouterr().out
    assert "hợp lệ" in out
    kb = load()
    assert len(kb.entries) >= 150
    assert {e.source.document for e in kb.entries} >= {"35/2013/QH13", "15/2014/NĐ-CP", "92/2015/QH13"}
    # every one of the 33 articles of Law 35/2013 is covered
    assert {e.source.article for e in kb.entries if e.source.document == "35/2013/QH13"} == set(range(1, 34))


def _copy_kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb-root"
    shutil.copytree(ROOT / "kb", root / "kb")
    shutil.copy(ROOT / "documents.yaml", root / "documents.yaml")
    shutil.copy(ROOT / "synonyms.yaml", root / "synonyms.yaml")
    return root


BROKEN_ENTRIES = """
entries:
  - id: bad-unknown-doc
    title: "Văn bản lạ"
    questions: ["Câu một?", "Câu hai?"]
    answer: "Trả lời."
    source: {document: "99/2099/QH99", article: 1, clause: null}
    related: [khong-ton-tai]
  - id: bad-article
    title: "Điều không có"
    questions: ["Chỉ một câu?"]
    answer: ""
    source: {document: "35/2013/QH13", article: 34, clause: null}
  - id: bad-long
    title: "Quá dài"
    questions: ["Câu một?", "Câu hai?"]
    answer: "%s"
    source: {document: "15/2014/NĐ-CP", article: 21}
  - id: l35-d12-k1-thanh-phan-to
    title: "Trùng id"
    questions: ["Câu một?", "Câu hai?"]
    answer: "Trả lời."
    source: {document: "35/2013/QH13", article: 12, clause: 1}
  - id: "Sai Id"
    title: "Id có chữ hoa"
    questions: ["Câu một?", "Câu hai?"]
    answer: "Trả lời."
    source: {document: "35/2013/QH13", article: 12, clause: "một"}
""" % ("x" * 701)


def test_check_lists_every_problem_in_vietnamese(tmp_path, capsys):
    root = _copy_kb(tmp_path)
    (root / "kb" / "zz-broken.yaml").write_text(BROKEN_ENTRIES, encoding="utf-8")
    assert main(["kb", "check", "--dir", str(root)]) == 1
    err = capsys.readouterr().err
    assert "99/2099/QH99" in err and "không có trong documents.yaml" in err
    assert "khong-ton-tai" in err
    assert "không có Điều 34" in err
    assert "bị trống" in err
    assert "ít nhất 2 cách hỏi" in err
    assert "tối đa 700" in err
    assert "Nghị định 15/2014/NĐ-CP chỉ có 20 điều" in err
    assert "bị trùng" in err
    assert "'Sai Id'" in err
    assert "khoản (clause)" in err


def test_check_reports_yaml_syntax_errors(tmp_path, capsys):
    root = _copy_kb(tmp_path)
    (root / "kb" / "zz-syntax.yaml").write_text("entries:\n  - id: [unclosed\n", encoding="utf-8")
    assert main(["kb", "check", "--dir", str(root)]) == 1
    assert "sai cú pháp YAML" in capsys.readouterr().err


def test_citation_format():
    kb = load()
    entry = kb.get("l35-d12-k1-thanh-phan-to")
    assert kb.citation(entry) == "Khoản 1 Điều 12 Luật Hòa giải ở cơ sở 2013"
    whole = next(e for e in kb.entries if e.source.clause is None and e.source.document == "35/2013/QH13")
    assert kb.citation(whole).startswith(f"Điều {whole.source.article} ")


# --- folding and tokens -------------------------------------------------------------------------------------
def test_fold_vietnamese():
    assert fold("Hòa giải viên ĐÃ được bầu") == "hoa giai vien da duoc bau"
    assert fold("Đường  làng, đất đai!") == "duong lang dat dai"
    assert fold("Nghị định 15/2014/NĐ-CP") == "nghi dinh 15 2014 nd cp"
    assert fold("Hoà giải") == fold("Hòa giải")  # old and new accent placement
    assert fold("\u202eabc\u200b") == "abc"
    assert fold(None) == ""


@given(st.text(max_size=300))
def test_fold_properties(text):
    folded = fold(text)
    assert folded == fold(folded)  # idempotent
    assert folded.isascii()
    assert "  " not in folded and folded == folded.strip()
    assert all(t.isalnum() for t in folded.split())


VIETNAMESE = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ",
    max_size=80,
)


@given(VIETNAMESE)
def test_fold_matches_stripping_marks(text):
    import unicodedata

    stripped = "".join(
        c for c in unicodedata.normalize("NFD", text.replace("đ", "d")) if not unicodedata.combining(c)
    )
    assert fold(text) == " ".join(stripped.split())


# --- search behaviour ---------------------------------------------------------------------------------------
def ids(result):
    return [h.entry.id for h in result.hits]


def test_accented_and_unaccented_find_the_same(index):
    a = index.search("Tổ hòa giải phải có ít nhất bao nhiêu hòa giải viên?")
    b = index.search("to hoa giai phai co it nhat bao nhieu hoa giai vien")
    assert ids(a)[0] == ids(b)[0]
    assert "l35-d12-k1-thanh-phan-to" in ids(b)


def test_d_with_stroke_is_folded(index):
    r = index.search("dieu kien de duoc cong nhan hoa giai vien")
    r2 = index.search("điều kiện để được công nhận hòa giải viên")
    assert ids(r)[0] == ids(r2)[0]


def test_typos_are_tolerated(index):
    clean = index.search("thù lao hòa giải viên")
    typo = index.search("thu lao hoa giai vein")
    assert ids(typo)[0] in ids(clean)
    assert index.search("hoa giai thnah thi lap van ban gi").best.entry.id.endswith("van-ban-hoa-giai-thanh")


def test_abbreviations_and_chat_words(index):
    long = index.search("hòa giải viên không được tiết lộ bí mật")
    short = index.search("hgv ko dc tiet lo bi mat")
    assert ids(short)[0] == ids(long)[0]
    ubnd = index.search("ubnd xa co trach nhiem gi voi to hoa giai")
    assert any("ubnd" in i for i in ids(ubnd))


@pytest.mark.parametrize(
    "question",
    [
        "giá lúa hôm nay?",
        "thời tiết mai thế nào",
        "gia vang hom nay",
        "cách nấu phở bò",
        "xin chào",
        "gia lua hom nay bao nhieu",
    ],
)
def test_out_of_scope_is_never_confident(index, question):
    result = index.search(question)
    assert not result.confident
    assert result.out_of_scope


@pytest.mark.parametrize(
    "question",
    [
        "kết quả bóng đá tối qua",
        "mua xe máy trả góp ở đâu",
        "bitcoin lên hay xuống",
        "lịch chiếu phim tối nay",
    ],
)
def test_unrelated_questions_are_not_confident(index, question):
    assert not index.search(question).confident


def test_in_scope_questions_are_confident(index):
    for q in (
        "Tổ hòa giải gồm những ai?",
        "hgv co duoc tra thu lao khong",
        "Luật Hòa giải ở cơ sở có hiệu lực từ ngày nào",
    ):
        assert index.search(q).confident, q


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=2000))
def test_search_never_crashes(index, text):
    result = index.search(text, k=3)
    assert 0.0 <= result.confidence <= 1.0
    assert len(result.hits) <= 3
    assert not (result.confident and result.out_of_scope)
    json.dumps(result.as_json(), ensure_ascii=False)


# --- ask CLI contract ---------------------------------------------------------------------------------------
def _check_contract(obj: dict, query: str, k: int) -> None:
    assert set(obj) == {"query", "confident", "results"}
    assert obj["query"] == query
    assert isinstance(obj["confident"], bool)
    assert len(obj["results"]) <= k
    scores = [r["score"] for r in obj["results"]]
    assert scores == sorted(scores, reverse=True)
    for r in obj["results"]:
        assert set(r) == {"id", "title", "score", "source"}
        assert isinstance(r["score"], float)
        src = r["source"]
        assert set(src) == {"document", "article", "clause"}
        assert src["document"] in load().documents  # a document the catalogue lists
        assert isinstance(src["article"], int)
        assert src["clause"] is None or isinstance(src["clause"], int)


def test_ask_json_one_question(capsys):
    assert main(["ask", "Tổ hòa giải gồm những ai?", "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    _check_contract(obj, "Tổ hòa giải gồm những ai?", 3)
    assert obj["confident"] is True
    top = obj["results"][0]
    assert top["source"]["document"] == "35/2013/QH13"


def test_ask_json_stdin_subprocess():
    questions = ["to hoa giai can may nguoi", "giá lúa hôm nay?", "", "đơn xin tòa công nhận hòa giải thành"]
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "-k", "2"],
        cwd=REPO,
        input="\n".join(questions) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(questions)
    objs = [json.loads(line) for line in lines]
    for obj, q in zip(objs, questions, strict=True):
        _check_contract(obj, q, 2)
    assert objs[0]["confident"] and not objs[1]["confident"]
    assert objs[2]["results"] == [] and objs[2]["confident"] is False
    assert "92/2015/QH13" in [r["source"]["document"] for r in objs[3]["results"]]


def test_ask_readable(capsys):
    assert main(["ask", "hgv", "co", "duoc", "tra", "thu", "lao", "khong"]) == 0
    out = capsys.readouterr().out
    assert "Căn cứ:" in out and "Điều" in out
