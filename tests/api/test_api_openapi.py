"""The OpenAPI document and the interactive docs are served and list every endpoint."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

EXPECTED_OPERATIONS = {
    ("get", "/api/v1/analytics/coverage"),
    ("get", "/api/v1/arrears/payers"),
    ("get", "/api/v1/arrears/regions"),
    ("get", "/api/v1/billing/runs"),
    ("post", "/api/v1/billing/runs"),
    ("get", "/api/v1/billing/runs/{run_id}"),
    ("get", "/api/v1/compliance/board"),
    ("get", "/api/v1/compliance/cases"),
    ("post", "/api/v1/compliance/cases"),
    ("get", "/api/v1/compliance/cases/{case_id}"),
    ("post", "/api/v1/compliance/cases/{case_id}/assign"),
    ("post", "/api/v1/compliance/cases/{case_id}/move"),
    ("post", "/api/v1/compliance/cases/{case_id}/notes"),
    ("post", "/api/v1/compliance/crosschecks"),
    ("get", "/api/v1/compliance/findings"),
    ("get", "/api/v1/compliance/findings/summary"),
    ("post", "/api/v1/compliance/imports"),
    ("get", "/api/v1/compliance/letters/{letter_id}.pdf"),
    ("get", "/api/v1/compliance/recovery"),
    ("get", "/api/v1/compliance/workload"),
    ("get", "/api/v1/donations/donations/{donation_id}/receipt.pdf"),
    ("post", "/api/v1/donations/donations/{donation_id}/reverse"),
    ("get", "/api/v1/donations/donors"),
    ("get", "/api/v1/donations/donors/{donor_id}/impact"),
    ("get", "/api/v1/donations/donors/{donor_id}/impact.pdf"),
    ("post", "/api/v1/donations/pledges/{pledge_id}/cancel"),
    ("get", "/api/v1/donations/pools"),
    ("post", "/api/v1/donations/pools"),
    ("get", "/api/v1/donations/pools/{pool_id}"),
    ("post", "/api/v1/donations/pools/{pool_id}/allocate"),
    ("get", "/api/v1/donations/pools/{pool_id}/donations"),
    ("post", "/api/v1/donations/pools/{pool_id}/donations"),
    ("get", "/api/v1/donations/pools/{pool_id}/donors"),
    ("post", "/api/v1/donations/pools/{pool_id}/donors"),
    ("get", "/api/v1/donations/pools/{pool_id}/pledges"),
    ("post", "/api/v1/donations/pools/{pool_id}/pledges"),
    ("get", "/api/v1/employers"),
    ("post", "/api/v1/employers"),
    ("get", "/api/v1/employers/{employer_id}"),
    ("patch", "/api/v1/employers/{employer_id}"),
    ("get", "/api/v1/employers/{employer_id}/members"),
    ("post", "/api/v1/imports"),
    ("get", "/api/v1/imports"),
    ("post", "/api/v1/imports/preview"),
    ("get", "/api/v1/imports/reviews"),
    ("post", "/api/v1/imports/reviews/{item_id}/decide"),
    ("get", "/api/v1/imports/templates"),
    ("post", "/api/v1/imports/templates"),
    ("get", "/api/v1/imports/{job_id}"),
    ("get", "/api/v1/imports/{job_id}/problems.xlsx"),
    ("post", "/api/v1/imports/{job_id}/undo"),
    ("get", "/api/v1/invoices"),
    ("get", "/api/v1/invoices/{invoice_id}"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/memberships"),
    ("post", "/api/v1/memberships/{membership_id}/end"),
    ("get", "/api/v1/occupations"),
    ("get", "/api/v1/payers/{payer_id}/statement"),
    ("get", "/api/v1/payments"),
    ("post", "/api/v1/payments"),
    ("post", "/api/v1/payments/imports"),
    ("get", "/api/v1/payments/imports/{import_id}"),
    ("get", "/api/v1/payments/payers"),
    ("get", "/api/v1/payments/unmatched"),
    ("get", "/api/v1/payments/{payment_id}"),
    ("post", "/api/v1/payments/{payment_id}/match"),
    ("post", "/api/v1/payments/{payment_id}/reverse"),
    ("get", "/api/v1/programs"),
    ("post", "/api/v1/programs"),
    ("post", "/api/v1/programs/plan"),
    ("get", "/api/v1/programs/planner/unprotected"),
    ("get", "/api/v1/programs/sponsors"),
    ("post", "/api/v1/programs/sponsors"),
    ("get", "/api/v1/programs/{programme_id}"),
    ("get", "/api/v1/programs/{programme_id}/batches/{batch_id}/xlsx"),
    ("get", "/api/v1/programs/{programme_id}/candidates"),
    ("post", "/api/v1/programs/{programme_id}/enrol"),
    ("get", "/api/v1/programs/{programme_id}/plan"),
    ("post", "/api/v1/programs/{programme_id}/select"),
    ("post", "/api/v1/programs/{programme_id}/transition"),
    ("post", "/api/v1/programs/{programme_id}/batches/{batch_id}/returns"),
    ("get", "/api/v1/programs/{programme_id}/returns"),
    ("get", "/api/v1/programs/{programme_id}/returns/{import_id}"),
    ("get", "/api/v1/programs/{programme_id}/refill"),
    ("post", "/api/v1/programs/{programme_id}/refill"),
    ("post", "/api/v1/programs/{programme_id}/renew"),
    ("get", "/api/v1/regions"),
    ("get", "/api/v1/regions/{code}"),
    ("get", "/api/v1/regions/{code}/children"),
    ("get", "/api/v1/rules/{table}"),
    ("get", "/api/v1/workers"),
    ("post", "/api/v1/workers"),
    ("get", "/api/v1/workers/{worker_id}"),
    ("patch", "/api/v1/workers/{worker_id}"),
    ("get", "/api/v1/workers/{worker_id}/contributions"),
    ("get", "/api/v1/workers/{worker_id}/coverage"),
    ("post", "/api/v1/workers/{worker_id}/end"),
    ("get", "/api/v1/workers/{worker_id}/history"),
    ("get", "/api/v1/workers/{worker_id}/memberships"),
    ("post", "/api/v1/workers/{worker_id}/merge"),
    ("post", "/api/v1/workers/{worker_id}/reveal"),
}


def test_openapi_document_lists_every_endpoint() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Lindungi API"
    operations = {(method, path) for path, item in document["paths"].items() for method in item}
    assert operations == EXPECTED_OPERATIONS


def test_every_operation_requires_token_or_session() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionCsrfAuth"] == {"type": "apiKey", "in": "cookie", "name": "sessionid"}
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["security"] == [{"TokenAuth": []}, {"SessionCsrfAuth": []}]


def test_worker_schema_has_only_masked_personal_data() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    fields = set(document["components"]["schemas"]["WorkerOut"]["properties"])
    assert {"nik_masked", "phone_masked"} <= fields
    assert not {"nik", "phone", "nik_enc", "phone_enc", "nik_index"} & fields


@pytest.mark.xfail(
    "ninja" not in settings.INSTALLED_APPS,
    reason="settings.INSTALLED_APPS lacks 'ninja': the docs page falls back to a CDN",
    strict=True,
)
def test_docs_page_is_served_without_a_cdn() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html
    assert "cdn." not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
