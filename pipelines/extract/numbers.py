"""Parse money, durations, hardware, power and dates out of deal sentences.

Pure standard-library regexes, compiled once at import. Every finder works on one sentence
(or clause) and returns matches with their character spans, so the caller can decide which
amount belongs to the deal (see :mod:`pipelines.extract.mentions`).

Money
    "$21B", "$14.2bn", "US$9.7 billion", "38 billion dollars", "$480 million", "$1.2 trillion"
    are ``exact``; "up to"/"as much as" -> ``up_to``; "more than/over/at least/in excess of"
    or "$10 billion-plus" -> ``at_least``; "about/roughly/around/approximately/nearly/~"
    -> ``approx``. Vague amounts ("tens of billions", "multibillion-dollar", "billions")
    carry no digits and are never matched. Other currencies are converted with the small
    dated table :data:`FX_RATES` (approximate monthly averages, USD per unit): the rate used
    is the latest one valid on the reference date, and the mention's ``value_text`` says
    which (e.g. ``"€2.5 billion [EUR->USD 1.17 from 2025-07-01]"``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

# --------------------------------------------------------------------------- FX table (data)
# currency, valid_from, USD per unit. Approximate monthly averages; a rate applies from its
# date until the next row. Dates before the first row use the first row.
FX_RATES: tuple[tuple[str, str, float], ...] = (
    ("EUR", "2023-01-01", 1.08),
    ("EUR", "2024-01-01", 1.09),
    ("EUR", "2024-04-01", 1.07),
    ("EUR", "2024-07-01", 1.09),
    ("EUR", "2024-10-01", 1.08),
    ("EUR", "2024-12-01", 1.05),
    ("EUR", "2025-01-01", 1.04),
    ("EUR", "2025-03-01", 1.08),
    ("EUR", "2025-04-01", 1.12),
    ("EUR", "2025-05-01", 1.13),
    ("EUR", "2025-06-01", 1.15),
    ("EUR", "2025-07-01", 1.17),
    ("EUR", "2025-10-01", 1.16),
    ("GBP", "2023-01-01", 1.24),
    ("GBP", "2024-01-01", 1.27),
    ("GBP", "2024-07-01", 1.29),
    ("GBP", "2024-12-01", 1.26),
    ("GBP", "2025-01-01", 1.24),
    ("GBP", "2025-03-01", 1.29),
    ("GBP", "2025-05-01", 1.33),
    ("GBP", "2025-06-01", 1.36),
    ("GBP", "2025-08-01", 1.35),
    ("GBP", "2025-10-01", 1.33),
    ("JPY", "2023-01-01", 0.0072),
    ("JPY", "2024-01-01", 0.0066),
    ("JPY", "2025-01-01", 0.0065),
    ("JPY", "2025-04-01", 0.0069),
    ("CAD", "2023-01-01", 0.74),
    ("CAD", "2025-01-01", 0.70),
    ("CAD", "2025-04-01", 0.72),
    ("AUD", "2023-01-01", 0.67),
    ("AUD", "2025-01-01", 0.63),
    ("AUD", "2025-07-01", 0.65),
    ("CHF", "2023-01-01", 1.12),
    ("CHF", "2025-04-01", 1.21),
    ("CHF", "2025-07-01", 1.25),
)

_FX: dict[str, list[tuple[date, float]]] = {}
for _cur, _from, _rate in FX_RATES:
    _FX.setdefault(_cur, []).append((date.fromisoformat(_from), _rate))
for _rows in _FX.values():
    _rows.sort()


def fx_rate(currency: str, on: date | None) -> tuple[float, date] | None:
    """USD per unit of ``currency`` valid on ``on`` (today if None), and the row's date."""
    if currency == "USD":
        return 1.0, date(1970, 1, 1)
    rows = _FX.get(currency)
    if not rows:
        return None
    on = on or date.today()
    chosen = rows[0]
    for row in rows:
        if row[0] <= on:
            chosen = row
        else:
            break
    return chosen[1], chosen[0]


