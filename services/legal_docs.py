"""The catalogue of legal documents that knowledge entries, quiz questions and materials may cite.

Reads knowledge/documents.yaml; formats citations the way mediators read them
("Điều 12 Khoản 1 Luật Hòa giải ở cơ sở 2013").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

#: Official document numbers as they appear in text: 35/2013/QH13, 15/2014/NĐ-CP, 315/QĐ-TTg,
#: 01/2014/NQLT/CP-…
DOCUMENT_NUMBER = re.compile(r"\b\d{1,4}/(?:\d{4}/)?[A-ZĐƯ][A-ZĐƯa-z0-9]*(?:[/-][A-ZĐƯ0-9][A-ZĐƯa-z0-9]*)*")


#: Ids and codes of content items (materials, quiz questions, topics).
ID_SHAPE = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")


def check_topics(topics: Any, problems: list[str]) -> set[str]:
    """Check a content file's `topics` list (code + name, unique codes); returns the codes."""
    codes: set[str] = set()
    for i, t in enumerate(topics or []):
        where = f"topics[{i}]"
        if not isinstance(t, dict) or not t.get("code") or not t.get("name"):
            problems.append(f"{where}: needs code and name")
            continue
        if not ID_SHAPE.match(str(t["code"])):
            problems.append(
                f"{where}: code {t['code']!r} must be lowercase ASCII [a-z0-9-], at most 48 characters"
            )
        if t["code"] in codes:
            problems.append(f"{where}: duplicate topic code {t['code']!r}")
        codes.add(t["code"])
    return codes


def check_item_id(item_id: str, where: str, ids: set[str], problems: list[str]) -> None:
    """An item id has the allowed shape and is not used twice in its file."""
    if not ID_SHAPE.match(item_id):
        problems.append(f"{where}: id must be lowercase ASCII [a-z0-9-], at most 48 characters")
    if item_id in ids:
        problems.append(f"{where}: duplicate id")
    ids.add(item_id)


class ContentError(ValueError):
    """A content file (catalogue, quiz bank) that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LegalDocument:
    number: str
    short: str
    title: str
    articles: int


def knowledge_dir() -> Path:
    return Path(str(resources.files("knowledge")))


def load_documents(path: str | Path | None = None) -> dict[str, LegalDocument]:
    """number → document."""
    path = Path(path) if path else knowledge_dir() / "documents.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: dict[str, LegalDocument] = {}
    for item in data.get("documents") or []:
        doc = LegalDocument(
            str(item["number"]),
            str(item.get("short") or item["number"]),
            str(item.get("title") or ""),
            int(item["articles"]),
        )
        found[doc.number] = doc
    return found


def check_source(source: object, documents: dict[str, LegalDocument]) -> list[str]:
    """Problems with a {document, article, clause, point} citation (empty when it is fine)."""
    if not isinstance(source, dict):
        return ["source must be a mapping {document, article, clause}"]
    problems = []
    number = source.get("document")
    doc = documents.get(str(number)) if number is not None else None
    if doc is None:
        problems.append(f"source.document {number!r} is not in documents.yaml")
    article = source.get("article")
    if not isinstance(article, int) or isinstance(article, bool) or article < 1:
        problems.append(f"source.article must be a positive integer, got {article!r}")
    elif doc is not None and article > doc.articles:
        problems.append(f"source.article {article} does not exist in {doc.number} ({doc.articles} articles)")
    clause = source.get("clause")
    if clause is not None and (not isinstance(clause, int) or isinstance(clause, bool) or clause < 1):
        problems.append(f"source.clause must be a positive integer or null, got {clause!r}")
    point = source.get("point")
    if point is not None and not (isinstance(point, str) and len(point) == 1 and point.isalpha()):
        problems.append(f"source.point must be one letter or null, got {point!r}")
    return problems


def citation(source: dict, documents: dict[str, LegalDocument]) -> str:
    """'Điều 12 Khoản 1 Luật Hòa giải ở cơ sở 2013' (point and clause only when given)."""
    doc = documents.get(str(source.get("document")))
    parts = [f"Điều {source.get('article')}"]
    if source.get("clause"):
        parts.append(f"Khoản {source['clause']}")
    if source.get("point"):
        parts.append(f"điểm {source['point']}")
    parts.append(doc.short if doc else str(source.get("document")))
    return " ".join(parts)
