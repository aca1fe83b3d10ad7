"""The weekly digest: what happened in one ISO week, in Markdown and self-contained HTML.

``build_context`` reads the warehouse (read-only) into plain data; the renderers turn that
data into text. HTML is rendered by Jinja2 with autoescaping, so scraped text (titles,
evidence, company names from documents) can never inject markup.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from pipelines.digest.charts import concentration_chart, share_chart
from pipelines.warehouse import connect, table_exists

QUALIFIER_WORDS = {"up_to": "up to ", "at_least": "at least ", "approx": "about ", "exact": ""}


def parse_week(week: str) -> tuple[date, date]:
    """'2025-W40' → (Monday, Sunday)."""
    try:
        year, num = week.upper().split("-W")
        monday = date.fromisocalendar(int(year), int(num), 1)
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"week {week!r} is not an ISO week like 2025-W40") from exc
    return monday, monday + timedelta(days=6)


def iso_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def money(value: float | None, qualifier: str | None = None) -> str:
    if value is None or pd.isna(value):
        return "undisclosed"
    prefix = QUALIFIER_WORDS.get(qualifier or "exact", "")
    if value >= 1e9:
        text = f"${value / 1e9:,.1f}B"
    elif value >= 1e6:
        text = f"${value / 1e6:,.0f}M"
    else:
        text = f"${value:,.0f}"
    return prefix + text


def _capacity(row: dict) -> str:
    parts = []
    if row.get("gpu_count") and not pd.isna(row["gpu_count"]):
        parts.append(f"{int(row['gpu_count']):,} {row.get('gpu_model') or 'GPUs'}")
    elif row.get("gpu_model"):
        parts.append(str(row["gpu_model"]))
    if row.get("power_mw") and not pd.isna(row["power_mw"]):
        parts.append(f"{row['power_mw']:,.0f} MW")
    return ", ".join(parts) or "—"


@dataclass
class DigestContext:
    week: str
    start: date
    end: date
    deals: list[dict]
    headline: str
    shares_all: list[dict]
    shares_ttm: list[dict]
    ttm_label: str | None
    concentration: list[dict]
    hhi_move: str
    quality: dict
    changes: list[str]
    charts: dict[str, bytes]
    groups: list[dict] = field(default_factory=list)
    dependency: list[str] = field(default_factory=list)
    build_rent: list[dict] = field(default_factory=list)
    later_deals: int = 0  # deals announced after the week: left out of every figure

    @property
    def span_all(self) -> str:
        """What "all time" means in this digest: to the week's end for a past week."""
        return f"to {self.end:%d %b %Y}" if self.later_deals else "all time"

    @property
    def span_all_heading(self) -> str:
        return self.span_all[:1].upper() + self.span_all[1:]


AS_OF_TABLES = (
    "market_share",
    "concentration",
    "provider_groups",
    "buyer_dependency",
    "build_vs_rent",
)


def _analytics_as_of(con, end: date) -> tuple[dict[str, str], int]:
    """The analytics tables a digest of the week ending ``end`` reads, and how many deals
    were announced after it. With none, the stored analytics.* tables; otherwise the same
    tables computed (same code, draws and seed) from the deals announced by ``end`` and the
    capex filed by then, registered on ``con`` as ``as_of_<name>``: a backfilled digest
    of a past week shows what was known that week, not later deals."""
    if not table_exists(con, "marts", "fct_deals"):
        return {n: f"analytics.{n}" for n in AS_OF_TABLES}, 0
    later = con.execute(
        "select count(*) from marts.fct_deals where announced_on > ?", [end]
    ).fetchone()[0]
    if not later:
        return {n: f"analytics.{n}" for n in AS_OF_TABLES}, 0
    from pipelines.analytics.tables import N_BOOT, SEED, compute_tables

    deals = con.execute("select * from marts.fct_deals where announced_on <= ?", [end]).df()
    capex = (
        con.execute("select * from marts.fct_capex where filed <= ?", [end]).df()
        if table_exists(con, "marts", "fct_capex")
        else None
    )
    tables = compute_tables(deals, capex, n_boot=N_BOOT, seed=SEED)
    for name in AS_OF_TABLES:
        con.register(f"as_of_{name}", tables[name])
    return {n: f"as_of_{n}" for n in AS_OF_TABLES}, int(later)


