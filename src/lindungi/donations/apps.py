from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "lindungi.donations"
    label = "donations"
    verbose_name = "Donations"
