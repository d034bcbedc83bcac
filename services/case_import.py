"""Bulk import of paper logbooks (CSV or XLSX) with the rules of the case form.

Problems come back as codes (ImportFileError.code, DuplicateRow); the command line words them
(bot/cli_cases.py). The per-cell messages still come worded from services/case_form.py (not changed here).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services import case_form as form
from services.case_form import FormContext, FormError
from services.case_models import Case
from services.cases import CaseService
from services.models import Commune
from storage.logbook import LogbookRepository
from storage.uow import Aggregate


class ImportFileError(ValueError):
    """The file cannot be read at all. `reason`: 'format' (name), 'empty', 'header' (columns, expected),
    'no_commune' (code); `params` fill the message."""

    def __init__(self, reason: str, **params: str):
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class DuplicateRow:
    """An external_id already used by an earlier row of the file."""

    external_id: str
    first: int


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0
    #: (row number as in the spreadsheet, column, the case form's error or a DuplicateRow)
    errors: list[tuple[int, str, FormError | DuplicateRow]] = field(default_factory=list)
    imported: bool = False
    skipped_rows: int = 0


def read_table(path: str | Path) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: cell}) of every non-empty data row; the header is row 1."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ImportFileError("format", name=path.name) from exc
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # the stated dimension (<dimension ref=…>) may be wrong: read every row
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    elif suffix == ".csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError("format", name=path.name) from exc
        rows = list(csv.reader(io.StringIO(text)))
    else:
        raise ImportFileError("format", name=path.name)
    if not rows:
        raise ImportFileError("empty")
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    missing = [c for c in form.IMPORT_COLUMNS if c not in header]
    if missing:
        raise ImportFileError("header", columns=", ".join(missing), expected=",".join(form.IMPORT_COLUMNS))
    table = []
    for number, row in enumerate(rows[1:], start=2):
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        table.append((number, {h: (row[i] if i < len(row) else None) for i, h in enumerate(header) if h}))
    if not table:
        raise ImportFileError("empty")
    return table


async def import_cases(
    cases: CaseService, path: str | Path, commune_code: str, skip_invalid: bool = False
) -> ImportReport:
    """Validate every row; import all of them, or none if one is invalid (unless `skip_invalid`)."""
    commune = await cases.org.commune_by_code(commune_code.strip().upper())
    if commune is None:
        raise ImportFileError("no_commune", code=commune_code)
    teams = await cases.org.teams_of_commune(commune.id)
    ctx = FormContext(today=cases.today(), teams={t.id: t.name for t in teams}, mode="import")
    codes = {t.code.upper(): t.id for t in teams}
    # The commune's active mediators and team leaders by their code, for the optional `mediators` column.
    members = {
        p["external_ref"].upper(): (p["id"], p["team_id"])
        for p in await LogbookRepository(cases.repo.db).mediators("commune", commune.id)
        if p["external_ref"]
    }
    report = ImportReport()
    valid: list[tuple[Mapping[str, Any], str | None]] = []
    seen: dict[str, int] = {}
    for number, cells in read_table(path):
        row = form.parse_import_row(number, cells, ctx, codes, members)
        errors: list[tuple[str, FormError | DuplicateRow]] = list(row.errors)
        if row.external_id is not None:
            if row.external_id in seen:
                errors.append(("external_id", DuplicateRow(row.external_id, seen[row.external_id])))
            else:
                seen[row.external_id] = number
        if errors:
            report.errors += [(number, column, error) for column, error in errors]
            report.skipped_rows += 1
        else:
            valid.append((row.values, row.external_id))
    if report.errors and not skip_invalid:
        return report
    created, existing = await store_rows(cases, commune, valid)
    report.created, report.existing, report.imported = len(created), existing, True
    return report


async def store_rows(
    cases: CaseService, commune: Commune, rows: list[tuple[Mapping[str, Any], str | None]]
) -> tuple[list[Case], int]:
    """Store validated rows (values, external id) in one unit of work under the commune's row lock: a row
    whose external id the commune already holds is skipped (a file imported twice adds nothing), and the
    new cases are numbered on from the commune's last number. (created cases, rows skipped as stored)."""
    created: list[Case] = []
    existing = 0
    counters: dict[str, int] = {}  # case numbers within this import, without re-reading the table
    async with cases.uow(Aggregate.commune(commune.id)) as u:
        for values, external_id in rows:
            if external_id is not None and await u.cases.external_id_stored(commune.id, external_id):
                existing += 1
                continue
            created.append(
                await u.cases.insert_imported(
                    values,
                    province_id=commune.province_id,
                    commune_id=commune.id,
                    commune_code=commune.code,
                    external_id=external_id,
                    counters=counters,
                )
            )
    return created, existing
