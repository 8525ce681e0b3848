"""Suppression attacks: try to learn about a group below k from what the product shows (DESIGN §4).

One wave is seeded with groups below k = 5 (an organisation with 2 staff, a staff group with 3,
2 carers), answers and a finished comparison run. Then every page and file that shows figures
about groups is fetched as a manager would, parsed into tables, and attacked:

- differencing: in every family of sibling rows beside a total (or an "all" row), no group's
  count or mean can be worked out as the total minus the visible siblings;
- two filters differing by one group: the breakdowns that partition the same staff (by
  organisation, by staff group) must not differ in a way that isolates a small group;
- the CSV export against the on-screen table: a figure hidden on screen is hidden in the CSV
  (and the other way round), so one cannot fill the other's gaps;
- free text from a small group is never shown beside that group.

Pages are found by URL name (`PAGES`): those that exist in the URLconf are attacked, and the test
says which names it found; new report pages and downloads join by adding their name.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from api.services.tokens import create_token
from poet.models import Audience, Organisation, Role, StaffGroup
from surveys.models import Answer, Invitation, Item, Response
from tests.factories import member
from tests.reports.builders import DAY, build_wave

pytestmark = pytest.mark.django_db

K = 5
SMALL_ORGANISATION = "Tiny Trust"  # 2 staff
SMALL_GROUP = "Porters"  # 3 staff
SECRET = "SECRET-FROM-TINY-TRUST"

# --- parsing -----------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts (header rows included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._stack: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._stack:
            if not self._stack[-1]:
                self._stack[-1].append([])
            self._stack[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return [t for t in parser.tables if t]


NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?%?$")
TOTAL = re.compile(r"^(all\b|total|overall|everyone|all staff)", re.I)


def number(text: str) -> float | None:
    """A shown figure, or None for a hidden or empty cell."""
    text = text.strip().replace(",", "")
    if not NUMBER.match(text):
        return None
    return float(text.rstrip("%"))


def hidden(text: str) -> bool:
    t = text.strip().lower()
    return t == "" or "fewer than" in t or "hidden" in t or t in {"–", "-", "—", "*", "n/a"}


# --- the attacks as checks over tables -----------------------------------------------------------


@dataclass
class Family:
    """Sibling rows (one breakdown) with the row of their total, from one table."""

    where: str
    columns: list[str]
    total: list[str]
    siblings: list[list[str]]


def families(where: str, table: list[list[str]]) -> list[Family]:
    """Split a table into families: a total/"all" row starts (or ends) a run of sibling rows."""
    if len(table) < 3:
        return []
    header, rows = table[0], [r for r in table[1:] if len(r) == len(table[0])]
    found, total, siblings = [], None, []
    for row in rows:
        if row and TOTAL.match(row[0]):
            if total is not None and siblings:
                found.append(Family(where, header, total, siblings))
                total, siblings = row, []
            elif total is None and siblings:  # the total comes last
                found.append(Family(where, header, row, siblings))
                siblings = []
            else:
                total = row
        else:
            siblings.append(row)
    if total is not None and siblings:
        found.append(Family(where, header, total, siblings))
    return found


def differencing_leaks(family: Family) -> list[str]:
    """Columns of counts where exactly one sibling is hidden while the total is shown."""
    leaks = []
    for c, column in enumerate(family.columns[1:], start=1):
        if number(family.total[c]) is None:
            continue
        shown = [number(r[c]) for r in family.siblings]
        gaps = [r[0] for r, v in zip(family.siblings, shown, strict=True) if v is None]
        is_count = all(v is None or float(v).is_integer() for v in shown)
        if len(gaps) == 1 and is_count and any(v is not None for v in shown):
            recovered = number(family.total[c]) - sum(v for v in shown if v is not None)
            leaks.append(
                f"{family.where}: column {column!r}: {gaps[0]} = total − visible = {recovered:g}"
            )
    return leaks


def small_group_shown(where: str, table: list[list[str]], counts: dict[str, int]) -> list[str]:
    """Rows about a group below k that show any figure."""
    problems = []
    header = table[0]
    for row in table[1:]:
        if not row or row[0] not in counts or counts[row[0]] >= K:
            continue
        figures = [
            (header[c] if c < len(header) else c, v)
            for c, v in enumerate(row[1:], start=1)
            if number(v) is not None and not _is_label_column(header, c)
        ]
        if figures:
            problems.append(f"{where}: {row[0]} (n={counts[row[0]]}) shows {figures}")
    return problems


def _is_label_column(header: list[str], c: int) -> bool:
    """Columns that are not figures about the row's people (invited counts, k, codes…)."""
    name = header[c].lower() if c < len(header) else ""
    return any(word in name for word in ("invited", "outcome", "measure", "code", "rank"))


