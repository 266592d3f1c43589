"""One-page A4 PDF of the Morgenbrief, from the same briefing object and figures as the page.

Figures are rendered by plotly's own exporter (kaleido, driving the system's Chromium) as vector
PDF pages laid into the page, so their text (axis labels, legend) stays text; the charts are the
screen's, date axes in the PDF's language; the layout is ReportLab. Readable in black and white:
lines differ by dash pattern, not by colour alone. Written in the language of the request (the
briefing's own texts come translated from :func:`dashboard.briefing.briefing_view`).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup, escape
from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard import disease, formatting
from dashboard.briefing import Briefing
from dashboard.definitions import DEMO_SOURCE, published_note, trend_label
from dashboard.figures.print_axes import localise_date_axes
from dashboard.i18n import _, ngettext

# after a renderer fails (a timeout on a busy machine), figures are drawn one by one in a
# browser of their own until this many seconds have passed; then a new renderer is tried
RETRY_AFTER_S = 30.0
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
SERVER_TIMEOUT_S = 20
ONESHOT_TIMEOUT_S = 60


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """The one way text reaches ReportLab's ``Paragraph``, which reads its own markup
    language (``<a href>``, ``<font>``, ``<img>``…): a plain ``str`` is escaped, so a rule
    text, a name or any other data shows as the text it is; only :class:`markupsafe.Markup`
    built in code (``Markup("<b>{}</b>").format(text)`` escapes ``text``) keeps its tags. A
    markup ReportLab still cannot read (a translation's typo) is shown as plain text rather
    than failing the whole PDF."""
    markup = text if isinstance(text, Markup) else escape(text)
    try:
        return Paragraph(str(markup), style)
    except ValueError:
        return Paragraph(str(escape(Markup(markup).striptags())), style)


class PdfUnavailable(RuntimeError):
    """No browser for rendering figures on this machine (or it did not answer)."""


def _browser() -> None:
    if "BROWSER_PATH" not in os.environ:
        found = next((p for p in CHROMIUM_CANDIDATES if shutil.which(p)), None)
        if found is None:
            raise PdfUnavailable(
                _("PDF-eksport trenger Chromium på serveren (Debian: apt-get install chromium).")
            )
        os.environ["BROWSER_PATH"] = found


class _Renderer:
    """One long-lived kaleido browser on a daemon thread's event loop (~0.2 s a figure).

    Not kaleido's own sync server: that one joins its thread at interpreter exit and waits
    forever if its browser hangs, and it has no timeout. Here every call has a deadline, a
    miss retires the renderer, and the daemon thread never holds up the process at exit.
    """

    def __init__(self) -> None:
        import asyncio

        import kaleido

        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True, name="pdf-renderer").start()
        self.kaleido = asyncio.run_coroutine_threadsafe(self._open(kaleido), self.loop).result(
            timeout=SERVER_TIMEOUT_S
        )

    @staticmethod
    async def _open(kaleido: Any) -> Any:
        k = kaleido.Kaleido()
        await k.open()
        return k

    def render(self, fig_dict: dict[str, Any], opts: dict[str, Any]) -> bytes:
        import asyncio

        future = asyncio.run_coroutine_threadsafe(
            self.kaleido.calc_fig(fig_dict, opts=opts), self.loop
        )
        return bytes(future.result(timeout=SERVER_TIMEOUT_S))

    def retire(self) -> None:
        """Close the browser (best effort, briefly) and stop the loop's thread."""
        import asyncio

        # a hung browser: the daemon thread goes with the process
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self.kaleido.close(), self.loop).result(timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)


