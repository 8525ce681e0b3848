"""Charts fit their figure (issue 15, item 5): every chart kind, with the library's long outcome
statements, many outcomes, long group names and hidden groups, is drawn the two ways people
see it (the PDF's SVG from kaleido, and Plotly in Chromium at the page's widths), and no text
of it may leave the figure; a hidden group says "hidden"; the scatter's point labels do not
overlap; and every chart draws with the cartesian Plotly bundle the pages and HTML carry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from poet.library import OUTCOME_LIBRARY
from reports.content import charts
from reports.content.context import depth_breadth_figure, importance_figure
from reports.exporters.pdf import CHART_WIDTH, chart_svg
from surveys.questionnaire_template import PROCESS_DOMAINS
from surveys.selectors.context import GridRow, RelationshipRow
from tests.conftest import require

pytestmark = pytest.mark.browser

HIDDEN = "hidden: fewer than 5 people"
STATEMENTS = [o.text for o in OUTCOME_LIBRARY[:14]]
CODES = [o.code for o in OUTCOME_LIBRARY[:14]]
DOMAINS = [d.name for d in PROCESS_DOMAINS]
GROUPS = [
    "Riverside University Hospitals NHS Foundation Trust",
    "Riverside County Council Adult Social Care",
    "Riverside Community Mental Health Services",
    "Riverside Carers Centre",  # hidden
]


def _values(n: int, seed: int, low: float = 1.5, high: float = 4.8) -> list[float]:
    return [round(low + (high - low) * (((i + 1) * seed) % 17) / 16, 2) for i in range(n)]


def figures() -> dict[str, dict]:
    """Every chart kind, at its hardest."""
    matrix = [[*_values(3, 5 + i), None] for i in range(len(DOMAINS))]
    matrix[2][1] = None  # one more hidden cell inside a shown group
    staff = _values(len(STATEMENTS), 7)
    users = _values(len(STATEMENTS), 11)
    return {
        "bar_domains": charts.bar_chart(
            DOMAINS,
            [55.5, None, 71.25, 40.0, 88.0, None, 62.5, 30.0],
            title="Staff positive (%) by aspect of working together, all organisations",
            value_title="Staff positive (%)",
            hidden_text=HIDDEN,
            value_range=(0, 100),
            fmt="{:.1f}%",
        ),
        "bar_statements": charts.bar_chart(
            STATEMENTS,
            [*_values(len(STATEMENTS) - 1, 3, 5, 95), None],
            title="Staff picking each outcome among their top three (%)",
            value_title="Staff picking it (%)",
            hidden_text=HIDDEN,
            value_range=(0, 100),
        ),
        "heatmap": charts.heatmap(
            GROUPS,
            DOMAINS,
            matrix,
            title="Mean score (1–5) by aspect of working together and organisation",
            hidden_text=HIDDEN,
            value_title="Mean",
        ),
        "radar": charts.radar_chart(
            DOMAINS,
            {g: [row[j] for row in matrix] for j, g in enumerate(GROUPS)},
            title="Mean score (1–5) by aspect, one line per organisation",
            hidden_text=HIDDEN,
        ),
        "dumbbell": charts.dumbbell_chart(
            STATEMENTS,
            staff,
            users,
            [round(u - s - 0.4, 2) for s, u in zip(staff, users, strict=True)],
            [round(u - s + 0.4, 2) for s, u in zip(staff, users, strict=True)],
            title="Mean importance (1–5): staff and service users and carers",
            value_title="Mean importance",
        ),
        "scatter": charts.scatter_chart(
            CODES,
            [3.1, 3.2, 3.15, 3.3, 4.9, 1.2, 3.25, 3.2, 2.0, 4.0, 3.1, 3.05, 5.0, 1.0],
            [3.0, 3.1, 3.2, 3.05, 4.8, 1.1, 3.25, 3.3, 4.5, 2.0, 3.15, 3.0, 5.0, 1.0],
            title="Mean importance: staff against service users and carers "
            "(Spearman's rho 0.52, Kendall's tau 0.41)",
            x_title="Staff mean importance",
            y_title="Users and carers mean importance",
        ),
        # the context sections' own figures (reports/content/context.py)
        "context_relationships": depth_breadth_figure(
            [
                RelationshipRow(f"{a} and {b}", 3, 2.0 + i / 3, 1.5 + i / 4, 4.0, 3.5 + i / 5)
                for i, (a, b) in enumerate(zip(GROUPS, GROUPS[1:], strict=False))
            ]
        ),
        "context_importance": importance_figure(
            [
                GridRow(f"{a} and {b}", a, 1.0 + i, b, 5.0 - i)
                for i, (a, b) in enumerate(zip(GROUPS, GROUPS[1:], strict=False))
            ]
        ),
    }


WITH_HIDDEN = {"bar_domains", "bar_statements", "heatmap", "radar"}

# Every <text> with words, its box against the figure's (the root <svg>'s) box.
MEASURE = """(root) => {
  const frame = root.getBoundingClientRect();
  const out = [];
  const texts = [];
  for (const t of root.querySelectorAll('text')) {
    const words = t.textContent.trim();
    if (!words) continue;
    const b = t.getBoundingClientRect();
    if (b.width === 0 && b.height === 0) continue;
    const box = {text: words, cls: (t.getAttribute('class') || '') + ' ' +
                 (t.parentNode.getAttribute('class') || ''),
                 x0: b.left - frame.left, y0: b.top - frame.top,
                 x1: b.right - frame.left, y1: b.bottom - frame.top};
    texts.push(box);
    if (box.x0 < -1 || box.y0 < -1 || box.x1 > frame.width + 1 || box.y1 > frame.height + 1)
      out.push(box);
  }
  return {width: frame.width, height: frame.height, clipped: out, texts: texts,
          words: texts.map(t => t.text).join(' ')};
}"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if w > 1 and h > 1:
                pairs.append((a["text"], b["text"]))
    return pairs


