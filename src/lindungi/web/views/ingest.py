"""Import screens: upload, mapping + preview, job progress, problems download, undo."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindungi.core import access
from lindungi.core.errors import ValidationError
from lindungi.ingest import exports, reading, rules, selectors, services, tasks, uploads
from lindungi.ingest.models import JobStatus, SourceKind
from lindungi.web.errors import actor, page, render_page

PREVIEW_PROBLEMS_SHOWN = 50
# What each target field is called on the mapping form (the field names are the API's).
FIELD_LABELS = {
    "nik": pgettext_lazy("import field", "NIK"),
    "full_name": pgettext_lazy("import field", "Nama lengkap"),
    "birth_date": pgettext_lazy("import field", "Tanggal lahir"),
    "sex": pgettext_lazy("import field", "Jenis kelamin"),
    "village_code": pgettext_lazy("import field", "Kode desa/kelurahan"),
    "birth_place": pgettext_lazy("import field", "Tempat lahir"),
    "address_line": pgettext_lazy("import field", "Alamat"),
    "phone": pgettext_lazy("import field", "Nomor HP"),
    "occupation_code": pgettext_lazy("import field", "Kode pekerjaan"),
    "welfare_decile": pgettext_lazy("import field", "Desil kesejahteraan"),
    "village_role": pgettext_lazy("import field", "Jabatan di desa"),
}


def _kinds() -> list[tuple[str, str]]:
    return [(k.value, str(k.label)) for k in SourceKind]


def _list_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    user = actor(request)
    jobs = selectors.job_list(actor=user)
    can_import = access.has(user, access.IMPORT_LIST)
    context = {
        "nav": "ingest",
        "jobs": jobs,
        "kinds": _kinds(),
        "templates": selectors.template_list(actor=user) if can_import else [],
        "can_import": can_import,
        "error": error,
        "max_mb": reading.max_bytes() // 1048576,
    }
    return render_page(request, "web/ingest/list.html", context, status=status)


@page
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@page
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    """Hold the file (encrypted) and show its preview; nothing is imported yet."""
    user = actor(request)
    access.require(user, access.IMPORT_LIST)
    upload = request.FILES.get("file")
    kind = request.POST.get("kind", "")
    if upload is None or kind not in SourceKind.values:
        return _list_page(request, _("Pilih berkas dan jenis daftar."), status=422)
    try:
        reading.check_size(upload.size or 0)  # refused before a byte is read
        data = upload.read()
        reading.read_table(data, upload.name or "")
    except ValidationError as exc:
        return _list_page(request, _message(exc), status=422)
    token = uploads.hold(data, owner=user.pk, name=upload.name or "upload")
    query = urlencode({"kind": kind, "template": request.POST.get("template", "")})
    return redirect(f"{reverse('web:import_preview', args=[token])}?{query}")


def _message(exc: ValidationError) -> str:
    return " ".join(m for ms in exc.errors.values() for m in ms)


def _mapping_from(params: Any) -> dict[str, str] | None:
    chosen = {f: params.get(f"map_{f}", "") for f in rules.FIELDS}
    return {f: h for f, h in chosen.items() if h} if any(chosen.values()) else None


@page
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the preview under the chosen mapping. POST: import it (or save the mapping)."""
    user = actor(request)
    access.require(user, access.IMPORT_LIST)
    params = request.POST if request.method == "POST" else request.GET
    kind = params.get("kind", "")
    data, name = uploads.peek(token, owner=user.pk)
    mapping, template = _mapping_from(params), params.get("template") or None
    if request.method == "POST" and params.get("action") == "save_template":
        services.template_save(
            kind=kind, name=params.get("template_name", ""), mapping=mapping or {}, actor=user
        )
        messages.success(request, _("Templat pemetaan disimpan."))
    elif request.method == "POST":
        job = services.import_job_create(
            data=data, file_name=name, kind=kind, actor=user, mapping=mapping, template=template
        )
        tasks.start(job.pk)
        uploads.drop(token)
        return redirect("web:import", job_id=job.pk)
    try:
        preview = services.import_preview(
            data=data, file_name=name, kind=kind, actor=user, mapping=mapping, template=template
        )
    except ValidationError as exc:
        return _list_page(request, _message(exc), status=422)
    context = {
        "nav": "ingest",
        "token": token,
        "kind": kind,
        "file_name": name,
        "preview": preview,
        "fields": [(f, FIELD_LABELS[f], preview.mapping.get(f, "")) for f in rules.FIELDS],
        "required": rules.REQUIRED,
        "problems": preview.problems[:PREVIEW_PROBLEMS_SHOWN],
    }
    return render_page(request, "web/ingest/preview.html", context)


@page
@require_GET
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job with its counts; the counts panel polls itself while the job runs."""
    user = actor(request)
    job = selectors.job_get(actor=user, job_id=job_id)
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    context = {
        "nav": "ingest",
        "job": job,
        "running": running,
        "open_reviews": selectors.job_open_reviews(job=job),
        "can_review": access.has(user, access.REVIEW_LINKAGE),
        "can_undo": access.has(user, access.UNDO_IMPORT)
        and job.status in (JobStatus.DONE, JobStatus.FAILED),
    }
    template = "web/ingest/_progress.html" if request.headers.get("HX-Request") else None
    return render_page(request, template or "web/ingest/detail.html", context)


@page
@require_GET
def import_problems(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.job_get(actor=actor(request), job_id=job_id)
    body = exports.job_problems_xlsx(job)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="masalah-impor-{job.pk}.xlsx"'
    return response


@page
@require_POST
def import_undo(request: HttpRequest, job_id: int) -> HttpResponse:
    services.import_job_undo(job_id=job_id, actor=actor(request), note=request.POST.get("note", ""))
    messages.success(request, _("Impor dibatalkan seluruhnya."))
    return redirect("web:import", job_id=job_id)
