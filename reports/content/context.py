"""Report sections for the partnership context tools and for waves over time.

`context_sections(wave)`: levels of integration, depth and breadth of relationships and the
strategic importance grid, from the named partner leads' answers (surveys.selectors.context).
Leads speak for their organisations and are named, so nothing here is suppressed.

`change_section(wave, compare_with)` and `trend_section(wave)`: each outcome's staff and users'
mean importance and achievement across waves, from each wave's latest stored comparison run; a
figure the run suppressed stays hidden ("fewer than k") and is a gap in a chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import plotly.graph_objects as go
from django.utils.translation import gettext_noop
from plotly.subplots import make_subplots

from poet.analysis import PRIMARY, stronger
from poet.models import Wave
from reports.content.charts import FONT, SERIES_COLOURS, STAFF_COLOUR, USERS_COLOUR, wrap
from reports.content.common import reason_of
from reports.content.words import _
from reports.documents import Cell, Chart, Hidden, Section, Table
from reports.models import ComparisonRow, ComparisonRun
from reports.selectors.runs import latest_run
from surveys.models import ContextRespondent, IntegrationLevel
from surveys.selectors import context as tools

ALL = "all"
MEASURES = {"importance": gettext_noop("Importance"), "achievement": gettext_noop("Achievement")}
TREND_MINIMUM_WAVES = 3
Z95 = 1.959964


def _row(*cells: Cell) -> list[Cell]:
    return list(cells)


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _layout(title: str, **extra) -> dict:
    return {
        "title": {"text": title},
        "template": "none",
        "font": FONT,
        "margin": {"l": 70, "r": 20, "t": 80, "b": 60, **extra.pop("margin", {})},
        "autosize": True,
        **extra,
    }


# Points named by a number, the legend under the plot as the key: long relationship names
# beside the points would run out of the figure (tests/reports/test_chart_layout.py).
KEY_LEGEND = {
    "orientation": "v",
    "x": 0,
    "xanchor": "left",
    "y": 0,
    "yanchor": "bottom",
    "yref": "container",
}
KEY_CHARS = 60


def _key(n: int, name: str) -> str:
    return wrap(f"{n}. {name}", KEY_CHARS)


def _key_lines(names) -> int:
    return sum(_key(1, name).count("<br>") + 1 for name in names)


def _key_margin(lines: int) -> dict:
    return {"b": 75 + 19 * lines}


def _json(fig: go.Figure) -> dict:
    data = fig.to_plotly_json()
    return {"data": data["data"], "layout": data["layout"]}


# The context tools


def context_sections(wave: Wave) -> list[Section]:
    """The three context tools' sections; none when the wave has no partner leads."""
    leads = ContextRespondent.objects.filter(wave=wave)
    if not leads.exists():
        return []
    return [integration_section(wave), relationships_section(wave), importance_section(wave)]


LEVEL_TICKS = {
    "tickvals": [int(level) for level in IntegrationLevel],
    "ticktext": [level.label for level in IntegrationLevel],
    "range": [0.5, 3.5],
}