# --------------------------------------------------------------------------- shared pieces
WORD_NUMBERS: dict[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "twenty-five": 25, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "a": 1, "an": 1, "half a": 0.5, "half": 0.5,
}  # fmt: skip
_WORDNUM = (
    r"(?:twenty-five|half\s+a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty"
    r"|fifty|hundred)"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
SCALES: dict[str, float] = {
    "trillion": 1e12, "tn": 1e12, "tln": 1e12, "t": 1e12, "tr": 1e12,
    "billion": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9, "bil": 1e9,
    "million": 1e6, "mn": 1e6, "mln": 1e6, "mm": 1e6, "m": 1e6, "mil": 1e6,
    "thousand": 1e3, "k": 1e3,
}  # fmt: skip


def to_number(token: str) -> float | None:
    """'1,234.5' -> 1234.5; 'five' -> 5; 'half a' -> 0.5."""
    t = re.sub(r"\s+", " ", token.strip().lower())
    if t in WORD_NUMBERS:
        return float(WORD_NUMBERS[t])
    try:
        return float(t.replace(",", ""))
    except ValueError:
        return None


MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _name:
        MONTHS[_name.lower()] = _i
        MONTHS[_name[:3].lower()] = _i
MONTHS["sept"] = 9
MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def month_number(token: str) -> int | None:
    return MONTHS.get(token.lower().rstrip("."))


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# --------------------------------------------------------------------------- money
@dataclass(frozen=True)
class Money:
    start: int
    end: int
    text: str  # the matched text, qualifier included ("up to $19.4 billion")
    amount: float  # in the original currency
    currency: str  # ISO code
    qualifier: str  # exact | up_to | at_least | approx
    usd: float | None  # None when the currency has no rate
    rate_note: str | None  # "EUR->USD 1.17 from 2025-07-01" for converted amounts


_QUALIFIERS = [
    (r"up\s+to|as\s+much\s+as|a\s+maximum\s+of|capped\s+at", "up_to"),
    (
        r"more\s+than|over|at\s+least|in\s+excess\s+of|upwards\s+of|upward\s+of|north\s+of"
        r"|no\s+less\s+than|a\s+minimum\s+of|exceeding|above|greater\s+than|over\s+and\s+above",
        "at_least",
    ),
    (
        r"about|roughly|around|approximately|approx\.?|nearly|almost|close\s+to|some"
        r"|an\s+estimated|estimated|circa|~|just\s+(?:over|under)|just\s+shy\s+of|an?\s+approximate",
        "approx",
    ),
]
_QUAL_RE = "|".join(f"(?P<q{i}>{pat})" for i, (pat, _) in enumerate(_QUALIFIERS))
_SYMBOLS = {
    "$": "USD", "us$": "USD", "usd": "USD", "u.s.$": "USD", "€": "EUR", "eur": "EUR",
    "£": "GBP", "gbp": "GBP", "¥": "JPY", "jpy": "JPY", "c$": "CAD", "cad": "CAD",
    "a$": "AUD", "aud": "AUD", "chf": "CHF",
}  # fmt: skip
_WORD_CURRENCIES = {
    "dollars": "USD", "us dollars": "USD", "u.s. dollars": "USD", "usd": "USD",
    "euros": "EUR", "euro": "EUR", "eur": "EUR", "pounds": "GBP", "pounds sterling": "GBP",
    "gbp": "GBP", "yen": "JPY", "jpy": "JPY", "swiss francs": "CHF", "chf": "CHF",
    "canadian dollars": "CAD", "australian dollars": "AUD",
}  # fmt: skip
_SCALE_RE = r"(?:trillion|billion|million|thousand|tln|bln|mln|bil|mil|tn|bn|mn|mm|tr|[tbmk])"
_SCALE_WORD_RE = r"(?:trillion|billion|million|tln|bln|mln|tn|bn|mn)"

# The amount itself; the qualifier is read from the text just before it (cheaper than
# trying every qualifier at every position).
MONEY_RE = re.compile(
    rf"(?:"
    # symbol first: $14.2bn, US$9.7 billion, EUR 500 million, $5-6 billion
    rf"(?P<sym>US\$|U\.S\.\$|C\$|A\$|\$|€|£|¥|(?<![A-Za-z])(?:USD|EUR|GBP|JPY|CHF|CAD|AUD)\s?)"
    rf"\s?(?P<num>{_DIGITS})(?:\s?(?:-|–|to)\s?\$?(?P<num_hi>{_DIGITS}))?"
    rf"(?:\s?(?P<scale>{_SCALE_RE})\b\.?)?"
    rf"|"
    # words after: 38 billion dollars, 2.5 billion euros, 500 million USD
    rf"(?<![\w$€£.,])(?P<num2>{_DIGITS}|{_WORDNUM})\s(?P<scale2>{_SCALE_WORD_RE})\s+"
    rf"(?P<cur2>U\.?S\.?\s+dollars|US\s+dollars|canadian\s+dollars|australian\s+dollars"
    rf"|swiss\s+francs|pounds\s+sterling|dollars|euros?|pounds|yen|USD|EUR|GBP|JPY|CHF)\b"
    rf")"
    rf"(?P<plus>\s?\+|-plus|\s?plus\b)?",
    re.IGNORECASE,
)
_QUAL_BEFORE_RE = re.compile(rf"(?:^|(?<=[^\w]))(?:{_QUAL_RE})\s*$", re.IGNORECASE)
# a sign or word that makes the amount negative ("-$5 billion", "minus $2bn"): not a deal value
_NEGATIVE_BEFORE_RE = re.compile(r"(?:(?:^|[\s(:=])[-−‒]|\b(?:minus|negative)\s+)$", re.I)


MONEY_HINT_RE = re.compile(r"[$€£¥]|USD|EUR|GBP|JPY|CHF|CAD|AUD|dollar|euro|pound|yen|franc", re.I)
_MONEY_HINT_RE = MONEY_HINT_RE


def _qualifier_name(qm: re.Match) -> str:
    for i, (_, name) in enumerate(_QUALIFIERS):
        if qm.group(f"q{i}"):
            return name
    return "exact"


def find_money(text: str, on: date | None = None, min_usd: float = 1e6) -> list[Money]:
    """All money amounts in ``text`` worth at least ``min_usd`` (USD-equivalent)."""
    out: list[Money] = []
    if not _MONEY_HINT_RE.search(text):
        return out
    for m in MONEY_RE.finditer(text):
        if m.group("sym") is not None:
            sym = m.group("sym").strip().lower()
            currency = _SYMBOLS.get(sym, "USD")
            num = to_number(m.group("num"))
            scale_tok = (m.group("scale") or "").lower()
            hi = m.group("num_hi")
        else:
            cur = re.sub(r"\s+", " ", m.group("cur2").lower()).replace("u.s.", "us")
            currency = _WORD_CURRENCIES.get(cur, "USD")
            num = to_number(m.group("num2"))
            scale_tok = m.group("scale2").lower()
            hi = None
        if num is None or _NEGATIVE_BEFORE_RE.search(text, max(0, m.start() - 10), m.start()):
            continue
        scale = SCALES.get(scale_tok, 1.0) if scale_tok else 1.0
        # A bare "$5 m" is fine, but "$5 t" (t = trillion) only with no space: guard "$5 to".
        amount = num * scale
        qualifier = "exact"
        s0 = m.start()
        qm = _QUAL_BEFORE_RE.search(text, max(0, s0 - 30), s0)
        if qm:
            s0 = qm.start()
            qualifier = _qualifier_name(qm)
            # stacked qualifiers: "up to approximately $14.2 billion" is a ceiling
            outer = _QUAL_BEFORE_RE.search(text, max(0, s0 - 30), s0) if s0 else None
            if outer and qualifier == "approx" and _qualifier_name(outer) != "approx":
                s0, qualifier = outer.start(), _qualifier_name(outer)
        if m.group("plus") or hi:
            # "$10 billion-plus" and ranges "$5-6 billion" keep the lower bound
            qualifier = "at_least" if qualifier == "exact" else qualifier
        rate = fx_rate(currency, on)
        usd: float | None
        note = None
        if rate is None:
            usd = None
        else:
            usd = amount * rate[0]
            if currency != "USD":
                note = f"{currency}->USD {rate[0]:g} from {rate[1].isoformat()}"
        if (usd if usd is not None else amount) < min_usd:
            continue
        s, e = s0, m.end()
        raw = text[s:e].rstrip(" .")
        out.append(Money(s, s + len(raw), raw, amount, currency, qualifier, usd, note))
    return out


# --------------------------------------------------------------------------- durations
@dataclass(frozen=True)
class Duration:
    years: float | None
    end_date: date | None
    text: str


_NUM_OR_WORD = rf"(?:\d+(?:\.\d+)?|{_WORDNUM})"
_YEAR_ADJ_RE = re.compile(
    rf"\b(?P<n>{_NUM_OR_WORD})[\s-](?P<unit>year|yr|month)s?\b(?![\s-](?:old|high|low|anniversary|treasury|bond|note|yield)(?![\w-]))",
    re.IGNORECASE,
)
_YEAR_SPAN_RE = re.compile(
    rf"\b(?:over|for|spanning|across|lasting|covering|term\s+of|period\s+of|duration\s+of|within)"
    rf"\s+(?:the\s+(?:next|coming|following)\s+|a\s+(?:period|term)\s+of\s+|about\s+|roughly\s+"
    rf"|approximately\s+|up\s+to\s+|nearly\s+|more\s+than\s+)?(?P<n>{_NUM_OR_WORD})\s+"
    rf"(?P<unit>years|year|months)\b",
    re.IGNORECASE,
)
_END_RE = re.compile(
    rf"\b(?:through|thru|until|till|to|ending(?:\s+in)?|expir\w*(?:\s+in)?"
    rf"|runs?\s+(?:through|until|to)|into"
    rf"|(?P<done>complet\w*|conclud\w*|finish\w*)\s+by)"
    rf"\s+(?:(?P<eo>the\s+end\s+of\s+|end[- ])|mid[- ])?"
    rf"(?:(?P<month>{MONTH_RE})\s+(?:\d{{1,2}},?\s+)?)?"
    rf"(?P<year>20[2-6]\d)\b(?!\s*(?:MW|GW|megawatt|gigawatt|GPUs|%))",
    re.IGNORECASE,
)


def find_duration(text: str, ref: date | None = None, derive: bool = False) -> Duration | None:
    """Contract length: "five-year", "5-year", "over seven years", "15-year leases",
    "18-month"; end date: "through December 2031" (last day of that month), "through the end
    of 2030" or "completed by the end of 2029" (Dec 31). A bare year ("through 2031", often a
    delivery schedule: "deployed in phases through 2026") gives no end date, as the labelling
    conventions say. With only an end date and ``derive``, the duration is counted from ``ref``
    (off by default: the corpus labels keep duration_years for stated terms only)."""
    years: float | None = None
    text_hit: str | None = None
    for rx in (_YEAR_ADJ_RE, _YEAR_SPAN_RE):
        m = rx.search(text)
        if m:
            n = to_number(m.group("n"))
            if n is not None and n > 0:
                unit = m.group("unit").lower()
                years = n / 12.0 if unit.startswith("month") else n
                if years > 40:
                    years = None
                    continue
                text_hit = m.group(0)
                break
    end: date | None = None
    m = next(
        (
            x
            for x in _END_RE.finditer(text)
            # a bare year ("through 2031") is no end date, and "by" needs "the end of"
            if x.group("month") or x.group("eo")
        ),
        None,
    )
    if m:
        year = int(m.group("year"))
        month = month_number(m.group("month")) if m.group("month") else None
        end = last_day(year, month or 12)
        if ref is not None and end <= ref:
            end = None
        else:
            text_hit = f"{text_hit}; {m.group(0)}" if text_hit else m.group(0)
            if years is None and ref is not None and derive:
                years = round((end - ref).days / 365.25, 1)
                if years <= 0:
                    years = None
    if years is None and end is None:
        return None
    return Duration(years, end, text_hit or "")


# --------------------------------------------------------------------------- hardware
# (regex, canonical name, specificity). More specific SKUs win over families.
_GPU_MODELS: list[tuple[str, str, int]] = [
    (r"GB300", "GB300", 3), (r"GB200", "GB200", 3), (r"GH200", "GH200", 3),
    (r"B300", "B300", 3), (r"B200", "B200", 3), (r"B100", "B100", 3),
    (r"H200", "H200", 3), (r"H100", "H100", 3), (r"H800", "H800", 3), (r"H20", "H20", 3),
    (r"A100", "A100", 3), (r"L40S", "L40S", 3),
    (r"Vera\s+Rubin", "Vera Rubin", 3), (r"Rubin\s+CPX", "Rubin CPX", 3),
    (r"Rubin", "Rubin", 2), (r"Blackwell\s+Ultra", "Blackwell Ultra", 2),
    (r"Grace\s+Blackwell", "Blackwell", 1), (r"Blackwell", "Blackwell", 1),
    (r"Hopper", "Hopper", 1),
    (r"MI\d{3}[XA]?", None, 3),
    (r"Instinct", "Instinct", 1),
    (r"TPU(?:s|\s?v\d\w*)?", "TPU", 2), (r"Ironwood", "TPU", 2), (r"Trillium", "TPU", 2),
    (r"Trainium\s?\d?", None, 2), (r"Inferentia\s?\d?", None, 2),
    (r"Maia(?:\s?\d{3})?", None, 2), (r"Gaudi\s?\d?", None, 2),
    (r"MTIA", "MTIA", 2),
]  # fmt: skip
_GPU_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<g{i}>{p})" for i, (p, _, _) in enumerate(_GPU_MODELS))
    + r")(?:s|’s|'s)?(?![\w])",
)
GPU_MODEL_PATTERN = "|".join(p for p, _, _ in _GPU_MODELS)


