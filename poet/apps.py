from django.apps import AppConfig


class PoetConfig(AppConfig):
    name = "poet"
    verbose_name = "POET core"
