"""The document-level pass: what each deal candidate of a document is.

Sentence rules find candidates (two companies, a deal cue, roles, a value). Real reporting
names far more deals than it announces: an article about Microsoft's IREN contract recalls
Nebius and Nscale, a newsletter item about Meta's expansion recalls OpenAI's running total,
an explainer walks through last year's headlines. This pass reads the document as a whole
and gives each candidate a status:

* ``new`` — a deal the document reports: it becomes a mention; * ``recap`` — an earlier deal
recalled (explicitly dated weeks before the document); * ``background`` — a deal outside
what the document is about (neither its headline nor its lead names the pair), or a "related
stories" link; * ``tally`` — a sum or running total across contracts, not one deal; *
``denied`` — a deal declined, passed on, abandoned or denied.

Each decision names the rule that made it (:data:`RULES`, in order; the first that fires
decides), so ``csi eval --explain`` can say why a candidate was dropped. A rule is a
function ``(candidate, view) -> status | None``; adding one is a function and a line in
:data:`RULES`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipelines.extract.numbers import MONTH_RE, month_number

_F = re.IGNORECASE

NEW, RECAP, BACKGROUND, TALLY, DENIED = "new", "recap", "background", "tally", "denied"
HYPOTHETICAL = "hypothetical"
STATUSES = (NEW, RECAP, BACKGROUND, TALLY, DENIED, HYPOTHETICAL)

# A deal stated as done more than this long before the document is recalled, not announced
# (news reports a deal within days, a weekly wrap-up within the week, a filing within four
# business days).
RECAP_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class Pair:
    buyer: str
    provider: str

    @property
    def names(self) -> frozenset[str]:
        return frozenset((self.buyer, self.provider))


@dataclass
class CandidateView:
    """What the rules read of one merged candidate."""

    pair: Pair
    deal_type: str
    sentence: str  # the evidence sentence
    buyer_text: str  # the parties as the sentence names them
    provider_text: str
    is_title: bool
    explicit_date: bool
    announced_on: date | None
    value_text: str | None  # the amount as written, if the candidate has one


@dataclass
class DocumentView:
    """What the rules read of the document as a whole."""

    published: date | None
    title: str
    title_companies: frozenset[str]
    lead_companies: frozenset[str]  # companies named in the first body sentences
    roundup: bool  # a wrap-up or list of several deals, each reported as news
    candidates: list[CandidateView] = field(default_factory=list)

    @property
    def focus(self) -> frozenset[str]:
        return self.title_companies | self.lead_companies


@dataclass(frozen=True)
class Decision:
    status: str
    rule: str


Rule = Callable[[CandidateView, DocumentView], str | None]

# --------------------------------------------------------------------------- vocabulary
_ROUNDUP_TITLE_RE = re.compile(
    r"\b(?:round-?up|wrap(?:-?up)?|week\s+in|this\s+week|the\s+week|weekly|daily\s+brief"
    r"|briefing|digest|newsletter|deals?\s+(?:of|this)|what\s+happened|recap\s+of|in\s+brief"
    r"|\d+\s+(?:deals|contracts|agreements)|(?:four|three|five|two|six)\s+(?:deals|contracts)"
    r"|one\s+\w+day,\s+\w+\s+deals)\b",
    _F,
)
# a sum over several contracts or a running total, not one deal's value
_TALLY_RE = re.compile(
    r"\b(?:contracts|deals|agreements|commitments|arrangements|pacts|leases)\b[^.;]{0,50}?"
    r"\b(?:total(?:s|ling|ing|led|ed)?\s+(?:about\s+|roughly\s+|around\s+|some\s+|nearly\s+"
    r"|more\s+than\s+|over\s+|well\s+over\s+)?[$€£]|combined|add(?:s|ed)?\s+up|amount(?:s|ed)?\s+to"
    r"|sum(?:s|med)?\s+to|together\s+(?:are\s+)?worth|worth\s+a\s+combined)"
    r"|\b(?:which|that)\s+now\s+(?:totals?|stands?\s+at|is\s+worth|comes?\s+to)\b"
    r"|\b(?:now\s+)?totals?\s+(?:about\s+|roughly\s+|around\s+|some\s+|nearly\s+|more\s+than\s+"
    r"|over\s+)?[$€£][\d.,]+\s*(?:bn|billion|b|trillion|tn)?\s+(?:across|over|in|from)\s+"
    r"(?:\w+\s+){0,2}(?:contracts|deals|agreements|commitments|expansions)"
    r"|\b(?:putting|puts|taking|lifting|pushing)\s+(?:\w+\s+){0,3}?(?:at|to)\s+(?:nearly\s+|about\s+"
    r"|roughly\s+|more\s+than\s+|over\s+)?[$€£\d]"
    r"|\bbringing\s+(?:the\s+|its\s+|their\s+)?(?:total|tally|overall)\b"
    r"|\b(?:brings?|bringing|takes?|taking)\s+(?:the|its|their)\s+(?:[\w'-]+\s+){0,8}?to\s+"
    r"(?:about\s+|nearly\s+|roughly\s+|more\s+than\s+|over\s+|some\s+)?[$€£\d]"
    r"|[$€£][\d.,]+\s*(?:bn|billion|trillion|tn)?\s+(?:of\s+|in\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:with|from|across|among)\s+(?-i:[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?)"
    r"(?:,\s+(?-i:[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?)){1,}(?:,?\s+and\s+[A-Z]|,)",
    _F,
)
# words that make any amount in the sentence a sum
_TALLY_WORDS_RE = re.compile(
    r"\b(?:in\s+(?:total|all)|altogether|cumulative(?:ly)?|all\s+told|so\s+far\s+this\s+year"
    r"|to\s+date|year[- ]to[- ]date|backlog|remaining\s+performance\s+obligations|RPO"
    r"|order\s+book)\b",
    _F,
)
_DENIED_RE = re.compile(
    r"\b(?:passed\s+on|pass(?:es|ing)?\s+on\s+(?:the|an|its)\s+(?:option|chance|right)"
    r"|chose\s+not\s+to|decided\s+not\s+to|opted\s+not\s+to|declin(?:ed|es|ing)\s+(?:to\s+"
    r"(?:exercise|renew|extend|take|buy|sign)|the\s+option)|did\s+not\s+(?:exercise|renew|take)"
    r"|walk(?:ed|s|ing)?\s+away|back(?:ed|s|ing)?\s+(?:out|away)|(?:put|is|was)\s+on\s+ice"
    r"|stall(?:ed|s|ing)|no\s+longer|not\s+happening|won't\s+happen|dropp(?:ed|ing)\s+"
    r"(?:plans?|the\s+(?:plan|deal|expansion|option))|abandon(?:ed|s|ing)"
    r"|let\s+(?:the|an|its)\s+option\s+(?:lapse|expire))\b",
    _F,
)
_RELATED_RE = re.compile(
    r"^\W*(?:related(?:\s+(?:on|stories|coverage|reading|articles?))?|read\s+(?:more|next|also)"
    r"|see\s+also|also\s+read|more\s+(?:from|on|stories)|recommended|trending|most\s+read"
    r"|popular|previously|earlier\s+coverage|from\s+the\s+archive)\b",
    _F,
)
# the sentence itself says the deal is news of the day
_SAME_DAY_NEWS_RE = re.compile(
    r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening|week)|on\s+(?:Monday|Tuesday"
    r"|Wednesday|Thursday|Friday|Saturday|Sunday)|just\s+(?:announced|signed|inked|struck)"
    r"|newly\s+(?:signed|announced)|(?:the|that)\s+same\s+day"
    r"|hours\s+(?:after|before|earlier|later)|earlier\s+(?:in\s+the\s+day|that\s+day)"
    r"|(?:also|separately)\s+(?:announced|signed|said))\b"
    # a second news item of the same story: "Separately, X has agreed to buy ..."
    r"|^\W*(?:separately|in\s+(?:a\s+)?separate\s+(?:announcement|deal|release)|elsewhere"
    r"|also\s+on\s+\w+day)\b",
    _F,
)


# "X and Y enlarged the cloud agreement they signed in November": an expansion is news even
# when the sentence dates the agreement it enlarges
EXPANDS_AGREEMENT_RE = re.compile(
    r"\b(?:enlarg|expand|extend|increas|upsiz|amend|broaden|grow|widen)\w*\s+(?:their|its|the|an)"
    r"\s+(?:existing\s+)?(?:[\w-]+\s+){0,3}?(?:agreement|contract|deal|partnership|commitment)s?\b",
    _F,
)
# a look back or a guide: every deal it names is old news
_RETROSPECTIVE_TITLE_RE = re.compile(
    r"\b(?:year\s+in|(?:a\s+)?look(?:ing)?\s+back|retrospective|explainer|explained|how\s+to\s+read"
    r"|what\s+to\s+know|a\s+guide|primer|lessons\s+from|timeline|anatomy\s+of|FAQ"
    r"|what\s+(?:the|those)\s+\w+\s+(?:numbers|headlines)\s+mean|in\s+review"
    r"|(?:19|20)\d\d\s+in\s+(?:[\w-]+\s+){0,3}(?:deals|contracts|compute|infrastructure))\b",
    _F,
)
# a month named as when something happened: "in October", "(September)", "back in March",
# "on March 10", "January's $2bn"
_WHEN_MONTH_RE = re.compile(
    rf"(?:\b(?i:in|since|during|back\s+in|last|this\s+past|on|(?:early|late|mid)[- ])\s+"
    rf"(?:(?i:early|late|mid)[- ]?\s*)?|\(\s*(?i:reported\s+|announced\s+|signed\s+)?)"
    rf"(?P<month>{MONTH_RE})(?:\s+(?P<day>\d{{1,2}})(?!\d))?(?:,?\s+(?P<year>(?:19|20)\d\d))?"
    rf"|\b(?P<month2>{MONTH_RE})(?:'s|’s)\s"
    rf"|(?:'s|’s|\b(?i:the|its|their|a))\s+(?P<month3>{MONTH_RE})\s+(?:[$€£]|(?i:announcement|deal"
    rf"|agreement|contract|pact|letter|order|commitment|tie-up|partnership|expansion)s?\b)",
)
# OEM server makers: buying their servers equips a deal, it is not a compute or chip deal
OEMS = frozenset(
    {"Dell", "Super Micro", "Supermicro", "HPE", "Hewlett Packard Enterprise", "Lenovo",
     "Foxconn", "Quanta", "Wistron", "Inventec", "Gigabyte"}
)  # fmt: skip
_HOLDING_RE = re.compile(
    r"\b(?:will\s+)?(?:hold|holds|holding|owns?|owning|retains?|keeps?)\s+(?:an?\s+|its\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:investment|stake|interest|position|shareholding)\b(?!\s+(?:of\s+)?"
    r"(?:new|additional|more))|\b(?:which|that)\s+(?:already\s+)?(?:holds|owns)\b",
    _F,
)
# a party named only as the make of the hardware: "Nvidia-based capacity", "AMD-powered"
_MODIFIER_SUFFIX_RE = (
    r"[- ](?:based|powered|backed|built|equipped|accelerated|designed|made|branded)\b"
)
_HYPOTHETICAL_RE = re.compile(
    r"(?:^|[.;:]\s+|\s[—–-]\s)\W*(?:if|suppose|imagine|assuming)\b|\bif,\s+say\b|\bwhat\s+if\b"
    r"|\bhypothetical(?:ly)?\b|\bwere\s+to\s+(?:sign|agree|buy|commit)|\bin\s+theory\b"
    r"|\bfor\s+(?:example|instance),\s+if\b|\b(?:goal|ambition|aspiration|target)\s+(?:of|to)\b"
    r"|\ban\s+ambition\b",
    _F,
)


def _months_before(sentence: str, published: date) -> bool | None:
    """True when every month the sentence dates something by lies two weeks or more before
    ``published`` (False when one does not; None when it names none)."""
    found = False
    for m in _WHEN_MONTH_RE.finditer(sentence):
        month = month_number(m.group("month") or m.group("month2") or m.group("month3"))
        if not month:
            continue
        year = int(m.group("year")) if m.group("year") else None
        if year is None:
            year = published.year if month <= published.month else published.year - 1
        day = int(m.group("day")) if m.group("day") else 28
        try:
            when = date(year, month, min(day, 28))
        except ValueError:
            continue
        found = True
        if when >= published - RECAP_AFTER:
            return False
    return True if found else None


# --------------------------------------------------------------------------- rules
def related_link(c: CandidateView, doc: DocumentView) -> str | None:
    """A "Related:" / "Read more" line names another story's deal."""
    return BACKGROUND if _RELATED_RE.search(c.sentence) else None


