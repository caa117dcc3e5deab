from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "lindungi.programs"
    label = "programs"
    verbose_name = "Programs"
