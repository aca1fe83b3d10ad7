"""A synthetic scale corpus for the benchmark: realistic news pages, a few of them deals.

``generate_corpus(n, out_dir, seed=0)`` writes ``n`` HTML pages under
``out_dir/<folder>/<index>.html`` (1,000 pages per folder) and a labels file
``out_dir/labels.jsonl`` (one line per page: file, layout, kind, and the deals it reports,
with canonical gazetteer names), so the benchmark can measure recall on known deals.

What the pages look like
    * Five outlet layouts (a press-release wire, a data-centre trade site, a tech blog, a
      newspaper, a minimal newsletter), each with its boilerplate: navigation, cookie
      banner, ad slots and sponsored links, a related-stories sidebar whose headlines name
      companies and deals, a newsletter form, comments, a footer, inline script and style.
      The published date sits where that outlet puts it: JSON-LD, ``<meta>``, ``<time>``,
      or only a dateline in the text.
    * About ``deal_fraction`` of the pages report one deal (sometimes two) between
      gazetteer companies, each deal reported by about four pages (outlets, a few days
      apart, each in its own words): capacity contracts, expansions, chip supply, equity
      investments and backstops, in active and passive voice with a dozen verbs, and amounts written
      as "$21B", "$14.2bn", "US$9.7 billion", "up to $6.5 billion", "about $3 billion",
      "more than $10 billion"; terms ("five-year", "over seven years", "through December
      2031"), GPUs ("100,000 Nvidia GB300 GPUs") and power ("200MW", "1.2 gigawatts").
    * The rest is ordinary technology news (earnings, launches, policy, chips, software,
      research, people) that names companies and numbers but no deal; about one in eight of
      those is a hard negative (talks and rumours, denials, capex plans, servers "powered
      by" Nvidia GPUs, recaps of an old deal).

Deterministic: page ``i`` depends only on ``(seed, i)`` (companies come from a fixed roster,
intersected with the gazetteer, so companies added to the gazetteer change nothing): the same
seed gives the same bytes, and ``start=`` adds new pages to an existing corpus (the benchmark's
"1 % new documents" rerun) without changing the old ones.
"""

from __future__ import annotations

import json
import random
import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pipelines.extract.gazetteer import Gazetteer

PER_FOLDER = 1000
LABELS_FILE = "labels.jsonl"
FIRST_DAY = date(2024, 1, 1)
DAYS = 850  # publication dates from 2024-01-01 to early May 2026
PAGES_PER_DEAL = 4  # on average, a deal is reported by this many pages (outlets, days)


@dataclass
class SynthReport:
    """What ``generate_corpus`` wrote."""

    out_dir: Path
    labels_path: Path
    seed: int
    start: int  # index of the first page written
    documents: int
    deal_documents: int  # pages reporting at least one deal
    deals: int  # labelled deals, page by page (a page can report two)
    hard_negatives: int  # non-deal pages built to look like deals
    bytes: int
    seconds: float
    distinct_deals: int = 0  # different deals among them (outlets report the same deal)
    layouts: dict[str, int] = field(default_factory=dict)
    deal_types: dict[str, int] = field(default_factory=dict)

    @property
    def deal_fraction(self) -> float:
        return self.deal_documents / self.documents if self.documents else 0.0


def page_path(index: int) -> str:
    """Relative path of page ``index``: ``0012/0012345.html``."""
    return f"{index // PER_FOLDER:04d}/{index:07d}.html"


# =========================================================================== vocabulary
_ALIASES = {  # safe alternative names, used only when the gazetteer still lists them
    "Amazon": ("Amazon Web Services", "AWS"),
    "Microsoft": ("Microsoft Azure",),
    "Google": ("Google Cloud",),
    "Oracle": ("Oracle Cloud Infrastructure",),
    "Meta": ("Meta Platforms",),
    "Nebius": ("Nebius Group",),
    "Lambda": ("Lambda Labs",),
    "Crusoe": ("Crusoe Energy",),
    "Nvidia": ("Nvidia Corp",),
    "Cerebras": ("Cerebras Systems",),
    "Mistral AI": ("Mistral",),
}
# The companies the corpus draws on, by role: a fixed roster (intersected with the gazetteer)
# so that companies added to the gazetteer later do not change the corpus of a seed.
_ROSTER = {
    "hyperscaler": ("Microsoft", "Amazon", "Google", "Oracle", "Meta"),
    "neocloud": (
        "CoreWeave", "Nebius", "Lambda", "Nscale", "IREN", "Crusoe", "Together AI", "Vultr",
        "Fluidstack", "TeraWulf", "Cipher Mining", "Applied Digital", "Core Scientific", "Hut 8",
        "Galaxy Digital", "Cerebras", "Bitdeer", "WhiteFiber", "Bit Digital", "Northern Data",
        "Voltage Park", "TensorWave", "Firmus", "Lancium",
    ),
    "chipmaker": (
        "Nvidia", "AMD", "Broadcom", "Intel", "Dell", "Super Micro", "Hewlett Packard Enterprise",
        "Micron", "Qualcomm", "Arm", "TSMC", "Groq",
    ),
    "ai_lab": (
        "OpenAI", "Anthropic", "xAI", "Mistral AI", "Cohere", "Scale AI",
        "Safe Superintelligence", "Thinking Machines", "Perplexity", "Poolside", "Reflection AI",
        "Midjourney", "Inflection AI", "DeepSeek",
    ),
    "other": (
        "SoftBank", "Stargate", "Blackstone", "Brookfield", "BlackRock", "MGX", "Blue Owl",
        "Digital Realty", "Equinix", "G42", "Humain", "Vantage Data Centers",
        "Aligned Data Centers", "Apple", "Tesla",
    ),
}  # fmt: skip
_CHIP_OEMS = ("Nvidia", "AMD", "Broadcom", "Dell", "Super Micro", "Hewlett Packard Enterprise")
_INVESTORS_OTHER = ("SoftBank", "MGX", "Blackstone", "Brookfield", "BlackRock", "Blue Owl")
_CHIP_BUYERS_OTHER = ("Humain", "G42", "Stargate")
_OUTSIDERS = (  # other companies in the news (a few are in the gazetteer too)
    "Salesforce", "IBM", "Samsung", "SAP", "Snowflake", "Databricks", "Adobe", "Cisco",
    "Palantir", "ServiceNow", "Uber", "Netflix", "Shopify", "Atlassian", "Workday",
    "Hugging Face", "Stripe", "Siemens", "Ericsson", "Nokia", "Infosys", "Accenture",
)  # fmt: skip
_GPUS = ("GB300", "GB200", "H100", "H200", "B200", "B300", "Blackwell", "Vera Rubin")
_AMD_GPUS = ("MI355X", "MI450", "MI300X")
_CITIES = (
    "SAN FRANCISCO", "NEW YORK", "SEATTLE", "AUSTIN, Texas", "LONDON", "AMSTERDAM",
    "SANTA CLARA, Calif.", "LIVINGSTON, N.J.", "DALLAS", "REDMOND, Wash.",
)  # fmt: skip
_SITES = (
    "Abilene, Texas", "North Dakota", "Norway", "Finland", "New Jersey", "Pennsylvania",
    "the UK", "Iceland", "Ohio", "Wyoming", "Quebec", "Sweden", "Kansas City",
)  # fmt: skip
_FIRST = ("Jane", "Michael", "Priya", "Arkady", "Brian", "Sofia", "Daniel", "Mei", "Omar", "Lena")
_LAST = ("Doe", "Intrator", "Volozh", "Smith", "Okafor", "Nakamura", "Garcia", "Weber", "Chen")
_TITLES = (
    "chief executive",
    "chief financial officer",
    "CEO",
    "president",
    "chief operating officer",
)
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_CAPACITY = (
    "AI compute capacity", "GPU capacity", "cloud computing capacity", "AI infrastructure",
    "compute capacity", "AI cloud capacity", "dedicated GPU clusters",
)  # fmt: skip
_NUM_WORDS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 10: "10", 15: "15"}