def declined_or_abandoned(c: CandidateView, doc: DocumentView) -> str | None:
    """ "Microsoft passed on the option", "the talks stalled", "chose not to exercise"."""
    return DENIED if _DENIED_RE.search(c.sentence) else None


def dated_weeks_before(c: CandidateView, doc: DocumentView) -> str | None:
    """The sentence dates the deal two weeks or more before the document."""
    dated = c.explicit_date and c.announced_on and doc.published
    if dated and c.announced_on < doc.published - RECAP_AFTER:
        return RECAP
    return None


def retrospective_document(c: CandidateView, doc: DocumentView) -> str | None:
    """A year in review, an explainer or a guide reports no deal of its own."""
    if _RETROSPECTIVE_TITLE_RE.search(doc.title) and not _SAME_DAY_NEWS_RE.search(c.sentence):
        return BACKGROUND
    return None


def dated_by_month_before(c: CandidateView, doc: DocumentView) -> str | None:
    """ "in October", "(September)", "announced on March 10": every month the sentence
    dates the deal by is two weeks or more before the document."""
    if doc.published is None or c.is_title or _SAME_DAY_NEWS_RE.search(c.sentence):
        return None
    if EXPANDS_AGREEMENT_RE.search(c.sentence):
        return None  # "enlarged the agreement they signed in November": the month is the original's
    return RECAP if _months_before(c.sentence, doc.published) else None


