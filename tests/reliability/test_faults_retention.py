"""Retention and erasure (issue 7, item 8), on PostgreSQL: a withdrawn participant's answers are
gone from the tidy answers file (the export), its audit entry stays; the audit page is for
administrators. Purging staff e-mails of a closed wave is tested in
tests/surveys/test_invitations.py and the analyses after a withdrawal in
tests/outcomes/test_participants.py."""

import io

import pytest

from outcomes.services.participants import withdraw
from poet.models import Audience, AuditEvent, Role
from reports.exporters.csv import AnswersCsvExporter
from tests.factories import ResponseFactory, member
from tests.outcomes.test_participants import _answer_by_link, login
from tests.outcomes.test_participants_support import build_follow_up, consented

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def answers_file(wave) -> str:
    output = io.BytesIO()
    AnswersCsvExporter().render(wave, output)
    return output.getvalue().decode()


def test_a_withdrawn_participant_is_gone_from_the_answers_export_and_the_audit_entry_stays(
    client, postgres
):
    follow_up = build_follow_up()
    login(client, follow_up.evaluator)
    ResponseFactory(wave=follow_up.wave)
    leaving = consented(follow_up)
    staying = consented(follow_up, Audience.CARER)
    _answer_by_link(client, follow_up, leaving)
    _answer_by_link(client, follow_up, staying)
    before = answers_file(follow_up.wave)
    assert before.count("service_user") >= 1 and before.count("carer") >= 1

    withdraw(leaving, actor=follow_up.evaluator)
    after = answers_file(follow_up.wave)
    assert "service_user" not in after, "the withdrawn participant's answers are still exported"
    assert after.count("carer") == before.count("carer")
    event = AuditEvent.objects.get(action="participant.withdrawn", target=leaving.code)
    assert event.partnership == follow_up.wave.partnership

    admin = member(follow_up.wave.partnership, Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(f"/p/{follow_up.wave.partnership.slug}/audit/").content.decode()
    assert "participant.withdrawn" in page and leaving.code in page
    client.force_login(member(follow_up.wave.partnership, Role.MANAGER))
    assert client.get(f"/p/{follow_up.wave.partnership.slug}/audit/").status_code == 403
