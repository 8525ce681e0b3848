"""The formative and summative report pages: content, suppression, audit, permissions."""

from __future__ import annotations

import html
import re

import pytest

from poet.models import AuditEvent, Role
from tests.factories import WaveFactory, member
from tests.reports.test_report_content import SECRET, TINY, seeded

pytestmark = pytest.mark.django_db


def url(wave, kind: str, compare: str | None = None) -> str:
    base = f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/{kind}/"
    return base + (f"?compare={compare}" if compare else "")


@pytest.mark.parametrize("kind", ["formative", "summative"])
def test_a_manager_reads_a_report_and_the_view_is_audited(client, kind):
    built = seeded()
    wave = built.wave
    manager = member(wave.partnership, Role.MANAGER)
    client.force_login(manager)
    response = client.get(url(wave, kind))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert f"{kind.capitalize()} report" in page
    assert 'aria-labelledby="contents-heading"' in page
    assert page.count('role="img"') == page.count('type="application/json"') > 0
    # every chart container is followed by its data table
    for match in re.finditer(r'role="img" aria-label="([^"]+)"', page):
        rest = page[match.end() :]
        assert rest.index("<table") < rest.find('role="img"') or 'role="img"' not in rest
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page
    assert "vendor/plotly/plotly-cartesian.min.js" in page and "js/charts.js" in page
    event = AuditEvent.objects.get(action="report.viewed")
    assert event.actor == manager and event.partnership == wave.partnership
    assert event.detail["kind"] == kind and event.detail["wave"] == wave.slug
    assert event.detail["run"] is not None


def test_the_formative_page_escapes_comments_and_withholds_small_groups(client):
    built = seeded()
    client.force_login(member(built.wave.partnership, Role.MANAGER))
    page = client.get(url(built.wave, "formative")).content.decode()
    assert "&lt;b&gt;Good&lt;/b&gt; teamwork 1 &amp; more" in page
    assert "<b>Good</b>" not in page
    assert html.escape(SECRET, quote=True) not in page and SECRET not in page
    assert "hidden: fewer than 5 people" in page
    # hidden cells say why, in words
    cells = re.findall(r'<td class="govuk-table__cell[^"]*" data-hidden="true">([^<]*)</td>', page)
    assert cells and set(cells) <= {
        "hidden: fewer than 5 people",
        "hidden so a smaller group cannot be worked out",
    }
    assert page.count("Figures about fewer than 5 people are hidden") == 1
    assert TINY in page


def test_the_summative_page_shows_chosen_outcomes_methods_and_escapes_notes(client):
    built = seeded()
    client.force_login(member(built.wave.partnership, Role.MANAGER))
    page = client.get(url(built.wave, "summative")).content.decode()
    assert "Staff &lt;split&gt; on this" in page
    assert "Methods and limitations" in page and "Benjamini–Hochberg" in page
    assert "Dumbbell chart" in page


def test_change_since_an_earlier_wave_and_a_bad_compare_slug(client):
    built = seeded()
    later = WaveFactory(partnership=built.wave.partnership, name="12 months")
    client.force_login(member(built.wave.partnership, Role.MANAGER))
    page = client.get(url(later, "formative", built.wave.slug)).content.decode()
    assert "No results yet" in page  # the later wave has no run
    page = client.get(url(built.wave, "summative", later.slug)).content.decode()
    assert "cannot be compared" in page and "Change since" not in page  # later, no results
    page = client.get(url(built.wave, "summative", "no-such-wave")).content.decode()
    assert "cannot be compared" in page and "Change since" not in page
    other = seeded(WaveFactory())  # another partnership's wave is never found
    page = client.get(url(built.wave, "summative", other.wave.slug))
    assert page.status_code == 200 and "Change since" not in page.content.decode()


def test_empty_state_offers_evaluators_a_run(client):
    built = seeded(run=False)
    wave = built.wave
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    for kind in ("formative", "summative"):
        page = client.get(url(wave, kind)).content.decode()
        assert "No comparison has been run for this wave yet" in page
        assert f'action="/p/{wave.partnership.slug}/waves/{wave.slug}/comparisons/run/"' in page
        assert "plotly" not in page
    client.force_login(member(wave.partnership, Role.MANAGER))
    page = client.get(url(wave, "formative")).content.decode()
    assert "Run comparison" not in page and "An evaluator" in page


def test_the_wave_page_links_to_both_reports(client):
    """Once a comparison has run (the task list's reports task; before, it cannot start)."""
    built = seeded()
    wave = built.wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    page = client.get(f"/p/{wave.partnership.slug}/waves/{wave.slug}/").content.decode()
    assert url(wave, "formative") in page and url(wave, "summative") in page


def test_people_outside_the_partnership_get_404(client):
    built = seeded(run=False)
    other = WaveFactory()
    client.force_login(member(other.partnership, Role.ADMINISTRATOR))
    for kind in ("formative", "summative"):
        assert client.get(url(built.wave, kind)).status_code == 404
    assert not AuditEvent.objects.filter(action="report.viewed").exists()
    client.logout()
    assert client.get(url(built.wave, "formative")).status_code == 302  # to sign in
