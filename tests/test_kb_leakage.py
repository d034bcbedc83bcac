"""The retrieval benchmark must not leak into the knowledge base.

bench/retrieval.py measures how well search finds the right entry for questions people would type. If an
entry's title, phrasing, keyword or synonym is (nearly) a copy of a benchmark question, the figures measure
memorisation, not search. This check folds diacritics on both sides and flags any pair whose rapidfuzz
token_sort_ratio reaches LEAK_RATIO.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from knowledge.catalog import Entry, load
from knowledge.text import fold

BENCH = Path(__file__).resolve().parent.parent / "bench" / "data"
LEAK_RATIO = 90


def bench_questions() -> list[str]:
    out: list[str] = []
    for path in sorted(BENCH.glob("questions_*.yaml")):
        out.extend(item["q"] for item in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"])
    return out


def entry_phrases(entry: Entry) -> list[tuple[str, str]]:
    """(field, text) of everything search matches an entry by, apart from the answer."""
    return (
        [("title", entry.title)]
        + [("question", q) for q in entry.questions]
        + [("also_asked", q) for q in entry.also_asked]
        + [("keyword", k) for k in entry.keywords]
        + [("synonym", s) for s in entry.synonyms]
    )


def leaks(entries: list[Entry], questions: list[str], ratio: int = LEAK_RATIO) -> list[str]:
    folded = [fold(q) for q in questions]
    found = []
    for entry in entries:
        for field, text in entry_phrases(entry):
            hit = process.extractOne(fold(text), folded, scorer=fuzz.token_sort_ratio, score_cutoff=ratio)
            if hit:
                found.append(f"{entry.id} {field} {text!r} ~ {questions[hit[2]]!r} ({hit[1]:.0f})")
    return found


def test_benchmark_has_questions():
    questions = bench_questions()
    assert len(questions) >= 120
    assert all(q.strip() for q in questions)


def test_no_benchmark_question_is_copied_into_the_knowledge_base():
    kb = load()
    assert not kb.problems
    found = leaks(kb.entries, bench_questions())
    assert not found, "benchmark questions leaked into the knowledge base:\n" + "\n".join(found)


def test_check_catches_a_copied_or_unaccented_paraphrase():
    kb = load()
    question = bench_questions()[0]
    entry = kb.entries[0]
    # the same question typed without diacritics, words shuffled, as a phrasing or as a keyword
    shuffled = " ".join(reversed(fold(question).split()))
    planted = [
        replace(entry, questions=(*entry.questions, shuffled)),
        replace(entry, keywords=(*entry.keywords, question.upper())),
        replace(entry, also_asked=(*entry.also_asked, shuffled)),
    ]
    assert len(leaks(planted, [question])) == 3
    # an unrelated phrasing passes
    assert not leaks(
        [
            replace(
                entry,
                questions=("Giá lúa hôm nay bao nhiêu?",),
                also_asked=(),
                keywords=(),
                synonyms=(),
                title="Thời tiết",
            )
        ],
        [question],
    )
