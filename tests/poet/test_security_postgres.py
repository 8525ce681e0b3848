"""One response per invitation, enforced by PostgreSQL whatever the client replays.

`surveys.services.answering.submit` marks the invitation completed with a conditional UPDATE
(`completed_on IS NULL`) in the same transaction that stores the response: PostgreSQL's row lock
lets exactly one such UPDATE succeed, so a second submit, from any session, stores nothing. The
response itself holds no reference to the invitation (anonymity by construction).
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from surveys.models import Draft, Invitation, Response
from tests.surveys.test_answering_support import (
    SECTION_1,
    SECTION_2,
    SECTION_3,
    build_survey,
    link_for,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_replayed_submits_from_two_links_and_many_tabs_store_one_response(postgres):
    invitation, token = build_survey()
    reminder_token = link_for(invitation)  # a reminder's new link to the same invitation
    first, second = Client(), Client()
    for client, link in ((first, token), (second, reminder_token)):
        response = client.get(reverse("respond:start", kwargs={"token": link}))
        assert response.status_code == 302 and link not in response["Location"]
    for number, data in enumerate([SECTION_1, SECTION_2, SECTION_3], start=1):
        url = reverse("respond:section", kwargs={"number": number})
        assert first.post(url, data).status_code == 302
    assert Draft.objects.filter(invitation=invitation).count() == 1  # both links share it

    start = threading.Barrier(8)
    statuses, errors = [], []

    def replay(client: Client) -> None:
        try:
            start.wait()
            statuses.append(client.post(reverse("respond:review")).status_code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=replay, args=(c,)) for c in [first, second] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert len(statuses) == 8 and all(status < 500 for status in statuses), statuses
    assert Response.objects.count() == 1
    assert Invitation.objects.get(pk=invitation.pk).completed_on is not None
    assert not Draft.objects.filter(invitation=invitation).exists()
    assert not any(f.name == "invitation" for f in Response._meta.get_fields())

    # Afterwards: both links, and more replays, say it is done and store nothing.
    for client, link in ((first, token), (second, reminder_token)):
        client.get(reverse("respond:start", kwargs={"token": link}))
        assert client.post(reverse("respond:review")).status_code < 500
    assert Response.objects.count() == 1


def test_only_one_conditional_update_wins_under_concurrency(postgres):
    """The database guarantee itself: of many transactions racing to complete one invitation,
    exactly one sees its UPDATE match a row."""
    from django.db import transaction
    from django.utils import timezone

    invitation, _ = build_survey()
    start = threading.Barrier(10)
    won, errors = [], []

    def complete() -> None:
        try:
            start.wait()
            with transaction.atomic():
                updated = Invitation.objects.filter(
                    pk=invitation.pk, completed_on__isnull=True
                ).update(completed_on=timezone.localdate())
                won.append(updated)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(won) == [0] * 9 + [1]