class RendererSlot:
    """The process's one long-lived renderer, made when first needed. ``render`` gives the
    figure from it, or None (draw it in a browser of its own) while the renderer is retired
    after a failure — a new one is tried ``retry_after`` seconds later, so one slow moment
    does not make every later PDF slow. ``make`` and ``clock`` are what a test replaces."""

    def __init__(
        self,
        make: Callable[[], Any] = lambda: _Renderer(),
        *,
        retry_after: float = RETRY_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.make, self.retry_after, self.clock = make, retry_after, clock
        self.renderer: Any = None
        self.broken_until = 0.0
        self._lock = threading.Lock()

    def render(self, fig_dict: dict[str, Any], opts: dict[str, Any]) -> bytes | None:
        with self._lock:
            if self.clock() < self.broken_until:
                return None
            try:
                if self.renderer is None:
                    self.renderer = self.make()
                renderer = self.renderer
            except Exception:
                self.broken_until = self.clock() + self.retry_after
                return None
        try:
            return bytes(renderer.render(fig_dict, opts))
        except Exception:
            with self._lock:
                self.broken_until = self.clock() + self.retry_after
                if self.renderer is renderer:
                    self.renderer = None
            renderer.retire()
            return None


_slot = RendererSlot()


def _oneshot_render(fig_dict: dict[str, Any], opts: dict[str, Any]) -> bytes:
    """A browser of its own for one figure (~3 s), with a deadline."""
    import kaleido
    from kaleido import _sync_server

    result: dict[str, Any] = {}

    def work() -> None:
        try:
            result["png"] = _sync_server.oneshot_async_run(
                kaleido.calc_fig, args=(fig_dict,), kwargs={"opts": opts}
            )
        except BaseException as err:
            result["error"] = err

    thread = threading.Thread(target=work, daemon=True, name="pdf-oneshot")
    thread.start()
    thread.join(ONESHOT_TIMEOUT_S)
    if "png" in result:
        return bytes(result["png"])
    raise PdfUnavailable(
        _(
            "Figurene kunne ikke tegnes til PDF ({feil}).",
            feil=result.get("error") or _("tidsavbrudd"),
        )
    )


def figure_pdf(figure: Any, *, width: int = 900, height: int = 330) -> bytes:
    """The figure as a one-page vector PDF (its text stays text: readable, searchable),
    styled for print: white, black text, date axes in the document's language, the legend
    beside the plot (below it, it would cover the axis labels)."""
    _browser()
    fig = go.Figure(figure)  # a copy (from a figure or its JSON): print styling for the PDF
    fig.update_layout(
        template="simple_white",
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=dict(size=13, color="black"),
        margin=dict(l=55, r=15, t=45, b=40),
        legend=dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top"),
    )
    fig.update_xaxes(rangeselector=dict(visible=False))
    localise_date_axes(fig)
    opts = {"format": "pdf", "width": width, "height": height}
    fig_dict = fig.to_dict()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rendered = _slot.render(fig_dict, opts)
        return rendered if rendered is not None else _oneshot_render(fig_dict, opts)


class VectorFigure(Flowable):
    """Room for a figure's PDF in the story; :func:`build_with_figures` draws the figure
    there once the page is laid out (ReportLab cannot read a PDF page itself)."""

    def __init__(self, figure_pdf: bytes, width: float, height: float) -> None:
        super().__init__()
        self.figure_pdf, self.width, self.height = figure_pdf, width, height
        self.placed: list[tuple[int, float, float]] = []

    def wrap(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.placed.append((self.canv.getPageNumber() - 1, x, y))


def build_with_figures(doc: SimpleDocTemplate, buffer: io.BytesIO, story: list[Any]) -> bytes:
    """Build the document, then lay each :class:`VectorFigure`'s page into its room."""
    figures = [f for f in story if isinstance(f, VectorFigure)]  # build empties the story
    doc.build(story)
    if not figures:
        return buffer.getvalue()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    for figure in figures:
        source = PdfReader(io.BytesIO(figure.figure_pdf)).pages[0]
        box = source.mediabox
        sx, sy = figure.width / float(box.width), figure.height / float(box.height)
        for page, x, y in figure.placed:
            writer.pages[page].merge_transformed_page(
                source, Transformation().scale(sx, sy).translate(x, y)
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of both one-page PDFs (Morgenbrief and weekly report)."""
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=15, spaceAfter=2, alignment=0),
        "sub": ParagraphStyle("s", parent=base["Normal"], fontSize=8.5, textColor=colors.black),
        "h": ParagraphStyle("h", parent=base["Heading3"], fontSize=10, spaceBefore=4, spaceAfter=2),
        "body": ParagraphStyle("b", parent=base["Normal"], fontSize=8.5, leading=10.5),
        "small": ParagraphStyle("x", parent=base["Normal"], fontSize=6.8, leading=8.2),
        "cell": ParagraphStyle("c", parent=base["Normal"], fontSize=7.8, leading=9.2),
    }


def table(rows: list[list[Any]], widths: list[float]) -> Table:
    """A compact table of both PDFs: bold header row, numbers right-aligned."""
    out = Table(rows, colWidths=widths, repeatRows=1)
    out.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.8),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 7.8),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return out


def a4_document(
    buffer: io.BytesIO, *, title: str, side_mm: float, top_mm: float
) -> tuple[SimpleDocTemplate, float]:
    """An A4 page for our one-page PDFs, and the width left between its side margins."""
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=side_mm * mm,
        rightMargin=side_mm * mm,
        topMargin=top_mm * mm,
        bottomMargin=10 * mm,
        title=title,
        author="Situasjonsbilde",
    )
    return doc, A4[0] - 2 * side_mm * mm


def _bullets(lines: list[str], style: ParagraphStyle) -> ListFlowable:
    return ListFlowable(
        [ListItem(para(text, style), leftIndent=8) for text in lines],
        bulletType="bullet",
        start="•",
        leftIndent=8,
    )


FIGURE_HEIGHT = 300  # px at 900 wide: the incidence figure's share of the page
RULE_LINES = 5  # more than this and the page says how many more


def _signal_lines(brief: Briefing) -> list[str]:
    """The kommune's own signals in full, the neighbours' as one line (one page)."""
    # a neighbour's sentence names it with this word (dashboard.briefing.signal_sentences)
    marker = " " + _("nabokommunen") + " "
    own = [t for t in brief.signals if marker not in t]
    others = len(brief.signals) - len(own)
    if others:
        own.append(
            ngettext(
                "Og {n} signal i nabokommuner (se siden Signaler).",
                "Og {n} signaler i nabokommuner (se siden Signaler).",
                others,
                n=others,
            )
        )
    return own


def _side_by_side(brief: Briefing, s: dict[str, ParagraphStyle], width: float) -> Table:
    """«Siden i går» and «Regler» in two columns, so that the brief keeps to one page."""
    since = _("Siden i går:")
    rule_lines = [Markup("<b>{}</b> {}").format(since, t) for t in brief.rules_changed] + list(
        brief.rules_upcoming
    )
    if len(rule_lines) > RULE_LINES:
        more = len(rule_lines) - RULE_LINES + 1
        rule_lines = [
            *rule_lines[: RULE_LINES - 1],
            _("… og {n} til (se siden Regler).", n=more),
        ]
    rules: Any = (
        _bullets(rule_lines, s["small"])
        if rule_lines
        else para(
            _("Ingen regelendringer siden i går og ingen registrert de neste 7 dagene."),
            s["small"],
        )
    )
    columns = Table(
        [
            [para(_("Siden i går"), s["h"]), para(_("Regler"), s["h"])],
            [_bullets([*_signal_lines(brief), *brief.changes], s["body"]), rules],
        ],
        colWidths=[width * 0.5, width * 0.5],
    )
    columns.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return columns


def definitions_text(pairs: Iterable[tuple[str, str]]) -> Markup:
    """The PDFs' definitions paragraph from (label, definition) pairs — the registry's texts
    (:mod:`data.indicators`): each definition once, after the labels it explains (escaped;
    only the bold labels are markup)."""
    labels: dict[str, list[str]] = {}
    for label, definition in pairs:
        if definition and label not in labels.get(definition, []):
            labels.setdefault(definition, []).append(label)
    return Markup(" ").join(
        Markup("<b>{}:</b> {}").format("; ".join(ls), d) for d, ls in labels.items()
    )


def briefing_pdf(brief: Briefing, *, incidence_figure: Any) -> bytes:
    """The Morgenbrief as a one-page A4 PDF."""
    s = styles()
    buffer = io.BytesIO()
    doc, width = a4_document(
        buffer,
        title=disease.titled(
            _("Morgenbrief {kommune} {dato}", kommune=brief.name, dato=brief.date.isoformat())
        ),
        side_mm=13,
        top_mm=11,
    )
    info = brief.info
    demo = " " + _("DEMODATA – syntetiske tall, ikke ekte personer.") if info["is_demo"] else ""
    story: list[Any] = [
        para(
            disease.titled(
                _(
                    "Morgenbrief – {kommune} ({nummer}), {fylke}",
                    kommune=brief.name,
                    nummer=brief.kommunenummer,
                    fylke=brief.fylkesnavn,
                )
            ),
            s["title"],
        ),
        para(
            Markup(
                _(
                    "Situasjonen per <b>{dato}</b>. Data per {datadato}.",
                    dato=escape(formatting.date_long(brief.date)),
                    datadato=escape(formatting.date_short(info["data_date"])),
                )
            )
            + Markup("<b>{}</b>").format(demo),
            s["sub"],
        ),
        Spacer(1, 3 * mm),
    ]
    rows: list[list[Any]] = [
        [
            _("Nøkkeltall"),
            brief.name,
            _("{fylke} (fylke)", fylke=brief.fylkesnavn),
            _("Hele landet"),
        ]
    ]
    for indicator in brief.indicators.values():
        own = indicator.display_percent()
        if indicator.unit and indicator.unit != "%" and indicator.shows_number:
            own = f"{own} {indicator.unit}"
        rows.append(
            [
                para(indicator.label, s["cell"]),
                own,
                indicator.compared("county") if indicator.text is None else "",
                indicator.compared("nation") if indicator.text is None else "",
            ]
        )
    story += [table(rows, [width * 0.43, width * 0.19, width * 0.19, width * 0.19])]
    story.append(_side_by_side(brief, s, width))
    figure = figure_pdf(incidence_figure, height=FIGURE_HEIGHT)
    story += [
        Spacer(1, 2 * mm),
        VectorFigure(figure, width=width, height=width * FIGURE_HEIGHT / 900),
    ]
    if not brief.neighbours.empty:
        story.append(para(_("Nabokommuner"), s["h"]))
        nrows: list[list[Any]] = [
            [_("Kommune"), _("Tilfeller 7 d"), _("7-d insidens"), _("14-d insidens"), _("Trend")]
        ]
        for r in brief.neighbours.itertuples():
            nrows.append(
                [
                    f"{r.name} ({r.kommunenummer})",
                    formatting.count(r.cases_7d, suppressed=bool(r.cases_7d_suppressed)),
                    formatting.number(r.incidence_7d, 1),
                    formatting.number(r.incidence_14d, 1),
                    trend_label(r.trend),
                ]
            )
        story.append(
            table(nrows[:9], [width * 0.36, width * 0.16, width * 0.16, width * 0.16, width * 0.16])
        )
    definitions = definitions_text((i.label, i.definition) for i in brief.indicators.values())
    source = _(DEMO_SOURCE) if info["is_demo"] else (info.get("source") or _("importerte data"))
    story += [
        Spacer(1, 2 * mm),
        para(Markup("<b>{}</b> {}").format(_("Definisjoner."), definitions), s["small"]),
        para(
            _(
                "Kilde: {kilde}. {vern} Laget av Situasjonsbilde.",
                vern=published_note(),
                kilde=source,
            ),
            s["small"],
        ),
    ]
    return build_with_figures(doc, buffer, story)
