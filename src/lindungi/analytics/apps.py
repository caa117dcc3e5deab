from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "lindungi.analytics"
    label = "analytics"
    verbose_name = "Analytics"
