"""Library search speed and hit rate on typical unaccented, misspelt queries.

    python bench/library_search.py [--repeat N]

Last line: one JSON object with queries, hits (expected material first), mean_ms and p95_ms per search.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.library import load_catalogue  # noqa: E402

QUERIES = {
    "so theo doi": "huong-dan-ghi-so-theo-doi",
    "huong dan ghi so theo dio": "huong-dan-ghi-so-theo-doi",
    "mau so excel": "mau-so-theo-doi-hoa-giai",
    "mau bien ban hoa giai thnh": "mau-bien-ban-hoa-giai-thanh",
    "bien ban khong thanh": "mau-bien-ban-hoa-giai-khong-thanh",
    "ky nag lang nge": "ky-nang-lang-nghe-thuyet-phuc",
    "thuyet phuc": "ky-nang-lang-nghe-thuyet-phuc",
    "cong nhan tai toa": "cong-nhan-hoa-giai-thanh-tai-toa-an",
    "tom tat luat": "tom-tat-luat-hoa-giai-o-co-so",
    "cac buoc hoa giai": "cac-buoc-hoa-giai",
    "de an 315": "chi-tieu-de-an-315",
    "nghi dinh 15": "link-nghi-dinh-15-2014-vbpl",
    "chinh quyen 2 cap": "link-hoa-giai-chinh-quyen-hai-cap",
    "luat sua doi": "link-du-kien-luat-sua-doi",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    catalogue = load_catalogue()
    hits = 0
    timings = []
    for query, expected in QUERIES.items():
        found = catalogue.search(query)
        ok = bool(found) and found[0].id == expected
        hits += ok
        print(f"{'ok ' if ok else 'MISS'} {query!r} -> {[m.id for m in found[:3]]}")
        for _ in range(args.repeat):
            start = time.perf_counter()
            catalogue.search(query)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(
        json.dumps(
            {
                "materials": len(catalogue.materials),
                "queries": len(QUERIES),
                "hits": hits,
                "mean_ms": round(statistics.mean(timings), 3),
                "p95_ms": round(timings[int(0.95 * len(timings)) - 1], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
