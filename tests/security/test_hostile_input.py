"""Hostile input: hypothesis-generated posts to every respondent form and every upload.

Whatever is posted — markup, formulas, null bytes, huge or negative numbers, wrong types, missing,
extra and repeated fields, broken CSV files — the answer is never a 5xx, a page with a form says
what is wrong, and nothing is half-stored. Text that looks like HTML or a spreadsheet formula
comes out inert in pages (escaped) and in files (a leading ').

Cases per test are in `EXAMPLES`; together at least 5,000 (docs/reliability.md, "Hostile input").
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.models import FollowUpSchedule
from poet.models import Organisation, OutcomeStatement, Partnership, Role, StaffGroup, Wave
from surveys.models import (
    Answer,
    Draft,
    Invitation,
    InvitationToken,
    Item,
    OpenLink,
    Response,
    new_token,
)
from surveys.services.answering import sections_of
from surveys.services.design import create_staff_questionnaire
from surveys.services.opening import open_wave
from tests.factories import member
from tests.security.strategies import NASTY, csv_file, form_data, hostile_text

pytestmark = pytest.mark.django_db

EXAMPLES = {
    "section": 1500,
    "review": 100,
    "open_link": 1700,
    "staff_list": 700,
    "answers_import": 600,
    "free_text_inert": 400,
}
FUZZ = settings(
    deadline=None,
    database=None,
    derandomize=True,  # the same cases every run: a failure reproduces
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- the world -----------------------------------------------------------------------------------


@pytest.fixture
def survey():
    """An open wave whose staff questionnaire is the real template, with an open link."""
    p = Partnership.objects.create(name="Fuzz", slug="fuzz", minimum_group_size=5)
    organisation = Organisation.objects.create(partnership=p, name="Council")
    group = StaffGroup.objects.create(partnership=p, name="Nurses")
    outcomes = [
        OutcomeStatement.objects.create(partnership=p, code=f"O-F{i}", text=f"I can {i}")
        for i in range(3)
    ]
    wave = Wave.objects.create(partnership=p, name="Baseline", slug="baseline")
    questionnaire = create_staff_questionnaire(wave, outcomes)
    open_wave(wave)
    other = Partnership.objects.create(name="Other", slug="other")
    foreign = Organisation.objects.create(partnership=other, name="Elsewhere")
    token, token_hash = new_token()
    OpenLink.objects.create(wave=wave, token_hash=token_hash, active=True)
    return {
        "wave": wave,
        "questionnaire": questionnaire,
        "organisation": organisation,
        "group": group,
        "foreign": foreign,
        "open_token": token,
    }


def respondent(survey) -> tuple[Client, Invitation]:
    """A new invitee who has opened their link (a fresh session)."""
    invitation = Invitation.objects.create(
        wave=survey["wave"],
        organisation=survey["organisation"],
        staff_group=survey["group"],
        email=f"p{Invitation.objects.count()}@example.org",
    )
    token, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
    client = Client()
    assert client.get(f"/s/{token}/").status_code == 302
    return client, invitation


def fields_of(section) -> tuple[list[str], dict[str, list[str]]]:
    """Posted field names of a section and some valid values for each."""
    names, valid = [], {}
    for item in section.items.all():
        if item.kind == Item.Kind.RANKING:
            for i, _ in enumerate(item.choices or []):
                names.append(f"{item.code}__{i}")
                valid[f"{item.code}__{i}"] = [str(i + 1), ""]
            continue
        names.append(item.code)
        if item.kind == Item.Kind.LIKERT:
            valid[item.code] = ["1", "5", "dk"]
        elif item.kind in (Item.Kind.MULTIPLE, Item.Kind.SINGLE):
            valid[item.code] = [c["value"] for c in item.choices or []]
        elif item.kind == Item.Kind.NUMBER:
            valid[item.code] = ["0", "7"]
        else:
            valid[item.code] = ["Sooner help.", NASTY[0], NASTY[3]]
    return names, valid


def valid_answers(section) -> dict:
    data = {"action": "continue"}
    names, valid = fields_of(section)
    for name in names:
        data[name] = valid[name][0]
    return data


def assert_page(response, what: str) -> None:
    """Never a 5xx; a page shown says what it is (one h1), and a form in error says so."""
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code in (200, 400, 403, 404) and "text/html" in response.get(
        "Content-Type", ""
    ):
        html = response.content.decode()
        assert html.count("<h1") == 1, f"{what}: a page without one h1"
        if "<title>Error:" in html:
            assert "govuk-error-summary" in html, f"{what}: 'Error:' title without a summary"


def assert_nothing_half_stored(wave: Wave) -> None:
    """Every response has its answers; a completed invitation has a response and no draft."""
    responses = Response.objects.filter(wave=wave)
    assert not responses.filter(answers__isnull=True).exists(), "a response without answers"
    completed = Invitation.objects.filter(wave=wave, completed_on__isnull=False).count()
    assert completed <= responses.filter(audience="staff").count(), "complete without a response"
    left = Draft.objects.filter(invitation__wave=wave, invitation__completed_on__isnull=False)
    assert not left.exists(), "a draft left behind by a completed invitation"
    stray = Answer.objects.filter(response__wave=wave).exclude(
        item__section__questionnaire=F("response__questionnaire")
    )
    assert not stray.exists(), "an answer to an item of another questionnaire"


# --- respondent forms ----------------------------------------------------------------------------


@given(data=st.data())
@settings(FUZZ, max_examples=EXAMPLES["section"])
def test_section_pages_take_anything_without_error(survey, data):
    """Posts to every section page (and out-of-range ones) with hostile values for each item."""
    if "client" not in survey:
        survey["client"], _ = respondent(survey)
    client = survey["client"]
    sections = sections_of(survey["questionnaire"])
    number = data.draw(st.integers(min_value=0, max_value=len(sections) + 1), label="section")
    fields, valid = fields_of(sections[number - 1]) if 1 <= number <= len(sections) else ([], {})
    posted = data.draw(form_data(fields, valid), label="data")
    url = reverse("respond:section", kwargs={"number": max(number, 0)})
    if data.draw(st.booleans(), label="from review"):
        url += "?return=review"
    response = client.post(url, posted)
    assert_page(response, f"POST section {number}")
    if response.status_code == 200 and 1 <= number <= len(sections):
        html = response.content.decode()
        for value in _texts(posted):
            if "<script" in value:
                assert "<script>alert(1)</script>" not in html, "markup echoed unescaped"
    assert_nothing_half_stored(survey["wave"])


def _texts(posted: dict) -> list[str]:
    values = []
    for v in posted.values():
        values += v if isinstance(v, list) else [v]
    return [v for v in values if isinstance(v, str)]


@given(fill=st.booleans(), replays=st.integers(1, 3), posted=form_data(["action", "confirm"]))
@settings(FUZZ, max_examples=EXAMPLES["review"])
def test_review_and_submit_store_one_whole_response_or_nothing(survey, fill, replays, posted):
    """Submit with or without every answer, replayed: one complete response, or none."""
    client, invitation = respondent(survey)
    before = Response.objects.filter(wave=survey["wave"]).count()
    if fill:
        for number, section in enumerate(sections_of(survey["questionnaire"]), start=1):
            url = reverse("respond:section", kwargs={"number": number})
            assert client.post(url, valid_answers(section)).status_code == 302
    for _ in range(replays):
        assert_page(client.post(reverse("respond:review"), posted), "POST review")
    invitation.refresh_from_db()
    after = Response.objects.filter(wave=survey["wave"]).count()
    assert after - before == (1 if fill else 0)
    assert invitation.is_completed is fill
    assert_nothing_half_stored(survey["wave"])


@given(posted=st.data())
@settings(FUZZ, max_examples=EXAMPLES["open_link"])
def test_open_link_group_choice(survey, posted):
    """The open link's organisation and group: ids of this partnership, of another, or junk."""
    ids = [
        str(survey["organisation"].pk),
        str(survey["group"].pk),
        str(survey["foreign"].pk),
        "0",
        "-1",
        str(2**63),
    ]
    data = posted.draw(
        form_data(["organisation", "staff_group"], {"organisation": ids, "staff_group": ids})
    )
    drafts = Draft.objects.count()
    cache.clear()  # every example a first visit: the link's hourly rate limit is tested elsewhere
    client = Client()
    response = client.post(f"/s/open/{survey['open_token']}/", data)
    assert_page(response, "POST open link")
    if response.status_code == 302:
        draft = Draft.objects.latest("pk")
        assert draft.organisation.partnership_id == survey["wave"].partnership_id
        assert draft.staff_group.partnership_id == survey["wave"].partnership_id
        assert Draft.objects.count() == drafts + 1
    else:
        assert Draft.objects.count() == drafts


