"""Screens: GN Lingkaran donations."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
