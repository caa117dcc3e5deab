"""Screens: payments, the import report, the unmatched queue, arrears and coverage history."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