def integration_section(wave: Wave) -> Section:
    section = Section(
        key="context_integration",
        title=_("Levels of integration"),
        paragraphs=[
            _(
                "Different groups of people may need services to work together in different "
                "ways (Leutz). Partner leads chose, for each user group, the level of "
                "integration there is now and the level those people need: %(levels)s",
                levels="; ".join(
                    f"{str(level.label).lower()}: {_(tools.LEVEL_HINTS[level])}"
                    for level in IntegrationLevel
                ),
            ),
        ],
    )
    rows = tools.integration_summary(wave)
    if not rows:
        section.paragraphs.append(_("No partner lead has answered this yet."))
        return section
    table = Table(
        key="context_integration",
        title=_("Level of integration per user group (1 linkage, 2 co-ordination, 3 full)"),
        columns=[
            _("User group"),
            _("Leads"),
            _("Now (mean)"),
            _("Needed (mean)"),
            _("Gap (needed minus now)"),
            _("Leads wanting more"),
            _("Leads wanting the same"),
            _("Leads wanting less"),
        ],
        rows=[
            _row(r.user_group, r.n, _r(r.mean_now), _r(r.mean_needed), _r(r.gap))
            + _row(r.more, r.same, r.less)
            for r in rows
        ],
        note=_(
            "A positive gap means the leads think more integration is needed than there is now."
        ),
    )
    names = [r.user_group for r in rows]
    fig = go.Figure(
        [
            go.Bar(
                name=_("Now"),
                y=names,
                x=[r.mean_now for r in rows],
                orientation="h",
                marker={"color": STAFF_COLOUR},
            ),
            go.Bar(
                name=_("Needed"),
                y=names,
                x=[r.mean_needed for r in rows],
                orientation="h",
                marker={"color": USERS_COLOUR},
            ),
        ]
    )
    fig.update_layout(
        **_layout(_("Level of integration now and needed")),
        barmode="group",
        xaxis={
            "title": {"text": _("Level of integration")},
            **LEVEL_TICKS,
            "ticktext": [str(level.label) for level in IntegrationLevel],
        },
        yaxis={"automargin": True, "autorange": "reversed"},
        legend={"orientation": "h", "y": -0.2},
        height=max(300, 100 + 60 * len(rows)),
    )
    widest = max(rows, key=lambda r: r.gap)
    section.blocks.append(
        Chart(
            key="context_integration_chart",
            title=_("Level of integration now and needed, per user group"),
            figure=_json(fig),
            table=table,
            description=_(
                "Bars for %(count)s user groups, the level now beside the level needed. The "
                "largest gap is for %(group)s (%(gap)s levels).",
                count=len(rows),
                group=widest.user_group,
                gap=f"{widest.gap:+.1f}",
            ),
        )
    )
    return section


SCALE_AXIS = {"range": [0.5, 5.5], "tickvals": [1, 2, 3, 4, 5], "zeroline": False}


def relationships_section(wave: Wave) -> Section:
    section = Section(
        key="context_relationships",
        title=_("Depth and breadth of relationships"),
        paragraphs=[
            _(
                "Partner leads placed each inter-agency relationship on a depth × breadth matrix "
                "twice: as it is, and as it should be for the outcomes wanted (Peck; Glasby). "
                "Depth is how closely the organisations work together (%(depth)s). Breadth is "
                "how much of their work it covers (%(breadth)s).",
                depth="; ".join(f"{i} {_(text).lower()}" for i, text in tools.DEPTH.items()),
                breadth="; ".join(f"{i} {_(text).lower()}" for i, text in tools.BREADTH.items()),
            ),
            _(
                "Collaboration with whom, and for what? Comparing the two plots shows where "
                "relationships may need to deepen, broaden, or could be lighter."
            ),
        ],
    )
    rows = tools.relationship_summary(wave)
    if not rows:
        section.paragraphs.append(_("No partner lead has answered this yet."))
        return section
    table = Table(
        key="context_relationships",
        title=_("Depth and breadth of each relationship, as it is and as it should be (means)"),
        columns=[
            _("Relationship"),
            _("Leads"),
            _("Depth now"),
            _("Breadth now"),
            _("Depth should be"),
            _("Breadth should be"),
            _("Change in depth"),
            _("Change in breadth"),
        ],
        rows=[
            _row(r.relationship, r.n, _r(r.depth_now), _r(r.breadth_now))
            + _row(_r(r.depth_needed), _r(r.breadth_needed), _r(r.depth_move), _r(r.breadth_move))
            for r in rows
        ],
    )
    section.blocks.append(
        Chart(
            key="context_relationships_chart",
            title=_("Relationships as they are and as they should be"),
            figure=depth_breadth_figure(rows),
            table=table,
            description=_(
                "Two plots side by side placing %(count)s relationships by breadth (across) and "
                "depth (up): as they are on the left, as they should be on the right, where "
                "arrows show each move from where it is now.",
                count=len(rows),
            ),
        )
    )
    return section


