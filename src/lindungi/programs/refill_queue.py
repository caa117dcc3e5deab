"""The refill queue: the latest run's "quota" candidates, eligibility checked again now.

The run stores no rank for its quota rows, so the queue is ordered by the same ORDER BY the
run ranked with (selection.order_sql: the programme's priority keys, then worker id); on
unchanged data that is the run's own order. Each candidate is checked against the same
conditions as the selection (selection.target_conditions / exclusion_sets, age counted
on the programme's first month), for the remaining months [start, period end), plus: still
inside the programme's region, and holding no BPU membership then (the registry refuses two).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.core import access
from lindungi.core.errors import Conflict
from lindungi.programs import rules, selection, selectors
from lindungi.programs.models import EnrolmentBatch, Programme
from lindungi.registry.models import EndReason, Membership

REGION: selection.Condition = (
    "region",
    "NOT (w.village_code >= %(low)s AND w.village_code < %(high)s)",
)
BPU_HELD: selection.Condition = (
    "protected",
    f"w.id IN (SELECT m.worker_id FROM registry_membership m WHERE m.segment = 'BPU' AND "  # noqa: S608 (constant)
    f"{selection.OVERLAPS})",
)
QUEUE = (
    "WITH "
    + selection.eligibility_cte(
        "FROM programs_candidate c JOIN registry_worker w ON w.id = c.worker_id",
        "WHERE c.run_id = %(run)s AND c.reason = 'quota'",
    )
    + "\n)\n"
)
COUNTS = "SELECT e.reason, COUNT(*) FROM e GROUP BY e.reason"
NEXT = "SELECT e.id FROM e WHERE e.reason = '' ORDER BY {order} LIMIT %(limit)s"
MEMBERSHIPS = """
INSERT INTO registry_membership (worker_id, segment, payer_id, jkk, jkm, jht, jp, jkp,
    declared_wage, start, "end", end_reason, kpj, created_at)
{queue}
SELECT e.id, 'BPU', %(payer)s, TRUE, TRUE, %(jht)s, FALSE, FALSE, %(income)s,
       %(start)s, %(end)s, %(reason)s, NULL, %(now)s
FROM e WHERE e.reason = '' ORDER BY {order} LIMIT %(limit)s
"""


def queue_sql(programme: Programme, start: date) -> tuple[str, dict[str, Any], str]:
    """The CTE `e` (every quota candidate with its reason now), its parameters, the ORDER BY."""
    run = selectors.latest_run(programme)
    low, high = access.region_range(programme.region_id)
    params: dict[str, Any] = {
        "run": run.pk if run else 0,
        "programme": programme.pk,
        "low": low,
        "high": high,
        "start": _date(start),
        "end": _date(rules.add_months(programme.start_month, programme.months)),
    }
    targets = selection.target_conditions(
        selection.programme_targets(programme), programme.start_month, params
    )
    targets.insert(1, REGION)  # after "inactive": the worker may have moved out since
    sets = selection.exclusion_sets(
        wage_earners=programme.exclude_wage_earners, protected=programme.exclude_protected
    )
    exclusions = [(reason, f"w.id IN ({select})") for reason, select in sets]
    cte = QUEUE.format(
        targets=selection.case_branches(targets),
        exclusions=selection.case_branches([*exclusions, BPU_HELD]),
    )
    return cte, params, selection.order_sql(programme, params)


def _date(day: date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _run(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


def counts(programme: Programme, start: date) -> dict[str, int]:
    """Queue candidates by their reason now ("" = still eligible)."""
    cte, params, _order = queue_sql(programme, start)
    return dict(_run(cte + COUNTS, params))


def next_ids(programme: Programme, start: date, limit: int) -> list[int]:
    """The first `limit` still-eligible candidates, in rank order."""
    cte, params, order = queue_sql(programme, start)
    params["limit"] = limit
    return [row[0] for row in _run(cte + NEXT.format(order=order), params)]


def enrol(programme: Programme, start: date, batch: EnrolmentBatch, limit: int) -> None:
    """Memberships and beneficiaries for the next `limit` eligible, from `start` to the end."""
    cte, params, order = queue_sql(programme, start)
    # The programme row is locked: the payer's memberships above `last` are this batch's.
    last = Membership.objects.filter(payer_id=programme.payer_id).aggregate(m=Max("id"))["m"]
    params |= {
        "payer": programme.payer_id,
        "jht": programme.jht,
        "income": programme.declared_income,
        "reason": EndReason.PROGRAM_ENDED.value,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "limit": limit,
        "batch": batch.pk,
        "last": last or 0,
    }
    try:
        with transaction.atomic():
            _run(MEMBERSHIPS.format(queue=cte, order=order), params)
            _run(selection.ENROL_BENEFICIARIES_SQL, params)
    except IntegrityError as exc:
        raise Conflict(
            _("Calon pengganti bentrok dengan kepesertaan lain; tidak ada yang diubah."),
            field="run",
        ) from exc
