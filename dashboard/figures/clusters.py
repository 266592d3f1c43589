"""Pure figure builders for clusters, transmission chains, signals and the map overlay."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.core import KOMMUNE_COLOUR, base_layout
from dashboard.figures.theme import COLOURS, OKABE_ITO, QUALITATIVE
from dashboard.i18n import N_, _
from dashboard.metrics.clusters import OUTSIDE

OTHER_CLUSTERS = N_("Andre klynger")  # group key; translated in the legend
SETTING_COLOURS = {
    "index": OKABE_ITO["black"],
    "household": OKABE_ITO["blue"],
    "school": OKABE_ITO["orange"],
    "kindergarten": OKABE_ITO["bluish_green"],
    "nursing_home": OKABE_ITO["vermillion"],
    "workplace": OKABE_ITO["reddish_purple"],
    "event": OKABE_ITO["sky_blue"],
    "travel": OKABE_ITO["yellow"],
    "healthcare": COLOURS["land"],
}


def _layout(fig: go.Figure, *, title: str, height: int = 360) -> go.Figure:
    fig.update_layout(base_layout(title, height=height, legend=dict(orientation="h", y=-0.2)))
    fig.update_yaxes(gridcolor=COLOURS["grid"])
    return fig


def cluster_epicurve(
    weekly: pd.DataFrame, labels: dict[str, str], *, title: str, top: int = 10
) -> go.Figure:
    """Stacked weekly bars coloured by cluster: the ``top`` largest clusters each, the rest
    together. ``weekly``: cluster_id, week_start, cases (NaN = withheld); ``labels``: cluster
    id → legend text."""
    fig = go.Figure()
    shown = weekly.dropna(subset=["cases"])
    if shown.empty:
        fig.add_annotation(text=_("Ingen klyngetilfeller å vise"), showarrow=False)
        return _layout(fig, title=title)
    totals = shown.groupby("cluster_id")["cases"].sum().sort_values(ascending=False)
    biggest = list(totals.index[:top])
    shown = shown.assign(
        group=shown["cluster_id"].where(shown["cluster_id"].isin(biggest), OTHER_CLUSTERS)
    )
    palette = QUALITATIVE
    hover = _("Uke fra %{x|%d.%m.%Y}: %{y} tilfeller<extra></extra>")
    for i, group in enumerate([*biggest, OTHER_CLUSTERS]):
        part = shown[shown["group"] == group].groupby("week_start", as_index=False)["cases"].sum()
        if part.empty:
            continue
        name = _(OTHER_CLUSTERS) if group == OTHER_CLUSTERS else labels.get(group, group)
        fig.add_bar(
            x=part["week_start"],
            y=part["cases"],
            name=name,
            marker_color=COLOURS["withheld"]
            if group == OTHER_CLUSTERS
            else palette[i % len(palette)],
            hovertemplate=name + "<br>" + hover,
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=_("Uke (mandag)"), tickformat="%d.%m.%y")
    fig.update_yaxes(title=_("Tilfeller"), rangemode="tozero")
    return _layout(fig, title=title, height=380)


def _links(edges: pd.DataFrame, *, colour: str, name: str) -> go.Figure:
    """A chain figure with its links: one line trace from infector to infected (or between
    the collapsed groups), under the points added after it."""
    xs: list[Any] = []
    ys: list[Any] = []
    for r in edges.itertuples():
        xs += [r.x0, r.x1, None]
        ys += [r.y0, r.y1, None]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line=dict(color=colour, width=1),
            hoverinfo="skip",
            name=name,
        )
    )
    return fig


def _add_points(fig: go.Figure, points: pd.DataFrame, **trace: Any) -> None:
    """One marker trace of a network at the points' laid-out ``x``/``y``."""
    fig.add_trace(go.Scatter(x=points["x"], y=points["y"], mode="markers", **trace))


def transmission_network(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    title: str,
    setting_labels: dict[str, str],
    age_labels: dict[str, str],
    kommune_names: dict[str, str] | None = None,
) -> go.Figure:
    """Cases as points (x: test date, coloured by the setting they were infected in), links
    as lines from infector to infected. SVG traces (no WebGL needed); readable up to a few
    thousand nodes. Each point carries customdata (key, date, age band, setting, infected
    by, infected, kommune) for the click detail."""
    fig = _links(edges, colour=COLOURS["others"], name=_("Smitteoverføring"))
    names = kommune_names or {}
    for setting, part in nodes.groupby("setting", sort=False):
        if setting == OUTSIDE:
            # an anonymous member elsewhere: the kommune, nothing about the person
            _add_points(
                fig,
                part,
                name=_("Tilfelle i annen kommune"),
                marker=dict(
                    size=9, symbol="circle-open", color=COLOURS["others"], line=dict(width=2)
                ),
                customdata=[[names.get(k, k)] for k in part["kommunenummer"]],
                hovertemplate=_("Tilfelle i annen kommune: %{customdata[0]}") + "<extra></extra>",
            )
            continue
        label = (
            _("Indekstilfelle") if setting == "index" else _(setting_labels.get(setting, setting))
        )
        custom = list(
            zip(
                [f"#{k}" for k in part["person_key"]],
                part["test_date"].dt.strftime("%d.%m.%Y"),
                [age_labels.get(a, a) for a in part["age_band"]],
                [label] * len(part),
                ["–" if pd.isna(v) else f"#{int(v)}" for v in part["infected_by"]],
                part["infected"].astype(int),
                part["kommunenummer"],
                strict=True,
            )
        )
        _add_points(
            fig,
            part,
            name=label,
            marker=dict(
                size=9,
                color=SETTING_COLOURS.get(str(setting), KOMMUNE_COLOUR),
                line=dict(width=0.5, color=COLOURS["background"]),
            ),
            customdata=custom,
            hovertemplate=_(
                "Tilfelle %{customdata[0]}<br>Prøvedato %{customdata[1]}<br>"
                "Alder %{customdata[2]}<br>Smittet i: %{customdata[3]}<br>"
                "Smittet av %{customdata[4]}; har smittet %{customdata[5]}<extra></extra>"
            ),
        )
    fig.update_yaxes(visible=False)
    fig.update_xaxes(title=_("Prøvedato"), tickformat="%d.%m.%y")
    height = int(min(900, max(360, 6 * (nodes["y"].max() if len(nodes) else 0) + 120)))
    return _layout(fig, title=title, height=height)


