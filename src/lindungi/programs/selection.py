"""Selection and enrolment as set-based SQL over the registry (SQLite and PostgreSQL alike).

`programme_select` judges every worker of the programme's region in ONE `INSERT … SELECT`:
a `Candidate` with the first rule that excludes it, or "" and a rank when included, or "quota"
for the waiting list (rules.waiting_list_size); eligible workers beyond that are counted only.
`programme_enrol` turns the included candidates into BPU memberships paid by the programme's
payer and beneficiaries, in two more statements, all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import Conflict, ValidationError
from lindungi.programs import rules, selectors, services
from lindungi.programs.models import (
    Beneficiary,
    Candidate,
    EnrolmentBatch,
    Programme,
    ProgrammeStatus,
    RenewalMode,
    SelectionRun,
)
from lindungi.registry.models import EndReason, Membership

ORDER_TERMS = {
    "decile": "COALESCE(e.welfare_decile, 11) ASC",
    "hazard": "COALESCE(e.hazard, 0) DESC",
    "waiting": "e.registered_at ASC",
    "village_official": "CASE WHEN e.village_role <> '' THEN 0 ELSE 1 END ASC",
    "oldest": "e.birth_date ASC",
    # Renewals in mode "same": the predecessor's beneficiaries who ran to its end rank first.
    "previous": "CASE WHEN e.id IN (SELECT p.worker_id FROM programs_beneficiary p "
    "WHERE p.programme_id = %(predecessor)s AND p.end_reason = '') THEN 0 ELSE 1 END ASC",
}


# Exclusions are uncorrelated `IN (subquery)`: each set is built once (a hashed subplan on
# PostgreSQL, an ephemeral index on SQLite) instead of one probe per worker and rule.
def eligibility_cte(source: str, where: str) -> str:
    """`e`: each worker read by `source` (FROM … naming registry_worker `w`) and `where`, with the
    first rule it fails, or '' when eligible; `{targets}` and `{exclusions}` are filled per
    programme.
    Shared by a selection run and the refill's queue, so both judge a worker alike."""
    return f"""e AS MATERIALIZED (
    SELECT w.id, w.welfare_decile, w.registered_at, w.village_role, w.birth_date,
           o.jkk_risk_group AS hazard,
           CASE
             {{targets}}
             WHEN w.id IN (SELECT b.worker_id FROM programs_beneficiary b
                           WHERE b.programme_id = %(programme)s) THEN 'enrolled'
             {{exclusions}}
             ELSE ''
           END AS reason
    {source}
    LEFT JOIN reference_occupation o ON o.code = w.occupation_id
    {where}"""  # noqa: S608 (constant SQL pieces from this module)


# Only the eligible are ranked, and only the top `kept` (quota + waiting list) of them in full:
# a bounded sort, not one over the whole region. Included rows come first, in rank order.
_KEPT = """
), kept AS (
  SELECT e.id, ROW_NUMBER() OVER (ORDER BY {order}) AS rn
  FROM (SELECT * FROM e WHERE e.reason = '' ORDER BY {order} LIMIT %(kept)s) e
)"""
_ROWS = """
SELECT * FROM (
  SELECT %(run)s AS run_id, k.id AS worker_id,
         CASE WHEN k.rn <= %(quota)s THEN '' ELSE 'quota' END AS reason,
         CASE WHEN k.rn <= %(quota)s THEN k.rn END AS rank
  FROM kept k ORDER BY k.rn
) ranked
UNION ALL
SELECT %(run)s, e.id, e.reason, NULL FROM e WHERE e.reason <> ''
"""
_COLUMNS = "programs_candidate (run_id, worker_id, reason, rank)"
_COUNTS = "SELECT e.reason, COUNT(*) FROM e GROUP BY e.reason"
_IN_REGION = "WHERE w.village_code >= %(low)s AND w.village_code < %(high)s"
_ELIGIBILITY = eligibility_cte("FROM registry_worker w", _IN_REGION)
# PostgreSQL writes the rows and counts every reason over the same `e` in one statement;
# SQLite (no INSERT inside WITH) counts what it listed and the region's workers.
SELECT_SQL = "INSERT INTO " + _COLUMNS + "\nWITH " + _ELIGIBILITY + _KEPT + _ROWS
SELECT_COUNTING_SQL = (
    "WITH "
    + _ELIGIBILITY
    + _KEPT
    + ", added AS (\nINSERT INTO "
    + _COLUMNS
    + _ROWS
    + "RETURNING 1\n)\n"
    + _COUNTS
)
# SQLite: every excluded worker is listed, so the eligible ones are the region's workers minus
# them (exact: the write lock held since the INSERT keeps the region as the statement saw it).
LISTED_SQL = (
    "SELECT reason, COUNT(*) FROM programs_candidate WHERE run_id = %(run)s GROUP BY reason"
)
REGION_SQL = "SELECT COUNT(*) FROM registry_worker w " + _IN_REGION  # noqa: S608 (constant)

