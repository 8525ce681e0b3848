"""Schemathesis against the API (issue 18, acceptance): requests generated from the OpenAPI
document at /api/v1/schema/ for every operation, with a valid token of a partnership that has
something to show, in-process through Django's WSGI application. No answer may be a 5xx, and every
answer must match the document: a documented status, its content type, its headers, its body.

Every operation of the document is tested (those added later too). Path parameters are the seeded
partnership's and wave's slugs most of the time, random text otherwise (to reach the 404s).
`SCHEMATHESIS_EXAMPLES` sets the examples per operation (default 25, about a minute in all).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from schemathesis.config import SchemathesisConfig

from api.services.tokens import create_token
from poet.models import Partnership, Role, Wave
from tests.factories import member
from tests.reports.builders import build_wave

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
# The seeded partnership and wave: the values path parameters take most of the time.
SLUGS = {"partnership": "seeded", "wave": "seeded-wave"}


def config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "generation": {"max-examples": EXAMPLES},
            # Not run: an unknown query parameter is ignored, as most APIs do, and a request
            # generated without a valid Authorization header gets one here.
            "checks": {
                "negative_data_rejection": {"enabled": False},
                # A request the document allows may still be refused by the pages' rules, with
                # their clear words: a comparison with a wave that is not an earlier one (422),
                # a wave that is closed (409).
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "3xx", 401, 403, 404, 409, 422, 429]
                },
            },
            "dictionaries": {name: {"values": [value]} for name, value in SLUGS.items()},
            "parameters": {
                f"path.{name}": {"dictionary": name, "probability": 0.8} for name in SLUGS
            },
        }
    )


# Read through the application at collection (the document needs no database nor token).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application(), config=config())


@pytest.fixture
def token(postgres, settings) -> Iterator[str]:
    """A closed wave with staff and service users' answers and a finished comparison run, and
    a token of one of its partnership administrators."""
    settings.API_RATE_LIMIT = "100000/min"  # the limit has tests of its own
    built = build_wave(outcomes=2, staff=14, users=6, carers=2, k=3, seed=5)
    wave, partnership = built.wave, built.wave.partnership
    Partnership.objects.filter(pk=partnership.pk).update(slug=SLUGS["partnership"])
    Wave.objects.filter(pk=wave.pk).update(slug=SLUGS["wave"])
    call_command(
        "run_comparison",
        SLUGS["partnership"],
        SLUGS["wave"],
        "--resamples",
        "20",
        stdout=io.StringIO(),
    )
    user = member(Partnership.objects.get(pk=partnership.pk), Role.ADMINISTRATOR)
    raw = create_token(user, name="schemathesis", second_factor=True)[1]
    # Requests go through the WSGI application in this thread, on the test's own connection
    # (inside its transaction): Django must not close it after each request, as the test client
    # does not either.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield raw
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
# The seeded database is shared by an operation's examples on purpose (and rolled back after).
@hypothesis.settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_every_operation_answers_as_its_document_says(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
