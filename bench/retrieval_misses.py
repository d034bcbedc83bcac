"""The dev questions our search gets wrong at top-1, to see what to fix in the knowledge base or the labels.

    python bench/retrieval_misses.py          # top-1 misses: query, expected, got (with titles)
    python bench/retrieval_misses.py --top3   # only the questions whose expected entry is not in the top 3
    python bench/retrieval_misses.py --all    # the test split too (by default only the tuning split is shown)
    python bench/retrieval_misses.py --blind  # the blind development sets (dev_blind*.yaml), by article:
                                              # top-1 misses and confident wrong answers (never held-out)

For each miss it prints the question (and its file), every expected id with its title and rank in the first
10 results (or "-"), and the first three results with their scores and titles. The last line is one JSON
object with the counts.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.retrieval import (  # noqa: E402
    K,
    blind_dev_sets,
    declines,
    is_test_split,
    load_heldout,
    load_questions,
)
from knowledge.catalog import KnowledgeBase, load  # noqa: E402
from knowledge.search import SearchIndex  # noqa: E402
from knowledge.text import has_diacritics  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top3", action="store_true", help="only list questions missed in the top 3")
    parser.add_argument("--all", action="store_true", help="include the test split (kept out of tuning)")
    parser.add_argument("--blind", action="store_true", help="the blind development sets, by article")
    args = parser.parse_args()
    kb = load()
    if kb.problems:
        print("knowledge base has problems; run `mediator-bot kb check`", file=sys.stderr)
        sys.exit(1)
    index = SearchIndex(kb)
    if args.blind:
        blind_misses(kb, index, top3_only=args.top3)
        return
    questions = [q for q in load_questions() if args.all or not is_test_split(q["q"])]

    def title(entry_id: str) -> str:
        entry = kb.get(entry_id)
        return entry.title if entry else "(no such entry)"

    misses = top3_misses = 0
    for q in questions:
        hits = index.search(q["q"], K).hits
        ids = [h.entry.id for h in hits]
        rank = next((i for i, x in enumerate(ids, 1) if x in q["expected"]), None)
        if rank == 1:
            continue
        misses += 1
        top3_misses += rank is None or rank > 3
        if args.top3 and rank is not None and rank <= 3:
            continue
        accent = "" if has_diacritics(q["q"]) else " [unaccented]"
        print(f"Q: {q['q']}  ({q['file']}{accent})")
        for x in q["expected"]:
            r = ids.index(x) + 1 if x in ids else "-"
            print(f"   expected #{r}: {x} — {title(x)}")
        for i, h in enumerate(hits[:3], 1):
            mark = "*" if h.entry.id in q["expected"] else " "
            print(f"   got {i}{mark} {h.score:.3f} {h.entry.id} — {h.entry.title}")
        print()
    print(json.dumps({"questions": len(questions), "top1_misses": misses, "top3_misses": top3_misses}))


def blind_misses(kb: KnowledgeBase, index: SearchIndex, top3_only: bool) -> None:
    """Article-level misses on the blind development sets: the wanted provisions, our first three (with
    their articles) and whether the answer was given with confidence; out-of-scope questions answered."""

    def article(entry_id: str) -> tuple[str, int] | None:
        e = kb.get(entry_id)
        return (unicodedata.normalize("NFC", e.source.document), e.source.article) if e else None

    counts = {"in_scope": 0, "top1_misses": 0, "top3_misses": 0, "confident_wrong": 0, "oos_answered": 0}
    for name, path in blind_dev_sets():
        for q in load_heldout(path):
            result = index.search(q["q"], K)
            accent = "" if q.get("accented", True) else " [unaccented]"
            if q.get("out_of_scope"):
                if not declines(result):
                    counts["oos_answered"] += 1
                    print(f"OUT OF SCOPE, answered: {q['q']}  ({name}{accent})")
                    print(f"   got {result.best.entry.id} — {result.best.entry.title}\n")
                continue
            counts["in_scope"] += 1
            wanted = {(unicodedata.normalize("NFC", c["doc"]), int(c["article"])) for c in q["cites"]}
            got = [article(h.entry.id) for h in result.hits[:3]]
            first = bool(got) and got[0] in wanted
            confident_wrong = result.confident and not first
            counts["confident_wrong"] += confident_wrong
            if first and not confident_wrong:
                continue
            counts["top1_misses"] += not first
            in3 = any(g in wanted for g in got)
            counts["top3_misses"] += not in3
            if top3_only and in3 and not confident_wrong:
                continue
            flag = " CONFIDENT WRONG" if confident_wrong else ""
            print(f"Q: {q['q']}  ({name}{accent}){flag}")
            print("   wanted: " + ", ".join(f"{d} Điều {a}" for d, a in sorted(wanted)))
            for i, h in enumerate(result.hits[:3], 1):
                mark = "*" if got[i - 1] in wanted else " "
                print(f"   got {i}{mark} {h.score:.3f} {h.entry.id} — {h.entry.title}")
            print()
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
