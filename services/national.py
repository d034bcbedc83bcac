"""The national roll-up (Bộ Tư pháp): every province, live or from the communes' latest submitted figures.

The same definitions as every other report (services/statistics.py): counts by date received, the official
success rate successful / (successful + unsuccessful), the QĐ 315 indicators nationally and per province.
Live figures come from a few GROUP BY queries over the whole country (cases by province, field and result;
the organisation by province, from the mediators of every active team), not from 34 province reports;
submitted figures add each commune's latest snapshot for exactly that period, province by province.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from services.statistics import (
    FIELDS,
    NATIONAL,
    SUCCESS_TARGET,
    Counts,
    Organisation,
    Period,
    ProvinceLine,
    Report,
    Scope,
    compute_indicators,
    ratio,
    recognition_window,
)

if TYPE_CHECKING:
    from services.submissions import SubmissionService
    from storage.org import OrgRepository
    from storage.stats import StatsRepository

NATIONAL_SCOPE = Scope("national", 0, NATIONAL.code, NATIONAL.name, NATIONAL)


def _line(
    province,
    counts: Counts,
    organisation: Organisation,
    recent: int,
    recent_in_time: int,
    communes: int,
    reported: int,
) -> ProvinceLine:
    indicators = compute_indicators(counts, organisation, ratio(recent_in_time, recent), SUCCESS_TARGET)
    return ProvinceLine(province, counts, organisation, indicators, communes, reported)


def national_report(
    period: Period,
    by_field: dict[str, Counts],
    lines: list[ProvinceLine],
    recent: int,
    recent_in_time: int,
    source: str,
    submissions: dict | None = None,
) -> Report:
    cases, organisation = Counts(), Organisation()
    for line in lines:
        cases.add(line.counts)
        organisation.add(line.organisation)
    indicators = compute_indicators(cases, organisation, ratio(recent_in_time, recent), SUCCESS_TARGET)
    lines.sort(key=lambda line: line.province.name)
    extra = {"source": source, "submissions": submissions or {}}
    return Report(
        NATIONAL_SCOPE, period, cases, by_field, [], organisation, indicators, None, extra, by_province=lines
    )


class NationalService:
    def __init__(self, stats: StatsRepository, org: OrgRepository, submissions: SubmissionService | None):
        self.stats = stats
        self.org = org
        self.submissions = submissions

    async def report(self, period: Period, *, submitted: bool = False) -> Report:
        return await (self.submitted(period) if submitted else self.live(period))

    async def live(self, period: Period) -> Report:
        start, end = period.iso
        provinces = await self.stats.provinces()
        by_field = {code: Counts() for code in FIELDS}
        counts: dict[int, Counts] = defaultdict(Counts)
        for province_id, field_code, result, n in await self.stats.national_results(start, end):
            by_field.setdefault(field_code, Counts()).add_result(result, n)
            counts[province_id].add_result(result, n)
        since, cutoff = recognition_window(period.end)
        org_rows = await self.stats.national_organisation(end, since.isoformat(), cutoff.isoformat())
        organisations: dict[int, Organisation] = {}
        recent: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
        for province_id, row in org_rows.items():
            organisations[province_id] = Organisation(
                **{k: v for k, v in row.items() if k not in ("recent", "in_time")}
            )
            recent[province_id] = (row["recent"], row["in_time"])
        communes = await self.stats.national_communes()
        reporting = await self.stats.national_reporting(start, end)
        lines = [
            _line(
                p,
                counts.get(p.id, Counts()),
                organisations.get(p.id, Organisation()),
                *recent[p.id],
                communes.get(p.id, 0),
                reporting.get(p.id, 0),
            )
            for p in provinces
        ]
        total_recent = sum(r[0] for r in recent.values())
        total_in_time = sum(r[1] for r in recent.values())
        return national_report(period, by_field, lines, total_recent, total_in_time, "live")

    async def submitted(self, period: Period) -> Report:
        """Each province rolled up from its communes' latest submissions for the period
        (services.submissions); a commune that has not submitted counts nothing and is not in `reported`."""
        from services.statistics import build_report
        from services.submissions import inputs_from_json

        if self.submissions is None:
            raise RuntimeError("NationalService.submitted needs the SubmissionService")
        latest = [sub for sub, _ in await self.submissions.repo.latest_of_province(None, *period.iso)]
        by_province: dict[int, list] = defaultdict(list)
        for sub in latest:
            by_province[sub.province_id].append(sub)
        communes = await self.stats.national_communes()
        by_field = {code: Counts() for code in FIELDS}
        lines = []
        total_recent = total_in_time = 0
        for province in await self.stats.provinces():
            merged: dict[str, list] = {"field_results": [], "team_results": [], "teams": [], "members": []}
            for sub in by_province.get(province.id, []):
                for key, values in inputs_from_json(sub.inputs).items():
                    merged[key] += values
            scope = Scope("province", province.id, province.code, province.name, province)
            report = build_report(
                scope, period, communes=await self.org.communes_of_province(province.id), **merged
            )
            for code, c in report.by_field.items():
                by_field.setdefault(code, Counts()).add(c)
            active = {t.id for t in merged["teams"] if t.active}
            total_recent += sum(m.recent for m in merged["members"] if m.team_id in active)
            total_in_time += sum(m.recent_trained_in_time for m in merged["members"] if m.team_id in active)
            lines.append(
                ProvinceLine(
                    province,
                    report.cases,
                    report.organisation,
                    report.indicators,
                    communes.get(province.id, 0),
                    len(by_province.get(province.id, [])),
                )
            )
        return national_report(
            period,
            by_field,
            lines,
            total_recent,
            total_in_time,
            "submitted",
            {sub.commune_id: sub for sub in latest},
        )
