"""The OpenAPI document and the interactive docs are served and list every endpoint."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

EXPECTED_OPERATIONS = {
    ("get", "/api/v1/me"),
    ("get", "/api/v1/workers"),
    ("post", "/api/v1/workers"),
    ("get", "/api/v1/workers/{worker_id}"),
    ("patch", "/api/v1/workers/{worker_id}"),
    ("post", "/api/v1/workers/{worker_id}/end"),
    ("post", "/api/v1/workers/{worker_id}/merge"),
    ("post", "/api/v1/workers/{worker_id}/reveal"),
    ("get", "/api/v1/workers/{worker_id}/memberships"),
    ("get", "/api/v1/workers/{worker_id}/history"),
    ("get", "/api/v1/employers"),
    ("post", "/api/v1/employers"),
    ("get", "/api/v1/employers/{employer_id}"),
    ("patch", "/api/v1/employers/{employer_id}"),
    ("get", "/api/v1/employers/{employer_id}/members"),
    ("post", "/api/v1/memberships"),
    ("post", "/api/v1/memberships/{membership_id}/end"),
    ("get", "/api/v1/regions"),
    ("get", "/api/v1/regions/{code}"),
    ("get", "/api/v1/regions/{code}/children"),
    ("get", "/api/v1/occupations"),
    ("get", "/api/v1/rules/{table}"),
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
