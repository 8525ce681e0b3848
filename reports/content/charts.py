"""Plotly figure builders: one function per chart type, each returning plain JSON data
(`fig.to_plotly_json()`), so the page, the HTML export and the PDF can all draw the same figure.

Every builder takes values that are already safe to show: a hidden figure arrives as None and is
drawn as an empty place that says "hidden" (its hover saying why). Labels never carry counts.

Charts fit their figure, in the PDF (680 px wide) and on a screen: long titles and labels are
wrapped rather than cut, axes use Plotly's automargin, point labels are placed so they do not
overlap, and the radar is drawn on plain x/y axes with its labels inside the figure. Only bar,
scatter and heatmap traces are used, so the pages and the HTML export carry Plotly's smaller
cartesian bundle (tests/reports/test_chart_layout.py renders every kind and checks that no text
leaves the figure).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from django.utils.translation import gettext_noop

from reports.content.words import _

STAFF_COLOUR = "#1d5c63"
USERS_COLOUR = "#8f23b3"
SERIES_COLOURS = ["#1d5c63", "#8f23b3", "#b35900", "#1d70b8", "#4c2c92", "#00703c", "#d4351c"]
FONT = {"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"}
HIDDEN_FONT = {"family": FONT["family"], "size": 12, "color": "#505a5f"}
HIDDEN_LABEL = gettext_noop("hidden")  # what an empty place in a chart says; its hover says why
GAP_COLOUR = "#f3f2f1"  # the background a hidden heatmap cell shows
TITLE_CHARS = 58  # a title line at 16 px fits 680 px with room to spare
LABEL_CHARS = 30  # a category label line

Value = float | None


def wrap(text: str, width: int) -> str:
    """Text broken into lines of at most `width` characters, as Plotly writes them (<br>)."""
    return "<br>".join(textwrap.wrap(str(text), width, break_long_words=True)) or str(text)


def _lines(text: str) -> int:
    return text.count("<br>") + 1


def _layout(title: str, **extra) -> dict:
    wrapped = wrap(title, TITLE_CHARS)
    margin = {"l": 20, "r": 20, "t": 20, "b": 20, **extra.pop("margin", {})}
    return {
        # Above the plot, the top margin growing to fit every line (Plotly's automargin).
        "title": {
            "text": wrapped,
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yanchor": "bottom",
            "yref": "paper",
            "automargin": True,
            "pad": {"l": 10, "b": 12},
            "font": {"size": 16},
        },
        "template": "none",
        "font": FONT,
        "margin": margin,
        "autosize": True,
        **extra,
    }


def _figure(fig: go.Figure) -> dict:
    data = fig.to_plotly_json()
    return {"data": data["data"], "layout": data["layout"]}


def _hover(values: Sequence[Value], hidden_text: str, fmt: str = "{:.2f}") -> list[str]:
    return [hidden_text if v is None else fmt.format(v) for v in values]


def _legend_below() -> dict:
    """A horizontal legend under the plot, below the x-axis title, inside the figure."""
    return {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": 0,
        "yanchor": "bottom",
        "yref": "container",
    }


def bar_chart(
    categories: Sequence[str],
    values: Sequence[Value],
    *,
    title: str,
    value_title: str,
    hidden_text: str,
    value_range: tuple[float, float] | None = None,
    fmt: str = "{:.2f}",
) -> dict:
    """Horizontal bars, one per category (wrapped labels); a hidden value says "hidden"."""
    labels = [wrap(c, LABEL_CHARS) for c in categories]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=list(values),
            orientation="h",
            marker={"color": STAFF_COLOUR},
            hovertext=_hover(values, hidden_text, fmt),
            hoverinfo="y+text",
        )
    )
    start = value_range[0] if value_range else 0
    for label, value in zip(labels, values, strict=True):
        if value is None:
            fig.add_annotation(
                x=start,
                y=label,
                text=_(HIDDEN_LABEL),
                showarrow=False,
                xanchor="left",
                hovertext=hidden_text,
                font=HIDDEN_FONT,
            )
    rows = sum(_lines(label) for label in labels)
    fig.update_layout(
        **_layout(title),
        xaxis={
            "title": {"text": value_title},
            "automargin": True,
            **({"range": list(value_range)} if value_range else {}),
        },
        yaxis={"automargin": True, "autorange": "reversed"},
        height=max(300, 140 + 22 * rows + 12 * len(labels)),
    )
    return _figure(fig)


def radar_chart(
    axes: Sequence[str],
    series: Mapping[str, Sequence[Value]],
    *,
    title: str,
    hidden_text: str,
    value_range: tuple[float, float] = (1, 5),
) -> dict:
    """One closed line per series over the same axes (e.g. a domain per spoke, an organisation
    per line). Drawn on plain x/y axes (so its labels stay inside the figure and only the
    cartesian Plotly bundle is needed); a hidden value breaks the line, and a series with hidden
    values says so in the legend."""
    axes = list(axes)
    n = max(1, len(axes))
    low, high = value_range
    angles = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]  # clockwise from the top

    def point(value: float, angle: float) -> tuple[float, float]:
        r = (value - low) / (high - low)
        return r * math.cos(angle), r * math.sin(angle)

    fig = go.Figure()
    grid = {"color": "#b1b4b6", "width": 1}
    for level in range(int(low), int(high) + 1):
        ring = [point(level, a) for a in [*angles, angles[0]]]
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in ring],
                y=[p[1] for p in ring],
                mode="lines",
                line={**grid, "dash": "dot" if level < high else "solid"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        x, y = point(level, math.pi / 2)
        fig.add_annotation(
            x=x,
            y=y,
            text=str(level),
            showarrow=False,
            xanchor="left",
            xshift=3,
            font={"size": 11, "color": "#505a5f"},
        )
    for angle in angles:
        x, y = point(high, angle)
        fig.add_trace(
            go.Scatter(
                x=[0, x], y=[0, y], mode="lines", line=grid, hoverinfo="skip", showlegend=False
            )
        )
    for name, angle in zip(axes, angles, strict=True):
        x, y = point(high, angle)
        cos, sin = math.cos(angle), math.sin(angle)
        fig.add_annotation(
            x=1.08 * x,
            y=1.08 * y,
            text=wrap(name, 18),
            showarrow=False,
            xanchor="left" if cos > 0.2 else "right" if cos < -0.2 else "center",
            yanchor="bottom" if sin > 0.5 else "top" if sin < -0.5 else "middle",
            align="left" if cos > 0.2 else "right" if cos < -0.2 else "center",
            font={"size": 12},
        )
    for i, (name, values) in enumerate(series.items()):
        values = list(values)
        shown = [v is not None for v in values]
        label = name
        if not any(shown):
            label = _("%(name)s (hidden)", name=name)
        elif not all(shown):
            label = _("%(name)s (some hidden)", name=name)
        xs: list[Value] = []
        ys: list[Value] = []
        for value, angle in zip([*values, values[0]], [*angles, angles[0]], strict=True):
            if value is None:
                xs.append(None)
                ys.append(None)
            else:
                px, py = point(value, angle)
                xs.append(px)
                ys.append(py)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                name=wrap(label, 40),
                mode="lines+markers",
                line={"color": SERIES_COLOURS[i % len(SERIES_COLOURS)]},
                hovertext=[
                    f"{name}<br>{axis}: {text}"
                    for axis, text in zip(
                        [*axes, axes[0]], _hover([*values, values[0]], hidden_text), strict=True
                    )
                ],
                hoverinfo="text",
                connectgaps=False,
            )
        )
    blank = {"visible": False, "fixedrange": True}
    legend_rows = len(series)
    fig.update_layout(
        **_layout(title, margin={"b": 30 + 24 * legend_rows}),
        xaxis={**blank, "range": [-2.25, 2.25]},
        yaxis={**blank, "range": [-1.4, 1.4], "scaleanchor": "x", "constrain": "domain"},
        height=520 + 24 * legend_rows,
        legend={**_legend_below(), "orientation": "v"},
        hovermode="closest",
    )
    return _figure(fig)


def heatmap(
    columns: Sequence[str],
    rows: Sequence[str],
    values: Sequence[Sequence[Value]],
    *,
    title: str,
    hidden_text: str,
    value_title: str,
    value_range: tuple[float, float] = (1, 5),
) -> dict:
    """Rows × columns of values; a hidden cell is grey, says "hidden", and its hover says why."""
    column_chars = max(6, 54 // max(1, len(columns)))
    x = [wrap(c, column_chars) for c in columns]
    y = [wrap(r, LABEL_CHARS) for r in rows]
    text = [_hover(line, hidden_text) for line in values]
    fig = go.Figure(
        go.Heatmap(
            x=x,
            y=y,
            z=[list(line) for line in values],
            zmin=value_range[0],
            zmax=value_range[1],
            colorscale="Teal",
            colorbar={"title": {"text": value_title}, "thickness": 14},
            hovertext=text,
            hoverinfo="x+y+text",
            hoverongaps=True,
            xgap=2,
            ygap=2,
        )
    )
    for label_y, line in zip(y, values, strict=True):
        for label_x, value in zip(x, line, strict=True):
            if value is None:
                fig.add_annotation(
                    x=label_x,
                    y=label_y,
                    text=_(HIDDEN_LABEL),
                    showarrow=False,
                    font=HIDDEN_FONT,
                    hovertext=hidden_text,
                )
    row_lines = sum(_lines(label) for label in y)
    column_lines = max((_lines(label) for label in x), default=1)
    fig.update_layout(
        **_layout(title),
        xaxis={"automargin": True, "tickangle": 0, "side": "bottom"},
        yaxis={"automargin": True, "autorange": "reversed"},
        plot_bgcolor=GAP_COLOUR,
        height=max(320, 120 + 18 * column_lines + 20 * row_lines + 14 * len(y)),
    )
    return _figure(fig)


def dumbbell_chart(
    labels: Sequence[str],
    staff: Sequence[float],
    users: Sequence[float],
    ci_low: Sequence[Value],
    ci_high: Sequence[Value],
    *,
    title: str,
    value_title: str,
) -> dict:
    """Staff and users' means per outcome (labelled by its statement, wrapped) joined by a line;
    the users' point carries the 95% CI of the difference (users minus staff,
    `ci_low`/`ci_high`), drawn around it so that the bar spans staff mean + CI. Only shown
    outcomes are passed in."""
    labels = [wrap(label, LABEL_CHARS) for label in labels]
    fig = go.Figure()
    line_x: list[Value] = []
    line_y: list[str | None] = []
    for label, s, u in zip(labels, staff, users, strict=True):
        line_x += [s, u, None]
        line_y += [label, label, None]
    fig.add_trace(
        go.Scatter(
            x=line_x,
            y=line_y,
            mode="lines",
            line={"color": "#505a5f", "width": 2},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=list(staff),
            y=labels,
            mode="markers",
            name=_("Staff"),
            marker={"color": STAFF_COLOUR, "size": 12, "symbol": "circle"},
            hovertext=[_("Staff mean %(mean)s", mean=f"{s:.2f}") for s in staff],
            hoverinfo="y+text",
        )
    )
    differences = [u - s for s, u in zip(staff, users, strict=True)]
    plus = [
        None if hi is None else round(max(hi - d, 0), 4)
        for d, hi in zip(differences, ci_high, strict=True)
    ]
    minus = [
        None if lo is None else round(max(d - lo, 0), 4)
        for d, lo in zip(differences, ci_low, strict=True)
    ]
    hover = []
    for u, d, lo, hi in zip(users, differences, ci_low, ci_high, strict=True):
        if lo is None:
            hover.append(
                _(
                    "Service users and carers mean %(mean)s (difference %(difference)s)",
                    mean=f"{u:.2f}",
                    difference=f"{d:+.2f}",
                )
            )
        else:
            hover.append(
                _(
                    "Service users and carers mean %(mean)s (difference %(difference)s, 95%% CI "
                    "%(low)s to %(high)s)",
                    mean=f"{u:.2f}",
                    difference=f"{d:+.2f}",
                    low=f"{lo:+.2f}",
                    high=f"{hi:+.2f}",
                )
            )
    fig.add_trace(
        go.Scatter(
            x=list(users),
            y=labels,
            mode="markers",
            name=_("Service users and carers"),
            marker={"color": USERS_COLOUR, "size": 12, "symbol": "diamond"},
            error_x={"type": "data", "array": plus, "arrayminus": minus, "visible": True},
            hovertext=hover,
            hoverinfo="y+text",
        )
    )
    rows = sum(_lines(label) for label in labels)
    fig.update_layout(
        **_layout(title, margin={"b": 50}),
        xaxis={"title": {"text": value_title}, "range": [0.8, 5.2], "automargin": True},
        yaxis={"automargin": True, "autorange": "reversed"},
        legend=_legend_below(),
        height=max(320, 170 + 20 * rows + 14 * len(labels)),
    )
    return _figure(fig)


def _place_labels(
    labels: Sequence[str],
    x: Sequence[float],
    y: Sequence[float],
    value_range: tuple[float, float],
    size: tuple[float, float] = (570, 370),
) -> list[tuple[float, float]]:
    """Where each point's label goes, as an offset in pixels from its point (Plotly's
    annotation ax/ay, y downwards): the nearest place, ring by ring, where the label overlaps
    no other label and no point and stays in a plot area of about `size` pixels. A label far
    from its point is joined to it by a thin line."""
    low, high = value_range
    sx, sy = size[0] / (high - low), size[1] / (high - low)
    char, line, dot = 8.0, 16.0, 7.0
    points = [((px - low) * sx, (high - py) * sy) for px, py in zip(x, y, strict=True)]
    taken = [(cx - dot, cy - dot, cx + dot, cy + dot) for cx, cy in points]

    def cost(box: tuple[float, float, float, float]) -> float:
        inside = sum(max(0.0, v) for v in (-box[0], -box[1], box[2] - size[0], box[3] - size[1]))
        crossing = 0.0
        for other in taken:
            w = min(box[2], other[2]) - max(box[0], other[0])
            h = min(box[3], other[3]) - max(box[1], other[1])
            crossing += max(0.0, w) * max(0.0, h)
        return crossing + 100 * inside

    directions = [math.pi / 2 - k * math.pi / 6 for k in range(12)]  # from straight up
    offsets: dict[int, tuple[float, float]] = {}
    # Crowded points first: they have the fewest free places.
    order = sorted(
        range(len(labels)),
        key=lambda i: (
            -sum(
                1
                for cx, cy in points
                if abs(cx - points[i][0]) < 60 and abs(cy - points[i][1]) < 30
            )
        ),
    )
    for i in order:
        width = char * len(labels[i])
        cx, cy = points[i]
        best: tuple[float, tuple[float, float], tuple[float, float, float, float]] | None = None
        for radius in (14, 28, 46, 68, 94, 124):
            for angle in directions:
                dx = radius * math.cos(angle) + math.copysign(width / 2, math.cos(angle)) * (
                    abs(math.cos(angle)) > 0.3
                )
                dy = -radius * math.sin(angle)
                box = (
                    cx + dx - width / 2,
                    cy + dy - line / 2,
                    cx + dx + width / 2,
                    cy + dy + line / 2,
                )
                c = cost(box) + radius / 1000  # nearer wins a tie
                if best is None or c < best[0]:
                    best = (c, (dx, dy), box)
            if best is not None and best[0] < 1:
                break
        assert best is not None
        offsets[i] = best[1]
        taken.append(best[2])
    return [offsets[i] for i in range(len(labels))]


def scatter_chart(
    labels: Sequence[str],
    x: Sequence[float],
    y: Sequence[float],
    *,
    title: str,
    x_title: str,
    y_title: str,
    value_range: tuple[float, float] = (1, 5),
) -> dict:
    """One point per item labelled with its short code (the table beside the chart is the
    key), labels placed so they do not overlap, with the line of equal values for reference."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=list(value_range),
            y=list(value_range),
            mode="lines",
            line={"color": "#b1b4b6", "dash": "dash"},
            name=_("Equal"),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=list(x),
            y=list(y),
            mode="markers",
            text=list(labels),
            marker={"color": STAFF_COLOUR, "size": 10},
            name=_("Outcomes"),
            hovertemplate="%{text}<br>"
            + x_title
            + " %{x:.2f}<br>"
            + y_title
            + " %{y:.2f}<extra></extra>",
        )
    )
    low, high = value_range
    pad = 0.12 * (high - low)
    shown_range = (low - pad, high + pad)
    # One list set once: Plotly validates the whole list again on every add_annotation, so 40
    # labels added one by one cost 820 annotation objects and most of a summative report's build.
    annotations = [
        {
            "x": px,
            "y": py,
            "ax": dx,
            "ay": dy,
            "text": label,
            "showarrow": True,
            "arrowhead": 0,
            "arrowwidth": 1,
            "arrowcolor": "#b1b4b6",
            "standoff": 5,
            "font": {"size": 12},
        }
        for label, px, py, (dx, dy) in zip(
            labels, x, y, _place_labels(labels, x, y, shown_range), strict=True
        )
    ]
    fig.update_layout(
        **_layout(title, margin={"b": 30}),
        annotations=annotations,
        xaxis={"title": {"text": x_title}, "range": list(shown_range), "automargin": True},
        yaxis={"title": {"text": y_title}, "range": list(shown_range), "automargin": True},
        height=520,
        showlegend=False,
    )
    return _figure(fig)
