"""The participants register (issue 15, item 12): search, filters, pages, its CSV, and links to
copy, scan or print, a new one replacing the old."""

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import FollowUpSchedule, FollowUpSession, Participant, ParticipantLink
from outcomes.services.capture import enter_answers
from poet.models import Audience, AuditEvent
from surveys.models import Draft
from tests.factories import PASSWORD, UserGroupFactory
from tests.outcomes.test_participants_support import build_follow_up, consented

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(client):
    follow_up = build_follow_up()
    assert client.login(username=follow_up.evaluator.username, password=PASSWORD)
    return follow_up


def _codes(html: str) -> list[str]:
    """The codes listed in the register's table, in order."""
    table = html[html.index("<table") : html.index("</table>")]
    return re.findall(r'<th scope="row"[^>]*>(?:<a [^>]*>)?([^<]+)', table)


def _people(follow_up):
    """P-001 service user, answered in the interview; P-002 carer planned for the focus group,
    link given; P-003 service user without consent; P-004 carer, withdrawn; P-005 ready."""
    group = FollowUpSession.objects.create(
        schedule=follow_up.schedule, method=FollowUpSchedule.Method.FOCUS_GROUP, facilitator="Ann"
    )
    answered = consented(follow_up)
    enter_answers(
        answered,
        follow_up.questionnaire,
        {"O-HOME.importance": 4, "MISSING": "=HYPERLINK(secret)"},
        session=follow_up.session,
    )
    linked = consented(follow_up, Audience.CARER)
    Participant.objects.filter(pk=linked.pk).update(session=group)
    ParticipantLink.objects.create(participant=linked, token_hash="x" * 64)
    unconsented = Participant.objects.create(
        schedule=follow_up.schedule,
        code="P-003",
        audience=Audience.SERVICE_USER,
        user_group=follow_up.user_group,
    )
    withdrawn = consented(follow_up, Audience.CARER)
    Participant.objects.filter(pk=withdrawn.pk).update(withdrawn_on=timezone.localdate())
    consented(follow_up)
    return group, answered, linked, unconsented


def test_the_register_shows_each_status_and_session(client, follow_up):
    _people(follow_up)
    html = unescape(client.get(follow_up.url()).content.decode())
    assert _codes(html) == ["P-001", "P-002", "P-003", "P-004", "P-005"]
    for status in (
        "Answered",
        "Link given, not answered yet",
        "Consent not recorded",
        "Withdrawn",
        "Ready to answer",
    ):
        assert status in html
    assert "Interview, in person, with Sam" in html, "where they answered"
    assert "Focus group, in person, with Ann" in html, "where they are planned"
    assert "Showing 1 to 5 of 5 participants." in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "the filters and the register form have their own ids"


@pytest.mark.parametrize(
    "query, codes",
    [
        ({"code": "p-00"}, ["P-001", "P-002", "P-003", "P-004", "P-005"]),
        ({"code": "3"}, ["P-003"]),
        ({"audience": "carer"}, ["P-002", "P-004"]),
        ({"status": "answered"}, ["P-001"]),
        ({"status": "no_consent"}, ["P-003"]),
        ({"status": "link_given"}, ["P-002"]),
        ({"status": "ready"}, ["P-005"]),
        ({"status": "withdrawn"}, ["P-004"]),
        ({"session": "none"}, ["P-003", "P-004", "P-005"]),
        ({"audience": "service_user", "status": "ready"}, ["P-005"]),
        ({"status": "nonsense", "session": "999x"}, ["P-001", "P-002", "P-003", "P-004", "P-005"]),
    ],
)
def test_search_and_filters_narrow_the_register(client, follow_up, query, codes):
    _people(follow_up)
    html = unescape(client.get(follow_up.url(), query).content.decode())
    assert _codes(html) == codes
    assert "govuk-error-message" not in html and "<title>Error" not in html


def test_the_session_filter_finds_where_they_answered_or_are_planned(client, follow_up):
    group, *_ = _people(follow_up)
    html = unescape(client.get(follow_up.url(), {"session": follow_up.session.pk}).content.decode())
    assert _codes(html) == ["P-001"]
    html = unescape(client.get(follow_up.url(), {"session": group.pk}).content.decode())
    assert _codes(html) == ["P-002"]
    assert "matching the filters (5 registered in all)" in html
    assert "Clear filters" in html


