from django.apps import AppConfig


class PoetConfig(AppConfig):
    name = "poet"
    verbose_name = "POET core"

    def ready(self) -> None:
        # Make the project's Celery app the current one before any task is sent.
        import poet.celery  # noqa: F401
