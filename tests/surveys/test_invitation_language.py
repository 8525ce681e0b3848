"""Invitation and reminder e-mails in the invitee's language (issue 17, item 1): Welsh for Welsh
speakers, Welsh then English for people whose language is not known when the wave offers Welsh,
English otherwise, exactly as before; the link opens the survey in the e-mail's language."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from poet.models import Job, Role, Wave
from surveys.models import Invitation
from surveys.services.invitations import send_invitations, send_reminders
from surveys.services.translations import import_po, set_languages
from tests.factories import OrganisationFactory, StaffGroupFactory, WaveFactory, member
from tests.surveys import test_reminders
from tests.surveys.test_answering_support import build_survey
from tests.surveys.test_translations import translated_file

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver\.example/s/([A-Za-z0-9_-]+)/(\?lang=[a-z-]+)?")
ENGLISH_SUBJECT = "Northshire Health & Care staff survey: how is working together going?"
WELSH_SUBJECT = "Arolwg staff Northshire Health & Care: sut mae cydweithio’n mynd?"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver.example"
    settings.SITE_DOMAIN = "testserver.example"


def make_wave(*, welsh: bool, **fields) -> Wave:
    wave = WaveFactory(
        partnership__name="Northshire Health & Care",
        name="Baseline 2026",
        status=Wave.Status.OPEN,
        closes_on=datetime.date(2026, 12, 18),
        **fields,
    )
    OrganisationFactory(partnership=wave.partnership, name="Cyngor Môn")
    StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    if welsh:
        set_languages(wave, ["cy"])
    return wave


def invite(wave: Wave, email: str, language: str = "") -> Invitation:
    return Invitation.objects.create(
        wave=wave,
        organisation=wave.partnership.organisations.get(),
        staff_group=wave.partnership.staff_groups.get(),
        email=email,
        language=language,
    )


def sent_to(email: str):
    (message,) = [m for m in mail.outbox if m.to == [email]]
    return message


def html_of(message) -> str:
    body, mime = message.alternatives[0]
    assert mime == "text/html"
    return html.unescape(body)


def test_a_welsh_speaker_gets_the_invitation_in_welsh_with_a_link_opening_the_survey_in_welsh():
    wave = make_wave(welsh=False)
    invite(wave, "eleri@example.org", "cy")
    assert send_invitations(wave).sent == 1
    message = sent_to("eleri@example.org")
    assert message.subject == WELSH_SUBJECT
    for text in (message.body, html_of(message)):
        assert "Helo," in text and "Hello," not in text
        assert "Mae eich atebion yn ddienw." in text and "anonymous" not in text
        # The date in Welsh, as Welsh writes it mid-sentence.
        assert "Bydd yr arolwg yn cau ar ddiwedd dydd Gwener 18 Rhagfyr 2026." in text
        assert "Friday" not in text and "December" not in text
        links = LINK.findall(text)
        assert links and all(lang == "?lang=cy" for _, lang in links)
    assert '<html lang="cy">' in html_of(message)
    assert "Ateb yr arolwg" in html_of(message)


def test_people_whose_language_is_not_known_get_welsh_then_english_when_the_wave_offers_welsh():
    wave = make_wave(welsh=True)
    invite(wave, "alex@example.org")
    send_invitations(wave)
    message = sent_to("alex@example.org")
    assert message.subject == f"{WELSH_SUBJECT} / {ENGLISH_SUBJECT}"
    for text in (message.body, html_of(message)):
        welsh, english = text.index("Helo,"), text.index("Hello,")
        assert welsh < english  # Welsh first
        assert text.index("dydd Gwener 18 Rhagfyr 2026") < english
        assert text.index("Friday 18 December 2026") > english
        links = LINK.findall(text)
        # One personal link, opening the survey in Welsh from the Welsh part and in English
        # from the English part.
        assert len({token for token, _ in links}) == 1
        assert {lang for _, lang in links} == {"?lang=cy", ""}
        assert all(lang == "?lang=cy" for _, lang in LINK.findall(text[:english])) and all(
            lang == "" for _, lang in LINK.findall(text[english:])
        )
    page = html_of(message)
    assert '<div lang="cy"' in page and '<div lang="en-GB"' in page
    assert "<title>Arolwg staff Northshire Health & Care / Northshire Health & Care staff" in page


def test_without_welsh_on_the_wave_nor_a_known_language_the_e_mail_is_english_as_before(client):
    wave = make_wave(welsh=False)
    invite(wave, "alex@example.org")
    invite(wave, "ben@example.org", "en-gb")
    # Whatever language the evaluator's pages are in.
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    client.cookies["django_language"] = "cy"
    send_invitations(wave)
    for email in ("alex@example.org", "ben@example.org"):
        message = sent_to(email)
        assert message.subject == ENGLISH_SUBJECT
        assert message.body.startswith("Hello,\n")
        assert "The survey closes at the end of Friday 18 December 2026." in message.body
        assert "Helo" not in message.body and "?lang=" not in message.body
        assert '<html lang="en-GB">' in html_of(message) and "lang=" not in html_of(
            message
        ).replace('<html lang="en-GB">', "")


def test_a_known_english_speaker_gets_english_only_on_a_wave_offering_welsh():
    wave = make_wave(welsh=True)
    invite(wave, "ben@example.org", "en-gb")
    send_invitations(wave)
    message = sent_to("ben@example.org")
    assert message.subject == ENGLISH_SUBJECT
    assert "Helo" not in message.body and "?lang=" not in message.body


def test_other_languages_get_the_english_e_mail_with_a_link_opening_the_survey_in_theirs():
    wave = make_wave(welsh=True)
    set_languages(wave, ["cy", "ur"])
    invite(wave, "imran@example.org", "ur")
    send_invitations(wave)
    message = sent_to("imran@example.org")
    assert message.subject == ENGLISH_SUBJECT
    assert "Hello," in message.body and "Helo" not in message.body
    links = LINK.findall(message.body) + LINK.findall(html_of(message))
    assert links and all(lang == "?lang=ur" for _, lang in links)


def test_reminders_are_in_the_invitees_language_too():
    wave = make_wave(welsh=True)
    long_ago = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for email, language in [
        ("eleri@example.org", "cy"),
        ("alex@example.org", ""),
        ("ben@example.org", "en-gb"),
    ]:
        invite(wave, email, language)
    Invitation.objects.update(last_sent_at=long_ago)
    assert send_reminders(wave) == 3
    welsh = sent_to("eleri@example.org")
    assert welsh.subject == f"Nodyn atgoffa: {WELSH_SUBJECT}"
    assert "Nodyn atgoffa yw hwn:" in welsh.body and "This is a reminder" not in welsh.body
    assert "?lang=cy" in welsh.body
    both = sent_to("alex@example.org")
    assert both.subject == f"Nodyn atgoffa: {WELSH_SUBJECT} / Reminder: {ENGLISH_SUBJECT}"
    assert both.body.index("Nodyn atgoffa yw hwn:") < both.body.index("This is a reminder:")
    english = sent_to("ben@example.org")
    assert english.subject == f"Reminder: {ENGLISH_SUBJECT}"
    assert "Nodyn" not in english.body


def test_the_welsh_e_mail_names_the_questionnaire_by_its_welsh_title_once_translated(client):
    invitation, _ = build_survey(partnership__name="Northshire Health & Care")
    wave = invitation.wave
    Invitation.objects.filter(pk=invitation.pk).update(language="cy")
    set_languages(wave, ["cy"])
    send_invitations(wave)
    assert "“" not in mail.outbox[0].body  # no Welsh title while the Welsh is incomplete
    mail.outbox.clear()
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=None)
    import_po(wave, "cy", translated_file(wave, "cy", lambda text: f"[cy] {text}"))
    send_invitations(wave)
    body = mail.outbox[0].body
    assert "ateb arolwg byr, “[cy] Working together in our partnership”" in body

    # Its link opens the survey in Welsh: the questionnaire's Welsh texts, POET's Welsh words.
    (token, lang) = LINK.findall(body)[0]
    assert lang == "?lang=cy"
    client.get(reverse("respond:start", kwargs={"token": token}) + lang)
    start = html.unescape(client.get("/s/").content.decode())
    assert '<html lang="cy"' in start
    assert "[cy] Working together in our partnership" in start


def test_the_invitations_job_sends_each_person_their_own_language(
    client, django_capture_on_commit_callbacks
):
    wave = make_wave(welsh=True)
    invite(wave, "eleri@example.org", "cy")
    invite(wave, "ben@example.org", "en-gb")
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/invitations/send/")
    assert Job.objects.get(kind="surveys.send_invitations").status == Job.Status.SUCCEEDED
    assert sent_to("eleri@example.org").subject == WELSH_SUBJECT
    assert sent_to("ben@example.org").subject == ENGLISH_SUBJECT


# --- the language on the staff list ------------------------------------------------------------


def invitations_url(wave: Wave, tail: str = "") -> str:
    return f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/invitations/{tail}"


def upload(client, wave: Wave, content: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        invitations_url(wave),
        {"staff_list": SimpleUploadedFile("staff.csv", content.encode(), "text/csv")},
    )


@pytest.fixture
def evaluator(client):
    wave = make_wave(welsh=True)
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    client.wave = wave
    return client


def test_a_staff_list_language_column_accepts_codes_and_names_in_any_case(evaluator):
    wave = evaluator.wave
    rows = {
        "a@example.org": ("cy", "cy"),
        "b@example.org": ("CYMRAEG", "cy"),
        "c@example.org": (" welsh ", "cy"),
        "d@example.org": ("en", "en-gb"),
        "e@example.org": ("English", "en-gb"),
        "f@example.org": ("en-GB", "en-gb"),
        "g@example.org": ("Saesneg", "en-gb"),
        "h@example.org": ("Urdu", "ur"),
        "i@example.org": ("اردو", "ur"),
        "j@example.org": ("", ""),
    }
    content = "email,organisation,staff_group,Language\n" + "".join(
        f"{email},Cyngor Môn,Nurse,{cell}\n" for email, (cell, _) in rows.items()
    )
    assert upload(evaluator, wave, content).status_code == 302
    stored = dict(Invitation.objects.values_list("email", "language"))
    assert stored == {email: code for email, (_, code) in rows.items()}


def test_a_staff_list_without_a_language_column_leaves_languages_not_known(evaluator):
    wave = evaluator.wave
    content = "email,organisation,staff_group\na@example.org,Cyngor Môn,Nurse\n"
    assert upload(evaluator, wave, content).status_code == 302
    assert Invitation.objects.get().language == ""


def test_an_unknown_language_is_a_clear_error_of_its_row_and_nothing_is_stored(evaluator):
    wave = evaluator.wave
    content = (
        "email,organisation,staff_group,language\n"
        "a@example.org,Cyngor Môn,Nurse,Welsh\n"
        "b@example.org,Cyngor Môn,Nurse,Klingon\n"
        "c@example.org,Nowhere,Nurse,fr\n"
    )
    response = upload(evaluator, wave, content)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "There is a problem" in page
    assert (
        "Row 3: 'Klingon' is not a language POET knows (use one of en (English), cy (Cymraeg), "
        "ur (اردو), pl (Polski), pa (ਪੰਜਾਬੀ), bn (বাংলা), ar (العربية), ro (Română), or leave "
        "it blank when not known)." in page
    )
    assert "Row 4: 'Nowhere' is not an organisation" in page
    assert "'fr' is not a language POET knows" in page
    assert not Invitation.objects.exists()


def test_the_example_staff_list_has_a_language_column_when_the_wave_offers_languages(evaluator):
    wave = evaluator.wave
    content = evaluator.get(invitations_url(wave, "example.csv")).content.decode("utf-8-sig")
    assert content.startswith("email,organisation,staff_group,language\r\n")
    assert "Cymraeg" in content
    assert upload(evaluator, wave, content).status_code == 302
    assert set(Invitation.objects.values_list("language", flat=True)) == {"", "cy"}


def test_a_person_added_by_hand_can_be_given_a_language(evaluator):
    wave = evaluator.wave
    form = html.unescape(evaluator.get(invitations_url(wave, "add/")).content.decode())
    assert "Language (optional)" in form and "Welsh (Cymraeg)" in form
    assert '<option value="" selected>Not known</option>' in form
    data = {
        "email": "eleri@example.org",
        "organisation": wave.partnership.organisations.get().pk,
        "staff_group": wave.partnership.staff_groups.get().pk,
        "language": "cy",
    }
    assert evaluator.post(invitations_url(wave, "add/"), data).status_code == 302
    assert Invitation.objects.get(email="eleri@example.org").language == "cy"
    data.update(email="x@example.org", language="tlh")
    page = html.unescape(evaluator.post(invitations_url(wave, "add/"), data).content.decode())
    assert "Choose a language, or “Not known”." in page
    assert not Invitation.objects.filter(email="x@example.org").exists()
    # Left as it is: not known.
    data.update(email="y@example.org", language="")
    evaluator.post(invitations_url(wave, "add/"), data)
    assert Invitation.objects.get(email="y@example.org").language == ""


# --- the preview ---------------------------------------------------------------------------------


def preview(client, wave: Wave, query: str = "") -> str:
    response = client.get(invitations_url(wave, "preview/") + query)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def parts_of(page: str) -> tuple[str, str]:
    html_part = page.split("data-email-html>")[1].split(">As plain text</h2>")[0]
    text_part = page.split("data-email-text>")[1].split("</pre>")[0]
    return html_part, text_part


def test_the_preview_shows_each_version_the_wave_sends_by_language(evaluator):
    wave = evaluator.wave
    set_languages(wave, ["cy", "ur"])
    page = preview(evaluator, wave)
    versions = page.split("data-email-languages>")[1].split("</ul>")[0]
    assert "In Welsh and English</strong>: People whose language is not known" in versions
    assert "In Welsh</a>: People whose language is Welsh" in versions
    assert "In English</a>: People whose language is English or another language" in versions
    assert "People whose language is Urdu get the e-mail in English" in page
    # The first: Welsh then English.
    assert f"{WELSH_SUBJECT} / {ENGLISH_SUBJECT}" in page
    for part in parts_of(page):
        assert part.index("Helo,") < part.index("Hello,")
        assert "example-link-not-a-real-one/?lang=cy" in part
    # In Welsh only.
    page = preview(evaluator, wave, "?language=cy")
    assert "In Welsh</strong>" in page and ENGLISH_SUBJECT not in page
    for part in parts_of(page):
        assert "Helo," in part and "Hello," not in part
    # In English only, as English speakers get it.
    page = preview(evaluator, wave, "?reminder=1&language=en-gb")
    assert f"Reminder: {ENGLISH_SUBJECT}" in page
    for part in parts_of(page):
        assert "Hello," in part and "Helo," not in part and "?lang=" not in part


def test_the_preview_shows_the_english_e_mail_in_english_to_an_evaluator_reading_welsh(client):
    wave = make_wave(welsh=False)
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    client.cookies["django_language"] = "cy"
    page = preview(client, wave)
    assert "data-email-languages" not in page  # one version only: nothing to choose
    assert ENGLISH_SUBJECT in page
    for part in parts_of(page):
        assert "Hello," in part and "Helo," not in part
        assert "Friday 18 December 2026" in part


def test_a_wave_without_welsh_previews_the_welsh_e_mail_once_a_welsh_speaker_is_invited(
    client,
):
    wave = make_wave(welsh=False)
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    invite(wave, "eleri@example.org", "cy")
    page = preview(client, wave)
    assert "In English</strong>: People whose language is not Welsh" in page
    assert "In Welsh</a>: People whose language is Welsh" in page
    assert WELSH_SUBJECT in preview(client, wave, "?language=cy")


def test_a_test_e_mail_is_the_version_shown(client):
    wave = make_wave(welsh=True)
    user = member(wave.partnership, Role.EVALUATOR)
    user.email = "eve@example.org"
    user.save()
    client.force_login(user)
    assert 'name="language" value="cy"' in preview(client, wave, "?language=cy")
    response = client.post(invitations_url(wave, "preview/"), {"language": "cy"})
    assert response["Location"].endswith("/invitations/preview/?language=cy")
    (message,) = mail.outbox
    assert message.subject == f"[Test] {WELSH_SUBJECT}"
    assert "Helo," in message.body and "Hello," not in message.body
    mail.outbox.clear()
    client.post(invitations_url(wave, "preview/"), {})
    assert mail.outbox[0].subject == f"[Test] {WELSH_SUBJECT} / {ENGLISH_SUBJECT}"


# --- a real worker ---------------------------------------------------------------------------

# The worker's e-mails go to files (its own settings): the reminders tests' fixtures.
mail_dir = test_reminders.mail_dir
celery_worker = test_reminders.celery_worker


@pytest.mark.celery_worker
def test_a_real_worker_sends_each_invitee_their_language(celery_worker, mail_dir):
    import email
    import email.policy
    import time

    from surveys.services.invitations import start_sending_invitations

    wave = make_wave(welsh=True)
    invite(wave, "eleri@example.org", "cy")
    invite(wave, "alex@example.org")
    invite(wave, "ben@example.org", "en-gb")
    job = start_sending_invitations(wave)
    for _ in range(300):
        job.refresh_from_db()
        if job.status in {Job.Status.SUCCEEDED, Job.Status.FAILED}:
            break
        time.sleep(0.2)
    assert job.status == Job.Status.SUCCEEDED, job.message
    messages = {}
    for path in mail_dir.iterdir():
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                message = email.message_from_bytes(chunk.strip(), policy=email.policy.default)
                messages[message["To"]] = message
    assert sorted(messages) == ["alex@example.org", "ben@example.org", "eleri@example.org"]
    subjects = {to: " ".join(str(m["Subject"]).split()) for to, m in messages.items()}
    assert subjects == {
        "eleri@example.org": WELSH_SUBJECT,
        "alex@example.org": f"{WELSH_SUBJECT} / {ENGLISH_SUBJECT}",
        "ben@example.org": ENGLISH_SUBJECT,
    }
    welsh = messages["eleri@example.org"].get_body(("plain",)).get_content()
    assert "dydd Gwener 18 Rhagfyr 2026" in welsh and "?lang=cy" in welsh
    english = messages["ben@example.org"].get_body(("plain",)).get_content()
    assert "Friday 18 December 2026" in english and "Helo" not in english


# --- the evaluator's pages in Welsh ------------------------------------------------------------


def test_an_evaluator_reading_welsh_gets_the_staff_list_problems_and_the_form_in_welsh(evaluator):
    wave = evaluator.wave
    evaluator.cookies["django_language"] = "cy"
    content = (
        "email,organisation,staff_group,language\n"
        "a@example.org,Cyngor Môn,Nurse,Klingon\n"
        ",Nowhere,Nurse,\n"
    )
    page = html.unescape(upload(evaluator, wave, content).content.decode())
    assert "Rhes 2: Nid yw 'Klingon' yn iaith y mae POET yn ei hadnabod" in page
    assert "Rhes 3: Mae’r cyfeiriad e-bost ar goll; nid yw 'Nowhere' yn un o sefydliadau" in page
    assert "is not a language POET knows" not in page and "Row 2" not in page
    form = html.unescape(evaluator.get(invitations_url(wave, "add/")).content.decode())
    assert "Iaith (dewisol)" in form and "Ddim yn hysbys" in form
    assert "Cyfeiriad e-bost" in form and "Language (optional)" not in form
    # The preview lists the versions in Welsh, and shows each e-mail as it is sent.
    page = preview(evaluator, wave, "?language=en-gb")
    assert "Yn Gymraeg ac yn Saesneg" in page and "In Welsh and English" not in page
    for part in parts_of(page):
        assert "Hello," in part and "Helo," not in part


def test_without_a_language_cookie_the_staff_list_problems_stay_in_english(evaluator):
    content = "email,organisation,staff_group,language\na@example.org,Cyngor Môn,Nurse,xx\n"
    page = html.unescape(upload(evaluator, evaluator.wave, content).content.decode())
    assert "Row 2: 'xx' is not a language POET knows" in page and "Rhes" not in page


# --- the set-password e-mail -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cookie", "words"),
    [
        ("", ["Hello Eve Evans & Co,", "Set your password here:"]),
        ("cy", ["Helo Eve Evans & Co,", "Gosodwch eich cyfrinair yma:"]),
    ],
)
def test_the_set_password_e_mail_is_in_both_languages_the_sender_s_first(client, cookie, words):
    from tests.factories import PartnershipFactory

    partnership = PartnershipFactory(slug="alpha", name="Alpha")
    client.force_login(member(partnership, Role.ADMINISTRATOR))
    if cookie:
        client.cookies["django_language"] = cookie
    client.post(
        "/p/alpha/members/",
        {"email": "eve@example.org", "name": "Eve Evans & Co", "role": "evaluator"},
    )
    (message,) = mail.outbox
    for word in words:
        assert word in message.body
    assert "&amp;" not in message.body  # plain text, not HTML
    welsh = "Rydych wedi cael eich ychwanegu at POET: gosodwch eich cyfrinair"
    english = "You have been added to POET: set your password"
    # A new member has chosen no language yet: both, the sender's first (issue 17, item 1).
    assert message.subject == (f"{welsh} / {english}" if cookie else f"{english} / {welsh}")


def test_deleting_e_mail_addresses_forgets_the_language_of_their_e_mails_too():
    from surveys.services.invitations import purge_emails

    wave = make_wave(welsh=True)
    invite(wave, "eleri@example.org", "cy")
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    wave.refresh_from_db()
    purge_emails(wave)
    assert list(Invitation.objects.values_list("email", "language")) == [("", "")]