def test_nobody_matching_says_so(client, follow_up):
    _people(follow_up)
    html = client.get(follow_up.url(), {"code": "Z"}).content.decode()
    assert "Nobody matches the filters." in html
    assert "<table" not in html


def test_a_long_register_is_paged_keeping_the_filters(client, follow_up):
    Participant.objects.bulk_create(
        Participant(
            schedule=follow_up.schedule,
            code=f"P-{i:03d}",
            audience=Audience.CARER if i % 2 else Audience.SERVICE_USER,
            user_group=follow_up.user_group,
        )
        for i in range(1, 241)
    )
    first = unescape(client.get(follow_up.url(), {"audience": "carer"}).content.decode())
    assert len(_codes(first)) == 50
    assert "Showing 1 to 50 of 120 participants" in first
    assert 'class="govuk-pagination"' in first
    assert 'aria-current="page">1<' in first
    assert "?audience=carer&page=2" in first, "the next page keeps the filter"
    assert "?audience=carer&page=3" in first and 'rel="prev"' not in first
    last = unescape(client.get(follow_up.url(), {"audience": "carer", "page": 3}).content.decode())
    assert _codes(last)[0] == "P-201" and len(_codes(last)) == 20
    assert 'rel="prev"' in last and 'rel="next"' not in last
    beyond = unescape(client.get(follow_up.url(), {"page": 99}).content.decode())
    assert "Showing 201 to 240 of 240" in beyond, "a page past the end shows the last one"
    everyone = unescape(client.get(follow_up.url()).content.decode())
    assert "govuk-pagination__item--ellipses" in everyone, "pages 1, 2, …, 5"


