"""Self-contained interactive HTML: inline CSS and plotly.js, every chart with its table.

Plotly is carried once, minified, and only its cartesian bundle (bar, scatter, heatmap: every
trace reports/content/charts.py draws), the same file the report pages load: about 1.5 MB
instead of the full 4.8 MB bundle. Only Plotly's own stylesheet rules the charts need ride along.

Opens offline in any browser; all text goes through Django's autoescaping and figure data through
`json_script`, so a statement like <script>…</script> is shown, never run.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from reports.documents import Report
from reports.exporters.base import Exporter, Progress, layout, no_progress
from reports.exporters.registry import register

PLOTLY_JS = Path("static") / "vendor" / "plotly" / "plotly-cartesian.min.js"


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """Plotly's cartesian bundle, with "</script" made safe to inline (it has none today)."""
    return (
        (Path(settings.BASE_DIR) / PLOTLY_JS).read_text("utf-8").replace("</script", "<\\/script")
    )


@register
class HtmlExporter(Exporter):
    identifier = "html"
    verbose_name = gettext_lazy("Interactive web page (HTML)")
    extension = "html"
    content_type = "text/html; charset=utf-8"

    def render(self, report: Report, output: BinaryIO, progress: Progress = no_progress) -> None:
        charts = [
            {
                "id": f"chart-{chart.key}",
                "data_id": f"chart-data-{chart.key}",
                "figure": chart.figure,
            }
            for chart in report.charts()
        ]
        html = render_to_string(
            "reports/downloads/report.html",
            {
                "report": report,
                "sections": layout(report),
                "charts": charts,
                "plotly_js": plotly_js(),
            },
        )
        output.write(html.encode("utf-8"))
        progress(1.0, "Web page written")
