from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "lindungi.ingest"
    label = "ingest"
    verbose_name = "Ingest"
