"""Admin: regions read-only; occupations and rule rows editable by holders of EDIT_RULES.

Rule rows are saved through the services, so every edit is validated and audited; the audit
trail is the row's history, shown on its page. Rows are never deleted: end one with valid_to.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from lindungi.core import access
from lindungi.core.access import Actor
from lindungi.reference import selectors, services
from lindungi.reference.models import Occupation, Region, RuleRow


def _actor(request: HttpRequest) -> Actor:
    return cast(Actor, request.user)


def _may_edit(request: HttpRequest) -> bool:
    return access.has(_actor(request), access.EDIT_RULES)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("dotted", "name", "level", "historic", "successor")
    list_filter = ("level", "historic")
    search_fields = ("=code", "name")
    list_select_related = ("successor",)
    show_full_result_count = False  # 91k rows: skip the second COUNT(*)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "name_en", "jkk_risk_group", "informal", "kbli_section")
    list_filter = ("jkk_risk_group", "informal", "kbli_section")
    search_fields = ("code", "name", "name_en")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_edit(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # workers point at occupations


class RuleRowForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RuleRow
        fields = services.RULE_ROW_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(data.get(name) is not None for name in ("table", "valid_from")):
            other = selectors.rule_row_overlapping(
                table=data["table"],
                key=data.get("key") or "",
                valid_from=data["valid_from"],
                valid_to=data.get("valid_to"),
                exclude_pk=self.instance.pk,
            )
            if other is not None:
                self.add_error("valid_from", services.overlap_message(other))
        return data


@admin.register(RuleRow)
class RuleRowAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = RuleRowForm
    list_display = ("table", "key", "valid_from", "valid_to", "value", "regulation", "status")
    list_filter = ("table", "status")
    search_fields = ("table", "key", "regulation", "source")
    readonly_fields = ("history",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_edit(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is never rewritten

    def save_model(self, request: HttpRequest, obj: RuleRow, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in data}
            saved = services.rule_row_update(row=obj, changes=changes, actor=_actor(request))
        else:
            fields = {name: data[name] for name in services.RULE_ROW_FIELDS}
            saved = services.rule_row_create(**fields, actor=_actor(request))
        obj.pk = saved.pk

    @admin.display(description="Riwayat (history)")
    def history(self, obj: RuleRow) -> SafeString:
        if obj.pk is None:
            return format_html("{}", "—")
        rows = (
            (f"{e.at:%Y-%m-%d %H:%M}", e.actor_label, e.action, e.before or "", e.after or "")
            for e in selectors.rule_row_history(obj)
        )
        body = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
        )
        return format_html("<table>{}</table>", body)
