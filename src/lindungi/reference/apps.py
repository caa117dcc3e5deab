from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "lindungi.reference"
    label = "reference"
    verbose_name = "Reference data"
