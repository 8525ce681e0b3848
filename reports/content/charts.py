"""Plotly figure builders: one function per chart type, each returning plain JSON data
(`fig.to_plotly_json()`), so the page, the HTML export and the PDF can all draw the same figure.

Every builder takes values that are already safe to show: a hidden figure arrives as None and is
drawn as a gap, its hover saying "fewer than k". Labels never carry counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

STAFF_COLOUR = "#1d5c63"
USERS_COLOUR = "#8f23b3"
SERIES_COLOURS = ["#1d5c63", "#8f23b3", "#b35900", "#1d70b8", "#4c2c92", "#00703c", "#d4351c"]
FONT = {"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"}

Value = float | None


def _layout(title: str, **extra) -> dict:
    return {
        "title": {"text": title},
        "template": "none",
        "font": FONT,
        "margin": {"l": 60, "r": 20, "t": 60, "b": 60},
        "autosize": True,
        **extra,
    }


def _figure(fig: go.Figure) -> dict:
    data = fig.to_plotly_json()
    return {"data": data["data"], "layout": data["layout"]}


def _hover(values: Sequence[Value], hidden_text: str, fmt: str = "{:.2f}") -> list[str]:
    return [hidden_text if v is None else fmt.format(v) for v in values]


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
    """Horizontal bars, one per category; a hidden value is a gap."""
    fig = go.Figure(
        go.Bar(
            y=list(categories),
            x=list(values),
            orientation="h",
            marker={"color": STAFF_COLOUR},
            hovertext=_hover(values, hidden_text, fmt),
            hoverinfo="y+text",
        )
    )
    fig.update_layout(
        **_layout(title),
        xaxis={
            "title": {"text": value_title},
            **({"range": list(value_range)} if value_range else {}),
        },
        yaxis={"automargin": True, "autorange": "reversed"},
        height=max(300, 60 + 40 * len(categories)),
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
    """One closed line per series over the same axes (e.g. a domain per axis, an organisation
    per line); a hidden value breaks the line."""
    fig = go.Figure()
    axes = list(axes)
    for i, (name, values) in enumerate(series.items()):
        values = list(values)
        fig.add_trace(
            go.Scatterpolar(
                r=values + values[:1],
                theta=axes + axes[:1],
                name=name,
                mode="lines+markers",
                line={"color": SERIES_COLOURS[i % len(SERIES_COLOURS)]},
                hovertext=_hover(values + values[:1], hidden_text),
                hoverinfo="name+theta+text",
                connectgaps=False,
            )
        )
    fig.update_layout(
        **_layout(title),
        polar={"radialaxis": {"range": list(value_range)}},
        height=480,
        legend={"orientation": "h"},
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
    """Rows × columns of values; a hidden cell is a gap whose hover says why."""
    text = [_hover(line, hidden_text) for line in values]
    fig = go.Figure(
        go.Heatmap(
            x=list(columns),
            y=list(rows),
            z=[list(line) for line in values],
            zmin=value_range[0],
            zmax=value_range[1],
            colorscale="Teal",
            colorbar={"title": {"text": value_title}},
            hovertext=text,
            hoverinfo="x+y+text",
            hoverongaps=True,
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(
        **_layout(title),
        xaxis={"automargin": True},
        yaxis={"automargin": True, "autorange": "reversed"},
        height=max(320, 80 + 45 * len(rows)),
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
    """Staff and users' means per outcome joined by a line; the users' point carries the 95% CI
    of the difference (users minus staff, `ci_low`/`ci_high`), drawn around it so that the bar
    spans staff mean + CI. Only shown outcomes are passed in."""
    labels = list(labels)
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
            name="Staff",
            marker={"color": STAFF_COLOUR, "size": 12, "symbol": "circle"},
            hovertext=[f"Staff mean {s:.2f}" for s in staff],
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
        ci = "" if lo is None else f", 95% CI {lo:+.2f} to {hi:+.2f}"
        hover.append(f"Service users and carers mean {u:.2f} (difference {d:+.2f}{ci})")
    fig.add_trace(
        go.Scatter(
            x=list(users),
            y=labels,
            mode="markers",
            name="Service users and carers",
            marker={"color": USERS_COLOUR, "size": 12, "symbol": "diamond"},
            error_x={"type": "data", "array": plus, "arrayminus": minus, "visible": True},
            hovertext=hover,
            hoverinfo="y+text",
        )
    )
    fig.update_layout(
        **_layout(title),
        xaxis={"title": {"text": value_title}, "range": [1, 5]},
        yaxis={"automargin": True, "autorange": "reversed"},
        legend={"orientation": "h", "y": -0.3},
        height=max(320, 100 + 45 * len(labels)),
    )
    return _figure(fig)


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
    """One labelled point per item, with the line of equal values for reference."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=list(value_range),
            y=list(value_range),
            mode="lines",
            line={"color": "#b1b4b6", "dash": "dash"},
            name="Equal",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=list(x),
            y=list(y),
            mode="markers+text",
            text=list(labels),
            textposition="top center",
            marker={"color": STAFF_COLOUR, "size": 11},
            name="Outcomes",
            hovertemplate="%{text}<br>"
            + x_title
            + " %{x:.2f}<br>"
            + y_title
            + " %{y:.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        **_layout(title),
        xaxis={"title": {"text": x_title}, "range": list(value_range)},
        yaxis={"title": {"text": y_title}, "range": list(value_range)},
        height=460,
        showlegend=False,
    )
    return _figure(fig)