# --- uploads -------------------------------------------------------------------------------------


@pytest.fixture
def evaluator(survey):
    client = Client()
    client.force_login(member(survey["wave"].partnership, Role.EVALUATOR))
    return client


@given(content=csv_file(["email", "organisation", "staff_group"], {}), name=hostile_text)
@settings(FUZZ, max_examples=EXAMPLES["staff_list"])
def test_staff_list_upload_is_all_or_nothing(survey, evaluator, content, name):
    wave = survey["wave"]
    url = reverse("surveys:invitations", kwargs={"partnership": "fuzz", "wave": wave.slug})
    before = Invitation.objects.filter(wave=wave).count()
    upload = SimpleUploadedFile((name or "x")[:80] + ".csv", content, "text/csv")
    response = evaluator.post(url, {"staff_list": upload})
    assert_page(response, "upload staff list")
    added = Invitation.objects.filter(wave=wave).count() - before
    if response.status_code == 302:
        assert added >= 0
    else:
        assert added == 0, "a refused staff list stored some rows"
        assert "govuk-error-summary" in response.content.decode()


@pytest.fixture
def follow_up(survey):
    return FollowUpSchedule.objects.create(wave=survey["wave"])


@given(
    content=csv_file(
        ["respondent", "audience", "organisation", "group", "item", "value"],
        {
            "audience": ["staff", "service_user", "carer"],
            "organisation": ["Council"],
            "group": ["Nurses"],
            "item": ["O-F0.importance", "O-F1.achievement", "TOP3"],
            "value": ["1", "5", "DK", "O-F0;O-F1"],
            "respondent": ["r1", "r2"],
        },
    )
)
@settings(FUZZ, max_examples=EXAMPLES["answers_import"])
def test_answers_import_upload_is_all_or_nothing(survey, evaluator, follow_up, content):
    wave = survey["wave"]
    url = reverse("outcomes:import_answers", kwargs={"partnership": "fuzz", "wave": wave.slug})
    responses = Response.objects.filter(wave=wave).count()
    answers = Answer.objects.filter(response__wave=wave).count()
    response = evaluator.post(url, {"answers_file": SimpleUploadedFile("a.csv", content)})
    assert_page(response, "import answers")
    if response.status_code != 302:
        assert Response.objects.filter(wave=wave).count() == responses
        assert Answer.objects.filter(response__wave=wave).count() == answers
    assert_nothing_half_stored(wave)