def test_the_register_downloads_as_csv_without_answers(client, follow_up):
    _people(follow_up)
    UserGroupFactory(partnership=follow_up.partnership, name="=cmd|' /C calc'!A0")
    sneaky = consented(follow_up)
    Participant.objects.filter(pk=sneaky.pk).update(
        user_group=follow_up.partnership.user_groups.get(name__startswith="=")
    )
    page = unescape(client.get(follow_up.url()).content.decode())
    assert "Download the register (CSV)" in page
    response = client.get(follow_up.url("participants_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "code",
        "audience",
        "user_group",
        "session",
        "consent",
        "consent_given_on",
        "status",
    ]
    assert rows[1][:1] + rows[1][3:] == [
        "P-001",
        "Interview, in person, with Sam",
        "Written",
        timezone.localdate().isoformat(),
        "Answered",
    ]
    assert [r[0] for r in rows[1:]] == ["P-001", "P-002", "P-003", "P-004", "P-005", "P-006"]
    assert rows[6][2] == "'=cmd|' /C calc'!A0", "formula-neutralised"
    assert "HYPERLINK" not in text and "secret" not in text, "never an answer"
    event = AuditEvent.objects.get(action="participants.exported")
    assert event.actor == follow_up.evaluator and event.detail["participants"] == 6

    narrowed = client.get(follow_up.url("participants_export"), {"status": "withdrawn"})
    assert [r[0] for r in csv.reader(io.StringIO(narrowed.content.decode()))][1:] == ["P-004"]
    filtered_page = unescape(client.get(follow_up.url(), {"status": "withdrawn"}).content.decode())
    assert "participants.csv?status=withdrawn" in filtered_page
    assert "Download these 1 participants (CSV)" in filtered_page


def test_registering_with_a_planned_session(client, follow_up):
    response = client.post(
        follow_up.url(),
        {
            "audience": "carer",
            "user_group": follow_up.user_group.pk,
            "session": follow_up.session.pk,
        },
    )
    assert response.status_code == 302
    assert Participant.objects.get().session == follow_up.session
    page = client.get(response["Location"]).content.decode()
    assert "Interview, in person, with Sam" in page
    other = build_follow_up()
    wrong = client.post(
        follow_up.url(),
        {"audience": "carer", "user_group": follow_up.user_group.pk, "session": other.session.pk},
    )
    assert "Select one of the sessions listed" in wrong.content.decode()


def _make_link(client, follow_up, person, contact="Sam Jones, 01234 567890"):
    response = client.post(
        follow_up.url("participant_link", code=person.code), {"contact": contact}
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    token = re.search(r"/s/p/([A-Za-z0-9_-]+)/", html).group(1)
    return response, html, token


def test_the_link_page_offers_a_copy_field_a_qr_code_and_a_letter(client, follow_up):
    person = consented(follow_up)
    form = unescape(client.get(follow_up.url("participant", code=person.code)).content.decode())
    assert "Who to contact, for the letter" in form
    response, html, token = _make_link(client, follow_up, person)
    assert response["Cache-Control"] == "no-store"
    link = f"http://127.0.0.1:8000/s/p/{token}/"
    assert re.search(
        rf'<input[^>]*id="participant-link"[^>]*value="{re.escape(link)}"[^>]*readonly', html
    )
    assert re.search(r"<button[^>]*data-copy-link[^>]*hidden", html), "shown by the script only"
    assert "js/participant-link.js" in html
    assert "css/participant-letter.css" in html
    qr = re.search(r'<div role="img" aria-label="QR code: it opens the link ([^"]+)">\s*<svg', html)
    assert qr and qr.group(1) == link
    assert "<path" in html[qr.end() :], "the QR code is drawn inline"
    letter = html[html.index("data-letter>") :]
    assert "Riverside partnership: tell us what matters to you" in letter
    assert "I can stay living in my own home" in letter or "tell us what matters" in letter
    assert link in letter
    assert "Sam Jones, 01234 567890" in letter
    assert "Your reference: P-001" in letter
    assert "Sam Jones" not in str(AuditEvent.objects.values_list("detail", flat=True)), (
        "the contact is printed, not kept"
    )


def test_the_letter_names_the_chosen_outcomes(client, follow_up):
    from outcomes.models import ChosenOutcome
    from poet.models import OutcomeStatement

    ChosenOutcome.objects.create(
        schedule=follow_up.schedule,
        outcome=OutcomeStatement.objects.get(code="O-HOME", partnership=follow_up.partnership),
        reason=ChosenOutcome.Reason.MOST_ENDORSED,
    )
    _, html, _ = _make_link(client, follow_up, consented(follow_up), contact="")
    letter = html[html.index("data-letter>") :]
    assert "<li>I can stay living in my own home</li>" in letter
    assert "The person who gave you this letter." in letter


def test_a_new_link_replaces_the_old_which_says_so_and_keeps_saved_answers(client, follow_up):
    person = consented(follow_up)
    _, _, old = _make_link(client, follow_up, person)
    client.logout()
    client.get(f"/s/p/{old}/")
    client.post(
        reverse("respond:section", kwargs={"number": 1}),
        {"O-HOME.importance": "4", "action": "save"},
    )
    assert Draft.objects.get().answers.get("O-HOME.importance") == 4

    assert client.login(username=follow_up.evaluator.username, password=PASSWORD)
    page = unescape(client.get(follow_up.url("participant", code=person.code)).content.decode())
    assert "Make a new link (the old one stops working)" in page
    _, html, new = _make_link(client, follow_up, person)
    client.logout()

    replaced = client.get(f"/s/p/{old}/")
    assert replaced.status_code == 410
    assert "This link has been replaced" in unescape(replaced.content.decode())
    client.get(f"/s/p/{new}/")
    assert Draft.objects.count() == 1
    assert Draft.objects.get().answers.get("O-HOME.importance") == 4, "nothing saved is lost"
    links = ParticipantLink.objects.filter(participant=person).order_by("pk")
    assert links[0].replaced_on == timezone.localdate() and links[1].replaced_on is None
    event = AuditEvent.objects.filter(action="participant.link_created").order_by("pk").last()
    assert event.detail["links_replaced"] == 1

    assert client.login(username=follow_up.evaluator.username, password=PASSWORD)
    page = unescape(client.get(follow_up.url("participant", code=person.code)).content.decode())
    assert "no longer works" in page and "not used yet" in page


def test_the_register_pages_are_for_evaluators_of_the_partnership_only(client, follow_up):
    from poet.models import Role
    from tests.factories import member

    manager = member(follow_up.partnership, Role.MANAGER)
    client.logout()
    assert client.login(username=manager.username, password=PASSWORD)
    assert client.get(follow_up.url("participants_export")).status_code == 403
    stranger = member(build_follow_up().partnership)
    assert client.login(username=stranger.username, password=PASSWORD)
    assert client.get(follow_up.url("participants_export")).status_code == 404
