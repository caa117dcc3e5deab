"""The eligible population still unprotected, by region (issue 5): one GROUP BY over the registry.

For the child regions of a region (Indonesia → provinces → regencies → districts → villages):
the active workers of the target groups (age on the first day of the month, occupations,
welfare deciles, village officials), and of them how many are wage earners, protected (a
membership with JKK overlapping the month, or paid for by a programme) and unprotected — with
the conditions of a selection run (`selection.target_conditions`, `exclusion_sets`), so a
one-month programme starting that month selects exactly the unprotected counted here. Then what
covering them all for N months costs at the planner's per-worker cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from lindungi.contributions.rules import Programme as Prog
from lindungi.core import access
from lindungi.core.access import Actor
from lindungi.core.errors import NotFound, ValidationError
from lindungi.programs import planner, rules, selection, selectors
from lindungi.reference.models import Occupation, Region, undotted
from lindungi.reference.rules import lineage

# Width of a child's code under a region code of this length ('' is Indonesia); a village is
# its own only row.
CHILD_WIDTH = {0: 2, 2: 4, 4: 6, 6: 10, 10: 10}
PROTECTED_REASONS = frozenset({"protected", "sponsored"})
FIELDS = {"target_deciles": "deciles"}  # rules.check_targets names programme fields
# The exclusion sets are joined to the workers once (a hash join on PostgreSQL, one automatic
# index on SQLite) rather than probed per worker and set: the first set holding a worker (the
# lowest k) gives its reason, as the first true `WHEN w.id IN (set)` does in a selection. Each
# worker falls in one cell, child region x 16 + reason number (0 = unprotected): one integer key
# sorts a third faster than (code, reason) text on SQLite, which groups by sorting.
COUNT_SQL = """
WITH covered AS (
    SELECT x.worker_id, MIN(x.k) AS k FROM ({sets}) x GROUP BY x.worker_id
)
SELECT CAST(substr(w.village_code, 1, {width}) AS BIGINT) * 16
       + CASE
           {reasons}
           ELSE 0
         END AS cell,
       COUNT(*)
