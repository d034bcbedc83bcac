"""The knowledge base in service: the loaded entries and their search index, reloadable without a restart."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from knowledge.catalog import ROOT, KnowledgeBase, load
from knowledge.search import SearchIndex, SearchResult

log = logging.getLogger(__name__)

_CACHE: dict[tuple, tuple[KnowledgeBase, SearchIndex]] = {}
_CACHE_LOCK = threading.Lock()


def _signature(root: Path) -> tuple:
    """What identifies one version of the files: their names, sizes and modification times."""
    files = [root / "documents.yaml", root / "synonyms.yaml", *sorted((root / "kb").glob("*.yaml"))]
    return (str(root),) + tuple((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files if f.exists())


def build(root: str | Path | None = None, *, use_cache: bool = True) -> tuple[KnowledgeBase, SearchIndex]:
    """Load and index the knowledge base (cached per version of the files within a process)."""
    root = Path(root) if root else ROOT
    key = _signature(root)
    with _CACHE_LOCK:
        if use_cache and key in _CACHE:
            return _CACHE[key]
    kb = load(root)
    index = SearchIndex(kb)
    with _CACHE_LOCK:
        _CACHE.clear()
        _CACHE[key] = (kb, index)
    return kb, index


@dataclass
class ReloadReport:
    ok: bool
    entries: int
    problems: list[str]


class VersionStore(Protocol):
    """The shared version counter (storage.kb_version.KnowledgeVersion): how a reload reaches every
    process."""

    async def current(self) -> int: ...

    async def bump(self) -> int: ...


class KnowledgeService:
    """Holds the current version; a reload swaps it only when the new files pass the check.

    `root`: the knowledge base folder (KB_DIR; default the bundled one). With `versions`, a reload in one
    process is announced to the others, which pick it up with `sync()`."""

    def __init__(self, root: str | Path | None = None, versions: VersionStore | None = None):
        self.root = Path(root) if root else ROOT
        self.versions = versions
        #: The shared version this process serves (None: not known yet).
        self.version: int | None = None
        self._kb: KnowledgeBase | None = None
        self._index: SearchIndex | None = None

    def _ensure(self) -> tuple[KnowledgeBase, SearchIndex]:
        if self._kb is None or self._index is None:
            kb, index = build(self.root)
            if kb.problems:
                log.warning("knowledge base has %d problems; run 'mediator-bot kb check'", len(kb.problems))
            self._kb, self._index = kb, index
        return self._kb, self._index

    @property
    def kb(self) -> KnowledgeBase:
        return self._ensure()[0]

    @property
    def index(self) -> SearchIndex:
        return self._ensure()[1]

    def search(self, query: str, k: int = 3) -> SearchResult:
        return self.index.search(query, k)

    async def load(self) -> None:
        """Load in a worker thread, so the event loop is not blocked at start-up."""
        if self.versions is not None and self.version is None:
            self.version = await self.versions.current()  # before reading the files: a later bump is seen
        if self._index is None:
            kb, index = await asyncio.to_thread(build, self.root)
            self._kb, self._index = kb, index

    async def reload(self) -> ReloadReport:
        """Re-read the files; keep serving the previous version if the new one has problems. A good reload is
        announced to the other processes (see sync)."""
        report = await self._reload()
        if report.ok and self.versions is not None:
            self.version = await self.versions.bump()
        return report

    async def sync(self) -> bool:
        """Reload when another process announced a reload since this one loaded; True if it reloaded."""
        if self.versions is None:
            return False
        current = await self.versions.current()
        if self.version is None or current == self.version:
            self.version = current
            return False
        self.version = current
        report = await self._reload()
        if not report.ok:
            log.warning(
                "knowledge base reload announced by another process has %d problems; keeping the "
                "version served",
                len(report.problems),
            )
        return report.ok

    async def _reload(self) -> ReloadReport:
        kb, index = await asyncio.to_thread(build, self.root, use_cache=False)
        if kb.problems:
            return ReloadReport(ok=False, entries=len(kb.entries), problems=kb.problems)
        self._kb, self._index = kb, index
        log.info("knowledge base reloaded: %d entries", len(kb.entries))
        return ReloadReport(ok=True, entries=len(kb.entries), problems=[])