# --- the seeded wave -----------------------------------------------------------------------------


def _answer_all(response: Response, items: list[Item], value: int) -> list[Answer]:
    return [Answer(response=response, item=item, number=float(value)) for item in items]


@pytest.fixture
def seeded(tmp_path):
    """A closed wave: 16 staff in two organisations and groups, plus a 2-staff organisation and a
    3-staff group (each answering 1s and 5s, so any leak is visible), 8 users and 2 carers."""
    built = build_wave(outcomes=3, staff=16, users=8, carers=2, k=K, seed=3)
    wave, p = built.wave, built.wave.partnership
    tiny = Organisation.objects.create(partnership=p, name=SMALL_ORGANISATION)
    porters = StaffGroup.objects.create(partnership=p, name=SMALL_GROUP)
    staff_q = built.staff[0].questionnaire
    items = [
        i
        for key, i in built.items.items()
        if key.startswith("staff:") and i.kind == Item.Kind.LIKERT
    ]
    text = Item.objects.create(
        section=items[0].section, code="ELSE", kind=Item.Kind.TEXT, text="What else?", order=90
    )
    answers = []
    small = [(tiny, built.staff_groups[0], 1)] * 2 + [(built.organisations[0], porters, 5)] * 3
    for organisation, group, value in small:
        response = Response.objects.create(
            wave=wave,
            questionnaire=staff_q,
            audience=Audience.STAFF,
            organisation=organisation,
            staff_group=group,
            submitted_on=DAY,
        )
        answers += _answer_all(response, items, value)
        if organisation == tiny:
            answers.append(Answer(response=response, item=text, text=f"{SECRET} fix the rota"))
    Answer.objects.bulk_create(answers)
    for n, response in enumerate(Response.objects.filter(wave=wave, audience=Audience.STAFF)):
        Invitation.objects.create(
            wave=wave,
            organisation=response.organisation,
            staff_group=response.staff_group,
            email=f"staff{n}@example.org",
            completed_on=DAY,
        )
    call_command("run_comparison", p.slug, wave.slug, "--resamples", "50", stdout=io.StringIO())
    counts = {SMALL_ORGANISATION: 2, SMALL_GROUP: 3, "carer": 2, "Carer": 2, "Carers": 2}
    for organisation in built.organisations:
        counts[organisation.name] = Response.objects.filter(
            wave=wave, organisation=organisation
        ).count()
    return built, counts


# Pages that show figures about groups, by URL name; each found in the URLconf is attacked.
PAGES = [
    "surveys:responses",
    "reports:comparison",
    "reports:formative",
    "reports:summative",
    "outcomes:shortlist",
    "context:results",
]
EXPORTS = ["reports:comparison_csv"]


def _url(name: str, wave) -> str | None:
    try:
        return reverse(name, kwargs={"partnership": wave.partnership.slug, "wave": wave.slug})
    except NoReverseMatch:
        return None


@pytest.fixture
def manager_client(client, seeded):
    built, _ = seeded
    client.force_login(member(built.wave.partnership, Role.ADMINISTRATOR))
    return client


def fetched_pages(client, wave) -> dict[str, str]:
    pages = {}
    for name in PAGES:
        url = _url(name, wave)
        if url is None:
            continue
        response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        pages[name] = response.content.decode()
    return pages


def test_pages_to_attack_exist(manager_client, seeded):
    """The core pages are there (a renamed page must be renamed here too)."""
    built, _ = seeded
    pages = fetched_pages(manager_client, built.wave)
    assert {"surveys:responses", "reports:comparison"} <= set(pages)
    assert all(html_tables(html) for html in pages.values() if "<table" in html)


