"""Command line of the knowledge base: `kb check`, `kb gaps`, `kb reviews`, and `ask` (the evaluation
contract)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta


def _kb_root(args: argparse.Namespace):
    from bot.config import Config
    from knowledge.catalog import ROOT

    return args.dir or Config.from_env().kb_dir or ROOT


def cmd_check(args: argparse.Namespace) -> int:
    from knowledge.catalog import load

    kb = load(_kb_root(args))
    if kb.problems:
        print(f"Cơ sở tri thức có {len(kb.problems)} lỗi cần sửa:", file=sys.stderr)
        for problem in kb.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    per_doc: dict[str, int] = {}
    for entry in kb.entries:
        per_doc[entry.source.document] = per_doc.get(entry.source.document, 0) + 1
    detail = ", ".join(
        f"{kb.documents[d].short}: {n}" for d, n in sorted(per_doc.items(), key=lambda x: -x[1])
    )
    print(
        f"Cơ sở tri thức hợp lệ: {len(kb.entries)} mục, {len(kb.documents)} văn bản, "
        f"{len(kb.synonyms)} từ viết tắt/đồng nghĩa ({detail})."
    )
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from services.knowledge import KnowledgeService

    service = KnowledgeService(_kb_root(args))
    k = max(1, min(args.k, 20))
    if args.question:
        questions: Iterable[str] = [" ".join(args.question)]
    else:
        questions = (line.rstrip("\r\n") for line in sys.stdin)
    for question in questions:
        result = service.search(question, k)
        if args.json:
            print(json.dumps(result.as_json(), ensure_ascii=False), flush=True)
        else:
            print(_readable(service, result), flush=True)
    return 0


def _readable(service, result) -> str:
    from bot import messages as msg

    kb = service.kb
    lines = [f"❓ {result.query}"]
    if result.confident and result.best:
        entry = result.best.entry
        lines += [f"✅ {entry.title}", entry.answer, msg.QA_CITATION.format(citation=kb.citation(entry))]
        others = result.hits[1:]
        if others:
            lines.append("Câu hỏi gần giống: " + "; ".join(h.entry.title for h in others))
    elif result.out_of_scope or not result.hits:
        lines.append(msg.QA_OUT_OF_SCOPE)
    else:
        lines.append(msg.QA_NOT_SURE)
        lines += [f"  {i}. {h.entry.title}  ({kb.citation(h.entry)})" for i, h in enumerate(result.hits, 1)]
    lines.append(f"(độ tin cậy {result.confidence:.2f})")
    return "\n".join(lines) + "\n"


def _with_services(args: argparse.Namespace, work):
    from bot.cli import _services

    async def main() -> int:
        services = _services(args)
        await services.open()
        try:
            return await work(services)
        finally:
            await services.close()

    return asyncio.run(main())


def cmd_gaps(args: argparse.Namespace) -> int:
    since = (datetime.now(UTC) - timedelta(days=args.days)).replace(microsecond=0).isoformat()

    async def work(services) -> int:
        rows = await services.qa.gaps(since, limit=args.limit)
        if not rows:
            print(f"Không có câu hỏi nào bị bỏ sót trong {args.days} ngày qua.")
            return 0
        print(f"Câu hỏi cần bổ sung vào cơ sở tri thức ({args.days} ngày qua, hỏi nhiều nhất trước):")
        print("lượt\tchưa chắc\tngoài phạm vi\tchưa đúng\tchờ chuyên gia\tcâu hỏi")
        for g in rows:
            print(
                f"{g.asked}\t{g.not_sure}\t{g.out_of_scope}\t{g.not_helpful}\t{g.unanswered}\t{g.question}"
                + (f"  [đã trả lời bằng: {g.best_id}]" if g.best_id else "")
            )
        return 0

    return _with_services(args, work)


def cmd_reviews(args: argparse.Namespace) -> int:
    async def work(services) -> int:
        queue = await services.qa.review_queue(limit=args.limit)
        if not queue:
            print("Không có câu trả lời nào của chuyên gia đang chờ duyệt.")
            return 0
        print(f"{len(queue)} câu trả lời của chuyên gia chờ duyệt (đưa vào knowledge/kb nếu dùng được):")
        for request, question in queue:
            expert = await services.directory.person(request.expert_id) if request.expert_id else None
            print(
                f"\n#{request.id} ({(request.answered_at or '')[:10]}, {expert.full_name if expert else '?'})"
            )
            print(f"  Hỏi: {question.text if question else '?'}")
            print(f"  Đáp: {request.answer}")
        return 0

    return _with_services(args, work)


def add_commands(sub, admin, with_db) -> None:
    ask = sub.add_parser(
        "ask", help="hỏi cơ sở tri thức pháp luật (không có câu hỏi: đọc từng dòng từ stdin)"
    )
    ask.add_argument("question", nargs="*", help="câu hỏi")
    ask.add_argument("--json", action="store_true", help="in một đối tượng JSON mỗi câu hỏi")
    ask.add_argument("-k", type=int, default=3, help="số kết quả (mặc định 3)")
    ask.add_argument(
        "--dir", help="thư mục cơ sở tri thức (mặc định: KB_DIR, nếu không có thì knowledge/ đi kèm)"
    )
    ask.set_defaults(func=cmd_ask)

    kb = sub.add_parser("kb", help="cơ sở tri thức: kiểm tra, câu hỏi còn thiếu, câu trả lời chờ duyệt")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", help="kiểm tra các tệp YAML của cơ sở tri thức")
    check.add_argument(
        "--dir", help="thư mục cơ sở tri thức (mặc định: KB_DIR, nếu không có thì knowledge/ đi kèm)"
    )
    check.set_defaults(func=cmd_check)
    gaps = with_db(kb_sub.add_parser("gaps", help="câu hỏi bot chưa trả lời tốt (để bổ sung)"))
    gaps.add_argument("--days", type=int, default=30, help="trong bao nhiêu ngày qua (mặc định 30)")
    gaps.add_argument("--limit", type=int, default=100)
    gaps.set_defaults(func=cmd_gaps)
    reviews = with_db(kb_sub.add_parser("reviews", help="câu trả lời của chuyên gia chờ duyệt"))
    reviews.add_argument("--limit", type=int, default=50)
    reviews.set_defaults(func=cmd_reviews)
