"""The training-materials library (/tailieu): catalogue, validation, search, files to send, access indicator.

The catalogue is knowledge/materials/catalog.yaml: topics and materials (a file under knowledge/materials/
or an official link). Markdown files are sent as plain-text .txt files (see `payload`): a .md attachment has
no app to open it on most Android phones, while .txt opens in the phone's built-in viewer and in Notepad.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from rapidfuzz import fuzz, process

from knowledge.text import fold as fold_text
from services.legal_docs import (
    DOCUMENT_NUMBER,
    ContentError,
    LegalDocument,
    check_item_id,
    check_topics,
    knowledge_dir,
    load_documents,
)
from services.models import Person

#: File types the library may ship (what opens on a phone or a commune office computer).
FILE_TYPES = (".md", ".txt", ".pdf", ".xlsx", ".docx")
#: A search hit needs at least this score (0–100).
SEARCH_THRESHOLD = 70.0
#: Hits scoring more than this below the best hit are left out.
SEARCH_SPREAD = 12.0


@dataclass(frozen=True)
class Topic:
    code: str
    name: str


@dataclass(frozen=True)
class Material:
    id: str
    title: str
    description: str
    topic: str
    file: str | None = None
    link: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Payload:
    """What is sent for a file material: name, bytes, and the hash that keys Telegram's file id."""

    filename: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def fold(text: str) -> str:
    """Lowercase ASCII without diacritics, punctuation as spaces but "/" kept: 'Sổ theo dõi' →
    'so theo doi'."""
    return fold_text(text, keep="/")


@dataclass
class Catalogue:
    topics: list[Topic]
    materials: list[Material]
    base: Path
    _index: list[tuple[tuple[str, ...], str, frozenset[str], frozenset[str]]] = field(
        default_factory=list, repr=False
    )

    def __post_init__(self) -> None:
        self.by_id = {m.id: m for m in self.materials}
        self.topic_by_code = {t.code: t for t in self.topics}
        # (folded title, folded title + keywords, vocabulary) per material, for search
        for m in self.materials:
            phrases = (fold(m.title), *(fold(k) for k in m.keywords))
            head = " ".join(phrases)
            self._index.append(
                (
                    phrases,
                    head,
                    frozenset(head.split()),
                    frozenset((head + " " + fold(m.description)).split()),
                )
            )

    def in_topic(self, code: str) -> list[Material]:
        return [m for m in self.materials if m.topic == code]

    def search(self, query: str, limit: int = 8) -> list[Material]:
        """Materials matching `query` by name and keywords, best first; tolerant of missing accents and
        typos."""
        q = fold(query)[:200]
        if not q:
            return []
        words = [w for w in q.split() if len(w) > 1] or q.split()
        scored = []
        for material, (phrases, head, head_words, all_words) in zip(self.materials, self._index, strict=True):
            in_head = sum(_word_score(w, head_words) for w in words) / len(words)
            in_all = sum(_word_score(w, all_words) for w in words) / len(words)
            if len(q) >= 4:
                # the whole query against the title or one keyword; a looser partial match counts a bit less
                phrase = max(max(fuzz.ratio(q, p) for p in phrases), 0.9 * fuzz.partial_ratio(q, head))
                score = 0.45 * in_head + 0.2 * in_all + 0.35 * phrase
            else:
                score = 0.7 * in_head + 0.3 * in_all
            if score >= SEARCH_THRESHOLD:
                scored.append((score, material))
        scored.sort(key=lambda pair: -pair[0])
        # keep the close competitors of the best hit only: a long tail of weak matches confuses more than it
        # helps
        best = scored[0][0] if scored else 0.0
        return [m for score, m in scored[:limit] if score >= best - SEARCH_SPREAD]

    def payload(self, material: Material) -> Payload:
        """The file to send: Markdown becomes UTF-8 plain text (.txt) that any phone can open."""
        if material.file is None:
            raise ValueError(f"material {material.id} is a link, not a file")
        path = self.base / material.file
        if path.suffix.lower() == ".md":
            text = markdown_to_text(path.read_text(encoding="utf-8"))
            return Payload(f"{material.id}.txt", b"\xef\xbb\xbf" + text.encode("utf-8"))
        return Payload(f"{material.id}{path.suffix.lower()}", path.read_bytes())


def _word_score(word: str, vocabulary: frozenset[str]) -> float:
    if word in vocabulary:
        return 100.0
    if word.isdigit() or len(word) <= 2:
        return 0.0
    best = process.extractOne(word, vocabulary, scorer=fuzz.ratio)
    return float(best[1]) if best else 0.0


