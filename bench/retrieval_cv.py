"""Two-fold cross-validation of the numeric parameters of knowledge/search.py.

    python bench/retrieval_cv.py            # grid search, both folds, held-out figures
    python bench/retrieval_cv.py --current  # only the figures of the parameters as shipped, per fold

The dev questions (bench/data/questions_*.yaml) are split in two by a fixed hash of the question text
(sha256, even/odd), so the split never changes when questions are added elsewhere. For each fold the grid
point with the best top-1 on the OTHER fold (ties: MRR, then top-3, then the point nearest the grid's first
values) is chosen and its held-out top-1 / top-3 / MRR reported. A parameter set is only worth shipping when
both folds pick it (or a neighbour), and its held-out figures are what to expect on new questions; the
training-fold figures of the shipped set are printed too, for comparison. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import knowledge.search as search  # noqa: E402
from bench.retrieval import load_questions  # noqa: E402
from knowledge.catalog import load  # noqa: E402
from knowledge.text import has_diacritics  # noqa: E402

#: Query-time parameters (no index rebuild needed) and the values tried; the first value of each is the
#: "do nothing new" setting, preferred on ties.
GRID: dict[str, tuple] = {
    "STOP_WEIGHT": (0.25, 0.4),
    "FUZZ_WEIGHT": (0.35, 0.15),
    "PHRASE_WEIGHT": (0.0, 0.2),
    "PHRASE_PREC_WEIGHT": (0.0, 0.1, 0.2),
    "ACCENT_WEIGHT": (0.0, 0.1, 0.2),
    "INTENT_WEIGHT": (0.0, 0.1, 0.2, 0.3),
}


def fold_of(question: str) -> int:
    return int(hashlib.sha256(question.encode("utf-8")).hexdigest(), 16) % 2


def evaluate(index: search.SearchIndex, questions: list[dict]) -> dict:
    top1 = top3 = mrr = 0.0
    for q in questions:
        ids = [h.entry.id for h in index.search(q["q"], 10).hits]
        rank = next((i for i, x in enumerate(ids, 1) if x in q["expected"]), None)
        top1 += rank == 1
        top3 += rank is not None and rank <= 3
        mrr += 1.0 / rank if rank else 0.0
    n = max(len(questions), 1)
    return {"top1": round(top1 / n, 4), "top3": round(top3 / n, 4), "mrr": round(mrr / n, 4)}


def apply(params: dict) -> None:
    for name, value in params.items():
        setattr(search, name, value)


def current() -> dict:
    return {name: getattr(search, name) for name in GRID}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--current", action="store_true", help="only evaluate the shipped parameters")
    args = parser.parse_args()
    kb = load()
    index = search.SearchIndex(kb)
    questions = load_questions()
    folds = [[q for q in questions if fold_of(q["q"]) == k] for k in (0, 1)]
    shipped = current()

    def per_fold(params: dict) -> list[dict]:
        apply(params)
        out = [evaluate(index, f) for f in folds]
        apply(shipped)
        return out

    shipped_scores = per_fold(shipped)
    un = [q for q in questions if not has_diacritics(q["q"])]
    apply(shipped)
    overall, unaccented = evaluate(index, questions), evaluate(index, un)
    print(f"{len(questions)} questions: fold 0 = {len(folds[0])}, fold 1 = {len(folds[1])}")
    print(f"shipped parameters: {shipped}")
    print(f"  fold 0 {shipped_scores[0]}  fold 1 {shipped_scores[1]}  all {overall}  unaccented {unaccented}")
    report: dict = {
        "shipped": {
            "fold0": shipped_scores[0],
            "fold1": shipped_scores[1],
            "all": overall,
            "unaccented": unaccented,
        }
    }
    if not args.current:
        names = list(GRID)
        points = [dict(zip(names, values, strict=True)) for values in itertools.product(*GRID.values())]
        scores = [per_fold(p) for p in points]

        def key(j: int, fold: int) -> tuple:
            s = scores[j][fold]
            distance = sum(GRID[n].index(points[j][n]) != 0 for n in names)
            return (s["top1"], s["mrr"], s["top3"], -distance)

        for held in (0, 1):
            train = 1 - held
            j = max(range(len(points)), key=lambda j, t=train: key(j, t))
            print(f"chosen on fold {train}: {points[j]}")
            print(f"  train fold {train}: {scores[j][train]}   HELD-OUT fold {held}: {scores[j][held]}")
            report[f"chosen_on_fold{train}"] = {
                "params": {k: v for k, v in points[j].items()},
                "train": scores[j][train],
                "heldout": scores[j][held],
            }
        mean = sum(report[f"chosen_on_fold{t}"]["heldout"]["top1"] * len(folds[1 - t]) for t in (0, 1))
        report["heldout_top1"] = round(mean / len(questions), 4)
        print(f"held-out top-1 over both folds: {report['heldout_top1']}")
    print(json.dumps(report, ensure_ascii=False, default=list))


if __name__ == "__main__":
    main()