def build_context(
    warehouse: str, week: str, on_snapshot: Callable[[str], None] | None = None
) -> DigestContext:
    start, end = parse_week(week)
    with connect(warehouse, read_only=True, on_snapshot=on_snapshot) as con:
        src, later = _analytics_as_of(con, end)
        deals = con.execute(
            "select * from marts.fct_deals where announced_on between ? and ? "
            "order by value_usd desc nulls last, announced_on",
            [start, end],
        ).df()
        bridge = con.execute(
            "select deal_id, url, source, published_at from marts.bridge_deal_documents "
            "where deal_id in (select deal_id from marts.fct_deals "
            "where announced_on between ? and ?) order by published_at",
            [start, end],
        ).df()
        earlier = con.execute(
            "select deal_id, announced_on, buyer, provider, value_usd, value_qualifier "
            "from marts.fct_deals"
        ).df()
        shares = con.execute(
            f"select * from {src['market_share']} where market = 'compute_capacity' "
            "and metric = 'value_usd' order by share desc"
        ).df()
        conc = con.execute(
            f"select * from {src['concentration']} where market = 'compute_capacity' "
            "and metric = 'value_usd'"
        ).df()
        quality = (
            con.execute(
                """
            select
              (select count(*) from raw.documents) as documents,
              (select count(*) from raw.documents
                 where cast(fetched_at as date) between ? and ?) as documents_this_week,
              (select count(*) from raw.deal_mentions) as mentions,
              (select count(distinct source) from raw.fetch_log
                 where outcome in ('http_error', 'error', 'skipped')
                   and run_id = (select run_id from raw.fetch_log
                                 order by attempted_at desc limit 1)) as failing_sources,
              (select count(*) from raw.deal_mentions m
                 where m.buyer not in (select company from raw.companies)
                    or m.provider not in (select company from raw.companies)) as unresolved
            """,
                [start, end],
            )
            .df()
            .iloc[0]
            .to_dict()
        )
        failures = con.execute(
            """
            select source, url, error from raw.fetch_log
            where outcome in ('http_error', 'error', 'skipped')
              and run_id = (select run_id from raw.fetch_log order by attempted_at desc limit 1)
            order by source, url limit 10
            """
        ).df()
        quarter = f"{end.year}-Q{(end.month - 1) // 3 + 1}"
        ttm_label = f"ttm-{quarter}" if (shares.period == f"ttm-{quarter}").any() else None
        span_all = f"to {end:%d %b %Y}" if later else "all time"
        groups, dependency, build_rent = _structure(con, src, ttm_label, span_all)
    lookup = {r.deal_id: r for r in earlier.itertuples()}
    deal_rows = []
    for d in deals.to_dict("records"):
        links = bridge[bridge.deal_id == d["deal_id"]]
        d["announced_on"] = pd.Timestamp(d["announced_on"]).date()
        d["value_text"] = money(d["value_usd"], d["value_qualifier"])
        d["capacity"] = _capacity(d)
        d["sources"] = [
            {"source": s, "url": u} for s, u in zip(links.source, links.url, strict=True)
        ]
        parent = lookup.get(d.get("expands_deal_id")) if d.get("expands_deal_id") else None
        d["expands"] = (
            f"expands the {parent.announced_on:%d %b %Y} deal "
            f"({money(parent.value_usd, parent.value_qualifier)})"
            if parent is not None
            else ""
        )
        deal_rows.append(d)
    if deal_rows:
        top = deal_rows[0]
        which = f"the largest of {len(deal_rows)} deals" if len(deal_rows) > 1 else "the only deal"
        headline = (
            f"{top['buyer']} and {top['provider']}: {top['value_text']} "
            f"{top['deal_type'].replace('_', ' ')} — {which} announced this week."
        )
    else:
        headline = "No new compute deals were announced this week."
    quarters = conc[conc.period.str.match(r"^\d{4}-Q\d$")].sort_values("period")
    move = conc[conc.period == (ttm_label or "all")]
    if not move.empty:
        m = move.iloc[0]
        change = "" if pd.isna(m.hhi_change) else f" ({m.hhi_change:+,.0f} vs previous quarter)"
        span = (
            "the trailing twelve months"
            if ttm_label
            else (f"the period {span_all}" if later else "all time")
        )
        hhi_move = (
            f"Provider concentration over {span}: HHI {m.hhi:,.0f}{change}, {m.band}; "
            f"the top four hold {m.cr4:.0%}."
        )
    else:
        hhi_move = "Not enough disclosed deal values to measure concentration yet."
    quality["failures"] = failures.to_dict("records")
    changes = _changes(earlier, deal_rows, start)
    shares_all = shares[shares.period == "all"].to_dict("records")
    shares_ttm = shares[shares.period == ttm_label].to_dict("records") if ttm_label else []
    charts = {
        "market-share": share_chart(
            shares_ttm or shares_all,
            f"Provider share, {ttm_label or span_all} (compute capacity, value)",
        ),
        "concentration": concentration_chart(
            quarters.to_dict("records"), "Concentration by quarter (compute capacity, value)"
        ),
    }
    return DigestContext(
        week=week,
        start=start,
        end=end,
        deals=deal_rows,
        headline=headline,
        shares_all=shares_all,
        shares_ttm=shares_ttm,
        ttm_label=ttm_label,
        concentration=quarters.to_dict("records"),
        hhi_move=hhi_move,
        quality=quality,
        changes=changes,
        charts={k: v for k, v in charts.items() if v},
        groups=groups,
        dependency=dependency,
        build_rent=build_rent,
        later_deals=later,
    )


