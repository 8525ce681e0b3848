"""Staff lists, invitation e-mails, the open link and deleting e-mail addresses."""

import difflib
import html
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from poet.models import AuditEvent, Job, Role, Wave
from surveys.models import Invitation, InvitationToken, OpenLink, hash_token
from surveys.services import staff_list
from tests.factories import OrganisationFactory, StaffGroupFactory, WaveFactory, member

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver\.example/s/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver.example"
    settings.SITE_DOMAIN = "testserver.example"


@pytest.fixture
def wave():
    w = WaveFactory(partnership__name="Northshire Health & Care", name="Baseline 2026")
    OrganisationFactory(partnership=w.partnership, name="Northshire NHS Trust")
    OrganisationFactory(partnership=w.partnership, name="Northshire Council")
    StaffGroupFactory(partnership=w.partnership, name="Nurse")
    StaffGroupFactory(partnership=w.partnership, name="Social worker")
    return w


@pytest.fixture
def evaluator(client, wave):
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    return client


def url(wave, name="invitations/"):
    return f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/{name}"


def upload(client, wave, content, name="staff.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(url(wave), {"staff_list": SimpleUploadedFile(name, data, "text/csv")})


def text_of(response) -> str:
    return html.unescape(response.content.decode())


GOOD = (
    "email,organisation,staff_group\n"
    "ann@example.org,Northshire NHS Trust,Nurse\n"
    "bob@example.org,Northshire Council,Social worker\n"
)


def test_a_good_staff_list_is_stored(evaluator, wave):
    response = upload(evaluator, wave, GOOD)
    assert response.status_code == 302
    stored = Invitation.objects.filter(wave=wave).order_by("email")
    assert [(i.email, i.organisation.name, i.staff_group.name) for i in stored] == [
        ("ann@example.org", "Northshire NHS Trust", "Nurse"),
        ("bob@example.org", "Northshire Council", "Social worker"),
    ]
    assert all(i.last_sent_at is None for i in stored)
    page = text_of(evaluator.get(response["Location"]))
    assert "2 people added to the staff list" in page
    assert AuditEvent.objects.filter(action="invitations.added", detail__count=2).exists()


def test_bom_header_case_spaces_and_capitals_are_accepted(evaluator, wave):
    content = (
        "\ufeff Email , ORGANISATION,Staff_Group\r\n"
        "  Ann.Smith@Example.ORG , northshire nhs trust ,  NURSE \r\n"
        "\r\n"
    )
    assert upload(evaluator, wave, content.encode("utf-8")).status_code == 302
    invitation = Invitation.objects.get(wave=wave)
    assert invitation.email == "ann.smith@example.org"
    assert invitation.organisation.name == "Northshire NHS Trust"
    assert invitation.staff_group.name == "Nurse"


def test_a_second_list_adds_people_and_refuses_those_already_invited(evaluator, wave):
    upload(evaluator, wave, GOOD)
    more = "email,organisation,staff_group\ncat@example.org,Northshire Council,Nurse\n"
    assert upload(evaluator, wave, more).status_code == 302
    assert Invitation.objects.filter(wave=wave).count() == 3
    again = "email,organisation,staff_group\ndan@example.org,Northshire Council,Nurse\n" + (
        "ANN@example.org,Northshire Council,Nurse\n"
    )
    response = upload(evaluator, wave, again)
    assert response.status_code == 200
    assert "Row 3: 'ann@example.org' has already been invited to this wave." in text_of(response)
    assert Invitation.objects.filter(wave=wave).count() == 3


BAD_CASES = {
    "invalid e-mail": (
        "email,organisation,staff_group\n"
        + "".join(f"p{n}@example.org,Northshire Council,Nurse\n" for n in range(5))
        + "nurse@x,Northshire Council,Nurse\n",
        ["Row 7: 'nurse@x' is not a valid e-mail address."],
    ),
    "unknown organisation": (
        "email,organisation,staff_group\nann@example.org,Northshire Trust,Nurse\n",
        [
            "Row 2: 'Northshire Trust' is not an organisation of this partnership "
            "(they are: Northshire Council, Northshire NHS Trust)."
        ],
    ),
    "unknown staff group": (
        "email,organisation,staff_group\nann@example.org,Northshire Council,Surgeon\n",
        [
            "Row 2: 'Surgeon' is not a staff group of this partnership "
            "(they are: Nurse, Social worker)."
        ],
    ),
    "duplicate in the file": (
        "email,organisation,staff_group\n"
        "ann@example.org,Northshire Council,Nurse\n"
        "bob@example.org,Northshire Council,Nurse\n"
        "Ann@example.org,Northshire Council,Nurse\n",
        ["Row 4: 'ann@example.org' is in the file twice (also on row 2)."],
    ),
    "missing values and several problems on one row": (
        "email,organisation,staff_group\n,,\u00a0\n , Nowhere ,\nann@example.org,,Nurse\n",
        [
            "Row 3: The e-mail address is missing; 'Nowhere' is not an organisation of this "
            "partnership (they are: Northshire Council, Northshire NHS Trust); "
            "the staff group is missing.",
            "Row 4: The organisation is missing.",
        ],
    ),
    "missing column": (
        "email,organisation\nann@example.org,Northshire Council\n",
        ["The file has no “staff_group” column"],
    ),
    "empty file": ("", ["The file is empty"]),
    "header only": ("email,organisation,staff_group\n", ["no members of staff"]),
    "not UTF-8": (
        "email,organisation,staff_group\nrené@example.org,Northshire Council,Nurse\n".encode(
            "latin-1"
        ),
        ["not a CSV file in UTF-8"],
    ),
    "not a CSV": (b"PK\x03\x04\x00\x00binary spreadsheet", ["not a CSV file"]),
}


@pytest.mark.parametrize("case", BAD_CASES)
def test_a_bad_staff_list_names_each_problem_and_stores_nothing(evaluator, wave, case):
    content, messages = BAD_CASES[case]
    response = upload(evaluator, wave, content)
    assert response.status_code == 200
    page = text_of(response)
    assert "<title>Error: Invitations" in page
    assert "There is a problem" in page
    for message in messages:
        assert message in page
    assert 'type="file"' in page and 'href="#id_staff_list"' in page
    assert not Invitation.objects.exists()


def test_a_file_with_one_bad_row_among_good_ones_stores_none(evaluator, wave):
    content = GOOD + "carl@example.org,Nowhere,Nurse\n"
    response = upload(evaluator, wave, content)
    assert "Row 4: 'Nowhere' is not an organisation" in text_of(response)
    assert not Invitation.objects.exists()


def test_too_large_and_too_many_rows_are_refused(evaluator, wave, monkeypatch):
    monkeypatch.setattr(staff_list, "MAX_ROWS", 1)
    response = upload(evaluator, wave, GOOD)
    assert "The file has 2 rows: a staff list can have up to 1." in text_of(response)
    monkeypatch.setattr(staff_list, "MAX_BYTES", 10)
    monkeypatch.setattr("surveys.forms.invitations.MAX_BYTES", 10)
    response = upload(evaluator, wave, GOOD)
    assert "The file is too large" in text_of(response)
    assert not Invitation.objects.exists()


def test_no_file_chosen(evaluator, wave):
    response = evaluator.post(url(wave), {})
    assert "Choose a staff list CSV file to upload." in text_of(response)


def test_the_example_staff_list_has_the_partnerships_names_and_can_be_uploaded(evaluator, wave):
    response = evaluator.get(url(wave, "invitations/example.csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8-sig")
    assert content.startswith("email,organisation,staff_group")
    assert "Northshire NHS Trust" in content and "Social worker" in content
    assert upload(evaluator, wave, content).status_code == 302
    assert Invitation.objects.filter(wave=wave).count() == len(content.strip().splitlines()) - 1


def test_the_example_staff_list_opens_in_excel_as_utf_8_and_uploads_with_or_without_bom(
    evaluator, wave
):
    OrganisationFactory(partnership=wave.partnership, name="Gwasanaethau Môn – Gofal")
    response = evaluator.get(url(wave, "invitations/example.csv"))
    assert response.content.startswith(b"\xef\xbb\xbfemail,organisation,staff_group\r\n")
    assert "Gwasanaethau Môn – Gofal".encode() in response.content
    with_bom = response.content
    without_bom = with_bom.removeprefix(b"\xef\xbb\xbf")
    assert upload(evaluator, wave, with_bom).status_code == 302
    assert Invitation.objects.filter(organisation__name="Gwasanaethau Môn – Gofal").exists()
    Invitation.objects.all().delete()
    assert upload(evaluator, wave, without_bom).status_code == 302
    assert Invitation.objects.filter(organisation__name="Gwasanaethau Môn – Gofal").exists()


def test_no_one_can_be_added_to_a_closed_wave(evaluator, wave):
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    response = upload(evaluator, wave, GOOD)
    assert "This wave is closed: nobody more can be invited." in text_of(response)
    assert not Invitation.objects.exists()


# --- one person by hand ----------------------------------------------------------------------


def organisation_and_group(wave, organisation="Northshire Council", group="Nurse"):
    return (
        wave.partnership.organisations.get(name=organisation).pk,
        wave.partnership.staff_groups.get(name=group).pk,
    )


def test_one_person_can_be_added_by_hand_and_sent_an_invitation(
    evaluator, wave, django_capture_on_commit_callbacks
):
    page = text_of(evaluator.get(url(wave)))
    assert "add one person by hand" in page
    form = text_of(evaluator.get(url(wave, "invitations/add/")))
    assert "<h1" in form and "Add a person to the staff list" in form
    assert "Northshire Council" in form and "Social worker" in form
    organisation, group = organisation_and_group(wave)
    response = evaluator.post(
        url(wave, "invitations/add/"),
        {"email": " Dee.Jones@Example.org ", "organisation": organisation, "staff_group": group},
    )
    assert response.status_code == 302 and response["Location"].endswith("/invitations/#send")
    (dee,) = Invitation.objects.filter(wave=wave)
    assert (dee.email, dee.organisation.name, dee.staff_group.name) == (
        "dee.jones@example.org",
        "Northshire Council",
        "Nurse",
    )
    assert "dee.jones@example.org added to the staff list." in text_of(
        evaluator.get(response["Location"])
    )
    assert AuditEvent.objects.filter(action="invitations.added", detail__count=1).exists()
    open_wave(wave)
    with django_capture_on_commit_callbacks(execute=True):
        evaluator.post(url(wave, "invitations/send/"))
    assert [m.to for m in mail.outbox] == [["dee.jones@example.org"]]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Enter their e-mail address."),
        ({"email": "not an address"}, "Enter an e-mail address in the correct format"),
        ({"email": "ann@example.org"}, "ann@example.org is already on this wave’s staff list."),
        ({"organisation": ""}, "Choose the organisation they work for."),
        ({"staff_group": "999999"}, "Choose their staff group."),
    ],
)
def test_adding_a_person_by_hand_says_what_is_wrong_and_adds_nobody(
    evaluator, wave, fields, message
):
    upload(evaluator, wave, GOOD)
    organisation, group = organisation_and_group(wave)
    data = {"organisation": organisation, "staff_group": group, **fields}
    response = evaluator.post(url(wave, "invitations/add/"), data)
    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert page.count("<title>Error: ") == 1
    assert Invitation.objects.filter(wave=wave).count() == 2


