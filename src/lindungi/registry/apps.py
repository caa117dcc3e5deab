from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "lindungi.registry"
    label = "registry"
    verbose_name = "Registry"
