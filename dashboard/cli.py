"""Command line: ``situasjonsbilde setup | demo | geo | db | import``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import click
import typer

from dashboard.settings import load_settings

app = typer.Typer(help="Situasjonsbilde – verktøy for oppsett og data.", no_args_is_help=True)
db_app = typer.Typer(help="Databasen: migreringer.")
app.add_typer(db_app, name="db")
import_app = typer.Typer(
    help=(
        "Importer ekte publiserte data (FHI, SSB, Kartverket, OxCGRT, ECDC ERVISS) i databasen "
        "DATA_DIR peker på. `import all <mappe>` gjenkjenner filene på innholdet."
    ),
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")


def _configure() -> None:
    """The data layer of this command: the process default, and active until the command
    ends (a command run inside another program, such as a test, reads its own stores)."""
    from data import db

    settings = load_settings()
    layer = db.configure(
        database_url=settings.database_url,
        tracing_database_url=settings.tracing_database_url,
        incomplete_days=settings.incomplete_days,
    )
    context = click.get_current_context(silent=True)
    if context is not None:
        token = layer.activate()
        context.call_on_close(lambda: layer.deactivate(token))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Kjør migreringer på dashbordlageret og smittesporingslageret."""
    from data import db

    _configure()
    db.upgrade()
    typer.echo(
        f"Skjema oppdatert: main={db.current_revision('main')}, "
        f"tracing={db.current_revision('tracing')}"
    )


@db_app.command("refresh")
def db_refresh(progress: bool = True) -> None:
    """Bygg de avledede tabellene på nytt (dagsaggregater, nøkkeltall og sertifikatserier)."""
    from data import aggregates, certificate_aggregates, db
    from data.load import bump_data_version

    _configure()
    db.upgrade()
    started = time.perf_counter()
    with db.engine().begin() as conn:
        aggregates.refresh(conn, progress=progress)
        rows = certificate_aggregates.refresh(conn, progress=progress)
        bump_data_version(conn)
    typer.echo(
        f"Avledede tabeller bygget på nytt ({rows:,} sertifikatserier) på "
        f"{time.perf_counter() - started:.1f} s."
    )


@app.command()
def geo(progress: bool = True) -> None:
    """Bygg forenklet kommunegeometri og nettleserfiler (trenger pakkeregistrene én gang)."""
    from dashboard import vendor
    from geo import boundaries

    settings = load_settings()
    boundaries.build_all(
        cache_dir=settings.geo_dir, assets_dir=settings.assets_dir, progress=progress
    )
    vendor.ensure_bootstrap(settings.assets_dir)
    vendor.ensure_axe(settings.assets_dir)  # the browser tests' accessibility check
    vendor.ensure_plotly_locale(settings.assets_dir)  # bokmål month names on date axes
    vendor.ensure_regenerator_runtime(settings.assets_dir)  # instead of Dash's polyfill
    if vendor.ensure_plotly_partial(settings.assets_dir) is None:  # a third of plotly.js
        typer.echo("plotly.js: delbunten ble ikke bygget, appen bruker hele plotly.js")
    typer.echo(f"Kartgrunnlag klart i {settings.geo_dir}")


@app.command()
def demo(
    scale: Annotated[str, typer.Option(help="tiny | small | full")] = "small",
    seed: Annotated[int, typer.Option(help="Frø for den syntetiske epidemien")] = 42,
    progress: bool = True,
) -> None:
    """Lag den syntetiske demoepidemien og last den inn (erstatter hendelsesdataene)."""
    from data import db
    from data.load import load_dataset
    from data.synthetic import SCALES, generate

    if scale not in SCALES:
        raise typer.BadParameter(f"ukjent skala {scale!r}; velg en av {', '.join(SCALES)}")
    _configure()
    db.upgrade()
    started = time.perf_counter()
    ds = generate(scale=scale, seed=seed, progress=progress)
    generated = time.perf_counter()
    meta = {**ds.meta, "is_demo": "true", "source": "demo"}
    counts = load_dataset(
        main=db.engine("main"),
        tracing=db.engine("tracing"),
        tables=ds.tables,
        tracing_tables=ds.tracing,
        meta=meta,
        source=f"demo:{scale}:{seed}",
        progress=progress,
    )
    done = time.perf_counter()
    total = sum(counts.values())
    _compute_signals(progress=progress)
    typer.echo(
        f"Demodata ({scale}, frø {seed}): {total:,} rader; generert på "
        f"{generated - started:.1f} s, lastet på {done - generated:.1f} s, "
        f"totalt {done - started:.1f} s."
    )
    for store in ("main", "tracing"):
        url = db.url(store)
        if url.startswith("sqlite:///"):
            size = Path(url.removeprefix("sqlite:///")).stat().st_size
            typer.echo(f"  {store}: {size / 1e6:.0f} MB ({url})")


def _compute_signals(*, progress: bool) -> None:
    from data import db
    from data.signals_build import compute

    started = time.perf_counter()
    result = compute(db.engine("main"), progress=progress)
    typer.echo(
        f"Signaler: {result.get('cases_signals', 0)} signaler på tilfeller og "
        f"{result.get('admissions_signals', 0)} på innleggelser i "
        f"{result.get('cases_rows', 0):,} kommune-uker; {time.perf_counter() - started:.1f} s."
    )