def _readable(con, table: str) -> bool:
    if "." not in table:
        return True  # an as-of table registered on this connection
    schema, name = table.split(".")
    return table_exists(con, schema, name)


def _structure(
    con, src: dict[str, str], ttm_label: str | None, span_all: str
) -> tuple[list[dict], list[str], list[dict]]:
    """Hyperscalers vs neoclouds, buyers' dependency highlights, build vs rent."""
    period = ttm_label or "all"
    groups, dependency, build_rent = [], [], []
    if _readable(con, src["provider_groups"]):
        groups = (
            con.execute(
                "select period, provider_group, share, share_low, share_high, deals "
                f"from {src['provider_groups']} where market = 'compute_capacity' "
                "and metric = 'value_usd' and period in ('all', ?) "
                "order by period = 'all' desc, share desc",
                [period],
            )
            .df()
            .to_dict("records")
        )
        for g in groups:
            g["period"] = span_all if g["period"] == "all" else g["period"]
    if _readable(con, src["buyer_dependency"]):
        rows = con.execute(
            f"select buyer, provider, share, n_providers from {src['buyer_dependency']} "
            "where period = 'all' and metric = 'value_usd' and strategic_exposure "
            "order by buyer_total desc limit 6"
        ).fetchall()
        dependency = [
            f"{share:.0%} of {buyer}'s rented compute ({span_all}, by contracted value) sits "
            f"with {provider}, one of {n} provider{'s' if n != 1 else ''}."
            for buyer, provider, share, n in rows
        ]
    if _readable(con, src["build_vs_rent"]):
        build_rent = (
            con.execute(
                "select buyer, fiscal_year, capex_usd, commitments_usd, rent_to_capex_ratio "
                f"from {src['build_vs_rent']} where capex_usd is not null "
                "or commitments_usd > 0 order by buyer, fiscal_year"
            )
            .df()
            .to_dict("records")
        )
    return groups, dependency, build_rent