class _Summary(HTMLParser):
    """The page's summary lists (<dt>key</dt><dd>value</dd>): totals shown beside tables."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: dict[str, str] = {}
        self._tag, self._key, self._text = None, None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("dt", "dd"):
            self._tag, self._text = tag, []

    def handle_endtag(self, tag):
        if tag == self._tag:
            text = " ".join("".join(self._text).split())
            if tag == "dt":
                self._key = text
            elif self._key:
                self.pairs.setdefault(self._key, text)
            self._tag = None

    def handle_data(self, data):
        if self._tag:
            self._text.append(data)


def page_tables(html: str) -> list[list[list[str]]]:
    """Tables of a page; a table without a total row gets one from the page's summary list
    (e.g. "Completed: 21" above the rates by organisation), as an attacker would combine them."""
    summary = _Summary()
    summary.feed(html)
    tables = []
    for table in html_tables(html):
        header = table[0]
        if not any(r and TOTAL.match(r[0]) for r in table[1:]):
            total = ["Total"] + [summary.pairs.get(column, "") for column in header[1:]]
            if any(number(v) is not None for v in total[1:]):
                table = [*table, total]
        tables.append(table)
    return tables


def csv_tables(text: str) -> list[list[list[str]]]:
    """The comparison CSV as one table per outcome × measure × breakdown, with the "all" row as
    its total: n_staff partitions across organisations and staff groups, n_users across
    audiences."""
    return comparison_tables(list(csv.DictReader(io.StringIO(text))))


def api_rows(client, wave, raw: str) -> list[dict[str, str]]:
    """The API's comparison rows (every page of them), as the CSV's text cells."""
    url = f"/api/v1/partnerships/{wave.partnership.slug}/waves/{wave.slug}/comparison/rows/"
    rows: list[dict] = []
    while True:
        page = client.get(f"{url}?limit=100&offset={len(rows)}", **_bearer(raw)).json()
        rows += page["items"]
        if len(rows) >= page["count"]:
            break

    def text(value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)

    return [{c: text(v) for c, v in row.items()} for row in rows]


def api_count_tables(client, wave, raw: str) -> list[list[list[str]]]:
    """The API's response counts as tables with their total, as the Responses page shows them."""
    url = f"/api/v1/partnerships/{wave.partnership.slug}/waves/{wave.slug}/response-counts/"
    counts = client.get(url, **_bearer(raw)).json()

    def cell(row: dict, key: str) -> str:
        value = row.get(key)
        return row.get(f"{key}_hidden") or "" if value is None else str(value)

    overall = counts["overall"]
    total = ["Total", str(overall["invited"]), cell(overall, "completed")]
    return [
        [["Group", "Invited", "Completed"]]
        + [[r["name"], str(r["invited"]), cell(r, "completed")] for r in counts[breakdown]]
        + [total]
        for breakdown in ("by_organisation", "by_staff_group")
    ]


def _bearer(raw: str) -> dict:
    return {"headers": {"Authorization": f"Bearer {raw}"}}


def comparison_tables(rows: list[dict[str, str]]) -> list[list[list[str]]]:
    totals = {(r["outcome"], r["measure"]): r for r in rows if r["breakdown"] == "all"}
    tables: dict[tuple, list[list[str]]] = {}
    for r in rows:
        if r["breakdown"] == "all":
            continue
        column = "n_users" if r["breakdown"] == "audience" else "n_staff"
        mean = column.replace("n_", "mean_")
        key = (r["outcome"], r["measure"], r["breakdown"])
        total = totals[(r["outcome"], r["measure"])]
        tables.setdefault(key, [["group", column, f"{mean}×n"]])
        tables[key].append([r["group"], r[column], _sum_of(r[column], r[mean])])
    for key, table in tables.items():
        total = totals[key[:2]]
        column = table[0][1]
        table.append(
            ["all", total[column], _sum_of(total[column], total[column.replace("n_", "mean_")])]
        )
    return list(tables.values())


def _sum_of(n: str, mean: str) -> str:
    """n × mean, the sum of answers: what differencing of means works on."""
    if not n or not mean:
        return ""
    return str(round(float(n) * float(mean)))


def bounds_leaks(where: str, table: list[list[str]]) -> list[str]:
    """Hidden counts pinned by their bounds: total − visible equals the sum of the hidden rows'
    invited numbers (so each hidden group answered in full), or 0 (so none did)."""
    header = table[0]
    names = [h.lower() for h in header]
    if "invited" not in names:
        return []
    leaks = []
    invited_at = names.index("invited")
    for family in families(where, table):
        for c, column in enumerate(header[1:], start=1):
            if c == invited_at or "rate" in column.lower() or "%" in column:
                continue
            if number(family.total[c]) is None:
                continue
            gaps = [r for r in family.siblings if number(r[c]) is None]
            if not gaps or any(number(r[invited_at]) is None for r in gaps):
                continue
            rest = number(family.total[c]) - sum(
                number(r[c]) for r in family.siblings if number(r[c]) is not None
            )
            ceiling = sum(number(r[invited_at]) for r in gaps)
            if rest in (0, ceiling):
                each = {r[0]: (number(r[invited_at]) if rest else 0) for r in gaps}
                leaks.append(f"{where}: column {column!r}: hidden rows pinned to {each}")
    return leaks


