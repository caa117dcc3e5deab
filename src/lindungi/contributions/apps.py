from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "lindungi.contributions"
    label = "contributions"
    verbose_name = "Contributions"

    def ready(self) -> None:
        from lindungi.contributions.payments.triggers import append_only_triggers
        from lindungi.core import dbrules

        dbrules.register(append_only_triggers)
