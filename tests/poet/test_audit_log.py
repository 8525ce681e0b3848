"""The audit log in words, narrowed by person, kind and dates, paged and as CSV (issue 15,
item 16)."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from poet.models import AuditEvent, Role
from poet.selectors.audit_log import audit_kinds, audit_label
from poet.services import record_audit
from tests.factories import PartnershipFactory, UserFactory, WaveFactory, member

pytestmark = pytest.mark.django_db
LOG = "/p/alpha/audit/"


@pytest.fixture
def partnership():
    return PartnershipFactory(slug="alpha", name="Alpha")


@pytest.fixture
def ada(client, partnership):
    user = member(partnership, Role.ADMINISTRATOR, user__first_name="Ada", user__last_name="Lovel")
    client.force_login(user)
    return user


def text(response) -> str:
    return " ".join(response.content.decode().split())


def table(response) -> str:
    """The log's table (not the filter's choices), as text."""
    html = response.content.decode()
    if "<table" not in html:
        return ""
    return " ".join(html.split("<table", 1)[1].split("</table>", 1)[0].split())


def test_each_kind_reads_in_words(client, ada, partnership):
    record_audit("partnership.k_changed", actor=ada, partnership=partnership, old=10, new=5)
    wave = WaveFactory(partnership=partnership, name="Baseline")
    record_audit(
        "report.downloaded",
        actor=ada,
        partnership=partnership,
        target=str(wave),
        step="fetched",
        wave=wave.slug,
        kind="summative",
        format="pdf",
    )
    record_audit(
        "member.role_changed",
        actor=ada,
        partnership=partnership,
        target="eve@x.org",
        old="manager",
        new="evaluator",
    )
    page = table(client.get(LOG))
    assert "Minimum group size changed" in page and "k changed from 10 to 5" in page
    assert "Report downloaded" in page and "Summative report as PDF document" in page
    assert "Role changed from manager to evaluator" in page
    assert "partnership.k_changed" not in page and "report.downloaded" not in page


def test_every_kind_the_apps_record_has_a_plain_label():
    named = audit_kinds()
    for action in [
        "wave.opened",
        "questionnaire.item_changed",
        "invitations.added",
        "follow_up.session_added",
        "participant.registered",
        "report.viewed",
        "comparison.started",
        "answers.downloaded",
    ]:
        assert action in named, action
    assert audit_label("something.new_happened") == "Something new happened"


def test_filter_by_person_kind_and_dates(client, ada, partnership):
    eve = member(partnership, Role.EVALUATOR, user__first_name="Eve", user__last_name="Evans")
    record_audit("wave.opened", actor=eve, partnership=partnership, target="Baseline")
    record_audit("wave.closed", actor=ada, partnership=partnership, target="Baseline")
    old = record_audit("wave.created", actor=eve, partnership=partnership, target="Pilot")
    AuditEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    page = table(client.get(LOG, {"person": eve.pk}))
    assert "Wave opened" in page and "Wave created" in page and "Wave closed" not in page
    page = table(client.get(LOG, {"kind": "wave.closed"}))
    assert "Wave closed" in page and "Wave opened" not in page
    since = timezone.localdate() - datetime.timedelta(days=7)
    page = table(
        client.get(LOG, {"since_0": since.day, "since_1": since.month, "since_2": since.year})
    )
    assert "Wave opened" in page and "Wave created" not in page
    page = text(client.get(LOG, {"kind": "wave.opened", "person": ada.pk}))
    assert "No events match." in page
    # The choices are the people and kinds in this log, by name.
    form = text(client.get(LOG))
    assert "Eve Evans" in form and ">Wave opened<" in form.replace("> ", ">").replace(" <", "<")


def test_a_bad_date_range_is_refused_in_the_error_summary(client, ada, partnership):
    page = client.get(
        LOG,
        {
            "since_0": 10,
            "since_1": 11,
            "since_2": 2026,
            "until_0": 1,
            "until_1": 11,
            "until_2": 2026,
        },
    ).content.decode()
    summary = page.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert "The end date must be on or after the start date." in summary
    assert 'href="#id_until_0"' in summary


def test_the_log_is_paged_and_the_pages_keep_the_filter(client, ada, partnership):
    for n in range(55):
        record_audit("wave.opened", actor=ada, partnership=partnership, target=f"W{n}")
    page = text(client.get(LOG, {"kind": "wave.opened"}))
    assert "55 events match: 1 to 50 shown" in page
    assert "kind=wave.opened&amp;page=2" in page
    second = text(client.get(LOG, {"kind": "wave.opened", "page": 2}))
    assert "51 to 55 shown" in second and "W0" in second and "W54" not in second


def test_the_csv_holds_the_filtered_log_in_words_and_cannot_run_formulas(client, ada, partnership):
    record_audit(
        "partnership.k_changed",
        actor=ada,
        partnership=partnership,
        reason='=HYPERLINK("http://evil")',
        old=10,
        new=5,
    )
    record_audit("wave.opened", actor=ada, partnership=partnership, target="Baseline")
    response = client.get("/p/alpha/audit/audit-log.csv", {"kind": "partnership.k_changed"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    (row,) = rows
    assert (row["who"], row["what"], row["details"]) == (
        "Ada Lovel",
        "Minimum group size changed",
        "k changed from 10 to 5",
    )
    assert row["reason"] == '\'=HYPERLINK("http://evil")'
    assert AuditEvent.objects.filter(action="audit_log.downloaded").count() == 1


def test_only_administrators_see_or_download_the_log(client, partnership):
    client.force_login(member(partnership, Role.EVALUATOR))
    assert client.get(LOG).status_code == 403
    assert client.get("/p/alpha/audit/audit-log.csv").status_code == 403
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get("/p/alpha/audit/audit-log.csv").status_code == 404
