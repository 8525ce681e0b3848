"""The HTML export stays self-contained but small (issue 15, item 7): Plotly once, minified, only
the cartesian bundle the charts need, and every chart still draws offline."""

from __future__ import annotations

import io
import re

import pytest

from reports.content import build_formative, build_summative
from reports.exporters import get_exporter
from tests.reports.showcase import build_showcase

pytestmark = pytest.mark.django_db

BUNDLE_HEADER = "plotly.js (cartesian - minified)"


def exported(report) -> str:
    out = io.BytesIO()
    get_exporter("html").render(report, out)
    return out.getvalue().decode("utf-8")


@pytest.mark.parametrize(
    "build", [build_summative, build_formative], ids=["summative", "formative"]
)
def test_the_html_export_carries_plotly_once_and_nothing_unused(build):
    report = build(build_showcase())
    html = exported(report)
    assert html.count(BUNDLE_HEADER) == 1  # once, minified, the cartesian bundle
    assert html.count("Plotly.newPlot") == 1
    assert "plotly.js v" not in html  # not the full bundle too
    scripts = re.findall(r"<script(?: [^>]*)?>", html)
    # Plotly, the drawing script, and one JSON figure per chart: nothing else
    assert len(scripts) == 2 + len(list(report.charts()))
    assert 'src="' not in html and "<link" not in html  # nothing fetched from elsewhere
    assert len(html) < 1_700_000  # was 4.85 MB with the full bundle
    for chart in report.charts():
        types = {trace.get("type", "scatter") for trace in chart.figure["data"]}
        assert types <= {"bar", "scatter", "heatmap"}, chart.key  # all in the bundle


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_chart_of_the_html_export_draws_offline(browser, tmp_path):
    report = build_formative(build_showcase())
    path = tmp_path / "report.html"
    path.write_text(exported(report), "utf-8")
    context = browser.new_context(offline=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".js-plotly-plot", timeout=15000)
        assert page.locator(".js-plotly-plot").count() == len(list(report.charts()))
        assert page.locator(".js-plotly-plot text", has_text="hidden").count() > 0
        assert errors == []
    finally:
        context.close()