def test_nobody_can_be_added_by_hand_to_a_closed_wave_or_from_another_partnership(evaluator, wave):
    other = OrganisationFactory(name="Elsewhere Trust")
    _, group = organisation_and_group(wave)
    response = evaluator.post(
        url(wave, "invitations/add/"),
        {"email": "eve@example.org", "organisation": other.pk, "staff_group": group},
    )
    assert "Choose the organisation they work for." in text_of(response)
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    page = text_of(evaluator.get(url(wave, "invitations/add/")))
    assert "This wave is closed: nobody more can be invited." in page
    organisation, group = organisation_and_group(wave)
    response = evaluator.post(
        url(wave, "invitations/add/"),
        {"email": "eve@example.org", "organisation": organisation, "staff_group": group},
    )
    assert "This wave is closed: nobody more can be invited." in text_of(response)
    assert not Invitation.objects.exists()


# --- who is on the staff list ----------------------------------------------------------------


def many_people(wave, n: int) -> None:
    rows = "".join(
        f"person{i:03d}@example.org,{'Northshire Council' if i % 3 else 'Northshire NHS Trust'},"
        f"{'Nurse' if i % 2 else 'Social worker'}\n"
        for i in range(n)
    )
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.DRAFT)
    return "email,organisation,staff_group\n" + rows