def _canon_gpu(i: int, raw: str) -> str:
    canon = _GPU_MODELS[i][1]
    if canon:
        return canon
    if raw.upper().startswith("MI"):
        return re.sub(r"\s+", "", raw).upper()
    if raw.startswith(("Gaudi", "Maia")):
        # the vendors write these with a space: "Gaudi 3", "Maia 100"
        return re.sub(r"^(Gaudi|Maia)\s*(\d)", r"\1 \2", raw)
    return re.sub(r"\s+", "", raw)


def gpu_specificity(name: str | None) -> int:
    """How specific a canonical model name is (SKU 3 > family 1); 0 for None."""
    if not name:
        return 0
    for pat, canon, spec in _GPU_MODELS:
        if canon == name or (canon is None and re.fullmatch(pat, name, re.I)):
            return spec
    return 1


def find_gpu_model(text: str) -> str | None:
    best: tuple[int, int, str] | None = None  # (-specificity, position, name)
    for m in _GPU_RE.finditer(text):
        for i in range(len(_GPU_MODELS)):
            raw = m.group(f"g{i}")
            if raw:
                key = (-_GPU_MODELS[i][2], m.start(), _canon_gpu(i, raw))
                if best is None or key < best:
                    best = key
                break
    return best[2] if best else None


_COUNT_RE = re.compile(
    rf"(?<![\w$€£.,])(?:(?P<qual>up\s+to|more\s+than|over|about|roughly|around|nearly|some"
    rf"|approximately|at\s+least)\s+)?"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{_WORDNUM}|a)"
    rf"(?:\s*(?P<mult>million|thousand|k|m)\b)?"
    rf"\s+(?:of\s+)?(?:(?:the|its|their|new|next[- ]gen(?:eration)?|latest|additional|more"
    rf"|advanced|high-end|cutting-edge|liquid-cooled|dedicated|custom|AI"
    # a brand or product word ("Nvidia", "COMPANY's", "Instinct", "Gaudi 3")
    rf"|(?!(?:gigawatts?|megawatts?|GW|MW|of|and|the|for|in|with|to)\b)"
    rf"(?-i:[A-Z][\w.+-]*(?:'s)?)(?:\s\d{{1,3}}(?![\d,]))?)\s+){{0,4}}"
    rf"(?:(?:{GPU_MODEL_PATTERN})[\s-]*(?:NVL\d+\s+)?)?"
    rf"(?P<unit>GPUs?|graphics\s+processing\s+units|graphics\s+processors|chips|accelerators"
    rf"|superchips|processors|xPUs|TPUs|tensor\s+processing\s+units|(?:{GPU_MODEL_PATTERN})s)\b",
    re.IGNORECASE,
)


