from django.apps import AppConfig
from django.conf import settings
from django.core.mail.utils import DNS_NAME


class PoetConfig(AppConfig):
    name = "poet"
    verbose_name = "POET core"

    def ready(self) -> None:
        # Make the project's Celery app the current one, with the task that runs every job,
        # before any job is started.
        # The analysis writes its sentences in the reader's language through this hook.
        from django.utils.translation import gettext, ngettext

        import poet.celery  # noqa: F401
        import poet.tasks  # noqa: F401
        from poet.analysis.text import use_translations

        use_translations(gettext, ngettext)

        # Every e-mail's Message-ID (and the SMTP greeting) names the site, not the machine
        # ("localhost" in a container): Django takes both from DNS_NAME, which caches this.
        if getattr(settings, "SITE_DOMAIN", ""):
            DNS_NAME._fqdn = settings.SITE_DOMAIN