def rows_of(page: str) -> list[str]:
    return re.findall(r'<td class="govuk-table__cell">([^<]+@example\.org)</td>', page)


def test_the_staff_list_shows_who_was_invited_and_when_a_page_at_a_time(
    evaluator, wave, django_capture_on_commit_callbacks
):
    assert upload(evaluator, wave, many_people(wave, 120)).status_code == 302
    open_wave(wave)
    with django_capture_on_commit_callbacks(execute=True):
        evaluator.post(url(wave, "invitations/send/"))
    assert "See who is on the staff list" in text_of(evaluator.get(url(wave)))
    first = text_of(evaluator.get(url(wave, "invitations/people/")))
    assert "120 people on the staff list: showing 1 to 50." in first
    assert rows_of(first) == [f"person{i:03d}@example.org" for i in range(50)]
    assert "Northshire NHS Trust" in first and "Social worker" in first
    assert "Not yet" not in first
    last = text_of(evaluator.get(url(wave, "invitations/people/?page=3")))
    assert rows_of(last) == [f"person{i:03d}@example.org" for i in range(100, 120)]
    assert 'aria-current="page">3<' in last and 'rel="prev"' in last and 'rel="next"' not in last
    # Searching by address, organisation or group, kept across pages.
    found = text_of(evaluator.get(url(wave, "invitations/people/?q=person01")))
    assert rows_of(found) == [f"person{i:03d}@example.org" for i in range(10, 20)]
    assert "10 people match “person01”" in found
    found = text_of(evaluator.get(url(wave, "invitations/people/?q=NHS+trust nurse")))
    expected = [f"person{i:03d}@example.org" for i in range(120) if i % 3 == 0 and i % 2]
    assert rows_of(found) == expected
    none = text_of(evaluator.get(url(wave, "invitations/people/?q=nobody-like-this")))
    assert "Nobody on the staff list matches “nobody-like-this”." in none
    many = text_of(evaluator.get(url(wave, "invitations/people/?q=example&page=2")))
    assert 'href="?q=example&page=3"' in many
    assert text_of(evaluator.get(url(wave, "invitations/people/?page=99"))).count("<tr") == 21