@pytest.fixture
def chart_page(browser):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    yield page
    page.close()


@pytest.mark.parametrize("kind", list(figures()))
def test_the_pdf_svg_of_each_chart_keeps_its_text_inside_the_figure(chart_page, kind):
    figure = figures()[kind]
    svg = chart_svg(figure)
    require(svg is not None, "the test needs kaleido and Chromium to draw charts")
    chart_page.set_content(f"<!DOCTYPE html><body style='margin:0'>{svg}</body>")
    found = chart_page.locator("body > svg").evaluate(MEASURE)
    assert found["width"] == CHART_WIDTH
    assert found["clipped"] == [], kind
    if kind in WITH_HIDDEN:
        assert "hidden" in found["words"]
    if kind == "scatter":
        labels = [t for t in found["texts"] if t["text"] in CODES]
        assert len(labels) == len(CODES)
        assert overlapping(labels) == []


@pytest.mark.parametrize("width", [960, CHART_WIDTH, 600])
def test_on_the_page_plotly_draws_each_chart_with_its_text_inside(chart_page, width):
    bundle = Path(settings.BASE_DIR) / "static/vendor/plotly/plotly-cartesian.min.js"
    chart_page.set_content("<!DOCTYPE html><body style='margin:0'></body>")
    chart_page.add_script_tag(path=str(bundle))
    for kind, figure in figures().items():
        found = chart_page.evaluate(
            """async ([figure, width, measure]) => {
                 document.body.innerHTML = '';
                 const div = document.createElement('div');
                 div.style.width = width + 'px';
                 document.body.appendChild(div);
                 await Plotly.newPlot(div, figure.data, figure.layout,
                                      {displayModeBar: false, responsive: true});
                 const types = new Set(div._fullData.map(t => t.type));
                 const root = div.querySelector('svg.main-svg');
                 const result = eval(measure)(root);
                 // annotations and the legend live in a second, overlaid svg
                 const layers = [...div.querySelectorAll('svg.main-svg')].slice(1);
                 for (const layer of layers) result.clipped.push(...eval(measure)(layer).clipped);
                 result.words += ' ' + layers.map(l => l.textContent).join(' ');
                 result.types = [...types];
                 return result;
               }""",
            [json.loads(json.dumps(figure)), width, MEASURE],
        )
        assert found["width"] == width, kind
        assert found["clipped"] == [], (kind, width)
        assert set(found["types"]) <= {"bar", "scatter", "heatmap"}, kind
        if kind in WITH_HIDDEN:
            assert "hidden" in found["words"], kind


def test_charts_name_outcomes_by_their_statement_and_hidden_groups_say_hidden():
    every = figures()
    labels = " ".join(every["dumbbell"]["data"][1]["y"]).replace("<br>", " ")
    assert all(" ".join(s.split()) in labels for s in STATEMENTS)
    legend = [t.get("name", "") for t in every["radar"]["data"]]
    assert any("Riverside Carers Centre (hidden)" in n.replace("<br>", " ") for n in legend)
    hidden_cells = [a for a in every["heatmap"]["layout"]["annotations"] if a["text"] == "hidden"]
    assert len(hidden_cells) == len(DOMAINS) + 1  # the hidden group's column, and one more
    assert all(a["hovertext"] == HIDDEN for a in hidden_cells)