def _changes(all_deals: pd.DataFrame, this_week: list[dict], start: date) -> list[str]:
    """What changed since last week, in short sentences."""
    dates = pd.to_datetime(all_deals["announced_on"]).dt.date
    last_week = int(((dates >= start - timedelta(days=7)) & (dates < start)).sum())
    out = [
        f"{len(this_week)} new deal{'s' if len(this_week) != 1 else ''} this week, "
        f"{last_week} the week before."
    ]
    before = all_deals[dates < start]
    known_pairs = set(zip(before["buyer"], before["provider"], strict=True))
    known_providers = set(before["provider"])
    for d in this_week:
        if d["provider"] not in known_providers:
            out.append(f"{d['provider']} appears as a provider for the first time.")
        elif (d["buyer"], d["provider"]) not in known_pairs:
            out.append(f"First deal between {d['buyer']} and {d['provider']}.")
    value = sum(d["value_usd"] for d in this_week if not pd.isna(d["value_usd"]))
    if value:
        out.append(f"Disclosed value announced this week: {money(value)}.")
    return out


_loader = PackageLoader("pipelines.digest", "templates")
_env_md = Environment(
    loader=_loader,
    autoescape=False,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env_html = Environment(
    loader=_loader,
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
for _env in (_env_md, _env_html):
    _env.filters["money"] = money
    _env.filters["pct"] = lambda v: "—" if v is None or pd.isna(v) else f"{v:.0%}"
    _env.filters["num"] = lambda v: "—" if v is None or pd.isna(v) else f"{v:,.0f}"
    _env.filters["usd"] = lambda v: "—" if v is None or pd.isna(v) else money(v)
    _env.filters["ratio"] = lambda v: "—" if v is None or pd.isna(v) else f"{v:.2f}×"


def safe_url(url) -> str:
    """Links only to http(s) and file URLs; anything else (javascript:, data:) becomes '#'."""
    text = str(url or "")
    return text if text.lower().startswith(("http://", "https://", "file://")) else "#"


for _env in (_env_md, _env_html):
    _env.filters["safe_url"] = safe_url


def _md_cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


_env_md.filters["cell"] = _md_cell


def _ttm_map(ctx: DigestContext) -> dict[str, str]:
    return {s["provider"]: f"{s['share']:.0%}" for s in ctx.shares_ttm}


def chart_filename(week: str, name: str) -> str:
    return f"{week}-{name}.png"


def render_markdown(ctx: DigestContext, chart_links: dict[str, str] | None = None) -> str:
    """Markdown; charts are linked (by default to the PNG files written beside it)."""
    links = chart_links or {name: chart_filename(ctx.week, name) for name in ctx.charts}
    return _env_md.get_template("digest.md.j2").render(c=ctx, ttm=_ttm_map(ctx), charts=links)


def render_html(ctx: DigestContext) -> str:
    """One self-contained HTML file: charts embedded as data URIs."""
    embedded = {
        name: "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        for name, png in ctx.charts.items()
    }
    return _env_html.get_template("digest.html.j2").render(
        c=ctx, ttm=_ttm_map(ctx), charts=embedded
    )


def write_digest(
    warehouse: str,
    week: str,
    out_dir: str | Path,
    on_snapshot: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Write the digest of ``week``; ``on_snapshot`` hears when a busy writer made it read
    the snapshot of the last completed run."""
    ctx = build_context(warehouse, week, on_snapshot)
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    paths = {"md": out / f"{ctx.week}.md", "html": out / f"{ctx.week}.html"}
    for name, png in ctx.charts.items():
        paths[name] = out / chart_filename(ctx.week, name)
        paths[name].write_bytes(png)
    paths["md"].write_text(render_markdown(ctx), encoding="utf-8")
    paths["html"].write_text(render_html(ctx), encoding="utf-8")
    return paths