def test_the_staff_list_never_shows_who_has_answered(
    evaluator, wave, django_capture_on_commit_callbacks
):
    """The same pages, searches and order whether people have answered and been reminded or not:
    completion, reminders and the last e-mail's time change nothing on them."""
    assert upload(evaluator, wave, many_people(wave, 60)).status_code == 302
    open_wave(wave)
    with django_capture_on_commit_callbacks(execute=True):
        evaluator.post(url(wave, "invitations/send/"))
    pages = [
        "invitations/people/",
        "invitations/people/?page=2",
        "invitations/people/?q=council",
        "invitations/people/?q=nurse&page=2",
        "invitations/",
    ]

    def seen():
        pages_now = [text_of(evaluator.get(url(wave, p))) for p in pages]
        return [re.sub(r'(nonce|value)="[^"]+"', "", page) for page in pages_now]

    evaluator.get(url(wave))  # the "added" message, shown once
    before = seen()
    answered = Invitation.objects.filter(email__endswith="1@example.org")
    answered.update(completed_on="2026-11-20")
    Invitation.objects.exclude(pk__in=answered).update(
        reminders_sent=2, last_sent_at="2026-11-27T09:00Z"
    )
    for invitation in Invitation.objects.exclude(pk__in=answered):
        InvitationToken.objects.create(invitation=invitation, token_hash=f"later-{invitation.pk}")
    for page, was, now in zip(pages, before, seen(), strict=True):
        changed = list(difflib.unified_diff(was.splitlines(), now.splitlines(), lineterm=""))
        assert not changed, f"{page} changed:\n" + "\n".join(changed)


