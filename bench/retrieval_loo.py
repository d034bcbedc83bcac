"""How the search does on phrasings it has never seen: each fifth of the entries' own phrasings is left out of
the index in turn and asked (half of them folded to no diacritics, the way people type).

    python bench/retrieval_loo.py

A result is right when it cites the same document and article as the entry the phrasing belonged to. Entries
on neighbouring provisions share topics (the law, the decree, the joint resolution on one subject), so this is
a harsh, noisy figure; it is for comparing versions of the ranking and of the confidence, never as a target.
Printed beside BM25 (folded, same entries) in the same run. The last line is one JSON object.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.catalog import KnowledgeBase, load  # noqa: E402
from knowledge.search import SearchIndex  # noqa: E402
from knowledge.text import fold  # noqa: E402

FOLDS = 5


def _hash(text: str, byte: int) -> int:
    return hashlib.sha256(text.encode("utf-8")).digest()[byte]


def folds(kb: KnowledgeBase):
    """(knowledge base without a fifth of the phrasings, [(phrasing asked, (document, article))])."""
    for f in range(FOLDS):
        entries, asked = [], []
        for e in kb.entries:
            keep = tuple(q for q in e.questions if _hash(q, 0) % FOLDS != f) or e.questions[:1]
            entries.append(replace(e, questions=keep))
            asked += [
                (q if _hash(q, 1) % 2 else fold(q), (e.source.document, e.source.article))
                for q in e.questions
                if q not in keep
            ]
        yield (
            KnowledgeBase(documents=kb.documents, entries=entries, synonyms=kb.synonyms, root=kb.root),
            asked,
        )


def main() -> None:
    from rank_bm25 import BM25Okapi

    kb = load()
    n = top1 = top3 = confident = wrong = b_top1 = b_top3 = 0
    for part, asked in folds(kb):
        index = SearchIndex(part)
        bm25 = BM25Okapi(
            [fold(" ".join([e.title, *e.questions, *e.keywords, *e.synonyms])).split() for e in part.entries]
        )
        for q, cited in asked:
            result = index.search(q, 3)
            got = [(h.entry.source.document, h.entry.source.article) for h in result.hits]
            n += 1
            top1 += got[:1] == [cited]
            top3 += cited in got
            if result.confident:
                confident += 1
                wrong += got[:1] != [cited]
            scores = bm25.get_scores(fold(q).split())
            order = sorted(range(len(scores)), key=lambda i: -scores[i])[:3]
            b_got = [(part.entries[i].source.document, part.entries[i].source.article) for i in order]
            b_top1 += b_got[:1] == [cited]
            b_top3 += cited in b_got
    print(f"Unseen phrasings: {n} ({FOLDS} folds), article-level")
    print(f"{'':16}{'top-1':>8}{'top-3':>8}")
    print(f"{'ours':16}{top1 / n:>8.3f}{top3 / n:>8.3f}")
    print(f"{'BM25 folded':16}{b_top1 / n:>8.3f}{b_top3 / n:>8.3f}")
    print(f"Answered with confidence: {confident}, of them wrong: {wrong}")
    print(
        json.dumps(
            {
                "phrasings": n,
                "top1": round(top1 / n, 4),
                "top3": round(top3 / n, 4),
                "bm25_top1": round(b_top1 / n, 4),
                "bm25_top3": round(b_top3 / n, 4),
                "confident": confident,
                "confident_wrong": wrong,
            }
        )
    )


if __name__ == "__main__":
    main()