def find_gpu_count(text: str) -> int | None:
    """'200,000 GPUs', '4,096 H200s', 'one million TPUs'; 'tens of thousands' -> None."""
    for m in _COUNT_RE.finditer(text):
        tok = m.group("num")
        if tok.lower() == "a" and not m.group("mult"):
            continue
        n = to_number(tok)
        if n is None:
            continue
        mult = (m.group("mult") or "").lower()
        n *= {"million": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3}.get(mult, 1.0)
        if n >= 8 and not (1900 <= n <= 2100 and not mult and "," not in tok):
            return int(round(n))
    return None


_POWER_HINT_RE = re.compile(r"watt|MW|GW", re.I)
_POWER_RE = re.compile(
    rf"(?<![\w$.,])(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{_WORDNUM}|a)\s*-?\s*"
    rf"(?P<unit>gigawatts?|GW|megawatts?|MW)(?![\w])",
    re.IGNORECASE,
)


def find_power_mw(text: str) -> float | None:
    """'1.2 gigawatts' -> 1200, '300MW' -> 300, 'one gigawatt' -> 1000."""
    if not _POWER_HINT_RE.search(text):
        return None
    for m in _POWER_RE.finditer(text):
        unit = m.group("unit")
        if unit in ("mw", "gw", "Mw", "Gw"):
            continue  # lower-case abbreviations are not units here
        n = to_number(m.group("num"))
        if n is None:
            continue
        mw = n * 1000.0 if unit.lower().startswith("g") else n
        if mw > 0:
            return round(mw, 3)
    return None