# --- the preview and a test to oneself --------------------------------------------------------


def test_the_preview_shows_the_e_mail_as_recipients_get_it_with_an_example_link(evaluator, wave):
    wave.closes_on = "2026-12-18"
    wave.save()
    page = text_of(evaluator.get(url(wave)))
    assert "Preview the e-mail and send a test to yourself" in page
    response = evaluator.get(url(wave, "invitations/preview/"))
    page = text_of(response)
    assert response.status_code == 200 and page.count("<h1") == 1
    assert "Preview the invitation e-mail" in page
    assert "Northshire Health & Care staff survey: how is working together going?" in page
    assert "POET <poet@localhost>" in page or "poet@" in page
    html_part = page.split("data-email-html>")[1].split(">As plain text</h2>")[0]
    text_part = page.split("data-email-text>")[1].split("</pre>")[0]
    example = "http://testserver.example/s/example-link-not-a-real-one/"
    for part in (html_part, text_part):
        assert example in part
        assert "The survey closes at the end of Friday 18 December 2026." in part
        assert "including you at Northshire Council" in part
        assert "This is a reminder" not in part
    assert "Answer the survey" in html_part and "<a href=" in html_part
    assert "<p>" not in text_part  # the plain text as it is sent, not HTML
    reminder = text_of(evaluator.get(url(wave, "invitations/preview/?reminder=1")))
    assert "Preview the reminder e-mail" in reminder
    assert "Reminder: Northshire Health & Care staff survey" in reminder
    assert reminder.count("This is a reminder") == 2
    # Nobody was e-mailed and no invitation or link was made.
    assert mail.outbox == [] and not Invitation.objects.exists()
    assert not InvitationToken.objects.exists()


@pytest.mark.parametrize("reminder", [False, True])
def test_a_test_e_mail_goes_to_the_signed_in_evaluator_only_and_is_audited(client, wave, reminder):
    evaluator = member(wave.partnership, Role.EVALUATOR)
    evaluator.email = "eve.evans@northshire.example"
    evaluator.save()
    client.force_login(evaluator)
    upload(client, wave, GOOD)
    data = {"reminder": "1"} if reminder else {}
    response = client.post(url(wave, "invitations/preview/"), data, follow=True)
    page = text_of(response)
    what = "reminder" if reminder else "invitation"
    assert f"A test {what} was sent to eve.evans@northshire.example." in page
    assert [m.to for m in mail.outbox] == [["eve.evans@northshire.example"]]
    message = mail.outbox[0]
    assert message.subject.startswith("[Test] " + ("Reminder: " if reminder else ""))
    assert "http://testserver.example/s/example-link-not-a-real-one/" in message.body
    assert "example-link-not-a-real-one" in message.alternatives[0][0]
    assert message.message()["Message-ID"].endswith("@testserver.example>")
    event = AuditEvent.objects.get(action="invitations.test_sent")
    assert event.actor == evaluator and event.detail["to"] == "eve.evans@northshire.example"
    assert event.detail["reminder"] is reminder
    assert all(i.last_sent_at is None for i in Invitation.objects.all())
    assert not InvitationToken.objects.exists()


def test_a_test_e_mail_without_an_address_or_mail_server_says_so_plainly(client, wave, settings):
    evaluator = member(wave.partnership, Role.EVALUATOR)
    evaluator.email = ""
    evaluator.save()
    client.force_login(evaluator)
    page = text_of(client.post(url(wave, "invitations/preview/"), follow=True))
    assert "Your account has no e-mail address, so the test cannot be sent" in page
    assert mail.outbox == [] and not AuditEvent.objects.filter(action="invitations.test_sent")

    from tests.surveys.smtp_server import free_port

    evaluator.email = "eve@example.org"
    evaluator.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    page = text_of(client.post(url(wave, "invitations/preview/"), follow=True))
    assert "The mail server did not answer, so the test e-mail was not sent." in page
    assert "Errno" not in page and "ConnectionRefused" not in page
    assert not AuditEvent.objects.filter(action="invitations.test_sent").exists()