@app.command()
def signals(progress: bool = True) -> None:
    """Beregn signaler (Farrington-metoden) per kommune og uke på nytt."""
    from data import db

    _configure()
    db.upgrade()
    _compute_signals(progress=progress)


@app.command()
def alerts(progress: bool = True) -> None:
    """Skriv varsler om nye signaler og klynger til utboksen (og send e-post når SMTP_HOST er
    satt)."""
    from dashboard.mailer import dispatch_alerts

    _configure()
    written, sent = dispatch_alerts(load_settings())
    typer.echo(f"Varsler: {written} skrevet til utboksen, {sent} sendt.")


@app.command()
def setup(progress: bool = True) -> None:
    """Alt `make run` trenger: geometri, nettleserfiler, skjema og demodata ved tom database."""
    from data import certificate_aggregates, db, page_tables, queries, rollups
    from data.load import bump_data_version
    from data.scope import Scope
    from data.signals_build import has_signals

    settings = load_settings()
    geo(progress=progress)
    _configure()
    db.upgrade()
    try:
        queries.dataset_info(scope=Scope.full())
        # Derived tables added after this store was loaded are built now (once).
        with db.engine().begin() as conn:
            rolled = rollups.ensure(conn)
            paged = page_tables.ensure(conn)
            built = certificate_aggregates.ensure(conn, progress=progress)
            no_signals = not has_signals(conn)
            if rolled or paged or built:
                bump_data_version(conn)
        if rolled:
            typer.echo("Fylkes- og landstall (sammendragstabeller) manglet og er bygget.")
        if paged:
            typer.echo(
                "Sidetabellene (nøkkeltall, vaksinasjonsserier, ankomster per dag) manglet "
                "og er bygget."
            )
        if built:
            typer.echo(f"Sertifikatseriene manglet og er bygget ({built:,} rader).")
        if no_signals:
            _compute_signals(progress=progress)
        typer.echo("Databasen har data; lar den være.")
    except LookupError:
        if not settings.demo_data:
            typer.echo("Databasen er tom og DEMO_DATA=false: importer data før bruk.")
            return
        demo(scale=settings.demo_scale, seed=settings.demo_seed, progress=progress)


# --------------------------------------------------------------------------- import
def _print_import_report(report: object) -> None:
    from data.importers.runner import ImportReport
    from data.importers.texts import STATUS_NB, reason_text

    assert isinstance(report, ImportReport)
    typer.echo("")
    typer.echo(
        f"{'fil':44} {'status':10} {'lest':>9} {'lastet':>9} {'avvist':>7} "
        f"{'hoppet':>7} {'fakta':>9} {'sek':>6} {'rader/s':>9}"
    )
    for r in report.results:
        name = Path(r.file).name[-44:]
        typer.echo(
            f"{name:44} {r.status:10} {r.rows_read:>9,} {r.rows_loaded:>9,} "
            f"{r.rows_rejected:>7,} {r.rows_skipped:>7,} {r.facts:>9,} {r.seconds:>6.2f} "
            f"{r.rows_per_second:>9,.0f}".replace(",", " ")
        )
        if r.status in ("failed", "refused", "skipped") or r.message:
            typer.echo(f"    {STATUS_NB.get(r.status, r.status)}: {r.message}")
        for reason, n in list(r.reasons.items())[:5]:
            typer.echo(f"    avvist {n:>6}: {reason_text(reason)} ({reason})")
    loaded = [r for r in report.results if r.status == "loaded"]
    unchanged = [r for r in report.results if r.status == "unchanged"]
    failed = [r for r in report.results if r.status in ("failed", "refused")]
    skipped = [r for r in report.results if r.status == "skipped"]
    outdated = sum(r.status == "outdated" for r in report.results)
    older = f"{outdated} eldre utgave, " if outdated else ""
    typer.echo(
        f"\n{len(loaded)} lastet, {len(unchanged)} uendret, {older}{len(failed)} feilet, "
        f"{len(skipped)} ikke gjenkjent; {sum(r.rows_rejected for r in report.results):,} "
        f"rader avvist; {report.seconds:.1f} s totalt.".replace(",", " ")
    )
    meta = report.derived.get("meta") if report.derived else None
    if meta:
        typer.echo(
            f"Data per {meta['data_date']} (fra {meta['period_start']}); "
            f"serier: {meta.get('series_available', '')}"
        )
    elif not report.changed:
        typer.echo("Ingenting endret.")