def _a(phrase: str) -> str:
    """'a' or 'an' before an amount or word as it is spoken ("an $8bn", "an 11-year")."""
    s = phrase.lstrip("$US ").lower()
    if s[:1] == "8" or s[:2] in ("11", "18") and not s[2:3].isdigit():
        return "an"
    return "an" if s[:1] in "aeio" else "a"


def _money(rng: random.Random, usd: float, *, short: bool = False) -> str:
    """The amount written one of the ways outlets write it (no qualifier)."""
    if usd >= 1e9:
        b = usd / 1e9
        num = f"{b:.1f}".rstrip("0").rstrip(".") if b < 100 else f"{b:.0f}"
        styles = ("${}B", "${}bn", "${} billion", "US${} billion", "${} billion", "USD {} billion")
        if short:
            styles = ("${}B", "${}bn", "${}B", "${} billion")
        return rng.choice(styles).format(num)
    m = f"{usd / 1e6:.0f}"
    return rng.choice(("${} million", "${}M", "${}m", "US${} million")).format(m)


_QUALIFIER_WORDS = {
    "exact": ("",),
    "up_to": ("up to ", "as much as "),
    "approx": ("about ", "approximately ", "roughly ", "nearly ", "around "),
    "at_least": ("more than ", "at least ", "over "),
}


def _value(rng: random.Random) -> tuple[float, str]:
    """(value_usd, qualifier): log-uniform 300M..60B, rounded as announcements round."""
    usd = 10 ** rng.uniform(8.5, 10.8)
    usd = round(usd / 1e8) * 1e8 if usd >= 1e9 else round(usd / 5e7) * 5e7
    q = rng.choices(("exact", "up_to", "approx", "at_least"), (60, 15, 15, 10))[0]
    return float(usd), q


# =========================================================================== the world
@dataclass(frozen=True)
class _Outlet:
    name: str
    domain: str
    layout: str
    head_extra: str  # inline style and analytics script
    header: str
    cookie: str
    footer: str


class _World:
    """Everything fixed for a (seed, gazetteer): company pools, outlets, sidebar headlines."""

    def __init__(self, seed: int, gazetteer: Gazetteer):
        names = {co.name for co in gazetteer.companies}

        def roster(role: str) -> list[str]:
            return [c for c in _ROSTER[role] if c in names]

        self.gazetteer = gazetteer
        self.seed = seed
        self._stories: dict[int, tuple[_Deal, date]] = {}
        self.labs = roster("ai_lab")
        self.hyperscalers = roster("hyperscaler")
        # Meta buys capacity but does not rent it out
        self.clouds = [c for c in self.hyperscalers if c != "Meta"] or self.hyperscalers
        self.neoclouds = roster("neocloud")
        self.chipmakers = [c for c in _CHIP_OEMS if c in names]
        self.investors_other = [c for c in _INVESTORS_OTHER if c in names]
        self.chip_buyers_other = [c for c in _CHIP_BUYERS_OTHER if c in names]
        self.all = [c for role in _ROSTER for c in roster(role)]
        known = {n for co in gazetteer.companies for n in (co.name, *co.aliases)}
        self.aliases = {
            name: tuple(a for a in alts if a in known)
            for name, alts in _ALIASES.items()
            if name in names
        }
        if not (self.labs and self.clouds and self.neoclouds and self.chipmakers):
            raise ValueError(
                f"{gazetteer.source}: the synthetic corpus needs ai_lab, hyperscaler, neocloud "
                "and chipmaker companies"
            )
        rng = random.Random(f"csi-synth-world:{seed}")
        self.outlets = [_make_outlet(rng, k) for k in range(15)]
        self.sidebar = [_sidebar_headline(rng, self) for _ in range(600)]
        self.comments = [_comment(rng, self) for _ in range(200)]

    def story(self, k: int) -> tuple[_Deal, date]:
        """Deal ``k`` of the seed and its announcement date (pages reporting it share both)."""
        got = self._stories.get(k)
        if got is None:
            rng = random.Random(f"csi-synth-deal:{self.seed}:{k}")
            got = (_pick_deal(rng, self), FIRST_DAY + timedelta(days=rng.randrange(DAYS - 4)))
            if len(self._stories) > 4096:
                self._stories.clear()
            self._stories[k] = got
        return got

    def surface(self, rng: random.Random, name: str) -> str:
        alts = self.aliases.get(name) or ()
        if alts and rng.random() < 0.2:
            return rng.choice(alts)
        return name


