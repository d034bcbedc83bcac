"""The dev questions our search gets wrong at top-1, to see what to fix in the knowledge base or the labels.

    python bench/retrieval_misses.py          # top-1 misses: query, expected, got (with titles)
    python bench/retrieval_misses.py --top3   # only the questions whose expected entry is not in the top 3
    python bench/retrieval_misses.py --all    # the test split too (by default only the tuning split is shown)

For each miss it prints the question (and its file), every expected id with its title and rank in the first
10 results (or "-"), and the first three results with their scores and titles. The last line is one JSON
object with the counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.retrieval import K, is_test_split, load_questions  # noqa: E402
from knowledge.catalog import load  # noqa: E402
from knowledge.search import SearchIndex  # noqa: E402
from knowledge.text import has_diacritics  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top3", action="store_true", help="only list questions missed in the top 3")
    parser.add_argument("--all", action="store_true", help="include the test split (kept out of tuning)")
    args = parser.parse_args()
    kb = load()
    if kb.problems:
        print("knowledge base has problems; run `mediator-bot kb check`", file=sys.stderr)
        sys.exit(1)
    index = SearchIndex(kb)
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


if __name__ == "__main__":
    main()