# --- sending ---------------------------------------------------------------------------------


def open_wave(wave):
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.OPEN)
    wave.refresh_from_db()


def test_invitations_are_sent_by_the_task_with_a_personal_link_and_only_hashes_are_kept(
    evaluator, wave, django_capture_on_commit_callbacks
):
    wave.closes_on = "2026-12-18"
    wave.save()
    upload(evaluator, wave, GOOD)
    open_wave(wave)
    with django_capture_on_commit_callbacks(execute=True):
        response = evaluator.post(url(wave, "invitations/send/"))
    job = Job.objects.get(kind="surveys.send_invitations")
    assert response["Location"].startswith(f"/p/{wave.partnership.slug}/jobs/{job.pk}/")
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "bob@example.org"]

    tokens = []
    for message in mail.outbox:
        body = message.body
        assert "Northshire Health & Care" in body and "anonymous" in body
        assert "Northshire Health &amp; Care" in message.alternatives[0][0]
        assert "Friday 18 December 2026" in body
        assert message.subject.startswith("Northshire Health & Care staff survey")
        html_body, mime = message.alternatives[0]
        assert mime == "text/html"
        (token,) = set(LINK.findall(body))
        assert f"http://testserver.example/s/{token}/" in html_body
        tokens.append(token)
        invitation = Invitation.objects.get(email=message.to[0])
        assert invitation.last_sent_at is not None
        assert list(invitation.tokens.values_list("token_hash", flat=True)) == [hash_token(token)]

    # The Message-ID is in the site's own domain, never the machine's "localhost".
    ids = [m.message()["Message-ID"] for m in mail.outbox]
    assert all(i.endswith("@testserver.example>") for i in ids) and len(set(ids)) == 2

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    for token in tokens:
        assert token not in dump.getvalue()

    # Sending again e-mails nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        evaluator.post(url(wave, "invitations/send/"))
    assert mail.outbox == []
    assert InvitationToken.objects.count() == 2


def closing_sentence_of(text: str) -> str:
    (sentence,) = re.findall(r"The survey closes [^.]*\.|Please answer in the next [^.]*\.", text)
    return sentence


@pytest.mark.parametrize(
    ("closes_on", "sentence"),
    [
        ("2026-12-18", "The survey closes at the end of Friday 18 December 2026."),
        (
            None,
            "Please answer in the next few weeks: the survey closes when the evaluation team has "
            "enough answers.",
        ),
    ],
)
def test_the_plain_text_and_html_e_mails_word_the_closing_date_the_same_way(
    evaluator, wave, django_capture_on_commit_callbacks, closes_on, sentence
):
    wave.closes_on = closes_on
    wave.save()
    upload(evaluator, wave, GOOD)
    open_wave(wave)
    with django_capture_on_commit_callbacks(execute=True):
        evaluator.post(url(wave, "invitations/send/"))
    for message in mail.outbox:
        html_text = re.sub(r"<[^>]+>", "", html.unescape(message.alternatives[0][0]))
        assert closing_sentence_of(message.body) == closing_sentence_of(html_text) == sentence


def test_an_empty_staff_list_is_not_everyone_sent_an_invitation(evaluator, wave):
    open_wave(wave)
    page = text_of(evaluator.get(url(wave)))
    assert "Everyone on the staff list has been sent an invitation" not in page
    assert "Nobody is on the staff list yet." in page
    assert re.search(r'data-summary="invited">0<', page)
    response = evaluator.post(url(wave, "invitations/send/"), follow=True)
    assert "Nobody is on the staff list yet: add people before sending invitations." in text_of(
        response
    )
    assert not Job.objects.exists()
    # Once everyone on a list has been sent one, the page says so.
    upload(evaluator, wave, GOOD)
    Invitation.objects.update(last_sent_at="2026-11-20T10:00Z")
    page = text_of(evaluator.get(url(wave)))
    assert "Everyone on the staff list has been sent an invitation." in page
    assert "Nobody is on the staff list yet." not in page