# --------------------------------------------------------------------------- dates
_ON_WEEKDAY_RE = re.compile(
    r"\b(?:on|last|this\s+past)\s+(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_ON_DATE_RE = re.compile(
    rf"(?P<prep>\b(?:on|dated|as\s+of|announced|signed|said|disclosed|effective)\s+)?"
    rf"\b(?P<month>{MONTH_RE})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d))?"
)
_ON_DMY_RE = re.compile(
    rf"(?P<prep>\b(?:on|dated|as\s+of|announced|signed|said|disclosed|effective)\s+)"
    rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{MONTH_RE})\b(?:,?\s+(?P<year>(?:19|20)\d\d))?"
)
_BLOCK_BEFORE_DATE = re.compile(
    r"\b(?:through|until|till|by|from|to|before|after|since|starting|beginning|ending|ended|into)\s*$",
    re.IGNORECASE,
)
_RELATIVE_RE = re.compile(r"\b(?P<w>today|yesterday|tonight)\b", re.IGNORECASE)


def announced_date(sentence: str, published: date | None) -> tuple[date | None, bool]:
    """Date a sentence says the deal was announced/signed, resolved against ``published``.

    Returns (date, explicit): explicit is False when it falls back to ``published``."""
    hits = sorted(
        [*_ON_DATE_RE.finditer(sentence), *_ON_DMY_RE.finditer(sentence)], key=lambda m: m.start()
    )
    for m in hits:
        if not m.group("prep") and not m.group("year"):
            continue
        if _BLOCK_BEFORE_DATE.search(sentence[max(0, m.start() - 20) : m.start()]):
            continue
        month = month_number(m.group("month"))
        day = int(m.group("day"))
        if not month or not 1 <= day <= 31:
            continue
        year = int(m.group("year")) if m.group("year") else None
        if year is None:
            if published is None:
                continue
            year = published.year
            try:
                if date(year, month, min(day, 28)) > published + timedelta(days=2):
                    year -= 1
            except ValueError:
                continue
        try:
            return date(year, month, min(day, calendar.monthrange(year, month)[1])), True
        except ValueError:
            continue
    if published is not None:
        m = _ON_WEEKDAY_RE.search(sentence)
        if m:
            target = WEEKDAYS.index(m.group("wd").lower())
            delta = (published.weekday() - target) % 7
            return published - timedelta(days=delta), True
        m = _RELATIVE_RE.search(sentence)
        if m and m.group("w").lower() == "yesterday":
            return published - timedelta(days=1), True
    return published, False


