from django.core.management.base import BaseCommand

from reports.demo import load_demo


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo partnership with one login per role and one complete "
        "wave (staff survey, follow-up, comparison), and print the logins."
    )

    def handle(self, *args, **options) -> None:
        demo = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo partnership: {demo.partnership.name}"))
        for role, username in demo.logins.items():
            self.stdout.write(f"  {role:<28} username: {username:<16} password: {demo.password}")
