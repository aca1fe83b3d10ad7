"""The weekly digest: what happened in one ISO week, in Markdown and self-contained HTML.

``build_context`` reads the warehouse (read-only) into plain data; the renderers turn that
data into text. HTML is rendered by Jinja2 with autoescaping, so scraped text (titles,
evidence, company names from documents) can never inject markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from jinja2 import Environment, StrictUndefined

from pipelines.warehouse import connect

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


def latest_week(warehouse: str) -> str:
    """The ISO week of the most recently announced deal (today's week if there are none)."""
    with connect(warehouse, read_only=True) as con:
        latest = con.execute("select max(announced_on) from marts.fct_deals").fetchone()[0]
    return iso_week(latest or date.today())


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


def build_context(warehouse: str, week: str) -> DigestContext:
    start, end = parse_week(week)
    with connect(warehouse, read_only=True) as con:
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
            "select deal_id, announced_on, value_usd, value_qualifier from marts.fct_deals"
        ).df()
        shares = con.execute(
            "select * from analytics.market_share where market = 'compute_capacity' "
            "and metric = 'value_usd' order by share desc"
        ).df()
        conc = con.execute(
            "select * from analytics.concentration where market = 'compute_capacity' "
            "and metric = 'value_usd'"
        ).df()
        quality = con.execute(
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
        ).df().iloc[0].to_dict()
        failures = con.execute(
            """
            select source, url, error from raw.fetch_log
            where outcome in ('http_error', 'error', 'skipped')
              and run_id = (select run_id from raw.fetch_log order by attempted_at desc limit 1)
            order by source, url limit 10
            """
        ).df()
    lookup = {r.deal_id: r for r in earlier.itertuples()}
    deal_rows = []
    for d in deals.to_dict("records"):
        links = bridge[bridge.deal_id == d["deal_id"]]
        d["value_text"] = money(d["value_usd"], d["value_qualifier"])
        d["capacity"] = _capacity(d)
        d["sources"] = [{"source": s, "url": u} for s, u in zip(links.source, links.url, strict=True)]
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
        headline = (
            f"{top['buyer']} and {top['provider']}: {top['value_text']} "
            f"{top['deal_type'].replace('_', ' ')} — the largest of {len(deal_rows)} "
            f"deal{'s' if len(deal_rows) != 1 else ''} announced this week."
        )
    else:
        headline = "No new compute deals were announced this week."
    quarter = f"{end.year}-Q{(end.month - 1) // 3 + 1}"
    ttm_label = f"ttm-{quarter}" if (shares.period == f"ttm-{quarter}").any() else None
    quarters = conc[conc.period.str.match(r"^\d{4}-Q\d$")].sort_values("period")
    move = conc[conc.period == (ttm_label or "all")]
    if not move.empty:
        m = move.iloc[0]
        change = "" if pd.isna(m.hhi_change) else f" ({m.hhi_change:+,.0f} vs the previous quarter)"
        hhi_move = (
            f"Provider concentration over {'the trailing twelve months' if ttm_label else 'all time'}"
            f": HHI {m.hhi:,.0f}{change}, {m.band}; the top four hold {m.cr4:.0%}."
        )
    else:
        hhi_move = "Not enough disclosed deal values to measure concentration yet."
    quality["failures"] = failures.to_dict("records")
    return DigestContext(
        week=week,
        start=start,
        end=end,
        deals=deal_rows,
        headline=headline,
        shares_all=shares[shares.period == "all"].to_dict("records"),
        shares_ttm=shares[shares.period == ttm_label].to_dict("records") if ttm_label else [],
        ttm_label=ttm_label,
        concentration=quarters.to_dict("records"),
        hhi_move=hhi_move,
        quality=quality,
    )


_env_md = Environment(autoescape=False, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True)
_env_html = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                        lstrip_blocks=True)
for _env in (_env_md, _env_html):
    _env.filters["money"] = money
    _env.filters["pct"] = lambda v: "—" if v is None or pd.isna(v) else f"{v:.0%}"
    _env.filters["num"] = lambda v: "—" if v is None or pd.isna(v) else f"{v:,.0f}"


def _md_cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


_env_md.filters["cell"] = _md_cell