_LAYOUTS = ("wire", "trade", "techblog", "newspaper", "newsletter")
_OUTLET_NAMES = {
    "wire": ("BusinessWire Daily", "GlobeNews Wire", "PR Dispatch"),
    "trade": ("Data Center Pulse", "Capacity Weekly", "Infrastructure Insider"),
    "techblog": ("SiliconSlice", "The Stack Report", "ByteBeat"),
    "newspaper": ("The Morning Ledger", "Pacific Tribune", "Metro Business Times"),
    "newsletter": ("Compute Notes", "The GPU Letter", "Cloud Brief"),
}
_NAV = (
    "News", "Data Centers", "Cloud", "AI", "Chips", "Markets", "Policy", "Energy", "Opinion",
    "Events", "Podcasts", "Jobs", "Research", "Startups", "Deals", "Video", "Newsletters",
)  # fmt: skip


def _make_outlet(rng: random.Random, k: int) -> _Outlet:
    layout = _LAYOUTS[k % len(_LAYOUTS)]
    name = _OUTLET_NAMES[layout][k // len(_LAYOUTS)]
    domain = name.lower().replace(" ", "") + ".example.com"
    nav_items = rng.sample(_NAV, 9)
    nav = "".join(f'<li><a href="/{x.lower()}/">{x}</a></li>' for x in nav_items)
    sub_nav = "".join(
        f'<li><a href="/{x.lower()}/latest">Latest in {x}</a></li>' for x in nav_items[:5]
    )
    style = (
        "<style>"
        + "".join(
            f".c{i}{{margin:{i % 7}px {i % 5}px;color:#{rng.randrange(0x1000000):06x};"
            f"font:{12 + i % 6}px/1.4 Georgia,serif}}"
            for i in range(30)
        )
        + "</style>"
    )
    script = (
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
        f"gtag('js',new Date());gtag('config','G-{rng.randrange(10**9):09d}');"
        f"var __cfg={json.dumps({'site': domain, 'slots': [f'slot-{i}' for i in range(12)]})};"
        + "".join(f"__cfg.f{i}=function(a){{return a*{i}+{rng.randrange(99)}}};" for i in range(25))
        + "</script>"
    )
    header = (
        f'<header class="site-header"><div class="logo"><a href="/">{name}</a></div>'
        f'<nav class="main-nav" role="navigation"><ul>{nav}</ul></nav>'
        f'<nav class="sub-nav"><ul>{sub_nav}</ul></nav>'
        '<form class="search" action="/search"><input name="q" placeholder="Search">'
        "<button>Search</button></form>"
        '<a class="subscribe-btn" href="/subscribe">Subscribe</a></header>'
    )
    cookie = (
        '<div id="cookie-consent" class="cookie-banner" role="dialog"><p>We and our '
        f"{rng.randrange(90, 900)} partners use cookies and similar technologies to store and "
        "access information on your device, to measure audiences and to provide personalised "
        "advertising. You can accept, reject or manage your choices at any time in Privacy "
        "Settings.</p><button>Accept all</button><button>Reject all</button>"
        "<a href='/privacy'>Manage preferences</a></div>"
    )
    footer_links = "".join(
        f'<li><a href="/{x.lower().replace(" ", "-")}">{x}</a></li>'
        for x in (
            "About us",
            "Contact",
            "Advertise",
            "Careers",
            "Privacy policy",
            "Terms of use",
            "Cookie policy",
            "Accessibility",
            "Sitemap",
            "RSS",
        )  # fmt: skip
    )
    footer = (
        f'<footer class="site-footer"><ul class="footer-links">{footer_links}</ul>'
        f'<p class="copyright">© 2026 {name} Media Ltd. All rights reserved. Registered in '
        "England and Wales. Reproduction without permission is prohibited.</p>"
        '<div class="social"><a href="#">X</a><a href="#">LinkedIn</a><a href="#">YouTube</a>'
        "</div></footer>"
    )
    return _Outlet(name, domain, layout, style + script, header, cookie, footer)


# =========================================================================== deals
@dataclass
class _Deal:
    buyer: str
    provider: str
    deal_type: str
    value_usd: float | None
    value_qualifier: str | None
    duration_years: float | None = None
    end_date: date | None = None
    gpu_model: str | None = None
    gpu_count: int | None = None
    power_mw: float | None = None

    def label(self, key: str, announced: date) -> dict:
        return {
            "deal_key": key,
            "buyer": self.buyer,
            "provider": self.provider,
            "deal_type": self.deal_type,
            "value_usd": self.value_usd,
            "value_qualifier": self.value_qualifier,
            "duration_years": self.duration_years,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "gpu_model": self.gpu_model,
            "gpu_count": self.gpu_count,
            "power_mw": self.power_mw,
            "announced_on": announced.isoformat(),
        }


def _pick_deal(rng: random.Random, w: _World, avoid: tuple[str, ...] = ()) -> _Deal:
    kind = rng.choices(
        ("capacity_contract", "expansion", "chip_supply", "equity_investment", "backstop"),
        (55, 12, 13, 15, 5),
    )[0]
    for _ in range(20):
        if kind in ("capacity_contract", "expansion"):
            buyer = rng.choice(w.labs if rng.random() < 0.55 else w.hyperscalers)
            provider = rng.choice(w.neoclouds if rng.random() < 0.7 else w.clouds)
        elif kind == "chip_supply":
            provider = rng.choice(w.chipmakers)
            r = rng.random()
            pool = (
                w.neoclouds
                if r < 0.45
                else w.hyperscalers
                if r < 0.7
                else w.labs
                if r < 0.9
                else (w.chip_buyers_other or w.neoclouds)
            )
            buyer = rng.choice(pool)
        elif kind == "equity_investment":
            r = rng.random()
            pool = (
                w.hyperscalers
                if r < 0.4
                else w.chipmakers[:2]
                if r < 0.65
                else (w.investors_other or w.hyperscalers)
            )
            buyer = rng.choice(pool)
            provider = rng.choice(w.labs if rng.random() < 0.6 else w.neoclouds)
        else:  # backstop: the buyer guarantees to take unused capacity
            buyer = rng.choice(w.chipmakers[:1] + w.hyperscalers[:2])
            provider = rng.choice(w.neoclouds)
        if buyer != provider and buyer not in avoid and provider not in avoid:
            break
    has_value = rng.random() < 0.9 or kind == "equity_investment"
    value, qual = _value(rng) if has_value else (None, None)
    deal = _Deal(buyer, provider, kind, value, qual)
    if kind in ("capacity_contract", "expansion", "backstop"):
        r = rng.random()
        if r < 0.3:
            deal.duration_years = float(rng.choice((3, 4, 5, 5, 6, 7, 10, 15)))
        elif r < 0.5 or kind == "backstop":
            deal.end_date = _month_end(rng.randint(2028, 2034), rng.randint(1, 12))
    if kind in ("capacity_contract", "expansion", "chip_supply") and rng.random() < 0.45:
        if kind == "chip_supply" and deal.provider == "AMD":
            deal.gpu_model = rng.choice(_AMD_GPUS)
        else:
            deal.gpu_model = rng.choice(_GPUS)
        if rng.random() < 0.6:
            deal.gpu_count = rng.choice((10, 20, 25, 50, 60, 100, 200, 400)) * 1000
    if kind in ("capacity_contract", "expansion") and rng.random() < 0.3:
        deal.power_mw = float(rng.choice((50, 100, 150, 200, 250, 300, 500, 1000, 1200, 2000)))
    return deal


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _value_text(rng: random.Random, deal: _Deal, *, short: bool = False) -> str:
    assert deal.value_usd is not None and deal.value_qualifier is not None
    words = rng.choice(_QUALIFIER_WORDS[deal.value_qualifier])
    return words + _money(rng, deal.value_usd, short=short)


def _term_attr(rng: random.Random, deal: _Deal) -> str:
    """'five-year ' / '5-year ' when the deal has a stated term and the phrase fits."""
    if deal.duration_years is None:
        return ""
    n = int(deal.duration_years)
    word = _NUM_WORDS.get(n, str(n)) if rng.random() < 0.6 else str(n)
    return f"{word}-year "


def _term_clause(rng: random.Random, deal: _Deal) -> str:
    """A sentence for the term or end date (empty when the deal has neither)."""
    if deal.duration_years is not None:
        n = int(deal.duration_years)
        word = _NUM_WORDS.get(n, str(n))
        return rng.choice(
            (
                f"The agreement runs over {word} years.",
                f"The contract has a term of {word} years.",
                f"Capacity will be delivered over {word} years.",
            )
        )
    if deal.end_date is not None:
        when = f"{_MONTHS[deal.end_date.month - 1]} {deal.end_date.year}"
        return rng.choice(
            (
                f"The agreement runs through {when}.",
                f"The contract extends through {when}.",
                f"The commitment runs until {when}.",
            )
        )
    return ""


def _hardware_clause(rng: random.Random, deal: _Deal, w: _World) -> str:
    p = deal.provider
    parts = []
    if deal.gpu_model:
        vendor = "AMD" if deal.gpu_model.startswith("MI") else "Nvidia"
        count = f"{deal.gpu_count:,} " if deal.gpu_count else ""
        if deal.deal_type == "chip_supply":
            parts.append(
                rng.choice(
                    (
                        f"The order covers {count}{deal.gpu_model} GPUs.",
                        f"The purchase includes {count}{vendor} {deal.gpu_model} accelerators.",
                    )
                )
            )
        else:
            parts.append(
                rng.choice(
                    (
                        f"{p} will deploy {count}{vendor} {deal.gpu_model} GPUs for the contract.",
                        f"The capacity will run on {count}{vendor} {deal.gpu_model} GPUs.",
                        f"The deal covers {count}{deal.gpu_model} GPUs.",
                    )
                )
            )
    if deal.power_mw:
        mw = deal.power_mw
        power = (
            f"{mw / 1000:g} gigawatts"
            if mw >= 1000 and rng.random() < 0.6
            else rng.choice((f"{mw:g}MW", f"{mw:g} megawatts", f"{mw:g} MW"))
        )
        parts.append(
            rng.choice(
                (
                    f"The contract covers {power} of capacity in {rng.choice(_SITES)}.",
                    f"{p} will provide {power} of critical IT load at its campus in "
                    f"{rng.choice(_SITES)}.",
                )
            )
        )
    return " ".join(parts)


def _lede(rng: random.Random, deal: _Deal, w: _World) -> str:
    """The sentence reporting the deal, in one of many phrasings."""
    b, p = w.surface(rng, deal.buyer), w.surface(rng, deal.provider)
    cap = rng.choice(_CAPACITY)
    has_v = deal.value_usd is not None
    v = _value_text(rng, deal) if has_v else ""
    exact = deal.value_qualifier == "exact"
    term = _term_attr(rng, deal)
    t = deal.deal_type
    if t == "capacity_contract":
        if has_v and exact:
            options = [
                f"{b} signed {_a(term or v)} {term}{v} contract with {p} for {cap}.",
                f"{p} will supply {b} with {cap} under {_a(term or v)} {term}{v} contract.",
                f"{p} was awarded {_a(v)} {v} contract by {b} for {cap}.",
                f"{p} inked {_a(term or v)} {term}{v} deal to provide compute to {b}.",
                f"{b} will rent {cap} from {p} in {_a(v)} {v} deal.",
                f"{b} taps {p} for {cap} in {_a(v)} {v} agreement.",
                f"{p} lands {b} as anchor tenant in {_a(v)} {v} lease.",
            ]
        else:
            options = []
        if has_v:
            options += [
                f"{b} has agreed to buy {v} of {cap} from {p}.",
                f"{b} commits {v} to {p} for {cap}.",
                f"{b} will pay {p} {v} for {cap}.",
                f"{p} has signed {_a(term or 'a')} {term}agreement worth {v} to provide {cap} "
                f"to {b}.",
                f"{p} said it signed {_a(term or 'a')} {term}contract with {b} valued at {v} for "
                f"{cap}.",
                f"{b} signed {_a(term or 'a')} {term}deal worth {v} with {p} for {cap}.",
            ]
        else:
            options += [
                f"{p} was selected by {b} to provide {cap}.",
                f"{b} signed {_a(term or 'a')} {term}agreement with {p} for {cap}.",
                f"{p} will supply {b} with {cap} under a new multi-year contract.",
            ]
    elif t == "expansion":
        if has_v:
            options = [
                f"{b} expanded its agreement with {p} by {v} for additional {cap}.",
                f"{p} said {b} has expanded its existing contract by an additional {v}.",
                f"{b} and {p} expanded their partnership with an additional {v} of {cap}.",
                f"{p} signed an expanded agreement with {b} worth {v} for additional {cap}.",
                f"{b} increased its existing commitment to {p} by {v}.",
            ]
        else:
            options = [
                f"{b} expanded its agreement with {p} for additional {cap}.",
                f"{p} said {b} has expanded its existing contract for additional {cap}.",
            ]
    elif t == "chip_supply":
        gpu = deal.gpu_model or "GPU"
        if has_v:
            options = [
                f"{p} will supply {b} with {gpu} chips in a deal valued at {v}.",
                f"{b} agreed to purchase {v} of {gpu} accelerators from {p}.",
                f"{b} placed an order worth {v} with {p} for {gpu} systems.",
                f"{p} signed an agreement to sell {v} of AI chips to {b}.",
            ]
        else:
            options = [
                f"{p} will supply {b} with {gpu} chips under a multi-year agreement.",
                f"{b} agreed to purchase {gpu} accelerators from {p}.",
            ]
    elif t == "equity_investment":
        options = [
            f"{b} will invest {v} in {p}, taking a minority stake.",
            f"{b} agreed to invest {v} in {p}.",
            f"{b} is investing {v} in {p} as part of a strategic partnership.",
            f"{p} said {b} will make an equity investment of {v} in the company.",
        ]
    else:  # backstop
        val = f" valued at {v}" if has_v else ""
        options = [
            f"{b} agreed to purchase any unused capacity from {p} under a backstop agreement{val}.",
            f"{b} signed an agreement{val} with {p} to buy its residual unsold cloud capacity.",
        ]
    return rng.choice(options)


def _deal_headline(rng: random.Random, deal: _Deal, w: _World) -> str:
    b, p = deal.buyer, deal.provider
    v = _value_text(rng, deal, short=True) if deal.value_usd is not None else ""
    exact = deal.value_qualifier == "exact"
    vs = f"{v} " if v and exact else ""
    t = deal.deal_type
    if t == "capacity_contract":
        options = [
            f"{b} signs {vs}compute deal with {p}",
            f"{p} lands {vs}{b} contract",
            f"{p} to supply {b} with AI capacity",
            f"{b} turns to {p} for more GPUs",
        ]
    elif t == "expansion":
        options = [f"{b} expands {p} deal", f"{p} and {b} extend their capacity agreement"]
    elif t == "chip_supply":
        options = [f"{p} to supply chips to {b}", f"{b} orders {vs}of chips from {p}"]
    elif t == "equity_investment":
        options = [f"{b} to invest {v} in {p}", f"{p} gets {v} from {b}"]
    else:
        options = [f"{b} backstops {p} capacity", f"{b} agrees to buy {p}'s unused capacity"]
    return rng.choice(options)


def _quote(rng: random.Random, deal: _Deal) -> str:
    who = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    side = rng.choice((deal.buyer, deal.provider))
    line = rng.choice(
        (
            "Demand for AI infrastructure continues to outpace supply, and this agreement "
            "gives us the scale our customers need",
            "We are thrilled to deepen our relationship and to build the next generation of AI "
            "together",
            "This is a milestone for our team and a validation of our platform",
            "Reliable access to compute is the foundation of everything we build",
        )
    )
    return f"“{line},” said {who}, {rng.choice(_TITLES)} of {side}."


# =========================================================================== news
def _pct(rng: random.Random) -> str:
    return f"{rng.randint(2, 80)}%" if rng.random() < 0.5 else f"{rng.randint(2, 80)} percent"


def _quarter(rng: random.Random, year: int) -> str:
    return rng.choice((f"the {rng.choice(('first', 'second', 'third', 'fourth'))} quarter",
                       f"Q{rng.randint(1, 4)} {year}", f"fiscal {year}"))  # fmt: skip


def _any_company(rng: random.Random, w: _World) -> str:
    return rng.choice(_OUTSIDERS) if rng.random() < 0.45 else rng.choice(w.all)


_NEWS_TEMPLATES: dict[str, tuple[str, ...]] = {
    "earnings": (
        "{c} reported revenue of {m} for {q}, up {pct} from a year earlier.",
        "Net income at {c} rose to {m}, beating analyst estimates.",
        "Shares of {c} rose {pct} in after-hours trading.",
        "{c} guided to revenue of {m} for the next quarter.",
        "Operating margin at {c} narrowed by {n9} points to {pct}.",
        "Analysts at {bank} raised their price target on {c} to ${n900}.",
        "{c}'s cloud segment grew {pct} year over year.",
        "Free cash flow at {c} fell to {m} as spending on servers increased.",
        "{c} said it would return {m} to shareholders through buybacks.",
    ),
    "launch": (
        "{c} launched a new assistant for software developers on {wd}.",
        "The product costs ${n60} per user per month.",
        "{c} said the feature is available in {n150} countries.",
        "Early customers include {c2} and several large banks.",
        "The update adds support for longer documents and faster responses.",
        "{c} is rolling out the app to business customers first.",
        "A free tier is available with usage limits.",
        "{c} said the assistant can draft emails, summarise meetings and write code.",
    ),
    "policy": (
        "The European Commission proposed new rules on general-purpose AI models.",
        "Lawmakers in {capital} debated export controls on advanced chips.",
        "{c} said it would comply with the new disclosure requirements.",
        "The rules could take effect in {next_year}, officials said.",
        "Regulators opened an inquiry into how {c} handles user data.",
        "Industry groups warned that the proposal would slow innovation.",
        "Fines under the law can reach {pct} of global annual turnover.",
    ),
    "chips": (
        "{c} unveiled its next-generation accelerator, which it says is {n5} times faster than "
        "the {gpu}.",
        "Volume shipments are expected in {q}.",
        "The chip is manufactured on a 3-nanometer process.",
        "Memory bandwidth rises to {n20} terabytes per second.",
        "{c} did not disclose pricing for the part.",
        "Supply of high-bandwidth memory remains tight, according to {c2}.",
        "The design packs {n20} billion transistors into two dies.",
    ),
    "software": (
        "{c} released version {n9}.{n20} of its open-source framework.",
        "The release improves startup time and memory use.",
        "More than {n90},000 developers contributed to the project.",
        "{c} also deprecated several older APIs.",
        "The company said the new version runs {pct} faster on common workloads.",
        "The framework is used by {c2} and thousands of smaller teams.",
    ),
    "research": (
        "Researchers at {c} published a paper on training smaller language models.",
        "The model scored {n95} on the benchmark.",
        "The team trained it on {n20} trillion tokens.",
        "{c} released the weights under a permissive license.",
        "Independent researchers at {c2} said the results were encouraging.",
        "The paper was accepted at a major machine-learning conference.",
    ),
    "people": (
        "{c} appointed {person} as {title}.",
        "{person} previously worked at {c2} for {n20} years.",
        "The appointment takes effect on {month} {n28}.",
        "{c} also named two new members to its board.",
        "{person} will report to the chief executive.",
    ),
}


class _Slots(dict):
    """Template slots filled on first use, so a sentence costs only the draws it needs."""

    def __init__(self, rng: random.Random, w: _World, c: str, year: int):
        super().__init__(c=c)
        self.rng, self.w, self.year = rng, w, year

    def __missing__(self, key: str) -> str:
        rng = self.rng
        if key == "m":
            value = _money(rng, 10 ** rng.uniform(7.5, 10.5))
        elif key == "c2":
            value = _any_company(rng, self.w)
        elif key == "pct":
            value = _pct(rng)
        elif key == "q":
            value = _quarter(rng, self.year)
        elif key == "gpu":
            value = rng.choice(_GPUS)
        elif key == "person":
            value = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        elif key == "title":
            value = rng.choice(_TITLES)
        elif key == "month":
            value = rng.choice(_MONTHS)
        elif key == "wd":
            value = _weekday(rng)
        elif key == "bank":
            value = rng.choice(("Morgan Stanley", "Jefferies", "Bernstein", "Citi"))
        elif key == "capital":
            value = rng.choice(("Washington", "Brussels", "London", "Tokyo"))
        elif key == "next_year":
            value = str(self.year + 1)
        elif key.startswith("n"):
            value = str(rng.randint(2, int(key[1:])))
        else:  # pragma: no cover - a template typo
            raise KeyError(key)
        self[key] = value
        return value


def _news_sentence(rng: random.Random, cat: str, w: _World, c: str, year: int) -> str:
    return rng.choice(_NEWS_TEMPLATES[cat]).format_map(_Slots(rng, w, c, year))


def _weekday(rng: random.Random) -> str:
    return rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))