def small_group_columns(where: str, table: list[list[str]], counts: dict[str, int]) -> list[str]:
    """Columns headed by a group below k that show a figure in any row."""
    problems = []
    for c, name in enumerate(table[0]):
        if counts.get(name, K) < K:
            shown = [r[c] for r in table[1:] if c < len(r) and number(r[c]) is not None]
            if shown:
                problems.append(f"{where}: column {name} (n={counts[name]}) shows {shown}")
    return problems


def download(client, wave, kind: str, format: str, django_capture_on_commit_callbacks) -> bytes:
    """Make a file on the downloads page and fetch it, as a person would."""
    from poet.models import Job

    url = _url("reports:downloads", wave)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": kind, "format": format})
    assert response.status_code == 302, response.content.decode()[:3000]
    job = Job.objects.filter(wave=wave).latest("pk")
    assert job.status == Job.Status.SUCCEEDED, (job.status, job.error)
    fetched = client.get(
        reverse(
            "reports:download_file",
            kwargs={"partnership": wave.partnership.slug, "wave": wave.slug, "job_id": job.pk},
        )
    )
    assert fetched.status_code == 200
    return b"".join(fetched.streaming_content)


def report_csv_tables(text: str) -> list[list[list[str]]]:
    """A report's CSV (one line per figure) back as its tables: a header row, then one row per
    row label; a hidden figure reads as its reason, as on the page."""
    tables: dict[tuple[str, str], dict] = {}
    for r in csv.DictReader(io.StringIO(text)):
        table = tables.setdefault((r["table"], r["table_title"]), {"columns": [], "rows": {}})
        if r["column"] not in table["columns"]:
            table["columns"].append(r["column"])
        table["rows"].setdefault(r["row"], {})[r["column"]] = r["value"] or r["hidden"]
    found = []
    for table in tables.values():
        columns = table["columns"]
        rows = [
            [label, *(cells.get(c, "") for c in columns)] for label, cells in table["rows"].items()
        ]
        found.append([["", *columns], *rows])
    return found


