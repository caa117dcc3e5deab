from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "lindungi.donations"
    label = "donations"
    verbose_name = "Donations"

    def ready(self) -> None:
        from lindungi.core import dbrules
        from lindungi.donations.triggers import append_only_triggers

        dbrules.register(append_only_triggers)
