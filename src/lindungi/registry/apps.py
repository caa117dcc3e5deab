from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "lindungi.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from lindungi.core import dbrules
        from lindungi.registry.dbrules import registry_triggers

        dbrules.register(registry_triggers)
