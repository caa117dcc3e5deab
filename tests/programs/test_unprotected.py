"""The eligible population still unprotected, by region: exact counts that agree with a
selection run, drill-down, cost, scope and refusals, query counts; selector, API and screen."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from tests.programs.test_api import Api

from lindungi.accounts.models import User
from lindungi.core.errors import NotFound, PermissionDenied, ValidationError
from lindungi.programs.models import Candidate, Programme
from lindungi.programs.selection import programme_enrol, programme_select
from lindungi.programs.unprotected import UnprotectedQuery, query_from, unprotected_by_region
from lindungi.reference.models import Region
from lindungi.registry.models import Membership, Worker

pytestmark = pytest.mark.django_db
JAN = date(2027, 1, 1)
TODAY = date(2026, 11, 25)
PER_MONTH = 16_800  # JKK 1 % of Rp1,000,000 + JKM Rp6,800 (PP 44/2015)
DISTRICT_1, DISTRICT_2 = "640201", "640202"
VILLAGE_2 = "6402022001"


@pytest.fixture
def registry(
    make_worker: Callable[..., Worker], make_membership: Callable[..., Membership]
) -> dict[str, Worker]:
    """Kutai Kartanegara: two districts; one worker in Kubu Raya. Decile 1 unless named."""
    w = {
        "free": make_worker(full_name="Free"),
        "decile 2": make_worker(full_name="Decile 2", welfare_decile=2),
        "rich": make_worker(full_name="Rich", welfare_decile=9),
        "no decile": make_worker(full_name="No decile", welfare_decile=None),
        "official": make_worker(full_name="Official", village_role="kepala_desa"),
        "child": make_worker(full_name="Child", birth_date=date(2010, 5, 1)),
        "turns 18": make_worker(full_name="Turns 18", birth_date=date(2009, 1, 1)),
        "old": make_worker(full_name="Old", birth_date=date(1950, 1, 1)),
        "dead": make_worker(full_name="Dead", status="deceased", ended_on=date(2026, 1, 1)),
        "self-paying": make_worker(full_name="Self-paying"),
        "lapsed": make_worker(full_name="Lapsed"),
        "later": make_worker(full_name="Starts later"),
        "no jkk": make_worker(full_name="JKM only"),
        "employee": make_worker(full_name="Employee"),
        "elsewhere": make_worker(full_name="Elsewhere", village_id=VILLAGE_2),
        "elsewhere employee": make_worker(full_name="Elsewhere employee", village_id=VILLAGE_2),
        "kubu raya": make_worker(full_name="Kubu Raya", village_id="6112012001"),
    }
    make_membership(w["self-paying"], start=date(2026, 6, 1))
    make_membership(w["lapsed"], start=date(2025, 1, 1), end=date(2027, 1, 1), end_reason="lapsed")
    make_membership(w["later"], start=date(2027, 3, 1))  # protected from March only
    make_membership(w["no jkk"], jkk=False)
    for key in ("employee", "elsewhere employee"):
        make_membership(w[key], segment="PU", declared_wage=4_000_000)
    return w


def _query(**values: Any) -> UnprotectedQuery:
    return query_from(**({"region": "6402", "month": JAN} | values), today=TODAY)


def _figures(row: Any) -> tuple[int, int, int, int, int]:
    return (row.target, row.wage_earners, row.protected, row.unprotected, row.cost)


def test_counts_per_district_with_cost(registry: dict[str, Worker], planner_kukar: User) -> None:
    found = unprotected_by_region(actor=planner_kukar, query=_query())
    rows = {r.code: _figures(r) for r in found.rows}
    per_worker = 12 * PER_MONTH  # 201,600
    # 640201: 14 workers; child, old? (no max age: old counts), dead left out → 12 of the
    # target groups; employee earns a wage; self-paying is protected; the rest are not —
    # lapsed ended before January, later starts in March, JKM only has no JKK.
    assert rows[DISTRICT_1] == (12, 1, 1, 10, 10 * per_worker)
    assert rows[DISTRICT_2] == (2, 1, 0, 1, per_worker)
    assert sum(f[0] for f in rows.values()) == 14  # every other district is empty
    assert [r.code for r in found.rows][:2] == [DISTRICT_1, DISTRICT_2]
    assert len(found.rows) == Region.objects.filter(parent_id="6402", historic=False).count()
    assert _figures(found.place) == (14, 2, 1, 11, 11 * per_worker)
    assert (found.per_worker, found.plan.workers, found.plan.cost) == (
        per_worker,
        11,
        2_217_600,
    )
    assert found.counts == {
        "": 11,
        "age": 1,  # the child; "turns 18" is 18 on 1 January 2027
        "inactive": 1,
        "protected": 1,
        "wage_earner": 2,
    }


@pytest.mark.parametrize(
    ("filters", "district_1"),
    [
        ({"deciles": [1, 2]}, (10, 1, 1, 8)),  # rich (9) and no decile out
        ({"deciles": [9]}, (1, 0, 0, 1)),
        ({"village_officials_only": True}, (1, 0, 0, 1)),
        ({"max_age": 60}, (11, 1, 1, 9)),  # old (77) out
        ({"min_age": 19}, (11, 1, 1, 9)),  # turns 18 out
        ({"occupations": ["nelayan"]}, (0, 0, 0, 0)),  # nobody has an occupation
        ({"month": date(2027, 3, 1)}, (12, 1, 2, 9)),  # later is protected in March
        ({"month": date(2026, 6, 1)}, (11, 1, 2, 8)),  # lapsed still on; turns 18 is 17
    ],
)
def test_target_groups_and_month(
    registry: dict[str, Worker],
    planner_kukar: User,
    filters: dict[str, Any],
    district_1: tuple[int, int, int, int],
) -> None:
    found = unprotected_by_region(actor=planner_kukar, query=_query(**filters))
    row = next(r for r in found.rows if r.code == DISTRICT_1)
    assert _figures(row)[:4] == district_1


def test_occupation_filter_counts_those_with_it(
    registry: dict[str, Worker], planner_kukar: User
) -> None:
    Worker.objects.filter(pk=registry["free"].pk).update(occupation_id="nelayan")
    found = unprotected_by_region(actor=planner_kukar, query=_query(occupations=["nelayan"]))
    assert _figures(found.place)[:4] == (1, 0, 0, 1)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"deciles": (1, 2)},
        {"village_officials_only": True},
        {"max_age": 60, "min_age": 19},
    ],
)
def test_agrees_with_a_one_month_selection(
    registry: dict[str, Worker],
    planner_kukar: User,
    approved_programme: Callable[..., Programme],
    filters: dict[str, Any],
) -> None:
    targets = {
        "target_deciles": filters.get("deciles", ()),
        "village_officials_only": filters.get("village_officials_only", False),
        "min_age": filters.get("min_age", 18),
        "max_age": filters.get("max_age"),
    }
    programme = approved_programme(months=1, **targets)
    run = programme_select(programme_id=programme.pk, actor=planner_kukar)
    chosen = Candidate.objects.filter(run=run, reason__in=("", "quota"))
    by_district = Counter(v[:6] for v in chosen.values_list("worker__village_id", flat=True))
    found = unprotected_by_region(actor=planner_kukar, query=_query(**filters))
    assert {r.code: r.unprotected for r in found.rows if r.unprotected} == dict(by_district)
    assert found.place.unprotected == run.included + run.counts.get("quota", 0)
    excluded = {k: n for k, n in run.counts.items() if k in ("wage_earner", "protected")}
    assert {"wage_earner": found.place.wage_earners, "protected": found.place.protected} == (
        {"wage_earner": 0, "protected": 0} | excluded
    )


def test_a_twelve_month_selection_also_leaves_out_those_protected_later(
    registry: dict[str, Worker],
    planner_kukar: User,
    approved_programme: Callable[..., Programme],
) -> None:
    run = programme_select(programme_id=approved_programme().pk, actor=planner_kukar)
    found = unprotected_by_region(actor=planner_kukar, query=_query())
    assert run.counts["protected"] == found.place.protected + 1  # "Starts later"


def test_beneficiaries_of_a_programme_count_as_protected(
    registry: dict[str, Worker],
    planner_kukar: User,
    approved_programme: Callable[..., Programme],
) -> None:
    programme = approved_programme(quota=2)
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    found = unprotected_by_region(actor=planner_kukar, query=_query())
    assert _figures(found.place)[:4] == (14, 2, 3, 9)


def test_drill_down_to_villages_and_a_village(
    registry: dict[str, Worker], planner_kukar: User
) -> None:
    found = unprotected_by_region(actor=planner_kukar, query=_query(region="64.02.01"))
    villages = Region.objects.filter(parent_id=DISTRICT_1, historic=False).count()
    assert len(found.rows) == villages
    assert [(r.code, r.unprotected) for r in found.rows if r.target] == [("6402012001", 10)]
    assert [c for c, _n in found.trail] == ["6402", DISTRICT_1]
    one = unprotected_by_region(actor=planner_kukar, query=_query(region="6402012001"))
    assert [(r.code, r.unprotected, r.drillable) for r in one.rows] == [("6402012001", 10, False)]


def test_national_user_sees_provinces(registry: dict[str, Worker], admin: User) -> None:
    found = unprotected_by_region(actor=admin, query=_query(region=""))
    rows = {r.code: r.unprotected for r in found.rows}
    assert (rows["64"], rows["61"], found.place.unprotected) == (11, 1, 12)
    assert found.trail == [("", "Indonesia")]


def test_scoped_user_defaults_to_their_region(
    registry: dict[str, Worker], planner_kukar: User
) -> None:
    found = unprotected_by_region(actor=planner_kukar, query=_query(region=""))
    assert (found.query.region, found.place.unprotected) == ("6402", 11)


@pytest.mark.parametrize(
    ("persona", "region"),
    [
        ("planner_kukar", "6112"),  # another regency
        ("planner_kukar", "64"),  # the province above
        ("planner_kukar", "6112012001"),
        ("planner_kukar", "9999"),
        ("branch_officer_kubu_raya", "6402"),
        ("admin", "9999"),  # no such region
    ],
)
def test_outside_the_scope_reads_as_missing(
    registry: dict[str, Worker], request: pytest.FixtureRequest, persona: str, region: str
) -> None:
    actor = request.getfixturevalue(persona)
    with pytest.raises(NotFound):
        unprotected_by_region(actor=actor, query=_query(region=region))


def test_roles_without_programmes_are_refused_and_nothing_changes(
    registry: dict[str, Worker], dprd_kaltim: User, counts: Callable[[], dict[str, int]]
) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        unprotected_by_region(actor=dprd_kaltim, query=_query())
    assert counts() == before


@pytest.mark.parametrize(
    ("values", "field", "text"),
    [
        ({"deciles": [0, 11]}, "deciles", "1 sampai 10"),
        ({"min_age": 40, "max_age": 30}, "max_age", "tidak kurang"),
        ({"occupations": ["nelayan", "astronot"]}, "occupations", "astronot"),
        ({"months": 61}, "months", "60"),
        ({"min_age": 130}, "min_age", "130"),
    ],
)
def test_bad_filters_name_the_field_and_value(
    values: dict[str, Any], field: str, text: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _query(**values)
    assert list(caught.value.errors) == [field]
    assert text in caught.value.errors[field][0]


def test_income_outside_the_bracket_is_refused(planner_kukar: User) -> None:
    with pytest.raises(ValidationError) as caught:
        unprotected_by_region(actor=planner_kukar, query=_query(income=100))
    assert "income" in caught.value.errors


def test_query_count_does_not_grow_with_workers_or_regions(
    registry: dict[str, Worker],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
    django_assert_num_queries: Any,
) -> None:
    query = _query(occupations=["nelayan"])
    queries = QUERIES + (connection.vendor == "postgresql")
    with django_assert_num_queries(queries):
        unprotected_by_region(actor=planner_kukar, query=query)
    others = Region.objects.filter(level=4, code__startswith="6402").exclude(parent_id=DISTRICT_1)
    for village in others.values_list("code", flat=True)[:20]:
        make_worker(village_id=village)
    with django_assert_num_queries(queries):
        unprotected_by_region(actor=planner_kukar, query=query)


# Region names (1), the GROUP BY in its savepoint (3, PostgreSQL: + SET LOCAL work_mem), the
# child regions (1); then the planner reads the rule tables in force for each of the 12 months
# (7 each), as the planner page does.
QUERIES = 5 + 7 * 12


# --- API ---------------------------------------------------------------------------------


def test_api_as_in_the_issue(registry: dict[str, Worker], planner_kukar: User) -> None:
    response = Api(planner_kukar).get(
        "/programs/planner/unprotected?region=64.02&occupations=&deciles=1,2&min_age=&max_age="
        "&village_officials_only=&month=2027-01"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["region"] == {
        "code": "6402",
        "name": Region.objects.get(code="6402").name,
        "target": 12,
        "wage_earners": 2,
        "protected": 1,
        "unprotected": 9,
        "cost": 9 * 201_600,
    }
    assert (body["month"], body["months"], body["programmes"], body["per_worker"]) == (
        "2027-01",
        12,
        ["JKK", "JKM"],
        201_600,
    )
    assert body["cost"] == 1_814_400
    assert [(r["code"], r["unprotected"]) for r in body["rows"][:2]] == [
        (DISTRICT_1, 8),
        (DISTRICT_2, 1),
    ]
    assert [t["code"] for t in body["trail"]] == ["6402"]


def test_api_plans_another_package_and_length(
    registry: dict[str, Worker], planner_kukar: User
) -> None:
    body = (
        Api(planner_kukar)
        .get(
            "/programs/planner/unprotected",
            region="640202",
            month="2027-01",
            months="6",
            jht="true",
        )
        .json()
    )
    assert (body["per_worker"], body["cost"], body["programmes"]) == (
        6 * 36_800,  # + JHT 2 % of Rp1,000,000
        6 * 36_800,
        ["JKK", "JKM", "JHT"],
    )


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"region": "6112"}, 404, None),
        ({"month": "Januari"}, 422, "month"),
        ({"deciles": "1,x"}, 422, "deciles"),
        ({"min_age": "tua"}, 422, "min_age"),
        ({"village_officials_only": "mungkin"}, 422, "village_officials_only"),
        ({"income": "100"}, 422, "income"),
    ],
)
def test_api_refusals(
    planner_kukar: User, params: dict[str, str], status: int, field: str | None
) -> None:
    response = Api(planner_kukar).get("/programs/planner/unprotected", **params)
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["errors"]


def test_api_refuses_roles_without_programmes(dprd_kaltim: User) -> None:
    assert Api(dprd_kaltim).get("/programs/planner/unprotected").status_code == 403


# --- screen ------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_planner_loads_the_section_with_its_first_scenario(planner_kukar: User) -> None:
    page = _client(planner_kukar).get("/programs/planner/?budget=1000&s1_start=2027-01&s1_months=6")
    html = page.content.decode()
    assert 'hx-get="/programs/planner/unprotected/?budget=1000&amp;s1_start=2027-01' in html


def test_section_drills_down_and_keeps_the_filters(
    registry: dict[str, Worker], planner_kukar: User
) -> None:
    client = _client(planner_kukar)
    response = client.get(
        "/programs/planner/unprotected/?s1_start=2027-01&s1_months=6&budget=1",
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # the partial only
    assert f'<tr data-code="{DISTRICT_1}">' in html
    assert 'class="num unprotected">11<' in html
    assert "Rp1.108.800" in html  # 11 x 6 x 16,800
    assert f"?region={DISTRICT_1}&amp;month=2027-01&amp;months=6" in html
    page = client.get(f"/programs/planner/unprotected/?region={DISTRICT_1}&month=2027-01&deciles=1")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<html" in text
    assert '<tr data-code="6402012001">' in text
    assert 'class="num unprotected">7<' in text  # decile 1 only


def test_section_shows_bad_filters_and_refuses_other_regions(
    planner_kukar: User, dprd_kaltim: User
) -> None:
    client = _client(planner_kukar)
    bad = client.get("/programs/planner/unprotected/?min_age=40&max_age=30")
    assert bad.status_code == 422
    assert "field-error" in bad.content.decode()
    assert client.get("/programs/planner/unprotected/?region=6112").status_code == 404
    assert _client(dprd_kaltim).get("/programs/planner/unprotected/").status_code == 403