# ", announced on March 10," — an aside dating a deal the sentence only refers to
_APPOSITIVE_DATE_RE = re.compile(
    rf",\s+(?:first\s+)?(?:announced|signed|unveiled|disclosed|struck|inked|agreed)\s+(?:on\s+|in\s+)?"
    rf"(?P<month>{MONTH_RE})\s+(?P<day>\d{{1,2}})(?:,?\s+(?P<year>(?:19|20)\d\d))?\s*,"
)
APPOSITIVE_RECAP_AFTER = timedelta(days=3)


def dated_aside(c: CandidateView, doc: DocumentView) -> str | None:
    """ "OpenAI's $11.9 billion contract with CoreWeave, announced on March 10, absorbed it":
    a deal dated in an aside days before the document is one the document refers to."""
    if doc.published is None:
        return None
    m = _APPOSITIVE_DATE_RE.search(c.sentence)
    if not m:
        return None
    month = month_number(m.group("month"))
    year = int(m.group("year")) if m.group("year") else doc.published.year
    try:
        when = date(year, month or 1, int(m.group("day")))
    except ValueError:
        return None
    if when > doc.published:  # a date later in the year belongs to last year
        when = date(year - 1, when.month, min(when.day, 28))
    return RECAP if when < doc.published - APPOSITIVE_RECAP_AFTER else None