_NEWS_HEADLINES = {
    "earnings": ("{c} beats estimates as cloud revenue jumps", "{c} shares slide on weak outlook",
                 "{c} posts record quarter"),
    "launch": ("{c} launches AI assistant for developers",
               "{c} unveils new app for business users"),
    "policy": ("EU moves ahead with AI rules", "Lawmakers weigh new chip export limits",
               "{c} faces regulatory inquiry"),
    "chips": ("{c} unveils next-generation AI chip", "{c} details new accelerator roadmap"),
    "software": ("{c} ships major framework update", "{c} open-sources its toolkit"),
    "research": ("{c} researchers train smaller, faster models", "{c} publishes new model weights"),
    "people": ("{c} names new executive", "{c} reshuffles leadership team"),
}  # fmt: skip
_FILLER = (
    "Demand for AI infrastructure has surged over the past two years.",
    "Spending on data centers has become a focus for investors.",
    "The company did not respond to a request for comment.",
    "Analysts expect the market to keep growing through the end of the decade.",
    "Power availability has become the main constraint on new data centers.",
    "The move comes amid intense competition among cloud providers.",
    "Shares were little changed in early trading.",
)


def _hard_negative(rng: random.Random, w: _World, year: int) -> tuple[str, str, list[str]]:
    """(category, headline, paragraphs) of a page that looks like a deal but is not one."""
    fake = _pick_deal(rng, w)
    b, p = fake.buyer, fake.provider
    v = _money(rng, fake.value_usd or 5e9)
    kind = rng.choice(("rumour", "denial", "capex", "powered_by", "recap"))
    if kind == "rumour":
        head = f"{b} in talks with {p} over compute deal"
        body = [
            f"{b} is in talks with {p} about a {v} compute deal, according to people familiar "
            "with the matter.",
            f"The discussions are ongoing and may not lead to an agreement. {p} declined to "
            "comment.",
        ]
    elif kind == "denial":
        head = f"{p} denies report of {b} deal"
        body = [
            f"{p} denied a report that it had signed a {v} agreement with {b}.",
            "The company said it does not comment on market rumours.",
        ]
    elif kind == "capex":
        h = rng.choice(w.hyperscalers)
        head = f"{h} to lift data center spending"
        body = [
            f"{h} plans to spend {v} on AI data centers in fiscal {year + 1}, its chief "
            "financial officer said on an earnings call.",
            f"Capital expenditures rose {_pct(rng)} in the latest quarter.",
        ]
    elif kind == "powered_by":
        oem = rng.choice([c for c in w.chipmakers if c != "Nvidia"] or w.chipmakers)
        head = f"{oem} launches new AI servers"
        body = [
            f"{oem} launched new servers powered by Nvidia {rng.choice(_GPUS)} GPUs on "
            f"{_weekday(rng)}.",
            f"The systems start at ${rng.randint(150, 600)},000 and ship in {_quarter(rng, year)}.",
        ]
    else:
        head = f"{p} revenue climbs as AI demand holds"
        body = [
            f"{p}, which signed a {v} agreement with {b} in {rng.choice(_MONTHS)} {year - 1}, "
            f"said quarterly revenue rose {_pct(rng)}.",
            f"The company reported a backlog of {_money(rng, 10 ** rng.uniform(9.5, 10.8))}.",
        ]
    return kind, head, body