# --- Markdown → plain text ---------------------------------------------------------------------------------
_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def _inline(text: str) -> str:
    text = _LINK.sub(r"\1 (\2)", text)
    text = _EMPHASIS.sub(r"\2", text)
    return text.replace("`", "")


def markdown_to_text(markdown: str) -> str:
    """Readable plain text from the project's Markdown sheets: headings underlined, tables as lines,
    bullets •."""
    out: list[str] = []
    header: list[str] | None = None
    for raw in markdown.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [_inline(c.strip()) for c in stripped.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            if header is None:
                header = cells
                continue
            label, *rest = cells
            details = [f"{h}: {c}" if h else c for h, c in zip(header[1:], rest, strict=False) if c]
            out.append(f"• {label}" + (" — " + "; ".join(details) if details else ""))
            continue
        header = None
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        if heading:
            title = _inline(heading.group(2))
            if out and out[-1]:
                out.append("")
            if len(heading.group(1)) == 1:
                out += [title.upper(), "=" * min(len(title), 60)]
            else:
                out += [title, "-" * min(len(title), 60)]
            continue
        if stripped.startswith(">"):
            out.append("    " + _inline(stripped.lstrip("> ")))
            continue
        bullet = re.match(r"^(\s*)[-*+]\s+(.*)$", line)
        if bullet:
            out.append("  " * (len(bullet.group(1)) // 2) + "• " + _inline(bullet.group(2)))
            continue
        out.append(_inline(line))
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# --- loading and validation --------------------------------------------------------------------------------
def materials_dir() -> Path:
    return knowledge_dir() / "materials"


def check_catalogue(
    data: Any, base: Path, documents: dict[str, LegalDocument]
) -> tuple[list[str], list[str]]:
    """(problems, warnings) of a parsed catalog.yaml whose files live under `base`."""
    problems: list[str] = []
    warnings: list[str] = []
    if not isinstance(data, dict):
        return ["catalog.yaml must be a mapping with 'topics' and 'materials'"], warnings
    codes = check_topics(data.get("topics"), problems)
    materials = data.get("materials") or []
    if not materials:
        problems.append("no materials")
    ids: set[str] = set()
    used_topics: set[str] = set()
    for i, m in enumerate(materials):
        if not isinstance(m, dict):
            problems.append(f"materials[{i}]: must be a mapping")
            continue
        mid = str(m.get("id") or "")
        where = f"materials[{i}] ({mid or 'no id'})"
        check_item_id(mid, where, ids, problems)
        for key in ("title", "description"):
            if not isinstance(m.get(key), str) or not m[key].strip():
                problems.append(f"{where}: {key} is required")
        if isinstance(m.get("title"), str) and len(m["title"]) > 120:
            problems.append(f"{where}: title longer than 120 characters")
        if m.get("topic") not in codes:
            problems.append(f"{where}: topic {m.get('topic')!r} is not listed in topics")
        if isinstance(m.get("topic"), str):
            used_topics.add(m["topic"])
        keywords = m.get("keywords") or []
        if not isinstance(keywords, list) or not all(
            isinstance(k, str | int) and str(k).strip() for k in keywords
        ):
            problems.append(f"{where}: keywords must be a list of words")
            keywords = []
        keywords = [str(k) for k in keywords]
        has_file, has_link = bool(m.get("file")), bool(m.get("link"))
        if has_file == has_link:
            problems.append(f"{where}: give exactly one of file or link")
        if has_file:
            rel = str(m["file"])
            path = (base / rel).resolve()
            if Path(rel).is_absolute() or ".." in Path(rel).parts or base.resolve() not in path.parents:
                problems.append(f"{where}: file must be a relative path inside materials/")
            elif not path.is_file():
                problems.append(f"{where}: file {rel} does not exist")
            elif path.suffix.lower() not in FILE_TYPES:
                problems.append(f"{where}: file type {path.suffix} not allowed ({', '.join(FILE_TYPES)})")
            elif path.stat().st_size > 20 * 1024 * 1024:
                problems.append(f"{where}: file larger than 20 MB")
            elif path.suffix.lower() in (".md", ".txt"):
                text = path.read_text(encoding="utf-8")
                for number in sorted(set(DOCUMENT_NUMBER.findall(text)) - set(documents)):
                    warnings.append(f"{where}: {rel} mentions {number}, which is not in documents.yaml")
        if has_link and not re.match(r"^https://[^\s/]+\.[^\s]+$", str(m["link"])):
            problems.append(f"{where}: link must be an https:// address")
        catalogue_text = " ".join([str(m.get("title") or ""), str(m.get("description") or ""), *keywords])
        for number in sorted(set(DOCUMENT_NUMBER.findall(catalogue_text)) - set(documents)):
            problems.append(f"{where}: cites {number}, which is not in documents.yaml")
    for code in sorted(codes - used_topics):
        warnings.append(f"topic {code!r} has no materials")
    return problems, warnings


def load_catalogue(
    path: str | Path | None = None, documents: dict[str, LegalDocument] | None = None
) -> Catalogue:
    """Read and check catalog.yaml; raises ContentError listing every problem."""
    path = Path(path) if path else materials_dir() / "catalog.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError([f"{path}: {exc}"]) from exc
    problems, _ = check_catalogue(data, path.parent, documents if documents is not None else load_documents())
    if problems:
        raise ContentError(problems)
    return Catalogue(
        topics=[Topic(str(t["code"]), str(t["name"])) for t in data["topics"]],
        materials=[
            Material(
                str(m["id"]),
                m["title"].strip(),
                m["description"].strip(),
                m["topic"],
                m.get("file"),
                m.get("link"),
                tuple(str(k) for k in m.get("keywords") or ()),
            )
            for m in data["materials"]
        ],
        base=path.parent,
    )


# --- access records and the indicator ----------------------------------------------------------------------
@dataclass(frozen=True)
class AccessStats:
    """Mediators (incl. team leaders) of a place who opened at least one material."""

    mediators: int
    opened: int

    @property
    def share(self) -> float:
        return self.opened / self.mediators if self.mediators else 0.0


class LibraryStore(Protocol):
    async def file_id(self, material_id: str, file_hash: str, channel: str) -> str | None: ...
    async def remember_file_id(
        self, material_id: str, file_hash: str, channel: str, file_id: str
    ) -> None: ...
    async def forget_file_id(self, material_id: str, file_hash: str, channel: str) -> None: ...
    async def record_open(
        self, material_id: str, person_id: int | None, channel: str | None, external_id: str | None
    ) -> None: ...
    async def access(
        self, *, commune_id: int | None = None, province_id: int | None = None, team_id: int | None = None
    ) -> tuple[int, int]: ...


class LibraryService:
    def __init__(self, store: LibraryStore, catalogue: Catalogue | None = None):
        self.store = store
        self._catalogue = catalogue

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = load_catalogue()
        return self._catalogue

    async def record_open(
        self, material: Material, person: Person | None, channel: str, external_id: str
    ) -> None:
        """Registered people are recorded by person id only; others by their chat identity."""
        if person is not None:
            await self.store.record_open(material.id, person.id, None, None)
        else:
            await self.store.record_open(material.id, None, channel, str(external_id))

    async def access(
        self, *, commune_id: int | None = None, province_id: int | None = None, team_id: int | None = None
    ) -> AccessStats:
        mediators, opened = await self.store.access(
            commune_id=commune_id, province_id=province_id, team_id=team_id
        )
        return AccessStats(mediators, opened)


# --- one check for the whole library content (CLI `mediator-bot library check`, tests) -------------------
@dataclass
class ContentReport:
    problems: list[str]
    warnings: list[str]
    materials: int = 0
    questions: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def check_content(
    catalogue_path: str | Path | None = None,
    questions_path: str | Path | None = None,
    documents_path: str | Path | None = None,
) -> ContentReport:
    """Check the materials catalogue and the quiz questions against documents.yaml."""
    from services.quiz import check_questions

    documents = load_documents(documents_path)
    catalogue_path = Path(catalogue_path) if catalogue_path else materials_dir() / "catalog.yaml"
    questions_path = Path(questions_path) if questions_path else knowledge_dir() / "quiz" / "questions.yaml"
    report = ContentReport([], [])
    for label, path in (("materials", catalogue_path), ("quiz", questions_path)):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            report.problems.append(f"{label}: {path}: {exc}")
            continue
        if label == "materials":
            problems, warnings = check_catalogue(data, path.parent, documents)
            report.warnings += [f"materials: {w}" for w in warnings]
            report.materials = len((data or {}).get("materials") or []) if isinstance(data, dict) else 0
        else:
            problems = check_questions(data, documents)
            report.questions = len((data or {}).get("questions") or []) if isinstance(data, dict) else 0
        report.problems += [f"{label}: {p}" for p in problems]
    return report