def depth_breadth_figure(rows: list[tools.RelationshipRow]) -> dict:
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(_("As it is"), _("As it should be")),
        shared_yaxes=True,
        horizontal_spacing=0.08,
    )
    colours = [SERIES_COLOURS[i % len(SERIES_COLOURS)] for i in range(len(rows))]
    for col, (depth, breadth) in enumerate(
        (("depth_now", "breadth_now"), ("depth_needed", "breadth_needed")), start=1
    ):
        for n, (row, colour) in enumerate(zip(rows, colours, strict=True), start=1):
            fig.add_trace(
                go.Scatter(
                    x=[getattr(row, breadth)],
                    y=[getattr(row, depth)],
                    mode="markers+text",
                    text=[str(n)],  # the key: the legend names the relationship
                    textposition="middle center",
                    textfont={"color": "#ffffff", "size": 11},
                    marker={"size": 18, "color": colour},
                    name=_key(n, row.relationship),
                    legendgroup=row.relationship,
                    showlegend=col == 1,
                    hovertemplate=(
                        f"{row.relationship}<br>"
                        + _("breadth %(x)s, depth %(y)s", x="%{x:.1f}", y="%{y:.1f}")
                        + "<extra></extra>"
                    ),
                ),
                row=1,
                col=col,
            )
    for row, colour in zip(rows, colours, strict=True):
        if row.depth_move or row.breadth_move:
            fig.add_annotation(
                x=row.breadth_needed,
                y=row.depth_needed,
                ax=row.breadth_now,
                ay=row.depth_now,
                xref="x2",
                yref="y2",
                axref="x2",
                ayref="y2",
                showarrow=True,
                arrowhead=3,
                arrowwidth=2,
                arrowcolor=colour,
                opacity=0.6,
                text="",
            )
    fig.update_xaxes(title_text=_("Breadth"), **SCALE_AXIS)
    fig.update_yaxes(**SCALE_AXIS)
    fig.update_yaxes(title_text=_("Depth"), row=1, col=1)
    lines = _key_lines(row.relationship for row in rows)
    fig.update_layout(
        **_layout(_("Depth and breadth of relationships"), margin=_key_margin(lines)),
        legend=KEY_LEGEND,
        height=480 + 19 * lines,
    )
    return _json(fig)


def importance_section(wave: Wave) -> Section:
    section = Section(
        key="context_importance",
        title=_("Strategic importance"),
        paragraphs=[
            _(
                "Each partner lead rated how strategically important the joint work is to their "
                "own organisation (1 to 5; %(high)s or more counts as important). Joint work is "
                "most likely to succeed where it matters to both organisations. Where it matters "
                "to only one, a contract may be a better way forward; where it matters to "
                "neither, it is worth asking whether to do it together at all.",
                high=tools.HIGH_IMPORTANCE,
            ),
        ],
    )
    ratings = tools.organisation_importance(wave)
    grid = tools.importance_grid(wave)
    if not ratings:
        section.paragraphs.append(_("No partner lead has answered this yet."))
        return section
    section.blocks.append(
        Table(
            key="context_importance_ratings",
            title=_("How important the joint work is to each organisation"),
            columns=[_("Organisation"), _("Importance (1 to 5)")],
            rows=[[name, _r(value)] for name, value in ratings.items()],
            note=_("The mean when several leads of one organisation answered."),
        )
    )
    if not grid:
        section.paragraphs.append(_("At least two organisations need a rating to form the grid."))
        return section
    table = Table(
        key="context_importance_grid",
        title=_("Each pair of organisations in the strategic importance grid"),
        columns=[
            _("Relationship"),
            _("First organisation"),
            _("Importance to it"),
            _("Second organisation"),
            _("Importance to it"),
            _("Grid"),
            _("What it suggests"),
        ],
        rows=[
            _row(g.relationship, g.organisation_a, _r(g.importance_a))
            + _row(
                g.organisation_b,
                _r(g.importance_b),
                *(_(text) for text in tools.QUADRANTS[g.quadrant]),
            )
            for g in grid
        ],
    )
    counts = {key: sum(g.quadrant == key for g in grid) for key in tools.QUADRANTS}
    section.blocks.append(
        Chart(
            key="context_importance_chart",
            title=_("Strategic importance grid"),
            figure=importance_figure(grid),
            table=table,
            description=_(
                "%(count)s pairs of organisations placed by how important the joint work is to "
                "each: %(both)s important to both, %(one)s to one only, %(neither)s to neither.",
                count=len(grid),
                both=counts["both"],
                one=counts["one"],
                neither=counts["neither"],
            ),
        )
    )
    return section