def xlsx_tables(data: bytes) -> list[list[list[str]]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    tables = []
    for sheet in book.worksheets:
        rows = [
            ["" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)) for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        # a sheet may hold a title line, then the table: start at the first row of 2+ cells
        rows = [r for r in rows if any(r)]
        start = next((i for i, r in enumerate(rows) if sum(1 for v in r if v) >= 2), 0)
        if rows[start:]:
            tables.append(rows[start:])
    return tables


@pytest.fixture
def sources(manager_client, seeded, django_capture_on_commit_callbacks) -> dict[str, list]:
    """Every table an attacker can get: pages, the comparison CSV, and report downloads."""
    built, _ = seeded
    wave = built.wave
    found: dict[str, list] = {}
    for name, html in fetched_pages(manager_client, wave).items():
        for n, table in enumerate(page_tables(html)):
            found[f"page {name} table {n + 1}"] = table
    for name in EXPORTS:
        response = manager_client.get(_url(name, wave))
        assert response.status_code == 200, name
        for n, table in enumerate(csv_tables(response.content.decode())):
            found[f"{name} family {n + 1}"] = table
    raw = create_token(member(wave.partnership, Role.MANAGER), name="attacker")[1]
    for n, table in enumerate(comparison_tables(api_rows(manager_client, wave, raw))):
        found[f"api comparison rows family {n + 1}"] = table
    for n, table in enumerate(api_count_tables(manager_client, wave, raw)):
        found[f"api response counts table {n + 1}"] = table
    if _url("reports:downloads", wave):
        from reports.exporters import report_formats
        from reports.selectors.downloads import REPORT_KINDS

        formats = {e.identifier for e in report_formats()}
        for kind in REPORT_KINDS:
            if "html" in formats:
                data = download(
                    manager_client, wave, kind, "html", django_capture_on_commit_callbacks
                )
                for n, table in enumerate(page_tables(data.decode())):
                    found[f"{kind}.html table {n + 1}"] = table
            if "xlsx" in formats:
                data = download(
                    manager_client, wave, kind, "xlsx", django_capture_on_commit_callbacks
                )
                for n, table in enumerate(xlsx_tables(data)):
                    found[f"{kind}.xlsx sheet {n + 1}"] = table
            if "csv" in formats:
                data = download(
                    manager_client, wave, kind, "csv", django_capture_on_commit_callbacks
                )
                for n, table in enumerate(report_csv_tables(data.decode())):
                    found[f"{kind}.csv table {n + 1}"] = table
    return found


def test_what_is_attacked(sources):
    """The attacks below run over pages, the comparison CSV, the API and, when present, every
    download."""
    kinds = {where.split(" ")[0] for where in sources}
    assert {"page", "reports:comparison_csv", "api"} <= kinds
    assert len(sources) >= 20, sorted(sources)


def test_no_figure_of_a_small_group_is_shown(sources, seeded):
    _, counts = seeded
    problems = []
    for where, table in sources.items():
        problems += small_group_shown(where, table, counts)
        problems += small_group_columns(where, table, counts)
    assert not problems, "\n".join(problems)


def test_differencing_total_minus_visible_siblings_recovers_nothing(sources):
    """In every family of siblings beside a total, never exactly one hidden count."""
    checked, leaks = 0, []
    for where, table in sources.items():
        for family in families(where, table):
            checked += 1
            leaks += differencing_leaks(family)
    assert checked >= 10, "the attack found too few families to be meaningful"
    assert not leaks, "\n".join(leaks)


def test_two_breakdowns_of_the_same_staff_do_not_isolate_a_small_group(sources, seeded):
    """Organisation and staff group partition the same staff: the hidden part of one must not be
    a single small group once the other's visible part is known (the filter-pair attack)."""
    leaks = []
    csv_families = {
        w: t
        for w, t in sources.items()
        if w.startswith(("reports:comparison_csv", "api comparison rows"))
    }
    by_key: dict[str, dict[str, list]] = {}
    for table in csv_families.values():
        groups = {r[0] for r in table[1:-1]}
        kind = "organisation" if SMALL_ORGANISATION in groups else "staff_group"
        if "service_user" in groups or "carer" in groups:
            continue
        total = tuple(table[-1][1:])
        by_key.setdefault(total, {})[kind] = table
    for total, pair in by_key.items():
        if len(pair) != 2:
            continue
        hidden_sums = []
        for table in pair.values():
            if number(table[-1][1]) is None:
                continue
            visible = sum(number(r[1]) for r in table[1:-1] if number(r[1]) is not None)
            hidden_sums.append(number(table[-1][1]) - visible)
        small = {n for n in seeded[1].values() if n < K}
        if any(h in small for h in hidden_sums):  # only the small group itself would be left
            leaks.append(f"family with total {total}: hidden parts {hidden_sums}")
    assert not leaks, "\n".join(leaks)


def test_csv_export_hides_what_the_screen_hides(manager_client, seeded):
    """The comparison CSV against the on-screen tables: the same staff n for every outcome and
    measure, and a row hidden in one is hidden in the other."""
    built, _ = seeded
    wave = built.wave
    text = manager_client.get(_url("reports:comparison_csv", wave)).content.decode()
    rows = {(r["outcome"], r["measure"], r["group"]): r for r in csv.DictReader(io.StringIO(text))}
    html = manager_client.get(_url("reports:comparison", wave)).content.decode()
    compared = 0
    for table in html_tables(html):
        for row in table[1:]:
            outcome = row[0].split("I can")[0].strip()
            key = (outcome, row[1].lower(), "all")
            if key not in rows:
                continue
            staff = row[2].split(",")[0].strip()
            csv_row = rows[key]
            assert (csv_row["suppressed"] == "true") == hidden(staff), (key, staff)
            if not hidden(staff):
                assert csv_row["n_staff"] == staff, (key, staff, csv_row["n_staff"])
            compared += 1
    assert compared == 6
    for (outcome, measure, group), row in rows.items():
        if group in (SMALL_ORGANISATION, SMALL_GROUP, "carer"):
            assert row["suppressed"] == "true", (outcome, measure, group)


def test_bounds_invited_numbers_do_not_pin_a_hidden_count(sources):
    leaks = []
    for where, table in sources.items():
        leaks += bounds_leaks(where, table)
    assert not leaks, "\n".join(leaks)


def test_free_text_from_a_small_group_is_not_shown_beside_it(manager_client, seeded, sources):
    """Free text of a group below k appears on no page or report, nor next to its group."""
    built, _ = seeded
    pages = fetched_pages(manager_client, built.wave)
    for name, html in pages.items():
        assert SECRET not in html, name
    for where, table in sources.items():
        for row in table:
            assert not any(SECRET in cell for cell in row), where
