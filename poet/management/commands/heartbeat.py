"""`manage.py heartbeat beat`: exit 0 when this container's celery beat (or worker) said it was
alive within WORKER_HEARTBEAT_MAX_AGE, 1 otherwise: a container healthcheck."""

import socket

from django.core.management.base import BaseCommand, CommandError

from poet.models import WorkerHeartbeat
from poet.selectors.health import heard_from


class Command(BaseCommand):
    help = "Check that this host's celery beat or worker wrote its heartbeat recently."

    def add_arguments(self, parser) -> None:
        parser.add_argument("role", choices=[role.value for role in WorkerHeartbeat.Role])
        parser.add_argument(
            "--name",
            help="the process's name (default: beat@<this host> or celery@<this host>)",
        )

    def handle(self, *args, role: str, name: str | None, **options) -> None:
        prefix = "beat" if role == WorkerHeartbeat.Role.BEAT else "celery"
        name = name or f"{prefix}@{socket.gethostname()}"
        check = heard_from(role, name)
        if not check.ok:
            raise CommandError(f"{name}: {check.says}")
        self.stdout.write(f"{name}: ok")
