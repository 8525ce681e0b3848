from django.core.management.base import BaseCommand

from poet.demo import create_demo_partnership
from surveys.demo import add_demo_responses


class Command(BaseCommand):
    help = "Create (or refresh) the demo partnership with one login per role, and print them."

    def handle(self, *args, **options) -> None:
        demo = create_demo_partnership()
        add_demo_responses(demo.wave)
        self.stdout.write(self.style.SUCCESS(f"Demo partnership: {demo.partnership.name}"))
        for role, username in demo.logins.items():
            self.stdout.write(f"  {role:<28} username: {username:<16} password: {demo.password}")