def equipment_purchase(c: CandidateView, doc: DocumentView) -> str | None:
    """Servers bought from an OEM (Dell, Supermicro) to fulfil a contract the document is
    about; a purchase the headline itself reports ("xAI buys $5bn of Dell servers") stays."""
    oem = c.deal_type == "chip_supply" and c.pair.provider in OEMS
    if oem and doc.title.strip() and c.pair.provider not in doc.title_companies:
        return BACKGROUND
    return None


def hypothetical(c: CandidateView, doc: DocumentView) -> str | None:
    """ "If, say, Microsoft agreed to a $1B backstop", "If you were still carrying..."."""
    return HYPOTHETICAL if _HYPOTHETICAL_RE.search(c.sentence) else None


def held_not_bought(c: CandidateView, doc: DocumentView) -> str | None:
    """ "Microsoft will hold an investment worth $135 billion", "Nvidia, which owns 6%":
    a holding described, not an investment made."""
    if c.deal_type == "equity_investment" and _HOLDING_RE.search(c.sentence):
        return BACKGROUND
    return None


_LIST_START_RE = re.compile(r"\b(?:with|from|including|among|between)\s+", _F)
_LIST_WORD_RE = re.compile(r"(?-i:[A-Z0-9][\w.&'’-]*),?|and|&|the", _F)