def collapsed_network(groups: pd.DataFrame, edges: pd.DataFrame, *, title: str) -> go.Figure:
    """The aggregate view of a very large cluster: one bubble per test date and kommune."""
    fig = _links(edges, colour=COLOURS["withheld"], name=_("Smitteoverføringer"))
    size = groups["cases"].clip(lower=1) ** 0.5 * 4 + 4
    _add_points(
        fig,
        groups,
        name=_("Tilfeller per dag og kommune"),
        marker=dict(size=size, color=KOMMUNE_COLOUR, opacity=0.7),
        customdata=list(zip(groups["kommunenummer"], groups["cases"], strict=True)),
        hovertemplate=_(
            "Kommune %{customdata[0]}<br>%{x|%d.%m.%Y}: %{customdata[1]} tilfeller<extra></extra>"
        ),
    )
    rows = groups.drop_duplicates("kommunenummer").sort_values("y")
    fig.update_yaxes(tickvals=rows["y"], ticktext=rows["kommunenummer"], title=_("Kommune"))
    fig.update_xaxes(title=_("Prøvedato"), tickformat="%d.%m.%y")
    return _layout(fig, title=title, height=500)


def signal_history(frame: pd.DataFrame, *, title: str) -> go.Figure:
    """One kommune's weekly observed counts (bars, red in signal weeks) with the expected
    count and the threshold (lines)."""
    fig = go.Figure()
    colours = [COLOURS["alert"] if a else COLOURS["kommune_light"] for a in frame["alarm"]]
    fig.add_bar(
        x=frame["week_start"],
        y=frame["observed"],
        name=_("Observert"),
        marker_color=colours,
        hovertemplate=_("Uke fra %{x|%d.%m.%Y}: %{y} observert<extra></extra>"),
    )
    lines = (
        ("expected", _("Forventet"), dict(color=KOMMUNE_COLOUR, width=2), "%{y:.1f}"),
        (
            "threshold",
            _("Terskel"),
            dict(color=COLOURS["alert"], width=1.5, dash="dash"),
            "%{y:.0f}",
        ),
    )
    for column, name, line, value in lines:
        fig.add_scatter(
            x=frame["week_start"],
            y=frame[column],
            name=name,
            mode="lines",
            line=line,
            hovertemplate=f"{name} {value}<extra></extra>",
        )
    fig.update_xaxes(title=_("Uke (mandag)"), tickformat="%d.%m.%y")
    fig.update_yaxes(title=_("Antall per uke"), rangemode="tozero")
    return _layout(fig, title=title, height=360)


def _overlay(frame: pd.DataFrame, name: str, marker: dict[str, Any], kind: str) -> dict[str, Any]:
    """One overlay trace: a marker per row of ``frame`` (lon, lat, hover text)."""
    return dict(
        type="scattergeo",
        lon=list(frame["lon"]),
        lat=list(frame["lat"]),
        text=list(frame["hover"]),
        mode="markers",
        name=name,
        marker=marker,
        hovertemplate="%{text}<extra>" + kind + "</extra>",
        showlegend=True,
    )


def map_overlay_traces(
    signals: pd.DataFrame, clusters: pd.DataFrame
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two scattergeo traces for the Smittekart overlay, as plain dicts (so a Patch can
    replace them): signal kommuner (red triangles) and active clusters (circles sized by the
    number of clusters). Both frames carry lon, lat, name and a hover text column."""
    border = dict(width=1, color=COLOURS["background"])
    signal_trace = _overlay(
        signals,
        _("Signal"),
        dict(symbol="triangle-up", size=11, color=COLOURS["alert"], line=border),
        _("Signal"),
    )
    sizes = [float(6 + 3 * min(n, 10) ** 0.8) for n in clusters["clusters"]]
    cluster_trace = _overlay(
        clusters,
        _("Aktive klynger"),
        dict(size=sizes, color=COLOURS["overlay"], line=border),
        _("Klynger"),
    )
    return signal_trace, cluster_trace


def empty_overlay() -> tuple[dict[str, Any], dict[str, Any]]:
    empty = pd.DataFrame({"lon": [], "lat": [], "hover": [], "clusters": []})
    return map_overlay_traces(empty, empty)