# Why a worker is left out, as (reason, condition on registry_worker `w`) in the order of
# rules.REASONS; shared with programs/unprotected.py so both count the same people. The period
# is the parameters `start` and `end`.
Condition = tuple[str, str]
INACTIVE: Condition = ("inactive", "w.status <> 'active'")
OVERLAPS = 'm.start < %(end)s AND (m."end" IS NULL OR m."end" > %(start)s)'
# The exclusions name sets of workers (reason, SELECT of worker_id): selection tests
# `w.id IN (set)`; the unprotected count joins the sets to the workers once instead.
WAGE_EARNER: Condition = (
    "wage_earner",
    f"SELECT m.worker_id FROM registry_membership m WHERE {OVERLAPS} AND m.segment = 'PU'",  # noqa: S608 (constant)
)
PROTECTED: Condition = (
    "protected",
    f"SELECT m.worker_id FROM registry_membership m WHERE {OVERLAPS} AND m.jkk",  # noqa: S608 (constant)
)
SPONSORED: Condition = (
    "sponsored",
    "SELECT b.worker_id FROM programs_beneficiary b "
    'WHERE b.start < %(end)s AND b."end" > %(start)s',
)

ENROL_MEMBERSHIPS_SQL = """
INSERT INTO registry_membership (worker_id, segment, payer_id, jkk, jkm, jht, jp, jkp,
    declared_wage, start, "end", end_reason, kpj, created_at)
SELECT c.worker_id, 'BPU', %(payer)s, TRUE, TRUE, %(jht)s, FALSE, FALSE, %(income)s,
       %(start)s, %(end)s, %(reason)s, NULL, %(now)s
FROM programs_candidate c
WHERE c.run_id = %(run)s AND c.reason = '' AND c.rank IS NOT NULL
  AND c.worker_id NOT IN (SELECT b.worker_id FROM programs_beneficiary b
                          WHERE b.programme_id = %(programme)s)
ORDER BY c.rank
LIMIT %(limit)s
"""
ENROL_BENEFICIARIES_SQL = """
INSERT INTO programs_beneficiary (programme_id, worker_id, membership_id, batch_id, start,
    "end", created_at)
SELECT %(programme)s, m.worker_id, m.id, %(batch)s, m.start, m."end", %(now)s
FROM registry_membership m
WHERE m.payer_id = %(payer)s AND m.id > %(last)s
"""


def _in(column: str, values: Sequence[Any], params: dict[str, Any], name: str) -> str:
    keys = []
    for i, value in enumerate(values):
        params[f"{name}{i}"] = value
        keys.append(f"%({name}{i})s")
    return f"{column} IN ({', '.join(keys)})"


def programme_targets(programme: Programme) -> rules.Targets:
    return rules.Targets(
        region=programme.region_id,
        regions=tuple(programme.target_regions),
        occupations=tuple(programme.target_occupations),
        deciles=tuple(programme.target_deciles),
        village_officials_only=programme.village_officials_only,
        min_age=programme.min_age,
        max_age=programme.max_age,
    )


def target_conditions(
    targets: rules.Targets, start: date, params: dict[str, Any]
) -> list[Condition]:
    """Inactive, then each target group a worker can miss (age counted on `start`), in the
    order of rules.REASONS; binds their values into `params`."""
    conditions = [INACTIVE]
    if targets.regions:
        ranges = []
        for i, prefix in enumerate(targets.regions):
            params[f"rl{i}"], params[f"rh{i}"] = access.region_range(prefix)
            ranges.append(f"(w.village_code >= %(rl{i})s AND w.village_code < %(rh{i})s)")
        conditions.append(("region", f"NOT ({' OR '.join(ranges)})"))
    if targets.occupations:
        column = _in("w.occupation_id", targets.occupations, params, "oc")
        conditions.append(("occupation", f"w.occupation_id IS NULL OR NOT {column}"))
    if targets.deciles:
        column = _in("w.welfare_decile", targets.deciles, params, "dc")
        conditions.append(("decile", f"w.welfare_decile IS NULL OR NOT {column}"))
    if targets.village_officials_only:
        conditions.append(("village_role", "w.village_role = ''"))
    latest, earliest = rules.birth_bounds(start, targets.min_age, targets.max_age)
    params["latest_birth"] = _date(latest)
    age = "w.birth_date > %(latest_birth)s"
    if earliest is not None:
        params["earliest_birth"] = _date(earliest)
        age += " OR w.birth_date < %(earliest_birth)s"
    conditions.append(("age", age))
    return conditions