def _listed_names(sentence: str) -> list[str]:
    """The name lists that follow "with / from / including / among": "with Amazon, Nvidia
    and SoftBank" gives "Amazon, Nvidia and SoftBank"."""
    out = []
    for m in _LIST_START_RE.finditer(sentence):
        words = []
        for word in sentence[m.end() : m.end() + 160].split():
            if not _LIST_WORD_RE.fullmatch(word):
                break
            words.append(word)
            if word[-1] in ".;:":
                break
        if sum(w.lower() in ("and", "&") or w.endswith(",") for w in words):
            out.append(" ".join(words))
    return out


def listed_counterparties(c: CandidateView, doc: DocumentView) -> str | None:
    """Names listed together as someone's counterparties ("signed agreements with Google
    Cloud and CoreWeave", "with Amazon, Nvidia and SoftBank supplying it") are not a deal
    between each other."""
    b, p = c.buyer_text.strip(), c.provider_text.strip()
    if not b or not p:
        return None
    for names in _listed_names(c.sentence):
        if b in names and p in names:
            return BACKGROUND
    return None


def coordinated_each(c: CandidateView, doc: DocumentView) -> str | None:
    """ "Nvidia and SoftBank are each investing $30 billion": two companies doing the same
    thing side by side, not a deal between them."""
    b, p = re.escape(c.buyer_text.strip()), re.escape(c.provider_text.strip())
    if not b or not p:
        return None
    side_by_side = (
        rf"\b(?:{b}\s+(?:and|&)\s+{p}|{p}\s+(?:and|&)\s+{b})\b[^.;]{{0,30}}?\b(?:each|both)\b"
    )
    return BACKGROUND if re.search(side_by_side, c.sentence, _F) else None


_UNNAMED_RE = re.compile(
    r"^(?:Customer|Client|Tenant|Party|Counterparty|Purchaser|Buyer|Supplier|Vendor)\s+"
    r"(?:[A-Z]|\d{1,2}|One|Two|Three)$"
)


def unnamed_counterparty(c: CandidateView, doc: DocumentView) -> str | None:
    """A filing's "Customer A" / "Customer B": the counterparty is not named."""
    if _UNNAMED_RE.match(c.buyer_text.strip()) or _UNNAMED_RE.match(c.provider_text.strip()):
        return BACKGROUND
    return None


def roundup_headline(c: CandidateView, doc: DocumentView) -> str | None:
    """A wrap-up's headline ("The week in AI infrastructure: Broadcom's 10GW, Oracle's AMD
    order") strings several stories together; its pairs are unreliable and each story is
    read from the body."""
    return BACKGROUND if c.is_title and _ROUNDUP_TITLE_RE.search(doc.title) else None


