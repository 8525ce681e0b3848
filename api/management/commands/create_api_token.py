"""Make a personal API token for automation and print it (the only time it is shown)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.services.tokens import DEFAULT_DAYS, MAX_DAYS, create_token


class Command(BaseCommand):
    help = "Make a personal API token for USERNAME and print it (it is shown only this once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument(
            "--days", type=int, default=DEFAULT_DAYS, help=f"days until it expires (1–{MAX_DAYS})"
        )

    def handle(self, *args, username: str, name: str, days: int, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}")
        if not name.strip():
            raise CommandError("Give the token a name with --name")
        try:
            # Whoever runs commands on the server can do anything already: the token stands in
            # for the second factor, so automation works in partnerships that require it.
            token, raw = create_token(user, name=name, days=days, second_factor=True)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(
            f"Token {token.name!r} for {username}, expires {token.expires_on:%Y-%m-%d}. "
            "Keep it secret: it is not shown again."
        )
        self.stdout.write(raw)
