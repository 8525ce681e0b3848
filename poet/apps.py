from django.apps import AppConfig


class PoetConfig(AppConfig):
    name = "poet"
    verbose_name = "POET core"

    def ready(self) -> None:
        # Make the project's Celery app the current one, with the task that runs every job,
        # before any job is started.
        import poet.celery  # noqa: F401
        import poet.tasks  # noqa: F401
