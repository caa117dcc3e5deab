from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "lindungi.programs"
    label = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        from lindungi.core import dbrules
        from lindungi.programs.dbrules import programme_triggers

        dbrules.register(programme_triggers)