def importance_figure(grid: list[tools.GridRow]) -> dict:
    high = tools.HIGH_IMPORTANCE - 0.5  # the boundary between a 3 and a 4
    fig = go.Figure()
    regions = [
        (high, 5.5, high, 5.5, "#cce2d8", _("Partnership")),
        (high, 5.5, 0.5, high, "#fff7bf", _("A contract may fit better")),
        (0.5, high, high, 5.5, "#fff7bf", _("A contract may fit better")),
        (0.5, high, 0.5, high, "#f4cdc6", _("Question it")),
    ]
    for x0, x1, y0, y1, colour, label in regions:
        fig.add_shape(
            type="rect",
            x0=x0,
            x1=x1,
            y0=y0,
            y1=y1,
            fillcolor=colour,
            line={"width": 0},
            layer="below",
        )
        fig.add_annotation(
            x=(x0 + x1) / 2, y=y1 - 0.2, text=label, showarrow=False, font={"size": 12}
        )
    for n, g in enumerate(grid, start=1):
        fig.add_trace(
            go.Scatter(
                x=[g.importance_a],
                y=[g.importance_b],
                mode="markers+text",
                text=[str(n)],  # the key: the legend names the pair
                textposition="middle center",
                textfont={"color": "#ffffff", "size": 11},
                marker={"size": 18, "color": STAFF_COLOUR},
                name=_key(n, g.relationship),
                hovertext=[
                    f"{g.organisation_a}: {g.importance_a:.1f}<br>{g.organisation_b}: "
                    f"{g.importance_b:.1f}<br>{_(tools.QUADRANTS[g.quadrant][0])}"
                ],
                hoverinfo="text",
            )
        )
    lines = _key_lines(g.relationship for g in grid)
    fig.update_layout(
        **_layout(_("Strategic importance grid"), margin=_key_margin(lines)),
        legend=KEY_LEGEND,
        xaxis={"title": {"text": _("Importance to the first organisation")}, **SCALE_AXIS},
        yaxis={"title": {"text": _("Importance to the second organisation")}, **SCALE_AXIS},
        height=480 + 19 * lines,
    )
    return _json(fig)


# Waves over time


@dataclass(frozen=True)
class Figure:
    """One mean of one wave's run: None with `hidden` when the run suppressed it."""

    mean: float | None
    sd: float | None
    n: int | None
    hidden: bool
    # why there is no figure: the run's suppression reason, or NOT_ASKED (nobody on that side
    # answered, so nothing was hidden); '' when shown
    reason: str = ""


NOT_ASKED = "not asked"  # a reason (English); the cell says `_(NOT_ASKED)`


def _figures(row: ComparisonRow | None, side: str) -> Figure:
    if row is None:
        return Figure(None, None, None, False)
    mean = getattr(row, f"mean_{side}")
    hidden = row.suppressed or mean is None
    reason = reason_of(row) or (NOT_ASKED if mean is None else "")
    return Figure(
        None if hidden else mean,
        None if hidden else getattr(row, f"sd_{side}"),
        None if hidden else getattr(row, f"n_{side}"),
        hidden,
        reason,
    )


def _missing(figures: list[Figure], k: int) -> Cell:
    """The cell of a figure that cannot be given: "not asked" when nobody was, else hidden with
    the strongest reason of the figures it comes from."""
    reasons = [f.reason for f in figures if f.hidden and f.reason != NOT_ASKED]
    if not reasons:
        return _("not asked")
    strongest = reasons[0]
    for reason in reasons[1:]:
        strongest = stronger(strongest, reason)
    return Hidden(k, strongest or PRIMARY)


def _all_rows(run: ComparisonRun) -> dict[tuple[str, str], ComparisonRow]:
    return {(r.outcome, r.measure): r for r in run.rows.filter(breakdown=ALL)}