# --- free text comes out inert -------------------------------------------------------------------


@given(text=st.sampled_from(NASTY[:10]) | hostile_text)
@settings(FUZZ, max_examples=EXAMPLES["free_text_inert"])
def test_free_text_is_escaped_on_the_review_page(survey, text):
    """A respondent's own free text, shown back on the review page, is text and not markup."""
    if "client" not in survey:
        survey["client"], _ = respondent(survey)
    client = survey["client"]
    sections = sections_of(survey["questionnaire"])
    number, section = next(
        (n, s)
        for n, s in enumerate(sections, start=1)
        if s.items.filter(kind=Item.Kind.TEXT).exists()
    )
    code = section.items.get(kind=Item.Kind.TEXT).code
    data = valid_answers(section) | {code: text, "action": "save"}
    client.post(reverse("respond:section", kwargs={"number": number}), data)
    html = client.get(reverse("respond:review")).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html


def test_formulas_and_markup_are_inert_in_the_answers_file(
    survey, evaluator, django_capture_on_commit_callbacks
):
    """Free text with markup or a formula, through the raw answers download (if present)."""
    try:
        url = reverse("reports:downloads", kwargs={"partnership": "fuzz", "wave": "baseline"})
    except Exception:  # noqa: BLE001 - the downloads page is optional
        pytest.skip("no downloads page in this tree")
    client, _ = respondent(survey)
    texts = [
        '=HYPERLINK("http://x","y")',
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "<script>x</script>",
    ]
    sections = sections_of(survey["questionnaire"])
    for text in texts:
        client, _ = respondent(survey)
        for number, section in enumerate(sections, start=1):
            data = valid_answers(section)
            for item in section.items.filter(kind=Item.Kind.TEXT):
                data[item.code] = text
            assert client.post(reverse("respond:section", kwargs={"number": number}), data)
        assert client.post(reverse("respond:review")).status_code == 302
    from poet.models import Job

    with django_capture_on_commit_callbacks(execute=True):
        response = evaluator.post(url, {"kind": "answers", "format": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.filter(wave=survey["wave"]).latest("pk")
    fetched = evaluator.get(
        reverse(
            "reports:download_file",
            kwargs={"partnership": "fuzz", "wave": "baseline", "job_id": job.pk},
        )
    )
    assert fetched.status_code == 200
    text = b"".join(fetched.streaming_content).decode("utf-8-sig")
    values = [row[-1] for row in csv.reader(io.StringIO(text))]
    for t in texts:
        stored = t.strip()  # the form trims surrounding whitespace, as Django's CharField does
        if stored[0] in "=+-@":
            assert "'" + stored in values, t
            assert stored not in values, t
    assert "<script>x</script>" in values  # CSV carries text as text; it is not HTML


FORMULA = '=HYPERLINK("http://x","y")'
MARKUP = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture
def hostile_names(django_capture_on_commit_callbacks):
    """A run whose organisation and outcome texts are a formula and markup."""
    from django.core.management import call_command

    from tests.reports.builders import build_wave

    built = build_wave(outcomes=2, staff=12, users=6, k=5)
    Organisation.objects.filter(pk=built.organisations[0].pk).update(name=FORMULA)
    Organisation.objects.filter(pk=built.organisations[1].pk).update(name=MARKUP)
    OutcomeStatement.objects.filter(code="O-0").update(text=MARKUP)
    OutcomeStatement.objects.filter(code="O-1").update(text=FORMULA)
    wave = built.wave
    call_command(
        "run_comparison",
        wave.partnership.slug,
        wave.slug,
        "--resamples",
        "20",
        stdout=io.StringIO(),
    )
    client = Client()
    client.force_login(member(wave.partnership, Role.ADMINISTRATOR))
    return wave, client


def _download(client, wave, kind, format, capture) -> bytes:
    from poet.models import Job

    url = reverse(
        "reports:downloads", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    with capture(execute=True):
        assert client.post(url, {"kind": kind, "format": format}).status_code == 302
    job = Job.objects.filter(wave=wave).latest("pk")
    kwargs = {"partnership": wave.partnership.slug, "wave": wave.slug, "job_id": job.pk}
    response = client.get(reverse("reports:download_file", kwargs=kwargs))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_markup_and_formulas_are_inert_in_pages_and_report_files(
    hostile_names, django_capture_on_commit_callbacks, tmp_path
):
    """Names and statements with markup or a formula: escaped in HTML, a leading ' in CSV and
    XLSX (stored as text, never a formula), plain text in PDF."""
    import shutil
    import subprocess

    import openpyxl

    wave, client = hostile_names
    names = {"partnership": wave.partnership.slug, "wave": wave.slug}
    pages = ["reports:comparison", "surveys:responses", "reports:formative", "reports:summative"]
    for name in pages:
        try:
            url = reverse(name, kwargs=names)
        except Exception:  # noqa: BLE001 - report pages may not exist in an older tree
            continue
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html, name
    text = client.get(reverse("reports:comparison_csv", kwargs=names)).content.decode()
    groups = {r["group"] for r in csv.DictReader(io.StringIO(text))}
    assert "'" + FORMULA in groups and FORMULA not in groups
    try:
        reverse("reports:downloads", kwargs=names)
    except Exception:  # noqa: BLE001
        return
    capture = django_capture_on_commit_callbacks
    for kind in ("formative", "summative"):
        book = openpyxl.load_workbook(io.BytesIO(_download(client, wave, kind, "xlsx", capture)))
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula in the XLSX"
        values = {str(c.value) for c in cells if c.value is not None}
        assert not any(v.startswith(("=", "+", "@")) for v in values)
        assert any(FORMULA in v for v in values), "the name is there, as text"
        html = _download(client, wave, kind, "html", capture).decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        pdf = tmp_path / f"{kind}.pdf"
        pdf.write_bytes(_download(client, wave, kind, "pdf", capture))
        if shutil.which("pdftotext"):
            out = subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
            assert "<script>alert(1)" in " ".join(out.split()) or "HYPERLINK" in out
