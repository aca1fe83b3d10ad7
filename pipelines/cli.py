"""`csi`: run the pipeline, query the warehouse, write digests, check sources."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipelines.warehouse import warehouse_path

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
sources_app = typer.Typer(no_args_is_help=True, help="Inspect sources files.")
app.add_typer(sources_app, name="sources")
console = Console()
err = Console(stderr=True)

WarehouseOpt = typer.Option(
    None, "--warehouse", help="DuckDB file (default $CSI_WAREHOUSE or data/warehouse.duckdb)"
)


def _set_warehouse(path: Path | None) -> str:
    resolved = str(warehouse_path(path))
    os.environ["CSI_WAREHOUSE"] = resolved
    return resolved


class _Progress(logging.Handler):
    """Turns Dagster's run log into short progress lines on stderr."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        step = meta.get("step_key") or ""
        event = meta.get("dagster_event")
        kind = getattr(event, "event_type_value", None)
        if kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if not data.passed:  # passing checks stay quiet; see them in the UI
                err.print(f"  [yellow]check failed[/yellow]: {data.check_name}")
        elif kind == "STEP_START":
            self.started[step] = time.monotonic()
            err.print(f"[bold]▶ {step}[/bold]")
        elif kind == "STEP_SUCCESS":
            took = time.monotonic() - self.started.get(step, time.monotonic())
            err.print(f"[green]✓ {step}[/green] ({took:.1f} s)")
        elif kind == "STEP_FAILURE":
            error = getattr(event.event_specific_data, "error", None)
            detail = _failure_detail(error) if error else meta.get("orig_message", "")
            err.print(f"[red]✗ {step}[/red]:", end=" ")
            err.print(detail, markup=False, highlight=False, soft_wrap=True)
            if error is not None:  # the whole chain with stack traces, for the run log
                print(f"--- {step} failed ---\n{error.to_string()}", flush=True)
        elif event is None and step and record.levelno >= logging.INFO:
            message = meta.get("orig_message") or record.getMessage()
            if step == "warehouse_models" and not message.startswith("dbt build:"):
                return  # dagster-dbt's chatter; dbt's own output is in the run log
            err.print(f"  {message}", markup=False, highlight=False, soft_wrap=True)


_WRAPPER = "dagster._core.errors.DagsterExecutionStepExecutionError"


def _failure_detail(error) -> str:
    """The innermost cause of a step failure (the exception our code or a library raised);
    Dagster's own wrapper only says which op failed, which the step name already says."""
    messages = []
    while error is not None:
        text = error.message.strip()
        if text and not text.startswith(_WRAPPER):
            messages.append(text)
        error = error.cause
    return messages[-1] if messages else "failed (no error message)"