def named_as_hardware(c: CandidateView, doc: DocumentView) -> str | None:
    """The provider appears only as the make of someone's hardware ("Nvidia-based
    capacity", "AMD-powered clusters"): supplier context, not a deal with it."""
    name = c.provider_text.strip()
    if not name:
        return None
    uses = [m.end() for m in re.finditer(re.escape(name), c.sentence)]
    if uses and all(re.match(_MODIFIER_SUFFIX_RE, c.sentence[end:], _F) for end in uses):
        return BACKGROUND
    return None


def sum_or_running_total(c: CandidateView, doc: DocumentView) -> str | None:
    """A sum or a running total: "OpenAI's contracts total $22.4 billion", "about $1T with
    Nvidia, AMD and Oracle", "$625 billion of backlog".

    A tally clause after the deal's own amount ("another $1.4 billion, bringing the total
    to $3.2 billion") leaves the deal alone: only a candidate whose value sits in or after
    the tally, or that has no value of its own, is a tally."""
    if _TALLY_WORDS_RE.search(c.sentence):
        return TALLY
    own = c.sentence.find(c.value_text) if c.value_text else -1
    own_end = own + len(c.value_text or "")
    for m in _TALLY_RE.finditer(c.sentence):
        if own < 0 or own_end > m.start():
            return TALLY
    return None


def outside_the_story(c: CandidateView, doc: DocumentView) -> str | None:
    """Neither the headline nor the lead names this pair, the document is not a wrap-up of
    several deals, and the sentence does not say the deal is news of the day: it is
    background (an older deal recalled for context)."""
    if doc.roundup or c.is_title or len(doc.focus) < 2:
        return None
    if c.pair.names <= doc.focus:
        return None
    if _SAME_DAY_NEWS_RE.search(c.sentence):
        return None
    return BACKGROUND


RULES: tuple[tuple[str, Rule], ...] = (
    ("related_link", related_link),
    ("retrospective_document", retrospective_document),
    ("declined_or_abandoned", declined_or_abandoned),
    ("hypothetical", hypothetical),
    ("equipment_purchase", equipment_purchase),
    ("roundup_headline", roundup_headline),
    ("held_not_bought", held_not_bought),
    ("listed_counterparties", listed_counterparties),
    ("unnamed_counterparty", unnamed_counterparty),
    ("coordinated_each", coordinated_each),
    ("named_as_hardware", named_as_hardware),
    ("dated_weeks_before", dated_weeks_before),
    ("dated_by_month_before", dated_by_month_before),
    ("dated_aside", dated_aside),
    ("sum_or_running_total", sum_or_running_total),
    ("outside_the_story", outside_the_story),
)


# "Three capacity agreements were announced on 3 November", "four deals in one day"
_SEVERAL_DEALS_RE = re.compile(
    r"\b(?:two|three|four|five|six|seven|several|multiple|a\s+string\s+of|a\s+flurry\s+of"
    r"|a\s+run\s+of|[2-9])\s+(?:\w+\s+){0,2}?(?:deals|agreements|contracts|pacts|announcements)\b",
    _F,
)


def is_roundup(title: str, lead: str, list_items_with_deals: int) -> bool:
    """A wrap-up: its headline or lead says it reports several deals, or its body lists
    several deals as items."""
    return (
        bool(_ROUNDUP_TITLE_RE.search(title or ""))
        or bool(_SEVERAL_DEALS_RE.search(lead))
        or list_items_with_deals >= 2
    )


def decide(c: CandidateView, doc: DocumentView) -> Decision:
    """The status of one candidate: the first rule of :data:`RULES` that fires, else new."""
    for name, rule in RULES:
        status = rule(c, doc)
        if status is not None:
            return Decision(status, name)
    return Decision(NEW, "reported")