def exclusion_sets(*, wage_earners: bool, protected: bool) -> list[Condition]:
    """Wage earners and the JKK-protected (as chosen), then those another programme pays for:
    (reason, SELECT of their worker ids) in the order of rules.REASONS."""
    chosen = [(WAGE_EARNER, wage_earners), (PROTECTED, protected), (SPONSORED, True)]
    return [worker_set for worker_set, on in chosen if on]


def case_branches(conditions: Sequence[Condition]) -> str:
    """`WHEN <condition> THEN '<reason>'` lines of a CASE: the first condition that holds wins."""
    return "\n             ".join(f"WHEN ({sql}) THEN '{reason}'" for reason, sql in conditions)


def _date(day: date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def order_sql(programme: Programme, params: dict[str, Any]) -> str:
    """ORDER BY terms over `e` of the programme's priority (a "same" renewal: previous first)."""
    keys = list(programme.priority) or list(rules.DEFAULT_PRIORITY)
    if programme.renewal_mode == RenewalMode.SAME and programme.predecessor_id:
        params["predecessor"] = programme.predecessor_id
        keys.insert(0, "previous")
    return ", ".join([*(ORDER_TERMS[k] for k in keys), "e.id ASC"])


def _select_sql(programme: Programme, params: dict[str, Any], template: str) -> str:
    targets = target_conditions(programme_targets(programme), programme.start_month, params)
    sets = exclusion_sets(
        wage_earners=programme.exclude_wage_earners, protected=programme.exclude_protected
    )
    exclusions = [(reason, f"w.id IN ({select})") for reason, select in sets]
    return template.format(
        order=order_sql(programme, params),
        targets=case_branches(targets),
        exclusions=case_branches(exclusions),
    )


@transaction.atomic
def programme_select(*, programme_id: int, actor: Actor) -> SelectionRun:
    """Rank the programme's region against its targets, exclusions and priority, within quota.

    Each worker a rule leaves out gets a candidate row with that reason; the included ones get
    their rank; the waiting list keeps the next eligible ones in order; the run counts them all.
    """
    programme = selectors.programme_get(
        actor=actor, programme_id=programme_id, permission=access.MANAGE_PROGRAMME
    )
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status in (ProgrammeStatus.CLOSED, ProgrammeStatus.REJECTED):
        raise Conflict(_("Program sudah ditutup atau ditolak."), field="status")
    per_worker = services.cost_per_worker(programme)
    enrolled = Beneficiary.objects.filter(programme=programme).count()
    quota = rules.quota_for(
        budget=programme.budget, per_worker=per_worker, target=programme.quota, enrolled=enrolled
    )
    run = SelectionRun.objects.create(programme=programme, started_by=_user(actor), quota=quota)
    start, end = rules.period(programme.start_month, programme.months)
    low, high = access.region_range(programme.region_id)
    params: dict[str, Any] = {
        "run": run.pk,
        "programme": programme.pk,
        "quota": quota,
        "kept": quota + rules.waiting_list_size(quota),
        "start": _date(start),
        "end": _date(end),
        "low": low,
        "high": high,
    }
    _record_counts(run, _write_candidates(programme, params), params["kept"])
    audit.record(
        actor=actor,
        action="programme.select",
        obj=programme,
        region_code=programme.region_id,
        after={"run": run.pk, "quota": quota, **run.counts},
    )
    return run


def _write_candidates(programme: Programme, params: dict[str, Any]) -> dict[str, int]:
    """Write the run's candidate rows; returns every worker of the region counted by reason."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The ranking sort stays in memory; compiling a one-off plan costs more than it saves.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(_select_sql(programme, params, SELECT_COUNTING_SQL), params)
            return dict(cursor.fetchall())
        cursor.execute(_select_sql(programme, params, SELECT_SQL), params)
        cursor.execute(LISTED_SQL, params)
        by_reason = {reason: n for reason, n in cursor.fetchall() if reason not in ("", "quota")}
        cursor.execute(REGION_SQL, params)
        (workers,) = cursor.fetchone()
    return {"": workers - sum(by_reason.values()), **by_reason}


def _record_counts(run: SelectionRun, by_reason: dict[str, int], kept: int) -> None:
    eligible = by_reason.pop("", 0)
    run.included = min(eligible, run.quota)
    counts = {"included": run.included, **by_reason}
    if eligible > run.included:
        counts["quota"] = eligible - run.included
    run.counts = counts
    run.candidates = sum(counts.values())
    run.waiting = min(eligible, kept) - run.included
    run.save(update_fields=["counts", "candidates", "included", "waiting"])


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "pk", None) else None


class BudgetExhausted(Conflict):
    """Enrolment asked for more places than the remaining budget pays for."""

    code = "budget_exhausted"


def _check_budget(programme: Programme, per_worker: int, wanted: int) -> None:
    enrolled = Beneficiary.objects.filter(programme=programme).count()
    places = rules.quota_for(
        budget=programme.budget, per_worker=per_worker, target=programme.quota, enrolled=enrolled
    )
    remaining = programme.budget - enrolled * per_worker
    if wanted > places:
        message = _(
            "Anggaran program habis: sisa Rp%(remaining)s hanya cukup untuk %(places)s pekerja "
            "(Rp%(per_worker)s per pekerja), diminta %(wanted)s. Tidak ada yang didaftarkan."
        ) % {
            "remaining": f"{remaining:,}".replace(",", "."),
            "places": places,
            "per_worker": f"{per_worker:,}".replace(",", "."),
            "wanted": wanted,
        }
        raise BudgetExhausted(message, field="count")


@transaction.atomic
def programme_enrol(*, programme_id: int, actor: Actor, count: int | None = None) -> EnrolmentBatch:
    """Enrol the next `count` (default all) selected workers; all or nothing, within budget."""
    programme = selectors.programme_get(
        actor=actor, programme_id=programme_id, permission=access.ENROL_BENEFICIARIES
    )
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status not in rules.ENROLLING:
        raise Conflict(_("Program belum disetujui (not approved)."), field="status")
    run = selectors.latest_run(programme)
    if run is None:
        raise ValidationError({"run": _("Jalankan seleksi dulu (run the selection first).")})
    pending = (
        Candidate.objects.filter(run=run, reason="", rank__isnull=False)
        .exclude(worker_id__in=Beneficiary.objects.filter(programme=programme).values("worker"))
        .count()
    )
    wanted = pending if count is None else count
    if wanted <= 0 or wanted > pending:
        raise ValidationError(
            {"count": _("Jumlah harus 1 sampai %(n)s pekerja terpilih.") % {"n": pending}}
        )
    per_worker = services.cost_per_worker(programme)
    _check_budget(programme, per_worker, wanted)
    if programme.status == ProgrammeStatus.APPROVED:
        services.programme_transition(
            programme_id=programme.pk, to=ProgrammeStatus.ACTIVE, actor=actor
        )
    batch = EnrolmentBatch.objects.create(
        programme=programme,
        run=run,
        created_by=_user(actor),
        workers=wanted,
        cost=wanted * per_worker,
    )
    _insert(programme, run, batch, wanted)
    audit.record(
        actor=actor,
        action="programme.enrol",
        obj=programme,
        region_code=programme.region_id,
        after={"batch": batch.pk, "workers": wanted, "cost": batch.cost, "run": run.pk},
    )
    return batch


def _insert(programme: Programme, run: SelectionRun, batch: EnrolmentBatch, limit: int) -> None:
    start, end = rules.period(programme.start_month, programme.months)
    params = {
        "payer": programme.payer_id,
        "jht": programme.jht,
        "income": programme.declared_income,
        "start": _date(start),
        "end": _date(end),
        "reason": EndReason.PROGRAM_ENDED.value,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "run": run.pk,
        "programme": programme.pk,
        "limit": limit,
        "batch": batch.pk,
    }
    # The programme row is locked, so the payer's memberships above `last` are this batch's.
    # (An anti-join against the table being filled would rescan it per row: quadratic.)
    last = Membership.objects.filter(payer_id=programme.payer_id).aggregate(m=Max("id"))["m"]
    params["last"] = last or 0
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(ENROL_MEMBERSHIPS_SQL, params)
            cursor.execute(ENROL_BENEFICIARIES_SQL, params)
            inserted = cursor.rowcount
    except IntegrityError as exc:
        raise Conflict(
            _(
                "Sebagian pekerja terpilih sudah terlindungi atau dibiayai program lain sejak "
                "seleksi; jalankan seleksi ulang. Tidak ada yang didaftarkan."
            ),
            field="run",
        ) from exc
    if inserted != limit:
        raise Conflict(_("Jumlah pendaftaran tidak cocok; dibatalkan."), field="run")