@dataclass(frozen=True)
class OutcomeChange:
    outcome: str
    measure: str
    side: str  # "staff" or "users"
    earlier: Figure
    now: Figure

    @property
    def hidden(self) -> bool:
        return self.earlier.hidden or self.now.hidden

    @property
    def change(self) -> float | None:
        if self.earlier.mean is None or self.now.mean is None:
            return None
        return self.now.mean - self.earlier.mean

    @property
    def ci(self) -> tuple[float, float] | None:
        return change_ci(self.earlier, self.now)


def change_ci(earlier: Figure, now: Figure) -> tuple[float, float] | None:
    """An approximate 95% interval of now − earlier (normal, unequal variances), from the
    stored means, SDs and counts of two runs (the raw answers are not read for reports)."""
    a, b = earlier, now
    if a.mean is None or b.mean is None or not a.n or not b.n or a.sd is None or b.sd is None:
        return None
    change = b.mean - a.mean
    half = Z95 * math.sqrt(a.sd**2 / a.n + b.sd**2 / b.n)
    return (change - half, change + half)


def outcome_changes(wave: Wave, compare_with: Wave) -> list[OutcomeChange] | None:
    """Per outcome, measure and side: the earlier and the later mean; None without two runs."""
    run, earlier_run = latest_run(wave), latest_run(compare_with)
    if run is None or earlier_run is None:
        return None
    now_rows, earlier_rows = _all_rows(run), _all_rows(earlier_run)
    changes = []
    for outcome, measure in sorted(set(now_rows) | set(earlier_rows), key=_outcome_order):
        for side in ("staff", "users"):
            changes.append(
                OutcomeChange(
                    outcome=outcome,
                    measure=measure,
                    side=side,
                    earlier=_figures(earlier_rows.get((outcome, measure)), side),
                    now=_figures(now_rows.get((outcome, measure)), side),
                )
            )
    return changes


def _outcome_order(key: tuple[str, str]) -> tuple[str, int]:
    outcome, measure = key
    return outcome, list(MEASURES).index(measure) if measure in MEASURES else 99


SIDES = {"staff": gettext_noop("Staff"), "users": gettext_noop("Service users and carers")}


def change_section(wave: Wave, compare_with: Wave) -> Section:
    """Each outcome's means now and in an earlier wave, with the change and its rough CI."""
    section = Section(
        key="change_outcomes",
        title=_("Change since %(wave)s", wave=compare_with.name),
        paragraphs=[
            _(
                "Each outcome's mean importance and achievement in both waves, from each wave's "
                "latest comparison. The change is the later mean minus the earlier one, with an "
                "approximate %(level)s confidence interval; different people may have answered "
                "each wave.",
                level="95%",
            ),
        ],
    )
    changes = outcome_changes(wave, compare_with)
    if changes is None:
        missing = compare_with if latest_run(compare_with) is None else wave
        section.paragraphs.append(
            _(
                "No comparison has been run for %(wave)s, so change cannot be shown.",
                wave=missing.name,
            )
        )
        return section
    current = latest_run(wave)
    if current is None:  # there are changes, so there is a run
        return section
    k = current.k
    rows: list[list[Cell]] = []
    for c in changes:
        ci = c.ci
        rows.append(
            [
                c.outcome,
                _(MEASURES[c.measure]) if c.measure in MEASURES else c.measure,
                _(SIDES[c.side]),
                _cell(c.earlier, k),
                _cell(c.now, k),
                _missing([c.earlier, c.now], k) if c.hidden else _r(c.change),
                _missing([c.earlier, c.now], k) if c.hidden else (_r(ci[0]) if ci else None),
                _missing([c.earlier, c.now], k) if c.hidden else (_r(ci[1]) if ci else None),
            ]
        )
    section.blocks.append(
        Table(
            key="change_outcomes",
            title=_(
                "Outcomes in %(earlier)s and %(now)s", earlier=compare_with.name, now=wave.name
            ),
            columns=[
                _("Outcome"),
                _("Measure"),
                _("Who"),
                _("Mean in %(wave)s", wave=compare_with.name),
                _("Mean in %(wave)s", wave=wave.name),
                _("Change"),
                _("95% CI from"),
                _("95% CI to"),
            ],
            rows=rows,
        )
    )
    return section