# =========================================================================== boilerplate
def _sidebar_headline(rng: random.Random, w: _World) -> str:
    if rng.random() < 0.35:
        return _deal_headline(rng, _pick_deal(rng, w), w)
    cat = rng.choice(tuple(_NEWS_HEADLINES))
    return rng.choice(_NEWS_HEADLINES[cat]).format(c=_any_company(rng, w))


def _comment(rng: random.Random, w: _World) -> str:
    a, b = rng.choice(w.all), rng.choice(w.all)
    return rng.choice(
        (
            f"Another week, another {a} deal. {b} wins again.",
            f"I don't see how {a} pays for all of this.",
            f"{a} stock is going to the moon after this.",
            f"Bubble. Remember when {b} was the next big thing?",
            f"Great reporting, thanks. Would love a follow-up on {a}.",
        )
    )


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slug(title: str) -> str:
    return _SLUG_RE.sub("-", title.lower()).strip("-")[:80]


def _related(rng: random.Random, w: _World, cls: str, heading: str) -> str:
    items = "".join(
        f'<li><a href="/news/{_slug(h)}">{_esc(h)}</a></li>'
        for h in rng.sample(w.sidebar, rng.randint(5, 9))
    )
    return f'<aside class="{cls}"><h3>{heading}</h3><ul>{items}</ul></aside>'


