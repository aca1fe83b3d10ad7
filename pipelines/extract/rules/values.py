"""Values: which amount of a sentence is the deal's (near a deal noun, the value subject, term
revenue; never revenue, valuation, shares, a running total or a ceiling), and a sentence's
attributes (value, date, duration, GPUs, power) parsed on first use.

Part of the deal extractor; the method is described in docs/extraction.md."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date

from pipelines.extract.numbers import (
    Duration,
    Money,
    announced_date,
    find_duration,
    find_gpu_count,
    find_gpu_model,
    find_money,
    find_power_mw,
)
from pipelines.extract.rules.vocabulary import (
    _F,
    DEAL_NOUN,
    DEAL_NOUN_RE,
)

_MONEY_NEAR_DEAL_AFTER = re.compile(
    rf"^[\s-]*(?:[\w-]+\s+){{0,4}}?(?:{DEAL_NOUN}|investment|stake|order|commitment|expansion"
    r"|purchase|backstop|contract\s+value)\b",
    _F,
)


_MONEY_NEAR_DEAL_BEFORE = re.compile(
    r"\b(?:worth|valued\s+at|value\s+of|valued|totals?|totaling|totalling|total\s+of|for|commit\w*"
    r"|spend\w*|spent|pay\w*|paid|invest\w*|order\s+of|deal\s+of|contract\s+of|sum\s+of|buy|purchase"
    r"|by|an\s+additional|additional|another|value\s+(?:is|was|of|will\s+be)|generate|bring\s+in"
    r")\s+(?:about\s+|roughly\s+|up\s+to\s+|around\s+|nearly\s+"
    r"|approximately\s+|more\s+than\s+|over\s+|at\s+least\s+|some\s+|an\s+estimated\s+)?$",
    _F,
)


_MONEY_BAD_AFTER = re.compile(
    # "$11 billion ..., up from $7 billion": a running total that grew
    r"^[\s,]*(?:[\w-]+\s+){0,6}?up\s+from\b"
    r"|^[\s-]*(?:[\w-]+\s+){0,3}?(?:in\s+)?(?:revenue|revenues|sales|backlog|market\s+cap\w*"
    r"|valuation|funding|financing|debt|loans?|notes|bonds|credit|capex|capital\s+expenditure"
    r"|profit|loss|income|shares|stock|per\s+share|a\s+share|IPO|round|raise|buyback|dividend"
    r"|a\s+year|per\s+year|annually|a\s+quarter|in\s+the\s+quarter|in\s+annual|equity"
    r"|(?:⟦\d+⟧|COMPANY)(?:'s)?\s+(?:common\s+)?(?:equity|shares|stock))\b",
    _F,
)


_MONEY_BAD_BEFORE = re.compile(
    r"(?:\b(?:revenue|revenues|sales|backlog|valuation|valued\s+(?:the\s+company|it)\s+at|valuing"
    r"|market\s+cap\w*|raised|raising|raise|funding|financing|debt|loan|borrow\w*|capex|spending"
    r"|reached|cumulative|profit|loss|income|shares|stock|worth\s+of\s+shares|prepay\w*|deposit)"
    r"\s+(?:of\s+|about\s+|roughly\s+|nearly\s+|over\s+|more\s+than\s+|to\s+|at\s+|some\s+)?"
    r"|\b(?:bring|brings|bringing|brought|take|takes|taking|took|lift|lifts|lifting|push|pushes"
    r"|pushing|rais\w+|increas\w+|boost\w*|ris(?:e|es|ing)|rose|grow(?:s|ing)?|grew|climb\w*"
    r"|reach(?:es|ing)?)\s+(?:[\w'-]+\s+){0,5}?to\s+(?:about\s+|roughly\s+"
    r"|approximately\s+|around\s+|nearly\s+|more\s+than\s+|over\s+|as\s+much\s+as\s+"
    r"|up\s+to\s+|potentially\s+)?"
    # a ceiling reachable only with options or extra services: "$17.4bn, or up to $19.4bn
    # if Microsoft buys more"; "could reach $19.4 billion"
    r"|\b(?:could|would|might|may)\s+(?:\w+\s+){0,2}?(?:reach|rise\s+to|grow\s+to|climb\s+to"
    r"|top|exceed|hit|be\s+worth)\s+(?:about\s+|roughly\s+|as\s+much\s+as\s+|up\s+to\s+)?"
    r"|\b(?:a\s+)?combined\s+|\bin\s+all,?\s+|\btogether\s+worth\s+"
    r"|\b(?:shares|stock|warrants?)\s+(?:\w+\s+){0,3}?(?:worth|valued\s+at)\s+(?:about\s+"
    r"|roughly\s+|around\s+|some\s+|nearly\s+)?)$",
    _F,
)


# sizes that are not the deal's: a site's ("IREN's 2 GW Sweetwater campus"), or what the
# capacity could do ("enough to run over two million chips")
_NOT_DEAL_SIZE_RE = re.compile(
    r"(?:'s|\bits|\btheir)\s+(?:[\w-]+\s+)?\d[\d.,]*\s*(?:GW|MW|gigawatts?|megawatts?)\s+"
    r"(?:[A-Z][\w-]*\s+){0,3}(?:campus|site|portfolio|facility|pipeline|data\s+cent(?:er|re))\w*"
    r"|\b(?:enough|sufficient)\s+to\s+(?:run|power|support|house|host)\s+[^.;,]*"
    r"|\b(?:bring|brings|bringing|take|takes|taking|lift|lifts|lifting)\s+(?:[\w'-]+\s+){0,4}?to\s+"
    r"(?:about\s+|roughly\s+|nearly\s+|more\s+than\s+|over\s+)?[\w.,]+\s+(?:[\w-]+\s+){0,2}?"
    r"(?:GPUs?|chips|accelerators|gigawatts?|megawatts?|GW|MW)\b",
    _F,
)


_POWER_UNIT_RE = re.compile(r"W\b|watt")


class _Attrs:
    """Attributes of a sentence, each parsed on first use (most sentences need none)."""

    def __init__(
        self, plain: str | Callable[[], str], published: date | None, equity: bool = False
    ):
        self._plain_src = plain
        self._published = published
        self._equity = equity

    @functools.cached_property
    def _plain(self) -> str:
        src = self._plain_src
        return src if isinstance(src, str) else src()

    @functools.cached_property
    def _money_pair(self) -> tuple[Money | None, float]:
        return _money_choice(self._plain, self._published, self._equity)

    @property
    def money(self) -> Money | None:
        return self._money_pair[0]

    @property
    def money_score(self) -> float:
        return self._money_pair[1]

    @functools.cached_property
    def _date_pair(self) -> tuple[date | None, bool]:
        return announced_date(self._plain, self._published)

    @functools.cached_property
    def date(self) -> date | None:
        return self._date_pair[0]

    @functools.cached_property
    def explicit_date(self) -> bool:
        return self._date_pair[1]

    @functools.cached_property
    def duration(self) -> Duration | None:
        return find_duration(self._plain, self.date or self._published)

    @functools.cached_property
    def gpu_model(self) -> str | None:
        return find_gpu_model(self._plain)

    @functools.cached_property
    def _sized(self) -> str:
        plain = self._plain
        if (
            "enough" in plain
            or "sufficient" in plain
            or " to " in plain
            or _POWER_UNIT_RE.search(plain)
        ):
            return _NOT_DEAL_SIZE_RE.sub(" ", plain)
        return plain

    @functools.cached_property
    def gpu_count(self) -> int | None:
        return find_gpu_count(self._sized)

    @functools.cached_property
    def power_mw(self) -> float | None:
        return find_power_mw(self._sized)

    @property
    def quantity(self) -> bool:
        return bool(self.money or self.gpu_count or self.power_mw)


# the deal's value named as the subject of the sentence
_VALUE_SUBJECT_BEFORE = re.compile(
    r"\b(?:(?:total|aggregate|overall|combined|initial|estimated|expected|headline)\s+)?"
    r"(?:contract(?:ed)?\s+|deal\s+|agreement\s+|order\s+|lease\s+)?(?:value|base\s+rent"
    r"|rent|consideration|price)\b(?:\s+(?:of|under|over|payable|for)\b[^$€£.;]{0,70}?)?"
    r"\s+(?:is|was|are|were|will\s+be|would\s+be|of|at|totals?|totaling|totalling|amounts?\s+to"
    r"|is\s+expected\s+to\s+be|are\s+expected\s+to\s+be|is\s+estimated\s+(?:to\s+be|at))\s+"
    r"(?:about\s+|roughly\s+|approximately\s+|around\s+|nearly\s+|up\s+to\s+|more\s+than\s+"
    r"|over\s+|at\s+least\s+|some\s+|an\s+estimated\s+|US)?$"
    r"|\b(?:is|are|was|were)\s+valued\s+at\s+(?:about\s+|roughly\s+|approximately\s+|around\s+"
    r"|up\s+to\s+|more\s+than\s+)?$",
    _F,
)


_RUNNING_TOTAL_RE = re.compile(
    r"\b(?:agreements|contracts|deals|orders|commitments|all|combined|cumulative|to\s+date|now)\b",
    _F,
)


_INCLUDING_RE = re.compile(r"^\s*(?:including|together\s+with|counting|with)\b|\bin\s+total\b", _F)


# revenue over the contract's term is its value (a landlord's or neocloud's wording)
_TERM_REVENUE_AFTER = re.compile(
    r"^[\s-]*(?:of|in)\s+(?:total\s+|additional\s+|new\s+)?(?:contracted|contract|committed"
    r"|lease|base)\s+(?:revenue|revenues|rent)\b"
    r"|^[\s-]*(?:of|in)\s+(?:total\s+|additional\s+|new\s+)?(?:revenue|revenues|rent)\s+over\s+"
    r"(?:the|their|its|a|an)\s+(?:[\w-]+\s+){0,2}?(?:terms?|life|duration|period)\b",
    _F,
)


def _money_choice(plain: str, on: date | None, equity: bool) -> tuple[Money | None, float]:
    best: tuple[float, int, Money] | None = None
    for m in find_money(plain, on):
        after = plain[m.end : m.end + 60]
        before = plain[max(0, m.start - 45) : m.start]
        score = 1.0
        if _MONEY_NEAR_DEAL_AFTER.match(after):
            score += 3.0
        if _MONEY_NEAR_DEAL_BEFORE.search(before):
            score += 2.5
        term_revenue = bool(_TERM_REVENUE_AFTER.match(after))
        if term_revenue:
            score += 3.0  # "$3.7 billion of contracted revenue over the initial terms"
        elif vs := _VALUE_SUBJECT_BEFORE.search(plain[max(0, m.start - 110) : m.start]):
            # "The aggregate contract value of the Agreement is $1.46 billion", but not a
            # running total ("the total value of its agreements with X is now $22.4 billion")
            window = plain[max(0, m.start - 110) : m.start][: vs.end()]
            head = plain[: m.start]
            score += -3.0 if _RUNNING_TOTAL_RE.search(window) or _INCLUDING_RE.search(head) else 2.5
        if (
            _MONEY_BAD_AFTER.match(after)
            and not term_revenue
            and not (
                re.search(r"\b(?:generat\w+|bring\s+in|worth)\s+(?:\w+\s+){0,2}$", before, _F)
                and DEAL_NOUN_RE.search(plain[: m.start])
            )
        ):
            score -= 4.0 if not equity else 1.0
        if _MONEY_BAD_BEFORE.search(before):
            score -= 3.0 if not (equity and re.search(r"rais|fund", before, _F)) else 0.0
        key = (score, -m.start, m)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None or best[0] <= -1.0:
        return None, 0.0
    return best[2], best[0]


def _attrs(plain: str | Callable[[], str], published: date | None, equity: bool = False) -> _Attrs:
    return _Attrs(plain, published, equity)


_QUAL_RANK = {"exact": 3, "approx": 2, "at_least": 1, "up_to": 1}


# a sentence stating the firm part of a deal whose headline figure is a ceiling
_FIRM_VALUE_RE = re.compile(
    r"\b(?:(?:contract|agreement|deal|order)\s+itself|core\s+of\s+the\s+(?:agreement|deal|contract)"
    r"|firm\s+(?:part|portion|commitment|value|contract)|(?:base|committed|guaranteed|fixed|firm)"
    r"\s+(?:contract\s+)?(?:value|amount|commitment)|initial\s+term)\b",
    _F,
)