def test_every_e_mail_poet_sends_has_a_message_id_in_the_site_domain():
    """The password reset e-mail too: not only the invitations (SITE_DOMAIN, from SITE_URL by
    default, is read when POET starts)."""
    from django.core.mail import EmailMessage

    from poet import settings as started_with

    assert started_with.SITE_DOMAIN and started_with.SITE_DOMAIN != "localhost"
    message = EmailMessage("Reset your password", "…", to=["eve@example.org"]).message()
    assert message["Message-ID"].endswith(f"@{started_with.SITE_DOMAIN}>")


def test_invitations_are_not_sent_while_the_wave_is_a_draft(evaluator, wave):
    upload(evaluator, wave, GOOD)
    page = text_of(evaluator.get(url(wave)))
    assert "Invitations can be sent while the wave is open." in page
    assert re.search(r"<button[^>]*disabled[^>]*>Send invitations", page)
    response = evaluator.post(url(wave, "invitations/send/"), follow=True)
    assert "Open the wave before sending invitations." in text_of(response)
    assert mail.outbox == [] and not Job.objects.exists()


def test_the_invitations_page_shows_counts_but_not_who_answered(evaluator, wave):
    upload(evaluator, wave, GOOD)
    Invitation.objects.filter(email="ann@example.org").update(completed_on="2026-11-20")
    page = text_of(evaluator.get(url(wave)))
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<h1") == 1
    assert "ann@example.org" not in page and "bob@example.org" not in page


# --- open link -------------------------------------------------------------------------------


def test_the_open_link_is_shown_once_and_stored_hashed(evaluator, wave):
    form = evaluator.get(url(wave, "invitations/open-link/"))
    assert "Most responses through the link" in text_of(form)
    response = evaluator.post(url(wave, "invitations/open-link/"), {"max_responses": "120"})
    assert response.status_code == 200
    (token,) = re.findall(r"http://testserver\.example/s/open/([A-Za-z0-9_-]+)/", text_of(response))
    link = OpenLink.objects.get(wave=wave)
    assert link.active and link.token_hash == hash_token(token)
    assert link.max_responses == 120
    assert token not in text_of(evaluator.get(url(wave)))
    assert "The open link is <strong>on</strong>" in text_of(evaluator.get(url(wave)))
    assert "It takes up to 120 responses." in text_of(evaluator.get(url(wave)))

    response = evaluator.post(url(wave, "invitations/open-link/"), {"max_responses": "150"})
    (new_token,) = re.findall(r"/s/open/([A-Za-z0-9_-]+)/", text_of(response))
    link.refresh_from_db()
    assert new_token != token and link.token_hash == hash_token(new_token)
    assert link.max_responses == 150

    evaluator.post(url(wave, "invitations/open-link/off/"))
    link.refresh_from_db()
    assert not link.active
    assert AuditEvent.objects.filter(action="open_link.deactivated").exists()


# --- purging e-mail addresses ----------------------------------------------------------------