def _ad(rng: random.Random, slot: str) -> str:
    offer = rng.choice(
        (
            f"Rent H100 GPUs from ${rng.randint(1, 3)}.{rng.randint(10, 99)}/hr — deploy in "
            "minutes",
            "Free white paper: The CFO's guide to cloud costs",
            f"Join {rng.randint(2, 40)},000 IT leaders at the AI Infrastructure Summit",
            "Sponsored: Is your data center ready for liquid cooling?",
        )
    )
    return (
        f'<div class="ad ad-{slot}" data-ad-slot="{slot}"><span class="ad-label">Advertisement'
        f'</span><a href="https://ads.example.net/c?s={slot}" rel="sponsored">{offer}</a></div>'
    )


def _page(
    rng: random.Random,
    w: _World,
    index: int,
    outlet: _Outlet,
    title: str,
    paras: list[str],
    published: date,
    author: str,
) -> str:
    hour, minute = rng.randint(5, 21), rng.randint(0, 59)
    iso = f"{published.isoformat()}T{hour:02d}:{minute:02d}:00Z"
    human = f"{_MONTHS[published.month - 1]} {published.day}, {published.year}"
    t = _esc(title)
    url = f"https://{outlet.domain}/news/{_slug(title)}-{index}"
    head = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{t} | {outlet.name}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<link rel="canonical" href="{url}">',
        f'<meta property="og:title" content="{t}"><meta property="og:site_name" '
        f'content="{outlet.name}">',
    ]
    body_paras = "".join(f"<p>{_esc(p)}</p>" for p in paras)
    layout = outlet.layout
    if layout == "wire":
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": iso,
            "publisher": {"@type": "Organization", "name": outlet.name},
        }
        head.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
        main = (
            f'<main id="content"><article class="release"><h1>{t}</h1>'
            f'<div class="release-body">{body_paras}</div>'
            '<p class="contact">Media contact: press@example.com</p></article>'
            f"{_related(rng, w, 'more-releases', 'More news releases')}</main>"
        )
    elif layout == "trade":
        head.append(f'<meta property="article:published_time" content="{iso}">')
        crumbs = '<nav class="breadcrumb"><a href="/">Home</a> › <a href="/news">News</a></nav>'
        main = (
            f'{crumbs}{_ad(rng, "leaderboard")}<div class="layout"><article class="story">'
            f'<h1>{t}</h1><div class="byline">By {author} · <time datetime="{iso}">{human}'
            f'</time></div><div class="article-body">{body_paras}</div>'
            '<div class="tags"><a href="/tag/ai">AI</a> <a href="/tag/cloud">Cloud</a></div>'
            f"</article>{_related(rng, w, 'related-stories sidebar', 'Related stories')}"
            f"{_ad(rng, 'mpu')}</div>"
            '<section class="newsletter-signup"><h3>Get the daily briefing</h3><form>'
            '<input type="email" placeholder="Work email"><button>Sign up</button></form>'
            "</section>"
        )
    elif layout == "techblog":
        comments = "".join(
            f'<li class="comment"><b>{rng.choice(_FIRST)}</b> {_esc(c)}</li>'
            for c in rng.sample(w.comments, rng.randint(1, 4))
        )
        main = (
            f'<div class="site-content"><article class="post"><header class="entry-header">'
            f'<h1 class="entry-title">{t}</h1><span class="author">{author}</span> '
            f'<time class="entry-date published" datetime="{iso}">{human}</time></header>'
            f'<div class="entry-content">{body_paras}</div>'
            '<div class="share-buttons"><a>Share on X</a><a>Share on LinkedIn</a></div>'
            "</article>"
            f"{_related(rng, w, 'widget trending', 'Trending now')}"
            f'<section id="comments" class="comments-area"><h3>Comments</h3><ol>{comments}'
            f"</ol></section></div>{_ad(rng, 'footer')}"
        )
    elif layout == "newspaper":
        main = (
            f'<div class="paywall-note">You have 3 free articles left this month.</div>'
            f'<main><div class="story-head"><h1>{t}</h1><p class="byline">By {author}</p>'
            f'</div><section class="story-body">{body_paras}</section></main>'
            f"{_related(rng, w, 'most-read', 'Most read')}{_ad(rng, 'rail')}"
        )
    else:  # newsletter
        head.append(f'<meta name="date" content="{published.isoformat()}">')
        main = (
            f'<div class="post"><h1>{t}</h1><div class="post-body">{body_paras}</div>'
            f"</div>{_related(rng, w, 'recommended', 'You might also like')}"
        )
    head.append(outlet.head_extra)
    head.append("</head><body>")
    return "".join([*head, outlet.header, outlet.cookie, main, outlet.footer, "</body></html>\n"])