_PAST_ANCHOR_RE = re.compile(
    rf"\b(?:(?P<last>last|earlier\s+this|earlier\s+in\s+the|previous)\s+"
    rf"(?P<unit>year|month|week|spring|summer|fall|autumn|winter|quarter|{MONTH_RE}))\b"
    r"|\b(?P<ago>(?:a\s+few|a\s+couple\s+of|several|two|three|four|five|six|\d+)\s+"
    r"(?:weeks|months|years)\s+ago|(?:a|one)\s+(?:month|year)\s+ago"
    r"|in\s+(?:recent|the\s+past\s+few|the\s+last\s+few)\s+(?:weeks|months))\b"
    rf"|\b(?P<prep>in|during|since|from|on)\s+(?:(?:early|late|mid)[- ])?"
    rf"(?:(?P<month>{MONTH_RE})\s*(?:(?P<day>\d{{1,2}}),?\s+)?)?"
    rf"(?P<year>(?:19|20)\d\d)?\b",
    re.IGNORECASE,
)


def past_anchor(sentence: str, published: date | None, min_days: int = 30) -> str | None:
    """Return the phrase that places the sentence's event at least ``min_days`` before
    ``published`` ("last September", "in March 2025", "in 2024"), or that dates it to an
    earlier period than the news itself ("last week", "earlier this month", "two weeks ago",
    "in recent weeks"), or None."""
    for m in _PAST_ANCHOR_RE.finditer(sentence):
        if m.group("ago"):
            return m.group(0)
        if m.group("last"):
            return m.group(0)
        month_tok, year_tok = m.group("month"), m.group("year")
        if not month_tok and not year_tok:
            continue
        if m.group("prep").lower() == "on" and not m.group("day"):
            continue  # "on" dates a day: "on September 30, 2025"
        if month_tok and month_tok.lower().rstrip(".") == "may" and not year_tok:
            continue  # "may" is usually the verb
        if published is None:
            continue
        month = month_number(month_tok) if month_tok else None
        if year_tok:
            year = int(year_tok)
        else:
            year = published.year
            if month and date(year, month, 1) > published:
                year -= 1
        if month is None:
            when = date(year, 12, 31)  # "in 2024": the end of that year
        else:
            day = int(m.group("day")) if m.group("day") else 15
            try:
                when = date(year, month, min(day, 28))
            except ValueError:
                continue
        if (published - when).days >= min_days:
            return m.group(0)
    return None


