"""Case reporting figures: a whole report through the chat transport, bulk import, masking.

    python bench/cases.py [--reports 50] [--rows 2000]

Prints readable lines, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.case_import import import_cases  # noqa: E402
from services.privacy import mask_personal_numbers  # noqa: E402
from tests.harness import ChatHarness  # noqa: E402


async def run(reports: int, rows: int) -> dict:
    tmp = Path(tempfile.mkdtemp())
    async with ChatHarness(tmp) as bot:
        await bot.seed_demo()
        steps = ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu", "Hòa giải thành", "Gửi báo cáo")
        started = time.perf_counter()
        per_update = []
        for _ in range(reports):
            await bot.say("mediator", "/baocao")
            for choice in steps:
                t0 = time.perf_counter()
                await bot.tap("mediator", choice)
                per_update.append(time.perf_counter() - t0)
        report_s = (time.perf_counter() - started) / reports
        per_update.sort()
        p95 = per_update[int(len(per_update) * 0.95) - 1]

        path = tmp / "bulk.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(
                [
                    "team_code",
                    "received_date",
                    "field",
                    "basis",
                    "result",
                    "closed_date",
                    "parties_count",
                    "summary",
                    "external_id",
                ]
            )
            for i in range(rows):
                writer.writerow(
                    [
                        "ML-01",
                        f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                        "dat_dai",
                        "yeu_cau",
                        "thanh",
                        "",
                        "2",
                        "Tranh chấp ranh giới, SĐT 0912 345 678",
                        f"B-{i}",
                    ]
                )
        t0 = time.perf_counter()
        report = await import_cases(bot.services.cases, path, "ML")
        import_s = time.perf_counter() - t0
        assert report.created == rows, report.errors[:3]

    text = (
        "Ông A vay 200.000.000 đồng, hẹn trả ngày 12/05/2025, gọi 0987.654.321 hoặc CCCD 001203004005. " * 5
    )
    n = 2000
    t0 = time.perf_counter()
    for _ in range(n):
        mask_personal_numbers(text)
    mask_us = (time.perf_counter() - t0) / n * 1e6
    return {
        "report_ms": round(report_s * 1000, 1),
        "tap_p95_ms": round(p95 * 1000, 1),
        "import_rows_per_s": round(rows / import_s),
        "mask_us_per_500_chars": round(mask_us, 1),
        "reports": reports,
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=50)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    figures = asyncio.run(run(args.reports, args.rows))
    print(
        f"one report (6 updates, in-process transport, SQLite): {figures['report_ms']} ms; "
        f"p95 per tap {figures['tap_p95_ms']} ms"
    )
    print(f"import: {figures['import_rows_per_s']} rows/s ({args.rows} rows, one transaction)")
    print(f"masking: {figures['mask_us_per_500_chars']} µs per 500-character summary")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