# =========================================================================== one page
_NEWS_CATS = ("earnings", "launch", "policy", "chips", "software", "research", "people")


def _document(w: _World, seed: int, index: int, deal_rank: int | None) -> tuple[str, dict]:
    """Page ``index``; ``deal_rank`` (how many deal pages precede it) when it reports a deal."""
    rng = random.Random(f"csi-synth:{seed}:{index}")
    outlet = rng.choice(w.outlets)
    published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    author = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    deals: list[tuple[_Deal, str, date]] = []
    paras: list[str] = []
    if deal_rank is not None:
        # several outlets report each deal, within a few days of its announcement
        k = max(0, (deal_rank + rng.randrange(-6, 7)) // PAGES_PER_DEAL)
        deal, announced = w.story(k)
        published = announced + timedelta(days=rng.choice((0, 0, 0, 1, 1, 2, 3)))
        deals.append((deal, f"{seed}:{k}", announced))
    year = published.year
    if deals:
        title = _deal_headline(rng, deal, w)
        kind, category = "deal", deal.deal_type
        first = " ".join(x for x in (_lede(rng, deal, w), _term_clause(rng, deal)) if x)
        paras.append(first)
        hw = _hardware_clause(rng, deal, w)
        if hw:
            paras.append(hw)
        paras.append(_quote(rng, deal))
        if rng.random() < 0.1:  # a second, smaller story further down, reported only here
            second = _pick_deal(rng, w, avoid=(deal.buyer, deal.provider))
            deals.append((second, f"{seed}:p{index}", published))
            paras.append("Separately, " + _lowerfirst(_lede(rng, second, w)))
        for _ in range(rng.randint(2, 5)):
            c = _any_company(rng, w)
            paras.append(
                " ".join(
                    _news_sentence(rng, rng.choice(_NEWS_CATS), w, c, year)
                    for _ in range(rng.randint(1, 3))
                )
            )
        paras.append(rng.choice(_FILLER))
    elif rng.random() < 0.125:
        category, title, paras = _hard_negative(rng, w, year)
        kind = "hard_negative"
        for _ in range(rng.randint(2, 4)):
            paras.append(rng.choice(_FILLER))
    else:
        kind = "news"
        category = rng.choice(_NEWS_CATS)
        c = _any_company(rng, w)
        title = rng.choice(_NEWS_HEADLINES[category]).format(c=c)
        for _ in range(rng.randint(4, 9)):
            cat = category if rng.random() < 0.7 else rng.choice(_NEWS_CATS)
            subject = c if rng.random() < 0.6 else _any_company(rng, w)
            paras.append(
                " ".join(
                    _news_sentence(rng, cat, w, subject, year) for _ in range(rng.randint(1, 3))
                )
            )
        if rng.random() < 0.5:
            paras.append(rng.choice(_FILLER))
    human = f"{_MONTHS[published.month - 1]} {published.day}, {published.year}"
    if outlet.layout == "wire":
        paras[0] = f"{rng.choice(_CITIES)}, {human} /{outlet.name.replace(' ', '')}/ -- {paras[0]}"
        if deals:
            about = deals[0][0].provider
            paras.append(
                f"About {about}: {about} builds and operates infrastructure for artificial "
                "intelligence. Learn more on its website."
            )
        paras.append(
            "Forward-looking statements: this release contains forward-looking statements that "
            "involve risks and uncertainties. Actual results may differ materially."
        )
    elif outlet.layout == "newspaper":
        paras[0] = f"{rng.choice(_CITIES)}, {human} — {paras[0]}"
    page = _page(rng, w, index, outlet, title, paras, published, author)
    label = {
        "file": page_path(index),
        "index": index,
        "layout": outlet.layout,
        "kind": kind,
        "category": category,
        "published": published.isoformat(),
        "deals": [d.label(key, announced) for d, key, announced in deals],
    }
    return page, label


def _lowerfirst(s: str) -> str:
    # keep company names capitalised: only lower a leading article
    return s if not s.startswith(("A ", "The ")) else s[0].lower() + s[1:]


def _deal_rank(index: int, fraction: float, offset: float) -> int | None:
    """How many deal pages come before page ``index`` if it is one (else None): exactly
    ``fraction`` of any run of pages (to within one) report a deal, spread evenly."""
    before = int(index * fraction + offset)
    return before if int((index + 1) * fraction + offset) > before else None


# =========================================================================== entry points
def generate_corpus(
    n_docs: int,
    out_dir: Path,
    *,
    seed: int = 0,
    deal_fraction: float = 0.07,
    start: int = 0,
    gazetteer: Gazetteer | None = None,
) -> SynthReport:
    """Write pages ``start .. start + n_docs - 1`` of the corpus for ``seed`` into ``out_dir``.

    Labels go to ``labels.jsonl`` (``start == 0``) or ``labels-<start>.jsonl`` (pages
    added later), one JSON object per page: ``file`` (relative path), ``layout``, ``kind``
    (deal | news | hard_negative), ``category``, ``published`` and ``deals`` (deal_key: the
    same for every page reporting that deal; buyer, provider, deal_type, value_usd,
    value_qualifier, duration_years, end_date, gpu_model, gpu_count, power_mw, announced_on;
    canonical gazetteer names).
    """
    if n_docs < 0:
        raise ValueError(f"n_docs must be >= 0, got {n_docs}")
    if not 0.0 <= deal_fraction <= 1.0:
        raise ValueError(f"deal_fraction must be within [0, 1], got {deal_fraction}")
    t0 = time.perf_counter()
    gaz = gazetteer or Gazetteer.load()
    w = _World(seed, gaz)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    offset = random.Random(f"csi-synth-offset:{seed}").random()
    labels_path = out_dir / (LABELS_FILE if start == 0 else f"labels-{start:07d}.jsonl")
    report = SynthReport(out_dir, labels_path, seed, start, n_docs, 0, 0, 0, 0, 0.0)
    made: set[int] = set()
    keys: set[str] = set()
    with labels_path.open("w", encoding="utf-8") as labels:
        for index in range(start, start + n_docs):
            folder = index // PER_FOLDER
            if folder not in made:
                (out_dir / f"{folder:04d}").mkdir(exist_ok=True)
                made.add(folder)
            page, label = _document(w, seed, index, _deal_rank(index, deal_fraction, offset))
            data = page.encode("utf-8")
            with open(out_dir / label["file"], "wb") as fh:
                fh.write(data)
            labels.write(json.dumps(label, separators=(",", ":")) + "\n")
            report.bytes += len(data)
            report.layouts[label["layout"]] = report.layouts.get(label["layout"], 0) + 1
            if label["deals"]:
                report.deal_documents += 1
                report.deals += len(label["deals"])
                for d in label["deals"]:
                    keys.add(d["deal_key"])
                    report.deal_types[d["deal_type"]] = report.deal_types.get(d["deal_type"], 0) + 1
            elif label["kind"] == "hard_negative":
                report.hard_negatives += 1
    report.distinct_deals = len(keys)
    report.seconds = time.perf_counter() - t0
    return report


def read_labels(out_dir: Path) -> list[dict]:
    """Every labels file of a corpus folder (the first batch and any added later)."""
    rows: list[dict] = []
    first = Path(out_dir) / LABELS_FILE
    later = sorted(p for p in Path(out_dir).glob("labels-*.jsonl"))
    for path in [first, *later] if first.exists() else later:
        with path.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def synth_command(docs: int, out: Path, seed: int = 0) -> None:
    """What ``csi synth --docs N --out DIR [--seed S]`` runs: write the corpus, print a line."""
    r = generate_corpus(docs, out, seed=seed)
    print(
        f"wrote {r.documents:,} pages ({r.bytes / 1e6:,.1f} MB) to {r.out_dir} in "
        f"{r.seconds:.1f} s: {r.deal_documents:,} report a deal ({r.deal_fraction:.1%}; "
        f"{r.distinct_deals:,} different deals), {r.hard_negatives:,} hard negatives; labels in "
        f"{r.labels_path}"
    )


__all__ = ["SynthReport", "generate_corpus", "page_path", "read_labels", "synth_command"]
