"""GOV.UK patterns everywhere (issue 15, item 14): date inputs for the wave's dates, forms the
browser does not validate (errors go to the error summary), styled error pages and a favicon."""

import datetime
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from poet.models import Role, Wave
from tests.factories import PartnershipFactory, member

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def admin_client(client):
    partnership = PartnershipFactory(slug="alpha")
    client.force_login(member(partnership, Role.ADMINISTRATOR))
    return client


def date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_a_new_wave_takes_its_dates_as_day_month_and_year(admin_client):
    page = admin_client.get("/p/alpha/waves/new/").content.decode()
    for name in ("opens_on", "closes_on"):
        for part in ("0", "1", "2"):
            assert f'id="id_{name}_{part}"' in page
    assert page.count('class="govuk-date-input"') == 2
    soon = timezone.localdate() + datetime.timedelta(days=7)
    later = soon + datetime.timedelta(days=30)
    response = admin_client.post(
        "/p/alpha/waves/new/",
        {"name": "Baseline", **date("opens_on", soon), **date("closes_on", later)},
    )
    assert response.status_code == 302
    wave = Wave.objects.get()
    assert (wave.opens_on, wave.closes_on) == (soon, later)


def test_a_closing_date_before_the_opening_date_is_refused_in_the_error_summary(admin_client):
    soon = timezone.localdate() + datetime.timedelta(days=7)
    response = admin_client.post(
        "/p/alpha/waves/new/",
        {
            "name": "Baseline",
            **date("opens_on", soon),
            **date("closes_on", soon - datetime.timedelta(days=1)),
        },
    )
    page = response.content.decode()
    summary = page.split('class="govuk-error-summary"', 1)[1].split("</div>", 2)[0]
    assert "The closing date must be on or after the opening date." in summary
    # The summary's link lands on the date's first input, the day (GOV.UK).
    assert 'href="#id_closes_on_0"' in summary
    assert 'id="id_closes_on_0"' in page
    assert not Wave.objects.exists()


def test_a_date_in_the_past_is_refused(admin_client):
    page = admin_client.post(
        "/p/alpha/waves/new/", {"name": "Old", **date("closes_on", datetime.date(2000, 1, 1))}
    ).content.decode()
    assert "The closing date must be today or in the future." in page
    assert 'href="#id_closes_on_0"' in page


def test_the_k_setting_is_checked_by_the_server_not_the_browser(admin_client):
    page = admin_client.get("/p/alpha/settings/").content.decode()
    forms = re.findall(r"<form[^>]*>", page)
    assert forms and all("novalidate" in f for f in forms)
    response = admin_client.post("/p/alpha/settings/", {"minimum_group_size": 2, "reason": "x"})
    summary = response.content.decode().split('class="govuk-error-summary"', 1)[1]
    assert "greater than or equal to 3" in summary.split("</ul>", 1)[0]


def test_every_form_in_every_template_is_left_to_the_server_to_check():
    """A browser's own checks show tooltips instead of the GOV.UK error summary."""
    templates = [
        p
        for p in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in p.parts and "node_modules" not in p.parts
    ]
    missing = [
        f"{path.relative_to(ROOT)}: {tag}"
        for path in templates
        for tag in re.findall(r"<form\b[^>]*>", path.read_text())
        if "novalidate" not in tag
    ]
    assert templates and not missing, missing


def test_a_page_that_does_not_exist_is_the_styled_404(admin_client, settings):
    settings.DEBUG = False
    response = admin_client.get("/p/alpha/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>Page not found – POET</title>" in page
    assert "If you typed the web address, check it is correct." in page
    assert 'class="govuk-header' in page


def test_a_partnership_one_is_not_a_member_of_is_the_styled_404(client):
    PartnershipFactory(slug="beta")
    other = PartnershipFactory(slug="gamma")
    client.force_login(member(other, Role.MANAGER))
    response = client.get("/p/beta/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_a_role_without_the_right_gets_the_styled_403(client):
    partnership = PartnershipFactory(slug="alpha")
    client.force_login(member(partnership, Role.MANAGER))
    response = client.get("/p/alpha/settings/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "<title>You cannot see this page – POET</title>" in page
    assert "ask one of the partnership’s administrators" in page


def test_a_server_error_is_the_styled_500(db, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.poet.urls_failing"
    client = Client(raise_request_exception=False)
    response = client.get("/fails/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Traceback" not in page and "poet.css" in page


def test_the_favicon_is_linked_and_at_its_usual_address(admin_client):
    page = admin_client.get("/p/alpha/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon\.ico"', page)
    response = admin_client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.ico"
    assert (ROOT / "static" / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an icon


def test_the_demo_runs_with_debug_off():
    script = (ROOT / "scripts" / "demo").read_text()
    assert "DEBUG=${DEBUG:-false}" in script
    assert "collectstatic" in script


def test_a_form_sent_without_its_csrf_token_gets_a_styled_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "The form could not be sent" in page and 'class="govuk-header' in page