MD_TEMPLATE = """# Compute Supply Intelligence — week {{ c.week }}
_{{ c.start.strftime('%d %b') }} – {{ c.end.strftime('%d %b %Y') }}_

**{{ c.headline | cell }}** {{ c.hhi_move }}

## New deals this week
{% if c.deals %}
| Announced | Buyer | Provider | Type | Value | Capacity | Sources |
|---|---|---|---|---|---|---|
{% for d in c.deals %}
| {{ d.announced_on }} | {{ d.buyer | cell }} | {{ d.provider | cell }} | {{ d.deal_type }}{% if d.expands %} ({{ d.expands }}){% endif %} | {{ d.value_text }} | {{ d.capacity }} | {% for s in d.sources %}[{{ s.source | cell }}]({{ s.url }}){% if not loop.last %}, {% endif %}{% endfor %} |
{% endfor %}
{% else %}
No new compute deals were announced this week.
{% endif %}

## Market share of providers (compute capacity, contracted value)
| Provider | All time | 90% interval | Deals |{% if c.ttm_label %} {{ c.ttm_label }} |{% endif %}

|---|---|---|---|{% if c.ttm_label %}---|{% endif %}

{% for s in c.shares_all %}
| {{ s.provider | cell }} | {{ s.share | pct }} | {{ s.share_low | pct }}–{{ s.share_high | pct }} | {{ s.deals }} |{% if c.ttm_label %} {{ ttm.get(s.provider, '—') }} |{% endif %}

{% endfor %}

## Concentration by quarter (HHI, CR4)
| Quarter | HHI | CR4 | Providers | Band |
|---|---|---|---|---|
{% for q in c.concentration %}
| {{ q.period }} | {{ q.hhi | num }} | {{ q.cr4 | pct }} | {{ q.n_providers }} | {{ q.band }} |
{% endfor %}

---
Data quality: {{ c.quality.documents }} documents in the warehouse ({{ c.quality.documents_this_week }} fetched this week), {{ c.quality.mentions }} deal mentions, {{ c.quality.unresolved }} mentions with companies not in the gazetteer, {{ c.quality.failing_sources }} sources with failed fetches in the last run.
{% for f in c.quality.failures %}
- {{ f.source | cell }}: {{ f.url | cell }} — {{ f.error | cell }}
{% endfor %}
"""

HTML_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Compute Supply Intelligence — {{ c.week }}</title>
<style>
body{font-family:-apple-system,Segoe UI,Roboto,sans-serif;max-width:760px;margin:0 auto;
padding:12px;color:#1d232a;line-height:1.45}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9em;display:block;overflow-x:auto}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eee;vertical-align:top}
.lead{font-size:1.05em}.muted{color:#667;font-size:.85em}
</style></head><body>
<h1>Compute Supply Intelligence — week {{ c.week }}</h1>
<p class="muted">{{ c.start.strftime('%d %b') }} – {{ c.end.strftime('%d %b %Y') }}</p>
<p class="lead"><strong>{{ c.headline }}</strong> {{ c.hhi_move }}</p>
<h2>New deals this week</h2>
{% if c.deals %}
<table><tr><th>Announced</th><th>Buyer</th><th>Provider</th><th>Type</th><th>Value</th>
<th>Capacity</th><th>Sources</th></tr>
{% for d in c.deals %}
<tr><td>{{ d.announced_on }}</td><td>{{ d.buyer }}</td><td>{{ d.provider }}</td>
<td>{{ d.deal_type }}{% if d.expands %}<br><span class="muted">{{ d.expands }}</span>{% endif %}</td>
<td>{{ d.value_text }}</td><td>{{ d.capacity }}</td>
<td>{% for s in d.sources %}<a href="{{ s.url }}">{{ s.source }}</a>{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>
{% endfor %}
</table>
{% else %}<p>No new compute deals were announced this week.</p>{% endif %}
<h2>Market share of providers (compute capacity, contracted value)</h2>
<table><tr><th>Provider</th><th>All time</th><th>90% interval</th><th>Deals</th>
{% if c.ttm_label %}<th>{{ c.ttm_label }}</th>{% endif %}</tr>
{% for s in c.shares_all %}
<tr><td>{{ s.provider }}</td><td>{{ s.share | pct }}</td>
<td>{{ s.share_low | pct }}–{{ s.share_high | pct }}</td><td>{{ s.deals }}</td>
{% if c.ttm_label %}<td>{{ ttm.get(s.provider, '—') }}</td>{% endif %}</tr>
{% endfor %}
</table>
<h2>Concentration by quarter</h2>
<table><tr><th>Quarter</th><th>HHI</th><th>CR4</th><th>Providers</th><th>Band</th></tr>
{% for q in c.concentration %}
<tr><td>{{ q.period }}</td><td>{{ q.hhi | num }}</td><td>{{ q.cr4 | pct }}</td>
<td>{{ q.n_providers }}</td><td>{{ q.band }}</td></tr>
{% endfor %}
</table>
<p class="muted">Data quality: {{ c.quality.documents }} documents in the warehouse
({{ c.quality.documents_this_week }} fetched this week), {{ c.quality.mentions }} deal mentions,
{{ c.quality.unresolved }} mentions with companies not in the gazetteer,
{{ c.quality.failing_sources }} sources with failed fetches in the last run.</p>
{% if c.quality.failures %}<ul class="muted">
{% for f in c.quality.failures %}<li>{{ f.source }}: {{ f.url }} — {{ f.error }}</li>{% endfor %}
</ul>{% endif %}
</body></html>
"""


def _ttm_map(ctx: DigestContext) -> dict[str, str]:
    return {s["provider"]: f"{s['share']:.0%}" for s in ctx.shares_ttm}


def render_markdown(ctx: DigestContext) -> str:
    return _env_md.from_string(MD_TEMPLATE).render(c=ctx, ttm=_ttm_map(ctx))


def render_html(ctx: DigestContext) -> str:
    return _env_html.from_string(HTML_TEMPLATE).render(c=ctx, ttm=_ttm_map(ctx))


def write_digest(warehouse: str, week: str, out_dir: str | Path) -> dict[str, Path]:
    ctx = build_context(warehouse, week)
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    paths = {"md": out / f"{ctx.week}.md", "html": out / f"{ctx.week}.html"}
    paths["md"].write_text(render_markdown(ctx), encoding="utf-8")
    paths["html"].write_text(render_html(ctx), encoding="utf-8")
    return paths