def _run_import(
    paths: list[Path], *, group: str | None, progress: bool, replace: bool = False
) -> None:
    from data import db
    from data.importers import ImportRefused, run

    _configure()
    db.upgrade()
    try:
        report = run(db.engine("main"), paths, group=group, progress=progress, replace=replace)
    except ImportRefused as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    _print_import_report(report)
    if report.changed:
        try:
            _compute_signals(progress=progress)
        except LookupError as exc:  # reference data only: nothing to compute signals on
            typer.echo(f"Signaler ikke beregnet: {exc}")
    _print_undrawn()
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _print_undrawn() -> None:
    """Kommuner the map cannot draw (no geometry in the boundaries in use), as on the map."""
    from data.queries import sources

    try:
        undrawn = sources.kommuner_without_geometry()
    except LookupError:
        return
    for structure, names in undrawn.items():
        if names:
            typer.echo(
                f"Kart {structure}: {len(names)} kommuner uten geometri (ikke tegnet): "
                + ", ".join(names)
            )


REPLACE_HELP = (
    "Erstatt datasettet selv om den nye filen dekker færre områder, mål eller en kortere "
    "periode (loggføres og vises på Datakvalitet)"
)


@import_app.command("all")
def import_all(
    folder: Annotated[Path, typer.Argument(help="Mappe med filer, f.eks. ../shared/realdata")],
    progress: bool = True,
    replace: Annotated[bool, typer.Option("--replace", help=REPLACE_HELP)] = False,
) -> None:
    """Importer alle kjente filer i en mappe, i riktig rekkefølge (referanse → befolkning →
    geometri → serier → regler)."""
    from data.importers.runner import folder_files

    if not folder.is_dir():
        raise typer.BadParameter(f"{folder} er ikke en mappe")
    _run_import(folder_files(folder), group=None, progress=progress, replace=replace)


def _import_command(group: str) -> None:
    def command(
        path: Annotated[Path, typer.Argument(help="Filen som skal importeres")],
        progress: bool = True,
        replace: Annotated[bool, typer.Option("--replace", help=REPLACE_HELP)] = False,
    ) -> None:
        if not path.is_file():
            raise typer.BadParameter(f"{path} finnes ikke")
        _run_import([path], group=group, progress=progress, replace=replace)

    command.__doc__ = f"Importer én fil av typen {group}."
    import_app.command(group)(command)


for _group in (
    "covidnor",
    "sysvak",
    "msis",
    "fhi",
    "erviss",
    "ssb-population",
    "boundaries",
    "crosswalk",
    "location-names",
    "oxcgrt",
):
    _import_command(_group)


# --------------------------------------------------------------------------- weekly report
@app.command()
def report(
    week: Annotated[str, typer.Option("--week", help="ISO-uke, f.eks. 2022-W05")],
    kommune: Annotated[
        str | None, typer.Option("--kommune", help="Kommunenummer, f.eks. 0301")
    ] = None,
    all_kommuner: Annotated[
        bool, typer.Option("--all", help="Rapport for hver kommune (planlagt kjøring)")
    ] = False,
    out: Annotated[Path, typer.Option("--out", help="Mappe for filene")] = Path("rapporter"),
    protected: Annotated[
        bool,
        typer.Option(
            "--protected",
            help="Skjerm små tall (1–4) som for en rolle uten tilgang til små tall",
        ),
    ] = False,
    language: Annotated[
        str,
        typer.Option(
            "--language",
            help="Språk i PDF-en: nb (bokmål, standard) eller en (engelsk); CSV/JSON er like",
        ),
    ] = "nb",
    progress: bool = True,
) -> None:
    """Ukerapport (PDF + CSV + JSON) for én kommune eller, med --all, for alle kommuner."""
    from cachelib import SimpleCache

    from dashboard import report_pdf, reports
    from data import cache as data_cache
    from data import queries
    from data.scope import Scope

    if bool(kommune) == all_kommuner:
        raise typer.BadParameter("Oppgi enten --kommune K eller --all")
    from dashboard import i18n

    if language not in i18n.LANGUAGES:
        raise typer.BadParameter(f"--language må være en av {', '.join(i18n.LANGUAGES)}")
    try:
        reports.week_bounds(week)
    except reports.ReportError as err:
        raise typer.BadParameter(str(err)) from None
    _configure()
    # County and national series are shared by every kommune's report: cache them per run.
    data_cache.set_backend(SimpleCache(threshold=20_000, default_timeout=3600))
    data_cache.set_version_reader(queries.read_data_version)
    scope = Scope.full("cli-report")
    if protected:
        scope = Scope(user_id="cli-report", role="report_protected", small_numbers=False)
    started = time.perf_counter()
    if kommune:
        try:
            report_ = reports.build_weekly_report(scope=scope, kommunenummer=kommune, week=week)
        except reports.ReportError as err:
            typer.echo(str(err), err=True)
            raise typer.Exit(1) from None
        for path in report_pdf.write_report(report_, out, language):
            typer.echo(str(path))
        return
    codes = list(queries.kommune_list(scope=scope)["kommunenummer"])
    written, failed = report_pdf.write_all(
        scope=scope,
        week=week,
        out_dir=out,
        kommuner=codes,
        progress=progress,
        language=language,
    )
    typer.echo(
        f"{written} ukerapporter for {week} skrevet til {out} på "
        f"{time.perf_counter() - started:.1f} s; {len(failed)} feilet."
    )
    for code, reason in failed[:10]:
        typer.echo(f"  {code}: {reason}", err=True)
    if failed and not written:
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
