"""Screens: billing runs, invoices and payer statements (contributions)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