FROM registry_worker w{scan}
LEFT JOIN covered c ON c.worker_id = w.id
WHERE {region}
GROUP BY 1
"""


@dataclass(frozen=True)
class UnprotectedQuery:
    """Who counts (target groups on `month`) and how the cost is planned (`months`, income)."""

    month: date
    region: str = ""  # '' = Indonesia
    months: int = 12
    income: int = 1_000_000
    jht: bool = False
    occupations: tuple[str, ...] = ()
    deciles: tuple[int, ...] = ()
    village_officials_only: bool = False
    min_age: int = 18
    max_age: int | None = None

    def targets(self) -> rules.Targets:
        return rules.Targets(
            region=self.region,
            occupations=self.occupations,
            deciles=self.deciles,
            village_officials_only=self.village_officials_only,
            min_age=self.min_age,
            max_age=self.max_age,
        )

    def scenario(self) -> planner.Scenario:
        chosen = planner.BASIC | ({Prog.JHT} if self.jht else set())
        return planner.Scenario("", self.month, self.months, frozenset(chosen), self.income)


def query_from(
    *,
    region: str = "",
    month: date | None = None,
    months: int = 12,
    income: int = 1_000_000,
    jht: bool = False,
    occupations: Sequence[str] = (),
    deciles: Sequence[int] = (),
    village_officials_only: bool = False,
    min_age: int = 18,
    max_age: int | None = None,
    today: date,
) -> UnprotectedQuery:
    """Check filters as typed (web form, API query); each error names its field and value."""
    query = UnprotectedQuery(
        month=(month or rules.add_months(today.replace(day=1), 1)).replace(day=1),
        region=undotted(region or ""),
        months=months,
        income=income,
        jht=jht,
        occupations=tuple(dict.fromkeys(o.strip() for o in occupations if o.strip())),
        deciles=tuple(sorted(set(deciles))),
        village_officials_only=village_officials_only,
        min_age=min_age,
        max_age=max_age,
    )
    errors = {FIELDS.get(k, k): v for k, v in rules.check_targets(query.targets(), ()).items()}
    if not 1 <= months <= 60:
        errors["months"] = str(rules.MSG_MONTHS)
    if not 0 <= min_age <= 120:
        errors["min_age"] = _("Usia minimum %(value)s di luar 0 sampai 120.") % {"value": min_age}
    known = set(
        Occupation.objects.filter(code__in=query.occupations).values_list("code", flat=True)
    )
    unknown = [o for o in query.occupations if o not in known]
    if unknown:
        errors["occupations"] = _("Kode pekerjaan tidak dikenal: %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
    if errors:
        raise ValidationError(errors)
    return query


@dataclass(frozen=True)
class RegionRow:
    code: str  # '' = Indonesia
    name: str
    target: int = 0  # active workers of the target groups
    wage_earners: int = 0  # of them: a PU membership overlapping the month
    protected: int = 0  # of them: JKK overlapping the month, or a programme's beneficiary
    unprotected: int = 0  # of them: none of the above
    cost: int = 0  # covering the unprotected for the query's months

    @property
    def drillable(self) -> bool:
        return len(self.code) < 10


@dataclass(frozen=True)
class Unprotected:
    query: UnprotectedQuery
    place: RegionRow  # the chosen region with the totals of its rows
    trail: list[tuple[str, str]]  # (code, name) from the top of the actor's scope down, to link
    rows: list[RegionRow]
    plan: planner.Plan  # covering every unprotected worker for the query's months
    counts: dict[str, int] = field(default_factory=dict)  # workers of the region by reason

    @property
    def per_worker(self) -> int:
        return self.plan.per_worker


def unprotected_by_region(*, actor: Actor, query: UnprotectedQuery) -> Unprotected:
    """Per child region of `query.region` (inside the actor's scope, else NotFound): the target
    groups' active workers and how many of them no one protects in `query.month`. An empty
    region is Indonesia for national users and the first region of a scoped user."""
    access.require(actor, access.VIEW_PROGRAMME)
    prefixes = actor.region_prefixes
    if not query.region and prefixes:
        query = replace(query, region=prefixes[0])
    code = query.region
    if prefixes and not any(code.startswith(p) for p in prefixes):
        raise NotFound("region")
    names = _names(code, prefixes)
    by_code, counts = _count(query)
    plan = selectors.plan(query.scenario(), workers=counts.get("", 0))
    rows = [_row(c, n, by_code.get(c, {}), plan.per_worker) for c, n in _children(code, by_code)]
    place = _row(code, names[-1][1], counts, plan.per_worker)
    return Unprotected(query, place, names, rows, plan, counts)


def _names(code: str, prefixes: Sequence[str]) -> list[tuple[str, str]]:
    """(code, name) of the region and the regions above it that the actor may open."""
    try:
        codes = lineage(code) if code else []
    except ValueError as exc:
        raise NotFound("region") from exc
    found = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    if code and code not in found:
        raise NotFound("region")
    trail = [("", "Indonesia")] + [(c, found[c]) for c in codes if c in found]
    return [(c, n) for c, n in trail if not prefixes or any(c.startswith(p) for p in prefixes)]


def count_sql(query: UnprotectedQuery) -> tuple[str, dict[str, Any], list[str]]:
    """The one statement that scans, its parameters, and the reason of each cell number."""
    start, end = rules.period(query.month, 1)
    params: dict[str, Any] = {"start": _date(start), "end": _date(end)}
    targets = selection.target_conditions(query.targets(), query.month, params)
    sets = selection.exclusion_sets(wage_earners=True, protected=True)
    conditions = targets + [(reason, f"c.k = {k}") for k, (reason, _s) in enumerate(sets)]
    region, scan = "1 = 1", ""
    if query.region:
        params["low"], params["high"] = access.region_range(query.region)
        region = "w.village_code >= %(low)s AND w.village_code < %(high)s"
    if connection.vendor == "sqlite" and len(query.region) <= 4:
        # A SQLite database serves one office: a regency is most of its workers, and reading
        # them through the village index costs a random row lookup each (~12x a plain scan).
        scan = " NOT INDEXED"
    sql = COUNT_SQL.format(
        sets=" UNION ALL ".join(
            f"SELECT s{k}.worker_id, {k} AS k FROM ({select}) s{k}"  # noqa: S608 (constants)
            for k, (_reason, select) in enumerate(sets)
        ),
        width=CHILD_WIDTH[len(query.region)],
        reasons="\n           ".join(
            f"WHEN ({condition}) THEN {n}" for n, (_r, condition) in enumerate(conditions, 1)
        ),
        scan=scan,
        region=region,
    )
    return sql, params, ["", *(reason for reason, _c in conditions)]


def _count(query: UnprotectedQuery) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    sql, params, reasons = count_sql(query)
    width = CHILD_WIDTH[len(query.region)]
    by_code: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The exclusion sets' hash table and the aggregate stay in memory.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, params)
        for cell, n in cursor.fetchall():
            child, reason = str(cell // 16).zfill(width), reasons[cell % 16]
            by_code[child][reason] += n
            counts[reason] += n
    return by_code, dict(counts)


def _date(day: date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _children(code: str, by_code: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, name) of every child region, with those having none shown too; a code workers
    carry that is no longer a current child (historic) gets a row of its own."""
    if len(code) == 10:
        children = list(Region.objects.filter(code=code).values_list("code", "name"))
    else:
        qs = Region.objects.filter(parent_id=code) if code else Region.objects.filter(level=1)
        children = list(qs.filter(historic=False).order_by("code").values_list("code", "name"))
    extra = sorted(set(by_code) - {c for c, _n in children})
    if extra:
        named = dict(Region.objects.filter(code__in=extra).values_list("code", "name"))
        children += [(c, named.get(c, c)) for c in extra]
    return children


def _row(code: str, name: str, reasons: dict[str, int], per_worker: int) -> RegionRow:
    unprotected = reasons.get("", 0)
    wage_earners = reasons.get("wage_earner", 0)
    protected = sum(n for r, n in reasons.items() if r in PROTECTED_REASONS)
    return RegionRow(
        code=code,
        name=name,
        target=unprotected + wage_earners + protected,
        wage_earners=wage_earners,
        protected=protected,
        unprotected=unprotected,
        cost=unprotected * per_worker,
    )