_DATELINE_RE = re.compile(
    rf"^\s*[*_]{{0,2}}(?:[A-Z][A-Za-z .'’-]{{1,40}},\s+(?:[A-Z][A-Za-z.]{{1,20}},?\s+)?)?"
    rf"(?P<month>{MONTH_RE})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:19|20)\d\d)[*_]{{0,2}}"
    rf"\s*(?:/\s*\w[\w ]*\s*/\s*)?(?:--|—|–|-|\(|/)",
    re.MULTILINE,
)
_LOOSE_DATE_RE = re.compile(
    rf"^\s*(?:Published|Posted|Date|Updated)?:?\s*(?:on\s+)?(?P<month>{MONTH_RE})\s+(?P<day>\d{{1,2}}),?\s+"
    rf"(?P<year>(?:19|20)\d\d)\b",
    re.MULTILINE | re.IGNORECASE,
)
# SEC forms: the 8-K cover ("Date of Report (Date of earliest event reported): April 9, 2026")
_FILING_DATE_RE = re.compile(
    rf"\bDate\s+of\s+Report\b[^:\n]{{0,60}}:\s*(?P<month>{MONTH_RE})\s+(?P<day>\d{{1,2}}),?\s+"
    rf"(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# ... and the signature block ("Date: April 9, 2026"), anywhere in the text
_SIGNATURE_DATE_RE = re.compile(
    rf"^[|\s]*Dated?:\s*(?P<month>{MONTH_RE})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:19|20)\d\d)\b",
    re.MULTILINE,
)


# "Date: 2026-01-29" / "Published: 2026-01-29T08:00Z" near the top of wire copy
_ISO_DATE_LINE_RE = re.compile(
    r"^\s*(?:Published|Posted|Date|Dated|Updated|Filed)\s*:\s*(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)"
    r"-(?P<d>\d\d)\b",
    re.MULTILINE | re.IGNORECASE,
)


def dateline_date(text: str, max_chars: int = 2000) -> date | None:
    """A press-release dateline ("SAN FRANCISCO, April 9, 2026 —", also in Markdown bold), a
    "Published: April 9, 2026" line near the top of ``text``, an 8-K's "Date of Report", or
    else a filing's signature date ("Date: April 9, 2026") anywhere."""
    head = text[:max_chars]
    iso = _ISO_DATE_LINE_RE.search(head[:600])
    if iso:
        try:
            return date(int(iso["y"]), int(iso["m"]), int(iso["d"]))
        except ValueError:
            pass
    for rx, where in (
        (_FILING_DATE_RE, head),
        (_DATELINE_RE, head),
        (_LOOSE_DATE_RE, head),
        (_SIGNATURE_DATE_RE, text),
    ):
        m = rx.search(where)
        if m:
            month = month_number(m.group("month"))
            if month:
                try:
                    return date(int(m.group("year")), month, int(m.group("day")))
                except ValueError:
                    continue
    return None
