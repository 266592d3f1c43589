"""Command line: ``situasjonsbilde setup | demo | geo | db``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from dashboard.settings import load_settings

app = typer.Typer(help="Situasjonsbilde – verktøy for oppsett og data.", no_args_is_help=True)
db_app = typer.Typer(help="Databasen: migreringer.")
app.add_typer(db_app, name="db")


def _configure() -> None:
    from data import db

    settings = load_settings()
    db.configure(
        database_url=settings.database_url, tracing_database_url=settings.tracing_database_url
    )


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


@app.command()
def setup(progress: bool = True) -> None:
    """Alt `make run` trenger: geometri, nettleserfiler, skjema og demodata ved tom database."""
    from data import db, queries
    from data.scope import Scope

    settings = load_settings()
    geo(progress=progress)
    _configure()
    db.upgrade()
    try:
        queries.dataset_info(scope=Scope.full())
        typer.echo("Databasen har data; lar den være.")
    except LookupError:
        if not settings.demo_data:
            typer.echo("Databasen er tom og DEMO_DATA=false: importer data før bruk.")
            return
        demo(scale=settings.demo_scale, seed=settings.demo_seed, progress=progress)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