@app.command()
def run(
    sources: Path | None = typer.Option(
        None, "--sources", help="sources YAML to run instead of the shipped sources/live.yaml"
    ),
    warehouse: Path | None = WarehouseOpt,
    live: bool = typer.Option(False, "--live", help="fetch over the network (no recordings)"),
    digest_dir: Path | None = typer.Option(None, "--out", help="digest folder (data/digests)"),
    full_refresh: bool = typer.Option(
        False, "--full-refresh", help="rebuild incremental dbt models from scratch"
    ),
) -> None:
    """Materialize every asset: fetch, parse, extract, dbt build, analytics, digest."""
    wh = _set_warehouse(warehouse)
    from dagster import DagsterInstance

    from pipelines.defs.resources import CsiSettings
    from pipelines.ingest.specs import SourcesError, load_sources

    settings = {"warehouse": wh, "live": live, "dbt_full_refresh": full_refresh}
    if sources is not None:
        try:
            load_sources(sources)
        except SourcesError as exc:
            err.print(f"[red]{escape(str(exc))}[/red]", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        settings["sources_file"] = str(sources.expanduser().resolve())
    if digest_dir is not None:
        settings["digest_dir"] = str(digest_dir.expanduser().resolve())
    csi = CsiSettings(**settings)
    try:
        csi.load_sources()
    except Exception as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None

    from dagster import logger

    from pipelines.definitions import run_everything

    @logger(description="short progress lines on stderr")
    def progress(_init_context):
        lg = logging.Logger("csi.progress", level=logging.DEBUG)  # step events are DEBUG
        lg.addHandler(_Progress())
        return lg

    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else None
    started = time.monotonic()
    # dbt's own output (dagster-dbt echoes it to stdout) goes to a log file, not the screen
    log_path = Path(wh).parent / "logs" / "last_run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        first, second, _ = run_everything(
            csi,
            instance=instance,
            run_config={"loggers": {"progress": {}}},
            loggers={"progress": progress},
        )
    result_ok = first.success and second is not None and second.success
    elapsed = time.monotonic() - started
    if not result_ok:
        err.print(
            f"[red]run failed after {elapsed:.0f} s[/red]; see the step errors above "
            f"and the full log in {log_path}",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    _print_summary(wh, csi.digest_dir, elapsed)
    _exit_if_email_failed(wh)


def _exit_if_email_failed(warehouse: str) -> None:
    """Exit 3 when a digest email could not be sent (a cron job must notice): the digest
    files are written and the send is retried by the next run."""
    from pipelines.digest.delivery import pending_deliveries

    pending = pending_deliveries(warehouse)
    if pending:
        err.print(
            f"[red]digest email failed for {', '.join(pending)}[/red]; the digests are written "
            "and the send is retried by the next run (reasons in raw.digest_deliveries)",
            soft_wrap=True,
        )
        raise typer.Exit(3)


def _print_summary(warehouse: str, digest_dir: str, elapsed: float) -> None:
    from pipelines.warehouse import connect

    with connect(warehouse, read_only=True) as con:
        docs = con.execute("select count(*) from raw.documents").fetchone()[0]
        failed = con.execute(
            "select count(*) from raw.fetch_log where outcome in ('http_error','error','skipped')"
            " and run_id = (select run_id from raw.fetch_log order by attempted_at desc limit 1)"
        ).fetchone()[0]
        mentions = con.execute("select count(*) from raw.deal_mentions").fetchone()[0]
        quarantined = con.execute("select count(*) from raw.rejected_mentions").fetchone()[0]
        deals = con.execute("select count(*) from marts.fct_deals").fetchone()[0]
        capacity = con.execute(
            "select count(*) from marts.fct_deals "
            "where deal_type in ('capacity_contract','expansion')"
        ).fetchone()[0]
        top = con.execute(
            "select provider, amount, share, deals from analytics.market_share "
            "where market='compute_capacity' and metric='value_usd' and period='all' "
            "order by amount desc limit 5"
        ).fetchall()
        conc = con.execute(
            "select hhi, cr4, band from analytics.concentration "
            "where market='compute_capacity' and metric='value_usd' and period='all'"
        ).fetchone()
    console.print(f"\n[bold]Compute Supply Intelligence[/bold] — run finished in {elapsed:.0f} s")
    console.print(f"documents read: {docs}   fetch failures (last run): {failed}")
    console.print(f"deal mentions: {mentions}   deals: {deals} ({capacity} compute-capacity)")
    if quarantined:
        console.print(
            f"[yellow]quarantined mentions: {quarantined}[/yellow] (refused by the schema; "
            "reasons in raw.rejected_mentions)"
        )
    table = Table(title="Top providers by contracted value (all time, central estimates)")
    for col in ("provider", "contracted", "share", "deals"):
        table.add_column(col, justify="left" if col == "provider" else "right")
    for provider, amount, share, n in top:
        table.add_row(provider, f"${amount / 1e9:,.1f}B", f"{share:.1%}", str(n))
    console.print(table)
    if conc:
        console.print(
            f"HHI (all time, contracted value): {conc[0]:,.0f} — {conc[2]}; CR4 {conc[1]:.0%}"
        )
    console.print(
        "central estimates: 'up to' values count 0.75x, 'at least' 1.25x, undisclosed values "
        "imputed (analytics.deal_values says how)"
    )
    console.print(f"warehouse: {warehouse}\ndigests:   {digest_dir}")


@app.command()
def sql(
    query: str = typer.Argument(..., help="SQL to run against the warehouse (read-only)"),
    warehouse: Path | None = WarehouseOpt,
    limit: int = typer.Option(200, min=1, help="maximum rows to print"),
) -> None:
    """Run a read-only SQL query and print the result as a table."""
    import duckdb
    from rich.text import Text

    from pipelines.warehouse import QueryRefused, connect, read_only_statement

    try:
        statement = read_only_statement(query)
    except QueryRefused as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None

    def notice(message: str) -> None:
        err.print(f"[yellow]{escape(message)}[/yellow]", highlight=False, soft_wrap=True)

    try:
        with connect(warehouse, read_only=True, on_snapshot=notice) as con:
            cur = con.execute(statement)
            if cur is None or cur.description is None:  # blank, or only a comment
                err.print("[red]the query has no statement that returns rows[/red]")
                raise typer.Exit(1)
            columns = [d[0] for d in cur.description]
            rows = cur.fetchmany(limit + 1)
    except (duckdb.Error, FileNotFoundError) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    table = Table(show_lines=False)
    for col in columns:
        table.add_column(Text(col), overflow="fold")
    for row in rows[:limit]:  # Text: a value like '[/caption]' is data, not console markup
        table.add_row(*[Text(_fmt(v)) for v in row])
    console.print(table)
    shown = min(len(rows), limit)
    more = " (more not shown; use --limit)" if len(rows) > limit else ""
    console.print(f"{shown} row{'s' if shown != 1 else ''}{more}")


def _fmt(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


@app.command()
def digest(
    week: str = typer.Option(..., "--week", help="ISO week, e.g. 2025-W40"),
    warehouse: Path | None = WarehouseOpt,
    out: Path | None = typer.Option(None, "--out", help="output folder (data/digests)"),
) -> None:
    """Write the digest for one ISO week from the current warehouse."""
    from pipelines.defs.resources import DEFAULT_DIGEST_DIR
    from pipelines.digest.render import parse_week, write_digest

    _folder_option(out)
    try:
        parse_week(week)
        paths = write_digest(
            str(warehouse_path(warehouse)),
            week,
            out or DEFAULT_DIGEST_DIR,
            on_snapshot=lambda m: err.print(f"[yellow]{escape(m)}[/yellow]", soft_wrap=True),
        )
    except (ValueError, FileNotFoundError) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"wrote {paths['md']}\nwrote {paths['html']}")


@app.command()
def record(
    sources: Path | None = typer.Option(
        None, "--sources", help="sources YAML (default: the shipped sources/live.yaml)"
    ),
    out: Path | None = typer.Option(
        None, "--out", help="recordings folder (default: recordings/ beside the sources file)"
    ),
) -> None:
    """Refresh recordings from the live web: fetch every http source, write bodies + index."""
    from pipelines.ingest.record import record_sources
    from pipelines.ingest.runner import SHIPPED_SOURCES
    from pipelines.ingest.specs import SourcesError, load_sources

    try:
        parsed = load_sources(sources or SHIPPED_SOURCES)
    except SourcesError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    target = out or parsed.base_dir / "recordings"
    report = record_sources(
        parsed,
        target,
        progress=lambda m: err.print(f"  {m}", markup=False, highlight=False, soft_wrap=True),
    )
    console.print(
        f"recordings in {report.recordings_dir}: {len(report.written)} new, "
        f"{len(report.updated)} refreshed, {len(report.failures)} failed"
    )
    for failure in report.failures[:20]:
        err.print(f"  [yellow]{escape(failure)}[/yellow]", highlight=False, soft_wrap=True)
    if report.failures and not (report.written or report.updated):
        raise typer.Exit(1)


@app.command("eval")
def eval_command(
    labels: list[Path] = typer.Argument(
        None,
        help="labels files (default: eval/devset, sources/recordings, and the real-language "
        "set's dev and test parts, eval/reallang/{dev,test})",
    ),
    brief: bool = typer.Option(False, "--brief", help="tables only, no per-case details"),
    explain: bool = typer.Option(
        False, "--explain", help="for each miss and false positive, the rule that decided"
    ),
) -> None:
    """Measure the extractor on labelled documents: precision, recall, F1, field accuracy."""
    from pipelines.extract.evaluate import LabelsError, evaluate, format_report

    try:
        report = evaluate(labels or None)
    except LabelsError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    typer.echo(format_report(report, details=not brief, explain=explain))


@app.command()
def synth(
    docs: int = typer.Option(..., "--docs", min=1, help="number of pages to write"),
    out: Path = typer.Option(..., "--out", help="folder to write the corpus into"),
    seed: int = typer.Option(0, "--seed", help="same seed, same bytes"),
) -> None:
    """Write a synthetic scale corpus (HTML pages, ~7 % reporting deals) for benchmarks."""
    from pipelines.synth import synth_command

    _folder_option(out)
    synth_command(docs, out, seed)


def _folder_option(path: Path | None) -> None:
    """Stop (exit 2) when an --out folder names an existing file."""
    if path is not None and path.expanduser().exists() and not path.expanduser().is_dir():
        err.print(
            f"[red]--out {escape(str(path))} is a file: give a folder[/red]",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)


@sources_app.command("check")
def sources_check(
    files: list[Path] = typer.Argument(None, help="sources files (default: sources/*.yaml)"),
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """Validate sources files; list each source with its last success and failure."""
    from pipelines.ingest.connectors import is_glob
    from pipelines.ingest.runner import SHIPPED_SOURCES
    from pipelines.ingest.specs import SourcesError, load_sources

    history = _fetch_history(warehouse)
    targets = files or sorted(SHIPPED_SOURCES.parent.glob("*.yaml"))
    bad = 0
    for path in targets:
        try:
            parsed = load_sources(path)
        except SourcesError as exc:
            bad += 1
            err.print(f"[red]✗ {escape(str(exc))}[/red]", highlight=False, soft_wrap=True)
            continue
        missing = [
            f"local source {spec.name!r}: path {parsed.resolve_local(spec)} does not exist"
            for spec in parsed.sources
            if spec.kind == "local"
            and not is_glob(spec.path)
            and not parsed.resolve_local(spec).exists()
        ]
        if missing:
            bad += 1
            for line in missing:
                err.print(f"[red]✗ {path}: {escape(line)}[/red]", highlight=False, soft_wrap=True)
        else:
            console.print(f"[green]✓[/green] {path}: {len(parsed.sources)} sources")
        table = Table(show_edge=False)
        for col in ("source", "kind", "cadence", "last success", "last failure"):
            table.add_column(col, overflow="fold")
        for spec in parsed.sources:
            ok, fail, error = (history or {}).get(spec.name, (None, None, None))
            failure = f"{fail:%Y-%m-%d %H:%M} {error or ''}".strip() if fail else "—"
            table.add_row(
                spec.name,
                spec.kind,
                spec.cadence,
                f"{ok:%Y-%m-%d %H:%M}" if ok else "never",
                failure[:120],
            )
        console.print(table)
    if history is None:
        pass  # the warehouse could not be read: said above
    elif not history:
        console.print("(no fetch history yet: run `csi run` to fill it)")
    if bad:
        raise typer.Exit(1)


def _fetch_history(warehouse: Path | None) -> dict | None:
    """Per source: (last success, last failure, that failure's error) from raw.fetch_log;
    {} when there is no history yet, None (said on stderr) when the warehouse is unreadable."""
    import duckdb

    from pipelines.warehouse import connect

    try:
        with connect(warehouse, read_only=True) as con:
            rows = con.execute(
                """
                select source,
                  max(attempted_at) filter (
                    where outcome in ('stored', 'duplicate', 'unchanged', 'ok')),
                  max(attempted_at) filter (where outcome in ('http_error', 'error', 'skipped')),
                  arg_max(error, attempted_at) filter (
                    where outcome in ('http_error', 'error', 'skipped'))
                from raw.fetch_log group by source
                """
            ).fetchall()
    except (FileNotFoundError, duckdb.CatalogException):
        return {}  # no warehouse, or no fetch yet
    except duckdb.Error as exc:
        err.print(
            f"[yellow]cannot read the fetch history from {warehouse_path(warehouse)}: "
            f"{escape(str(exc))}[/yellow]",
            highlight=False,
            soft_wrap=True,
        )
        return None
    return {r[0]: r[1:] for r in rows}


def main() -> None:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    sys.exit(app())


if __name__ == "__main__":
    main()