def _cell(figure: Figure, k: int) -> Cell:
    return _missing([figure], k) if figure.hidden else _r(figure.mean)


def trend_waves(wave: Wave) -> list[tuple[Wave, ComparisonRun]]:
    """The partnership's waves up to this one (oldest first) that have a comparison run."""
    waves = Wave.objects.filter(partnership=wave.partnership, created_at__lte=wave.created_at)
    result = []
    for w in waves.order_by("created_at", "pk"):
        run = latest_run(w)
        if run is not None:
            result.append((w, run))
    return result


def trend_section(wave: Wave) -> Section | None:
    """Each outcome's means across three or more waves; None with fewer waves to show."""
    waves = trend_waves(wave)
    if len(waves) < TREND_MINIMUM_WAVES:
        return None
    k = waves[-1][1].k
    per_wave = [_all_rows(run) for __, run in waves]
    keys = sorted({key for rows in per_wave for key in rows}, key=_outcome_order)
    names = [w.name for w, __ in waves]
    section = Section(
        key="trend_outcomes",
        title=_("Outcomes over time"),
        paragraphs=[
            _(
                "Each outcome's mean across %(count)s waves, from each wave's latest comparison "
                "(1 to 5).",
                count=len(waves),
            ),
        ],
    )
    gaps = any(
        _figures(rows_.get(key), side).mean is None
        for rows_ in per_wave
        for key in keys
        for side in ("staff", "users")
    )
    if gaps:
        section.paragraphs[0] += " " + _(
            "A gap in a line is a figure that is hidden, was not asked, or is not in that wave: "
            "the table says which."
        )
    wording = {
        "importance": {
            "chart": _("Importance over time"),
            "axis": _("Mean importance (1 to 5)"),
            "title": _("Importance of each outcome over time"),
            "table": _("Mean importance per wave"),
            "lines": gettext_noop(
                "Lines of mean importance for %(outcomes)s outcomes over %(waves)s waves; staff "
                "solid, service users and carers dashed."
            ),
        },
        "achievement": {
            "chart": _("Achievement over time"),
            "axis": _("Mean achievement (1 to 5)"),
            "title": _("Achievement of each outcome over time"),
            "table": _("Mean achievement per wave"),
            "lines": gettext_noop(
                "Lines of mean achievement for %(outcomes)s outcomes over %(waves)s waves; "
                "staff solid, service users and carers dashed."
            ),
        },
    }
    for measure in MEASURES:
        words = wording[measure]
        rows: list[list[Cell]] = []
        fig = go.Figure()
        series = [(o, m) for o, m in keys if m == measure]
        for i, (outcome, __) in enumerate(series):
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            for side, dash in (("staff", "solid"), ("users", "dash")):
                figures = [_figures(rows_.get((outcome, measure)), side) for rows_ in per_wave]
                rows.append([outcome, _(SIDES[side]), *(_cell(f, k) for f in figures)])
                fig.add_trace(
                    go.Scatter(
                        x=names,
                        y=[f.mean for f in figures],
                        mode="lines+markers",
                        name=f"{outcome}: {_(SIDES[side]).lower()}",
                        line={"color": colour, "dash": dash},
                        connectgaps=False,
                        hovertext=[
                            (_("not asked") if f.reason == NOT_ASKED else _("hidden"))
                            if f.hidden
                            else (_("no figure") if f.mean is None else f"{f.mean:.2f}")
                            for f in figures
                        ],
                        hoverinfo="x+name+text",
                    )
                )
        if not rows:
            continue
        fig.update_layout(
            **_layout(words["chart"]),
            xaxis={"title": {"text": _("Wave")}, "type": "category"},
            yaxis={"title": {"text": words["axis"]}, "range": [1, 5]},
            legend={"orientation": "h", "y": -0.25},
            height=480,
        )
        section.blocks.append(
            Chart(
                key=f"trend_{measure}",
                title=words["title"],
                figure=_json(fig),
                table=Table(
                    key=f"trend_{measure}",
                    title=words["table"],
                    columns=[_("Outcome"), _("Who"), *names],
                    rows=rows,
                ),
                description=_(words["lines"], outcomes=len(series), waves=len(waves)),
            )
        )
    return section