def test_e_mail_addresses_are_purged_only_once_the_wave_is_closed(evaluator, wave):
    upload(evaluator, wave, GOOD)
    open_wave(wave)
    response = evaluator.post(url(wave, "invitations/purge/"))
    assert "Close the wave before deleting e-mail addresses" in text_of(response)
    assert Invitation.objects.exclude(email="").count() == 2

    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    confirm = text_of(evaluator.get(url(wave, "invitations/purge/")))
    assert "Yes, delete the e-mail addresses" in confirm
    response = evaluator.post(url(wave, "invitations/purge/"), follow=True)
    assert "2 e-mail addresses deleted." in text_of(response)
    assert "have been deleted" in text_of(response)
    assert list(Invitation.objects.values_list("email", flat=True)) == ["", ""]
    assert Invitation.objects.filter(email_purged_at__isnull=False).count() == 2
    event = AuditEvent.objects.get(action="invitations.emails_purged")
    assert event.detail == {"count": 2} and event.actor is not None


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["invitations/", "invitations/example.csv"])
def test_a_manager_may_not_see_or_change_invitations(client, wave, path):
    client.force_login(member(wave.partnership, Role.MANAGER))
    assert client.get(url(wave, path)).status_code == 403
    response = client.post(
        url(wave), {"staff_list": SimpleUploadedFile("s.csv", GOOD.encode(), "text/csv")}
    )
    assert response.status_code == 403
    for action in ["send/", "remind/", "open-link/", "purge/"]:
        assert client.post(url(wave, f"invitations/{action}")).status_code == 403
    assert not Invitation.objects.exists() and not OpenLink.objects.exists()


def test_the_wave_page_links_to_invitations_for_evaluators_only(client, wave):
    client.force_login(member(wave.partnership, Role.MANAGER))
    page = client.get(wave.get_absolute_url()).content.decode()
    assert url(wave) not in page
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    assert url(wave) in client.get(wave.get_absolute_url()).content.decode()


# --- the links work with the answering pages -------------------------------------------------


def test_the_links_in_e_mails_and_the_open_link_lead_into_the_survey(
    client, evaluator, wave, django_capture_on_commit_callbacks
):
    from surveys.services.opening import open_wave as open_for_answers
    from tests.factories import ItemFactory, QuestionnaireFactory, SectionFactory

    questionnaire = QuestionnaireFactory(wave=wave)
    ItemFactory(section=SectionFactory(questionnaire=questionnaire))
    open_for_answers(wave)
    upload(evaluator, wave, GOOD)
    with django_capture_on_commit_callbacks(execute=True):
        evaluator.post(url(wave, "invitations/send/"))
    (token,) = LINK.findall(mail.outbox[0].body)
    open_token = re.findall(
        r"/s/open/([A-Za-z0-9_-]+)/",
        text_of(evaluator.post(url(wave, "invitations/open-link/"), {"max_responses": "50"})),
    )[0]

    client.logout()
    for path in [f"/s/{token}/", f"/s/open/{open_token}/"]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert wave.partnership.name in text_of(response) or questionnaire.title in text_of(
            response
        ), path
    assert client.get("/s/not-a-real-token/").status_code in {200, 404, 410}


def test_many_bad_rows_are_summed_up_after_the_first_fifty(evaluator, wave):
    rows = "".join(f"person{n}@x,Northshire Council,Nurse\n" for n in range(60))
    page = text_of(upload(evaluator, wave, "email,organisation,staff_group\n" + rows))
    assert "Row 51: 'person49@x' is not a valid e-mail address." in page
    assert "Row 52:" not in page
    assert "…and 10 more rows with problems." in page
    assert not Invitation.objects.exists()


def test_a_closed_wave_gets_no_open_link(evaluator, wave):
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    response = evaluator.post(url(wave, "invitations/open-link/"), follow=True)
    assert "This wave is closed: nobody more can be invited." in text_of(response)
    assert not OpenLink.objects.exists()
    assert "Make an open link" not in text_of(response)


def test_the_purge_page_explains_why_it_waits_for_the_wave_to_close(evaluator, wave):
    upload(evaluator, wave, GOOD)
    page = text_of(evaluator.get(url(wave, "invitations/purge/")))
    assert "can be deleted only once the wave is closed" in page
    assert "Yes, delete" not in page


def test_no_one_can_be_added_to_an_open_wave_past_its_closing_date(evaluator, wave):
    """Closed overnight in effect (the links would not work): refused before the file is read."""
    import datetime

    from django.utils import timezone

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.OPEN, closes_on=yesterday)
    response = upload(evaluator, wave, "not,a,staff,list\n")
    text = text_of(response)
    assert "no “email”" not in text, text  # the file itself was never read
    assert "This wave is closed: nobody more can be invited." in text, (
        text
    )  # the file itself was never read
    assert not Invitation.objects.exists()
