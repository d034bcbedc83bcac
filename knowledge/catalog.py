"""Load the knowledge base (documents.yaml, kb/*.yaml, synonyms.yaml) into typed entries and check it.

Loading never raises on bad content: every problem is collected (in Vietnamese, for the officer who edits
the YAML) so that `mediator-bot kb check` can list them all at once, and the bot can refuse a broken reload
while it keeps serving the previous version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent
ANSWER_LIMIT = 700
MIN_QUESTIONS = 2
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ENTRY_KEYS = {
    "id",
    "title",
    "questions",
    "also_asked",
    "answer",
    "more",
    "source",
    "tags",
    "keywords",
    "synonyms",
    "related",
    "outside",
}
SOURCE_KEYS = {"document", "article", "clause", "point"}

try:  # libyaml is much faster on the ~5,000 lines of the KB; fall back to the pure-Python loader
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class Document:
    number: str
    short: str
    title: str
    articles: int


@dataclass(frozen=True, slots=True)
class Source:
    document: str
    article: int
    clause: int | None = None
    point: str | None = None

    def as_json(self) -> dict:
        return {"document": self.document, "article": self.article, "clause": self.clause}


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    questions: tuple[str, ...]
    answer: str
    source: Source
    more: str | None = None
    #: more ways people ask for this entry (written from the entry, or questions of the blind development
    #: sets, in the users' words, often without diacritics): the search reads them like `questions`, at a
    #: lower weight
    also_asked: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    file: str = ""
    #: the entry says a matter is NOT grassroots mediation (land conciliation at the commune, divorce at
    #: court), how it differs and where to ask: a confident hit on it is a polite refusal with a pointer
    outside: bool = False


@dataclass
class KnowledgeBase:
    documents: dict[str, Document]
    entries: list[Entry]
    #: folded phrase → phrases it stands for (abbreviations, village words); see knowledge/synonyms.yaml
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    root: Path = ROOT

    def __post_init__(self) -> None:
        self.by_id: dict[str, Entry] = {e.id: e for e in self.entries}

    def get(self, entry_id: str) -> Entry | None:
        return self.by_id.get(entry_id)

    def document(self, number: str) -> Document | None:
        return self.documents.get(number)

    def article_entries(self, document: str, article: int) -> list[Entry]:
        """Every entry that cites this article, whole-article entries first, then by clause."""
        found = [e for e in self.entries if e.source.document == document and e.source.article == article]
        return sorted(found, key=lambda e: (e.source.clause or 0, e.source.point or ""))

    def citation(self, entry: Entry) -> str:
        """'Khoản 1 Điều 12 Luật Hòa giải ở cơ sở 2013' — the way people cite a provision."""
        doc = self.documents.get(entry.source.document)
        name = doc.short if doc else entry.source.document
        parts = []
        if entry.source.point:
            parts.append(f"Điểm {entry.source.point}")
        if entry.source.clause:
            parts.append(f"Khoản {entry.source.clause}")
        parts.append(f"Điều {entry.source.article}")
        return " ".join(parts) + f" {name}"


# --- loading -------------------------------------------------------------------------------------------
def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        problems.append(f"{path.name}: không đọc được tệp ({exc.strerror or exc})")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (dòng {mark.line + 1})" if mark is not None else ""
        problems.append(f"{path.name}: sai cú pháp YAML{where}")
    return None


def _texts(value: Any) -> tuple[str, ...] | None:
    """A list of non-empty strings, or None when the value has the wrong shape."""
    if value is None:
        return ()
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        if isinstance(item, int | float) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str):
            return None
        if item.strip():
            out.append(" ".join(item.split()))
    return tuple(out)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def load_documents(path: Path, problems: list[str]) -> dict[str, Document]:
    data = _read_yaml(path, problems)
    documents: dict[str, Document] = {}
    if data is None:
        return documents
    items = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(f"{path.name}: cần khóa 'documents:' chứa danh sách văn bản")
        return documents
    for i, item in enumerate(items, 1):
        where = f"{path.name}, văn bản thứ {i}"
        if not isinstance(item, dict):
            problems.append(f"{where}: phải là một bảng khóa–giá trị")
            continue
        number = item.get("number")
        articles = _int(item.get("articles"))
        if not isinstance(number, str) or not number.strip():
            problems.append(f"{where}: thiếu số hiệu (number)")
            continue
        if articles is None or articles < 1:
            problems.append(f"{where} ({number}): số điều (articles) phải là số nguyên dương")
            continue
        if number in documents:
            problems.append(f"{where}: số hiệu {number} bị trùng")
            continue
        short, title = item.get("short"), item.get("title")
        short = short if isinstance(short, str) else number
        title = title if isinstance(title, str) else short
        documents[number] = Document(number=number, short=short, title=title, articles=articles)
    return documents


def _entry(
    item: Any, where: str, file: str, documents: dict[str, Document], problems: list[str]
) -> Entry | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: mỗi mục phải là một bảng khóa–giá trị")
        return None
    entry_id = item.get("id")
    if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
        problems.append(f"{where}: id {entry_id!r} không hợp lệ (chỉ chữ thường không dấu, số, dấu '-')")
        entry_id = str(entry_id)
    where = f"{file}, mục {entry_id}"
    unknown = set(item) - ENTRY_KEYS
    if unknown:
        problems.append(f"{where}: khóa lạ {', '.join(sorted(map(str, unknown)))}")
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{where}: thiếu tiêu đề (title)")
        title = ""
    questions = _texts(item.get("questions"))
    if questions is None:
        problems.append(f"{where}: 'questions' phải là danh sách câu hỏi")
        questions = ()
    elif len(questions) < MIN_QUESTIONS:
        problems.append(
            f"{where}: cần ít nhất {MIN_QUESTIONS} cách hỏi (questions), đang có {len(questions)}"
        )
    answer = item.get("answer")
    if not isinstance(answer, str) or not answer.strip():
        problems.append(f"{where}: câu trả lời (answer) bị trống")
        answer = ""
    else:
        answer = " ".join(answer.split())
        if len(answer) > ANSWER_LIMIT:
            problems.append(
                f"{where}: câu trả lời dài {len(answer)} ký tự, tối đa {ANSWER_LIMIT} "
                "(phần dài hơn đưa vào 'more')"
            )
    more = item.get("more")
    if more is not None and not isinstance(more, str):
        problems.append(f"{where}: 'more' phải là đoạn văn")
        more = None
    more = more.strip() if more and more.strip() else None
    lists = {}
    for key in ("also_asked", "tags", "keywords", "synonyms", "related"):
        value = _texts(item.get(key))
        if value is None:
            problems.append(f"{where}: '{key}' phải là danh sách")
            value = ()
        lists[key] = value
    for tag in lists["tags"]:
        if not TAG_PATTERN.match(tag):
            problems.append(f"{where}: thẻ (tags) {tag!r} phải viết thường, không dấu")
    outside = item.get("outside", False)
    if not isinstance(outside, bool):
        problems.append(f"{where}: 'outside' phải là true hoặc false")
        outside = False
    source = _source(item.get("source"), where, documents, problems)
    # an entry with a broken source is still checked (ids, related) but never served
    return Entry(
        id=entry_id,
        title=" ".join(title.split()),
        questions=questions,
        answer=answer,
        more=more,
        also_asked=lists["also_asked"],
        source=source or Source("", 0),
        tags=lists["tags"],
        keywords=lists["keywords"],
        synonyms=lists["synonyms"],
        related=lists["related"],
        file=file,
        outside=outside,
    )


def _source(raw: Any, where: str, documents: dict[str, Document], problems: list[str]) -> Source | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: thiếu nguồn (source: document, article, clause)")
        return None
    unknown = set(raw) - SOURCE_KEYS
    if unknown:
        problems.append(f"{where}: nguồn có khóa lạ {', '.join(sorted(map(str, unknown)))}")
    number = raw.get("document")
    article = _int(raw.get("article"))
    clause = raw.get("clause")
    point = raw.get("point")
    ok = True
    doc = documents.get(number) if isinstance(number, str) else None
    if doc is None:
        problems.append(f"{where}: văn bản {number!r} không có trong documents.yaml")
        ok = False
    if article is None or article < 1:
        problems.append(f"{where}: điều (article) phải là số nguyên dương")
        ok = False
    elif doc is not None and article > doc.articles:
        problems.append(f"{where}: {doc.short} chỉ có {doc.articles} điều, không có Điều {article}")
        ok = False
    if clause is not None and (_int(clause) is None or clause < 1):
        problems.append(f"{where}: khoản (clause) phải là số nguyên dương hoặc null")
        ok = False
    if point is not None and not (isinstance(point, str) and re.fullmatch(r"[a-zđ]", point)):
        problems.append(f"{where}: điểm (point) phải là một chữ cái (a, b, c…) hoặc null")
        ok = False
    if point is not None and clause is None:
        problems.append(f"{where}: có điểm (point) thì phải có khoản (clause)")
        ok = False
    if not ok or doc is None or article is None:  # (a known document and an article whenever ok)
        return None
    return Source(document=doc.number, article=article, clause=clause, point=point)


def load_synonyms(path: Path, problems: list[str]) -> dict[str, tuple[str, ...]]:
    from knowledge.text import fold

    if not path.is_file():
        return {}
    data = _read_yaml(path, problems)
    raw = data.get("synonyms") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        problems.append(f"{path.name}: cần khóa 'synonyms:' là bảng  từ: [nghĩa, ...]")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        values = _texts([value] if isinstance(value, str) else value)
        folded = fold(str(key))
        if not folded or not values:
            problems.append(f"{path.name}: từ {key!r} cần ít nhất một nghĩa")
            continue
        out[folded] = tuple(dict.fromkeys(out.get(folded, ()) + values))
    return out


def load(root: str | Path | None = None) -> KnowledgeBase:
    """Read the knowledge base under `root` (default: the bundled knowledge/ folder) and check it."""
    root = Path(root) if root else ROOT
    problems: list[str] = []
    documents = load_documents(root / "documents.yaml", problems)
    entries: list[Entry] = []
    files = sorted((root / "kb").glob("*.yaml"))
    if not files:
        problems.append(f"không có tệp nào trong {root / 'kb'}")
    for path in files:
        data = _read_yaml(path, problems)
        if data is None:
            continue
        items = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(items, list):
            problems.append(f"{path.name}: cần khóa 'entries:' chứa danh sách mục")
            continue
        for i, item in enumerate(items, 1):
            entry = _entry(item, f"{path.name}, mục thứ {i}", path.name, documents, problems)
            if entry is not None:
                entries.append(entry)
    seen: dict[str, str] = {}
    unique = []
    for entry in entries:
        if entry.id in seen:
            problems.append(f"{entry.file}: id {entry.id} bị trùng (đã có trong {seen[entry.id]})")
            continue
        seen[entry.id] = entry.file
        unique.append(entry)
    for entry in unique:
        for rel in entry.related:
            if rel not in seen:
                problems.append(f"{entry.file}, mục {entry.id}: mục liên quan {rel!r} không tồn tại")
            elif rel == entry.id:
                problems.append(f"{entry.file}, mục {entry.id}: mục liên quan trỏ về chính nó")
    synonyms = load_synonyms(root / "synonyms.yaml", problems)
    served = [e for e in unique if e.source.document]
    return KnowledgeBase(documents=documents, entries=served, synonyms=synonyms, problems=problems, root=root)
