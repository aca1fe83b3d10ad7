"""Rule-based extraction of AI-compute deal mentions from a document's text.

No model, no network: compiled regexes over sentences in which the companies are replaced by
placeholders (``⟦0⟧``, ``⟦1⟧``...), so role patterns read like grammar:
``⟦p⟧ ... will supply ... to ⟦b⟧``. Measured by :mod:`pipelines.extract.evaluate`
(``csi eval``) on eval/devset and sources/recordings.

Pipeline for one document
-------------------------
0. Opinion pieces ("Opinion:", "Comment:", "Column:" titles) yield nothing: they discuss
   deals, they do not report them.
1. Companies: the gazetteer's, plus the document's own names
   (:mod:`pipelines.extract.entities`): companies it does not know, recognised from a
   corporate suffix, a listing, an "About X" heading or an appositive ("X, a GPU cloud
   provider"), with their short form ("Strandway"); and defined terms ("the Company", a
   filing's registrant; ``Microsoft Corporation ("Customer")``).
2. Split the text into sentences (paragraphs are "\n"-separated); the title, when it is
   not already the first line of the text, is read as an extra sentence (it can enrich a
   body mention, or stand alone with ``evidence_start == evidence_end == 0``).
3. Per sentence: skip unless it carries a deal cue (deal noun/verb) and a compute, money
   or equity cue; drop rumours/talks/denials/negations/hypotheticals, comments on media
   reports, exploratory agreements ("to explore"), capex guidance, product launches, M&A,
   property purchases and financings (IPOs, notes, credit facilities). Clauses that recap
   an earlier deal ("builds on a $14.2 billion agreement signed last September", "days
   after X said...", ", which has signed deals with A, B and C,") are masked; sentences
   anchored in the past ("in March", "on September 30, 2025" a month or more before
   publication, "last week", "earlier this month", "two weeks ago", "recently") are
   recaps. Reported speech keeps its news: "X said it had signed" is not a recap.
4. Parties: companies in the clause, minus chipmakers used as hardware modifiers
   ("Nvidia GB300 GPUs"), projects ("additional Stargate capacity"), companies named as
   examples ("neoclouds like X") and companies in masked recap clauses. With one party, an
   anaphor ("the company", "it", "we", "the round") is resolved to the previous sentence's
   subject or the document's main company.
5. Several deals in one sentence: clauses split at ";", "while", ", and X will...", "under
   which", ", with X standing behind it", ", backed by X"; "A and B ... $X and $Y,
   respectively" gives one clause per pair; a gapped "... and B up to $5 billion" repeats
   the first clause's verb and object.
6. Roles: every ordered pair gets a score = pattern votes (passive "was selected by",
   "X will supply ... to Y", "Y taps X", "Y will rent ... from X", "Y commits $N to X",
   "Y, a customer of X"; landlord grammar: the owner of the site provides ("at its campus",
   "at X's data center", "a campus developed by X"), the tenant has "lease obligations",
   exercises "its option" or is "granted an option", the party that books the "contracted
   revenue" provides) + a role prior used only as a tie-breaker (ai_lab > hyperscaler >
   other > neocloud > chipmaker for who buys; different priors for equity and backstop
   deals). The best pair wins. Sentences naming both parties without a deal ("Y will run
   its workloads at X's campus") still vote on the orientation of their deal.
7. Type: backstop (unused/residual capacity, backstop; a backstop of a tenant's
   obligations goes to the tenant's landlord in the same document), equity_investment
   (stake, investment in, funding round led by; an invested amount wins over a purchase
   in the same clause; warrants or shares issued as part of a commercial deal are no
   deal), chip_supply (the provider is a chipmaker and chips/GPUs/systems are sold),
   expansion (expanding or extending an existing agreement, an additional order, a
   second order *with the same party*; not a "relationship", not "additional capacity"
   alone), else capacity_contract. A sentence that says nothing of what is traded ("X
   entered into an order form with Y for $6.3 billion") lends its value and date to a
   typed deal between the same two companies instead of being a mention of its own.
8. Value: the amount nearest the deal ("$14B deal", "worth $X", "commits $X", "the total
   contract value of the Agreement is $X", "$X of contracted revenue over the term") beats
   amounts about revenue, backlog, funding, valuation, equity received, running totals
   ("the total value of its agreements ... is now $22.4 billion") and sums. A value stated
   before its deal (an 8-K's "The initial value of the Order is $6.3 billion." then "Under
   the Order, ...") is kept for the next deal of the same parties.
9. Merge per document: candidates with the same two parties and deal family (capacity and
   expansion together) become one mention; the value kept is the most precise exact one
   from the most informative sentence. Continuation sentences ("The agreement runs
   through 2031", "Each Lease has a term of 15 years", "Total base rent is $2.9 billion")
   enrich the latest mention. Recaps are never emitted.

Conventions (the labelling rules of eval/devset/README.md): ``duration_years`` is a stated
term only ("five-year", "over seven years"); "through December 2031" fills ``end_date``; a bare
year ("through 2031", usually a delivery schedule) gives no end date; "completed by the end of
2029" gives 2029-12-31. Equity mentions carry no hardware or power fields. Site sizes ("its
2 GW campus") and what capacity could run ("enough to run two million chips") are not the
deal's power or GPU count.

Known weaknesses (honest list; measured numbers in ``csi eval``)
--------------------------------------------------------------
* Regexes, not a parser: long sentences with several clauses and three or more companies
  can still pair the wrong two, and role priors decide when no pattern fires (two neoclouds
  in "X signs Y colocation deal" with no site, revenue or option cue: the first named buys).
* Unknown companies are found only from a suffix, listing, "About" heading, appositive or
  filing cover; an invented name used bare ("Quillfeather taps Vultr") is not a party.
* Recap detection is lexical: a past deal told without a date, "previously", "recently",
  "earlier" or a recap connective reads as news; a new deal told with "last week" reads as
  a recap.
* Conditional/hedged language is matched by keywords ("would", "could", "might", "talks",
  "reports"): unusual hedges slip through, and a real deal quoted with "would" is missed.
* Values: annual amounts ("$30 billion a year") are taken as the deal value when they are
  the only figure; currencies are converted with the small dated table in
  :mod:`pipelines.extract.numbers`; ranges keep their lower bound.
* Deal typing: "expansion" needs an explicit link to an existing agreement; a second
  contract described only as "additional capacity" stays a capacity_contract; chip
  purchases from non-chipmakers (server makers are "chipmaker" in the seed) depend on the
  seed's role.
* GPU model: the most specific model named in the deal's sentences wins, which can be a
  later generation mentioned for a second tranche.
* Dates: relative weekdays resolve against the publication date; a document without a
  date falls back to the feed date, then to undated mentions.

Confidence (0..1), additive and documented in :func:`_confidence`:
0.35 for two parties with a deal cue, +0.20 roles set by grammar (not only the prior),
+0.15 a value, +0.10 a deal noun and a signing verb together, +0.05 duration/GPU/power,
+0.05 supported by two or more sentences, -0.15 a party from an anaphor, -0.15 a recap
of an older deal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from pipelines.extract.docpass import (
    EXPANDS_AGREEMENT_RE,
    NEW,
    CandidateView,
    Decision,
    DocumentView,
    Pair,
    decide,
    is_roundup,
)
from pipelines.extract.entities import DocumentNames, might_name_company
from pipelines.extract.gazetteer import Company, Gazetteer
from pipelines.extract.numbers import (
    MONEY_HINT_RE,
    Duration,
    Money,
    announced_date,
    find_duration,
    find_gpu_count,
    find_gpu_model,
    find_money,
    find_power_mw,
    gpu_specificity,
    past_anchor,
)

EXTRACTOR_VERSION = "rules-0.3.0"

DEAL_TYPES = ("capacity_contract", "expansion", "chip_supply", "equity_investment", "backstop")
VALUE_QUALIFIERS = ("exact", "up_to", "at_least", "approx")


@dataclass
class Mention:
    buyer: str
    provider: str
    buyer_text: str
    provider_text: str
    deal_type: str
    value_usd: float | None
    value_qualifier: str | None
    value_text: str | None
    currency: str | None
    duration_years: float | None
    end_date: date | None
    gpu_model: str | None
    gpu_count: int | None
    power_mw: float | None
    announced_on: date | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float


# =========================================================================== vocabulary
_F = re.IGNORECASE

# characters mapped 1:1 so offsets survive normalisation
_NORM = str.maketrans(
    {
        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u200b": " ",
        "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2011": "-",
        "\u2010": "-", "\u00ad": "-", "\t": " ", "\r": "\n",
    }
)  # fmt: skip

DEAL_NOUN = (
    r"(?:deal|deals|agreement|agreements|contract|contracts|pact|pacts|partnership|commitment"
    r"|commitments|arrangement|order|orders|lease|leases|tie-up|offtake|accord|MSA|order\s+form"
    r"|letter\s+of\s+intent|memorandum\s+of\s+understanding|term\s+sheet|collaboration)"
)
DEAL_NOUN_RE = re.compile(rf"\b{DEAL_NOUN}\b", _F)
_SIGN_VERB_RE = re.compile(
    r"\b(?:sign(?:s|ed|ing)?|ink(?:s|ed|ing)?|str(?:ike|ikes|uck|iking)|reach(?:es|ed)?"
    r"|agree(?:s|d)?|enter(?:s|ed)?\s+into|award(?:s|ed)?|finali[sz](?:e|es|ed)|seal(?:s|ed)?"
    r"|announc(?:e|es|ed)|unveil(?:s|ed)|land(?:s|ed)?|won|wins|secur(?:e|es|ed)|clinch(?:es|ed)?)\b",
    _F,
)
DEAL_VERB_RE = re.compile(
    r"\b(?:sign(?:s|ed|ing)?|ink(?:s|ed|ing)?|str(?:ike|ikes|uck|iking)|reach(?:es|ed)?"
    r"|agree(?:s|d)?|enter(?:s|ed)?\s+into|award(?:s|ed)?|commit(?:s|ted|ting)?"
    r"|suppl(?:y|ies|ied|ying)|provid(?:e|es|ed|ing)|deliver(?:s|ed|ing)?|rent(?:s|ed|ing)?"
    r"|leas(?:e|es|ed|ing)|buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)|order(?:s|ed)?"
    r"|invest(?:s|ed|ing|ment|ments)?|tap(?:s|ped|ping)?|select(?:s|ed|ing)?|cho(?:se|oses|osen)"
    r"|picks?|picked|hire(?:s|d)?|expand(?:s|ed|ing)?|extend(?:s|ed|ing)?|secur(?:e|es|ed|ing)"
    r"|lands?|landed|won|wins|host(?:s|ed|ing)?|pay(?:s|ing)?|paid"
    r"|spend(?:s|ing)?|spent|backstop\w*|stake|warrants?|sell(?:s|ing)?|sold"
    r"|contracted|enlist(?:s|ed)?|engag(?:e|es|ed)|rais(?:es|ed|ing))\b",
    _F,
)
# weak verbs count as a deal cue only next to a quantity (money, GPU count, MW)
WEAK_VERB_RE = re.compile(
    r"\b(?:us(?:e|es|ed|ing)|access(?:es|ed|ing)?|deploy(?:s|ed|ing)?|run(?:s|ning)?"
    r"|turn(?:s|ed)\s+to|rel(?:y|ies|ied|ying)\s+on|tap(?:s|ped)?\s+into|get(?:s|ting)?|gain(?:s|ed)?)\b",
    _F,
)
COMPUTE_CUE_RE = re.compile(
    r"\b(?:compute|computing|capacity|GPUs?|chips?|accelerators?|cloud|data[- ]cent(?:er|re)s?"
    r"|infrastructure|servers?|clusters?|supercomputers?|megawatts?|gigawatts?|MW|GW|TPUs?"
    r"|Trainium\w*|Blackwell|Rubin|Hopper|Instinct|AI|processors?|systems|hosting|colocation"
    r"|campus|racks?|[A-Z]{1,2}\d{2,3}[A-Z]?)\b"
)
EQUITY_CUE_RE = re.compile(
    r"\b(?:stake|stakes|equity|invest(?:s|ed|ing|ment|ments|or|ors)?|warrants?|shares|stock|funding"
    r"|round|valuation|backing|backed)\b",
    _F,
)
# cue words for the pre-filter: a superset of what a candidate sentence needs
PREFILTER_CUES = (
    "deal", "agree", "contract", "pact", "partnership", "commit", "order", "lease",
    "sign", "ink", "strik", "struck", "suppl", "provid", "deliver", "rent", "buy", "bought",
    "purchas", "invest", "stake", "warrant", "tap", "select", "chose", "chos", "pick", "hire",
    "expand", "extend", "secur", "land", "won", "win", "host", "power", "pay", "paid", "spend",
    "spent", "backstop", "sell", "sold", "use", "award", "reach", "enter", "turn", "rel",
    "enlist", "engag", "offtake", "tie-up", "accord", "msa", "arrangement", "memorandum",
    "letter of intent", "term sheet", "collaboration",
)  # fmt: skip

_RUMOUR_RE = re.compile(
    r"\b(?:in\s+(?:advanced\s+|early\s+|late[- ]stage\s+|exclusive\s+|final\s+|ongoing\s+)?"
    r"(?:talks|discussions|negotiations)|negotiat(?:ing|es|e)|(?:is|are|was|were)\s+said\s+to"
    r"|reportedly\s+(?:in|considering|nearing|exploring|weighing|planning|close|mulling|looking"
    r"|seeking|discussing)|nearing\s+(?:a|an)\s+(?:\w+\s+)?(?:deal|agreement|contract)"
    r"|close\s+to\s+(?:a|an|signing|finali[sz]ing|reaching)|explor(?:es|ing|ed)\s+(?:a|an)"
    r"|consider(?:s|ing)\s+(?:a|an)|weigh(?:s|ing)\s+(?:a|an)|mulling|rumou?r(?:s|ed)?"
    r"|speculat\w+|potential\s+(?:\w+\s+)?(?:deal|agreement|contract|partnership)"
    r"|(?:media|press|news|recent)\s+reports|reports\s+(?:stating|suggesting|claiming)"
    r"|(?:agreement|collaboration|partnership|memorandum|MOU|alliance)\s+to\s+(?:jointly\s+)?"
    r"(?:explore|study|evaluate|investigate|assess|examine)"
    r"|(?:is|are)\s+aware\s+of|(?:does|do|did)\s+not\s+comment|declined\s+to\s+comment\s+on\s+"
    r"(?:the\s+)?(?:reports?|speculation|rumou?rs?)"
    r"|possible\s+(?:\w+\s+)?(?:deal|agreement|contract)|proposed\s+(?:deal|agreement|contract)"
    r"|could\s+(?:sign|ink|strike|reach|announce)|may\s+(?:sign|ink|strike|reach|announce)"
    r"|might|if\s+(?:it\s+is\s+|they\s+are\s+)?(?:finali[sz]ed|completed|signed|approved)"
    r"|(?:hopes|hoping|aims|aiming|seeks|seeking|plans|planning|wants|intends)\s+to\s+"
    r"(?:sign|ink|strike|reach|secure|land|win|close)"
    r"|(?:did\s+not|didn't|has\s+not|hasn't|have\s+not|haven't|had\s+not|does\s+not|doesn't"
    r"|won't|will\s+not|not\s+yet|never|yet\s+to)\s+(?:\w+\s+)?(?:sign|signed|agree|agreed"
    r"|finali[sz]ed?|close|closed|commit|committed|ink|inked|reach|reached|struck|strike"
    r"|enter|entered|confirm|confirmed|a\s+customer)"
    r"|no\s+(?:deal|agreement|contract)|without\s+(?:a|an)\s+(?:deal|agreement)"
    r"|den(?:y|ies|ied|ying)|refut\w+|dismiss(?:ed|es)\s+(?:the\s+|a\s+)?reports?"
    r"|(?:report|reports|reported)\s+(?:that\s+)?(?:was|were|is|are)\s+(?:false|inaccurate|untrue)"
    r"|fell\s+through|collapsed|called\s+off|scrapp(?:ed|ing)|cancel(?:l?ed|s|ling)?|terminat\w+"
    r"|walked\s+away|pull(?:ed|s)\s+out)\b",
    _F,
)
_WOULD_RE = re.compile(r"\b(?:would|could)\b", _F)
_REPORTED_SPEECH_RE = re.compile(
    r"\b(?:said|says|announced|agreed|confirmed|noted|stated|added|told|disclosed|expects)\b[^.]{0,30}$",
    _F,
)
_CAPEX_RE = re.compile(
    r"\b(?:capex|capital\s+expenditures?|capital\s+spending|capital\s+outlays?"
    r"|(?:expects?|expected|plans?|planned|intends?|aims?|projects?|forecasts?|budgets?"
    r"|earmark(?:s|ed)?)\s+(?:to\s+)?(?:spend|invest)\w*\s+(?:[\w$€£.,~-]+\s+){0,4}?"
    r"(?:on|in(?!\s+⟦)|this|next|over))\b",
    _F,
)
_GUIDANCE_RE = re.compile(
    r"\b(?:spending\s+(?:plans?|guidance|forecast)|guidance|forecast(?:s|ed)?|outlook)\b", _F
)
_LAUNCH_RE = re.compile(
    r"\b(?:launch(?:es|ed|ing)?|unveil(?:s|ed|ing)?|introduc(?:e|es|ed|ing)|debut(?:s|ed)?"
    r"|roll(?:s|ed)?\s+out|generally\s+available|general\s+availability|now\s+available"
    r"|available\s+(?:on|in|through|via)|availability\s+of|in\s+preview)\b",
    _F,
)
_MNA_RE = re.compile(
    r"\b(?:all-stock|all-cash|stock-for-stock|per\s+share|tender\s+offer|takeover|buyout"
    r"|merger|merge\s+with|acquisition\s+of\s+⟦|to\s+be\s+acquired|agreed\s+to\s+be\s+acquired)\b"
    r"|\b(?:acquir(?:e|es|ed|ing)|buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)|takes?\s+over|took\s+over)"
    r"\s+(?:(?!stake|capacity|compute|chips|GPUs|from|with|to|for|in|on|at|by)[\w'-]+\s+){0,3}?"
    r"⟦\d+⟧(?!'s\s|\s+(?:GPUs?|chips"
    r"|capacity|compute|servers|systems|accelerators|hardware|cloud\s+capacity))",
    _F,
)
_FINANCING_RE = re.compile(
    r"\b(?:IPO|initial\s+public\s+offering|public\s+offering|(?:share|stock|equity|notes?|bonds?"
    r"|debt|convertible|secondary)\s+offering|offering\s+of\s+(?:[\w-]+\s+){0,3}?(?:notes|shares"
    r"|bonds)|credit\s+facility|term\s+loan|revolving|senior\s+(?:secured\s+|unsecured\s+)?notes"
    r"|convertible\s+notes|bond\s+sale|debt\s+financing|loan\s+facility)\b",
    _F,
)
_PROPERTY_RE = re.compile(
    r"\b(?:acquir\w+|buy(?:s|ing)?|bought|purchas\w+)\s+(?:[\w$.,'-]+\s+){0,5}?"
    r"(?:site|sites|campus|campuses|land|property|properties|facility|facilities|building"
    r"|buildings|acres|parcel|real\s+estate|data\s+cent(?:er|re)s?)\b(?!\s+capacity)",
    _F,
)
_BACKSTOP_RE = re.compile(
    r"\b(?:backstop\w*|(?:unused|unsold|residual|excess|idle|remaining|leftover|spare|surplus"
    r"|unutili[sz]ed|unfilled|uncontracted)\s+(?:[\w-]+\s+){0,3}?capacity"
    r"|capacity\s+(?:that\s+)?(?:is\s+|goes\s+)?(?:not\s+)?(?:un)?(?:used|sold)"
    r"|to\s+the\s+extent\s+(?:such\s+|the\s+)?capacity\s+is\s+not\s+(?:purchased|used|sold)"
    r"|(?:to\s+the\s+extent|if|when|only\s+if)\s+(?:⟦\d+⟧|it|the\s+\w+)\s+(?:cannot|can't|can\s+not"
    r"|is\s+unable\s+to|fails\s+to|does\s+not|doesn't)\s+(?:sell|place|lease|rent|resell)"
    r"|if\s+unsold|unsold\s+(?:capacity|portion|share)"
    r"|any\s+(?:[\w-]+\s+){0,2}?(?:capacity|compute)\b[^.]{0,60}?\b(?:does\s+not|doesn't|do\s+not"
    r"|don't|did\s+not|cannot"
    r"|can't|fails?\s+to|unable\s+to|not\s+able\s+to|un(?:able|sold|used))"
    r"|(?:guarantee[sd]?|guaranteeing)\s+to\s+(?:buy|purchase)|buyer\s+of\s+last\s+resort"
    r"|(?:guarantee[sd]?|guaranteeing|stand(?:s|ing)?\s+behind|stood\s+behind|cover(?:s|ed|ing)?)"
    r"\s+(?:[^;⟦]{0,40}?\s)?(?:of\s+)?(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:rent|lease|obligations"
    r"|payments))\b",
    _F,
)
_EQUITY_STRONG_RE = re.compile(
    r"\b(?:stake|stakes|equity\s+(?:investment|stake|interest|position|holding)|funding\s+round"
    r"|securities\s+purchase\s+agreement|share\s+purchase\s+agreement|private\s+placement"
    r"|series\s+[a-h]\b|round\s+of\s+funding|investment\s+in\s+⟦"
    r"|invest(?:s|ed|ing)?\s+(?:[^.⟦;]{0,80}?\s)?in\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?⟦"
    r"|led\s+(?:a|an|the)\s+(?:\S+\s+){0,4}?round|raised\s+(?:\S+\s+){0,4}?from\s+⟦"
    r"|(?:round|funding|financing|raise|investment)\b[^.⟦]{0,30}?\bled\s+by\s+⟦"
    r"|shares\s+of\s+⟦|of\s+⟦\d+⟧(?:'s)?\s+(?:common\s+|class\s+\w\s+)?(?:stock|shares)\b"
    r"|(?:⟦\d+⟧'s\s+)?(?:strategic\s+)?investment\s+(?:from|by)\s+⟦"
    r"|invest(?:s|ed|ing|ment)?\s+(?:[^.]{0,40}?\s)?in\s+(?:the|this)\s+(?:company|startup|firm"
    r"|business|lab|developer)|(?:put|puts|putting|pour|pours|pouring|plough|plow|inject)\w*"
    r"\s+(?:[^.⟦]{0,40}?\s)?into\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?⟦"
    r"|buy(?:s|ing)?\s+into|bought\s+into)",
    _F,
)
_EXPANSION_WORDS = (
    r"(?:expand(?:s|ed|ing)?|extend(?:s|ed|ing)?|increas(?:e|es|ed|ing)|upsiz(?:e|es|ed|ing)"
    r"|boost(?:s|ed|ing)?|amend(?:s|ed|ing)?|broaden(?:s|ed|ing)?|deepen(?:s|ed|ing)?"
    r"|grow(?:s|ing)?|grew|enlarg(?:e|es|ed|ing)|top(?:s|ped)?\s+up)"
)
_AGREEMENT_WORDS = (
    r"(?:agreement|deal|contract|partnership|commitment|order|pact|arrangement|lease|tie-up"
    r"|order\s+form|MSA)s?"
)
_EXPANSION_STRONG_RE = re.compile(
    rf"\b{_EXPANSION_WORDS}\s+(?:[\w'-]+\s+){{0,3}}?{_AGREEMENT_WORDS}\b"
    rf"|\b{_AGREEMENT_WORDS}\s+(?:expansion|extension|increase|upsize|amendment)\b"
    rf"|\b(?:expansion|extension|amendment|upsizing)\s+(?:of|to)\s+(?:[\w'-]+\s+){{0,3}}?"
    rf"{_AGREEMENT_WORDS}\b"
    rf"|\b(?:expanded|extended|amended|enlarged|upsized)\s+(?:[\w'-]+\s+){{0,2}}?{_AGREEMENT_WORDS}\b"
    r"|\b(?:additional|follow-on|further)\s+(?:[$€£][\d.,]+\s*\w*\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:order|contract|agreement|commitment|tranche)s?\b"
    r"|\b(?:another|second|third|follow-on|repeat)\s+(?:[$€£][\d.,]+\s*\w*\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:order|contract|agreement|commitment|deal)s?\s+(?:with|from)\s+⟦"
    r"|\b(?:existing|current|previous|prior|earlier|original|initial)\s+(?:[\w-]+\s+){0,2}?"
    rf"{_AGREEMENT_WORDS}\b[^.]{{0,80}}?\b{_EXPANSION_WORDS}\b"
    rf"|\b(?:{_EXPANSION_WORDS}|add(?:s|ed|ing)?)\b[^.]{{0,80}}?\b(?:existing|current|previous"
    rf"|prior|earlier|original|initial)\s+(?:[\w-]+\s+){{0,2}}?{_AGREEMENT_WORDS}\b"
    rf"|\bexercis(?:e|es|ed|ing)\s+(?:an|its|the|their|a)\s+(?:[\w-]+\s+)?options?\s+(?:to|for)\s+"
    rf"(?:an?\s+)?(?:{_EXPANSION_WORDS}|add|additional)\b",
    _F,
)
# buying or supplying compute: such a clause is not an equity deal even if warrants ride along
_COMPUTE_TRADE_RE = re.compile(
    r"\b(?:rent|leas|buy|bought|purchas|procur|use|access|suppl|provid|deliver|deploy|sell|sold)\w*"
    r"\s+(?:[^.]{0,50}?\s)?(?:capacity|compute|GPUs?|chips|cloud|accelerators|processors|systems"
    r"|servers|gigawatts?|megawatts?|GW|MW|TPUs?)\b",
    _F,
)
_HARDWARE_RE = re.compile(
    r"\b(?:GPUs?|chips?|accelerators?|processors?|superchips?|systems|servers?|hardware|racks?"
    r"|silicon|TPUs?|Trainium\w*|Instinct|Blackwell|Rubin|Hopper|graphics|semiconductors?"
    r"|networking|switches|memory|[A-Z]{1,2}\d{2,3}[A-Z]?s?)\b"
)
_CAPACITY_OBJECT_RE = re.compile(
    r"\b(?:cloud|capacity|compute\s+capacity|computing\s+capacity|instances|hosting"
    r"|colocation|data\s+cent(?:er|re)\s+capacity)\b",
    _F,
)

# recap clauses: masked out before values are read
_RECAP_CLAUSE_RE = re.compile(
    r"\b(?:builds?\s+on|built\s+on|building\s+on|follows|following|comes?\s+(?:on\s+top\s+of|after)"
    r"|on\s+top\s+of|in\s+addition\s+to|adds\s+to)(?=\s+(?:[\w$€£.,'⟦⟧-]+\s+){0,10}?"
    rf"(?:{DEAL_NOUN}|[$€£]\d))"
    r"|\b(?:after\s+(?:a|an|its|their|the)\s+"
    r"(?:(?:earlier|previous|prior|initial|original|first)\s+)?(?:[$€£][\d.,]+\s*\w*\s+)?(?:\w+\s+){0,2}?"
    rf"{DEAL_NOUN}|(?:bringing|brings|brought|takes|taking|lifting|lifts|raising|raises)\s+"
    r"(?:the|its|their)\s+(?:\w+\s+){0,3}?(?:total|value|backlog|commitments?)"
    r"|(?:which|that)\s+(?:was\s+)?(?:signed|announced|inked|struck|agreed)\s+(?:in|last|earlier)"
    r"|previously|last\s+(?:year|month)'s|an?\s+(?:earlier|previous|prior)\s+(?:[$€£][\d.,]+\s*\w*\s+)?"
    r"|(?<=,\s)(?:which|who)\s+(?:has|have|had)\s+(?:already\s+|also\s+|previously\s+)?"
    r"(?:signed|struck|inked|agreed|announced|secured|landed|won)"
    r"|(?:(?:a\s+few|two|three|several)\s+)?(?:days|weeks|months)\s+after|(?:shortly|soon|just)\s+after"
    r"|(?:in\s+)?the\s+same\s+(?:day|week|month)\s+(?:that|as)"
    rf"(?:\w+\s+){{0,2}}?{DEAL_NOUN}|(?:earlier|previous|prior|original|initial|first)\s+"
    rf"(?:[$€£][\d.,]+\s*\w*\s+)?(?:\w+\s+){{0,2}}?{DEAL_NOUN}\s+(?:signed|announced|struck|inked|from|in|last))",
    _F,
)
_RECAP_SENTENCE_RE = re.compile(
    r"\b(?:previously|already|recently|has\s+(?:a|an)\s+(?:existing|earlier)"
    r"|had\s+(?:signed|inked|struck|agreed)"
    r"|signed\s+(?:a|an)\s+(?:earlier|previous)|the\s+(?:earlier|previous|prior|original|initial)\s+"
    rf"(?:\w+\s+){{0,2}}?{DEAL_NOUN}|since\s+(?:19|20)\d\d)\b",
    _F,
)
_FRESH_RE = re.compile(
    r"\b(?:today|this\s+week|on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    rf"|(?-i:new|latest|fresh)\s+(?:[\w$€£.-]+\s+){{0,3}}?{DEAL_NOUN}|newly\s+(?:signed|announced)"
    r"|announced\s+(?:on|today)|this\s+morning)\b",
    _F,
)
_DEAL_REF_RE = re.compile(
    rf"\b(?:the|this|that|its|their|our|such|each|every|both)\s+(?:\w+[\s-]+){{0,3}}?(?:{DEAL_NOUN}|expansion"
    r"|extension|upsizing|amendment|award|transaction)\b|\bunder\s+the\b"
    r"|\b(?:it|they)\s+(?:will|would|is|are|includes?|runs?|covers?|spans?|calls?)\b",
    _F,
)
_REPORTING_RE = re.compile(
    r"\b(?:said|says|announced|announces|disclosed|confirmed|stated|revealed|reported|told)\b", _F
)
_HAD_RE = re.compile(
    r"\bhad\s+(?=(?:\w+\s+)?(?:signed|agreed|entered|struck|inked|reached|won))", _F
)
_ASIDE_RE = re.compile(r",\s+(?:which|who|whose)\b[^,;]*,|\([^)]*\)|\s[—–]\s[^—–]*\s[—–]\s")
_EXPANSION_LINK_RE = re.compile(
    r"\b(?:builds?\s+on|on\s+top\s+of|in\s+addition\s+to|adds\s+to|expands?|extends?)\s+"
    rf"(?:an?\s+|the\s+|its\s+|their\s+)?(?:[\w$€£.,'-]+\s+){{0,5}}?{_AGREEMENT_WORDS}\b",
    _F,
)
_CONTINUATION_RE = re.compile(
    r"\b(?:[Tt]he\s+(?:company|companies|firm|capacity|GPUs|chips|compute|facility|campus|data"
    r"\s+cent(?:er|re)|cluster|deployment|provider|customer|order|filing)|[Ii]t|[Tt]hey)\b"
)
ANAPHOR_RE = re.compile(
    r"\b(?:[Tt]he\s+(?:company|firm|startup|start-up|group|neocloud|cloud\s+provider|provider"
    r"|AI\s+lab|lab|chipmaker|chip\s+maker|chip\s+designer|hyperscaler|giant|tech\s+giant"
    r"|operator|miner|developer|AI\s+company|AI\s+developer|cloud\s+company|data\s+cent(?:er|re)"
    r"\s+operator|Nasdaq-listed\s+\w+|\w+-based\s+(?:company|firm|startup|provider))"
    r"|[Ii]t(?=\s+(?:will|would|has|had|is|was|also|signed|agreed|expects|said|plans|inked))"
    r"|[Ww]e(?=\s+(?:will|have|are|signed|agreed|expect|also)))\b"
)
# a project or venture name used as a modifier: "additional Stargate data centre capacity"
_PROJECT_AFTER_RE = re.compile(
    r"^\s+(?:[\w-]+\s+)?(?:data\s+cent(?:er|re)s?|capacity|sites?|campus(?:es)?|projects?"
    r"|program(?:me)?s?|initiative|partners|facility|facilities|build-?out|expansion)\b",
    _F,
)
ROUND_ANAPHOR_RE = re.compile(
    r"\b[Tt]he\s+(?:(?:new|latest|Series\s+[A-H]|funding|equity|investment)\s+)?(?:round|raise)\b"
)
_GENERIC_BEFORE_RE = re.compile(
    r"(?:\b(?:such\s+as|like|e\.g\.,?|for\s+example,?|for\s+instance,?|including)\s+"
    r"(?:(?:⟦\d+⟧|⟪g\d+⟫)(?:'s)?,?\s+(?:and\s+|or\s+)?)*)$",
    _F,
)
_PLURAL_CLASS_RE = re.compile(
    r"\b(?:hyperscalers|neoclouds|companies|firms|labs|providers|customers|clients|players"
    r"|giants|startups|rivals|peers|competitors|buyers|names|operators|developers|others"
    r"|tech\s+companies|groups)\s*,?\s*(?:such\s+as|like|e\.g\.,?|including)\s*$",
    _F,
)
# "OpenAI's fiercest rival": the company only describes another one
_DESCRIPTOR_AFTER_RE = re.compile(
    r"^'s\s+(?:[\w-]+\s+){0,2}?(?:rival|rivals|competitor|competitors|peer|parent|owner|backer"
    r"|founder|chief|CEO|co-founder|former|ex-|spin-?off|subsidiary|unit|arm|division)\b",
    _F,
)
_PAREN_NOISE_RE = re.compile(
    r"\s*\((?:(?:NASDAQ|Nasdaq|NYSE|NYSE\s+American|TSX|LSE|OTC|TSE|ASX|NASDAQ\s+GS)\s*:\s*[\w.]+"
    r"|[\"'](?:the\s+)?[\w ]+[\"']|[\w.]+\s*:\s*[A-Z.]{1,6})\)"
)
_CORP_SUFFIX_RE = re.compile(
    r"(⟦\d+⟧)(?:,?\s+(?:Inc|Corp|Corporation|Ltd|Limited|LLC|PLC|plc|N\.V|S\.A|AG|SE|Co|Holdings"
    r"|Group|Platforms|Technologies)\b\.?)+"
)

# ---------------------------------------------------------------- role patterns
_PROVIDE_V = (
    r"(?:suppl(?:y|ies|ied|ying)|provid(?:e|es|ed|ing)|deliver(?:s|ed|ing)?|offer(?:s|ed|ing)?"
    r"|sell(?:s|ing)?|sold|host(?:s|ed|ing)?|power(?:s|ed|ing)?|serv(?:e|es|ed|ing)"
    r"|furnish(?:es|ed|ing)?|giv(?:e|es|ing)|gave|leas(?:e|es|ed|ing)|rent(?:s|ed|ing)?"
    r"|build(?:s|ing)?|built|deploy(?:s|ed|ing)?|dedicat(?:e|es|ed|ing)|allocat(?:e|es|ed|ing)"
    r"|make\s+available|bring(?:s|ing)?|ship(?:s|ped|ping)?|extend(?:s|ed|ing)?)"
)
_CONSUME_V = (
    r"(?:rent(?:s|ed|ing)?|leas(?:e|es|ed|ing)|buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)"
    r"|procur(?:e|es|ed|ing)|sourc(?:e|es|ed|ing)|acquir(?:e|es|ed|ing)|access(?:es|ed|ing)?"
    r"|obtain(?:s|ed|ing)?|secur(?:e|es|ed|ing)|reserv(?:e|es|ed|ing)|us(?:e|es|ed|ing)"
    r"|tap(?:s|ped|ping)?|draw(?:s|ing)?|order(?:s|ed|ing)?|book(?:s|ed|ing)?|get(?:s|ting)?|got"
    r"|tak(?:e|es|ing)|took|receiv(?:e|es|ed|ing)|contract(?:s|ed|ing)?|commit(?:s|ted|ting)?"
    r"|spend(?:s|ing)?|spent|pa(?:y|ys|id|ying))"
)
_TAP_V = (
    r"(?:tap(?:s|ped|ping)?|select(?:s|ed|ing)?|cho(?:se|oses|ose|osing|sen)|pick(?:s|ed|ing)?"
    r"|hir(?:e|es|ed|ing)|enlist(?:s|ed|ing)?|engag(?:e|es|ed|ing)|turn(?:s|ed|ing)?\s+to"
    r"|rel(?:y|ies|ied|ying)\s+on|lean(?:s|ed|ing)?\s+on|commission(?:s|ed|ing)?"
    r"|retain(?:s|ed|ing)?|sign(?:s|ed|ing)?\s+up|add(?:s|ed|ing)?|onboard(?:s|ed|ing)?)"
)
_PASSIVE_V = (
    r"(?:awarded|selected|tapped|chosen|picked|hired|engaged|contracted|commissioned|enlisted"
    r"|retained|named|signed|paid|backed|funded|financed|hired)"
)
_G = r"[^⟦]{0,%d}?"
_SITE_NOUN = (
    r"(?:campus|campuses|site|sites|data\s+cent(?:er|re)s?|facility|facilities|park|parks"
    r"|building|buildings)\b"
)
# descriptor words between a verb/preposition and the company ("neocloud provider X")
_D = r"(?:(?!(?:with|to|for|from|by|and|or|as|of|in|on|at|under)\b)[\w'.&$,-]+\s+){0,5}?"


def _e(name: str) -> str:
    return rf"⟦(?P<{name}>\d+)⟧"


# (regex, weight, kind) with groups b (buyer) and/or p (provider). kind: 'pair' | 'role'
_PAIR_PATTERNS: list[tuple[re.Pattern, float, str]] = [
    # X was awarded/selected ... by Y
    (
        re.compile(
            _e("p") + _G % 60 + r"\b(?:was|were|is|are|has\s+been|have\s+been|had\s+been|will\s+be"
            r"|being|been|gets|got|get)\s+(?:\w+\s+)?"
            + _PASSIVE_V
            + r"\b"
            + _G % 80
            + r"\bby\s+"
            + _D
            + _e("b"),
            _F,
        ),
        4.0,
        "passive",
    ),
    (
        re.compile(
            r"\b(?:awarded|granted)\s+(?:to\s+)?"
            + _D
            + _e("p")
            + _G % 60
            + r"\bby\s+"
            + _D
            + _e("b"),
            _F,
        ),
        4.0,
        "passive2",
    ),
    (
        re.compile(
            _e("p") + r",?\s+(?:which\s+was\s+)?" + _PASSIVE_V + r"\s+by\s+" + _D + _e("b"), _F
        ),
        4.0,
        "reduced_passive",
    ),
    # Y awarded X (a contract)
    (re.compile(_e("b") + _G % 40 + r"\bawards?(?:ed)?\s+" + _D + _e("p"), _F), 4.0, "award"),
    # Y is (now) X's biggest customer
    (
        re.compile(
            _e("b")
            + r"\s+(?:is|was|becomes|became|has\s+become|will\s+be)\s+(?:now\s+)?"
            + _e("p")
            + r"(?:'s|’s)\s+(?:[\w-]+\s+){0,2}?(?:customer|client|tenant)\b",
            _F,
        ),
        5.0,
        "customer_of",
    ),
    # X signed up / added / landed Y as a customer (or to its customer list)
    (
        re.compile(
            _e("p")
            + _G % 60
            + r"\b(?:sign(?:s|ed|ing)?\s+up|add(?:s|ed|ing)?|land(?:s|ed|ing)?|won|wins"
            r"|onboard(?:s|ed|ing)?|count(?:s|ed)?|welcom(?:es|ed))\s+"
            + _D
            + _e("b")
            + r"\s+(?:as\s+(?:a|an|its|their)\s+(?:[\w-]+\s+){0,2}?(?:customer|client|tenant)"
            r"|to\s+(?:its|the|their)\s+(?:[\w-]+\s+)?(?:customer|client)s?\b)",
            _F,
        ),
        5.0,
        "signed_up_customer",
    ),
    # X wins/lands a contract from Y
    (
        re.compile(
            _e("p") + _G % 60 + r"\b(?:won|wins|win|winning|lands?|landed|landing|clinch(?:es|ed)?"
            r"|bag(?:s|ged)?|snag(?:s|ged)?|secur(?:es|ed|ing)|nabs?|nabbed|scor(?:es|ed))\b"
            + _G % 60
            + rf"\b(?:{DEAL_NOUN}|award|business)\b"
            + _G % 40
            + r"\b(?:from|with|by)\s+"
            + _D
            + _e("b"),
            _F,
        ),
        3.0,
        "win_from",
    ),
    # X lands/signs Y as (anchor) customer
    (
        re.compile(
            _e("p")
            + _G % 60
            + r"\b(?:land|sign|add|win|won|secur|welcom|onboard|count|nam)\w*\s+"
            + _D
            + _e("b")
            + _G % 40
            + r"\bas\s+(?:an?\s+|its\s+|their\s+|the\s+)?(?:\w+\s+){0,2}?"
            r"(?:customer|client|tenant|anchor|offtaker|user)",
            _F,
        ),
        4.0,
        "as_customer",
    ),
    # Y becomes a customer of X / Y, a customer of X
    (
        re.compile(
            _e("b") + _G % 60 + r"\b(?:customer|client|tenant|user)s?\s+of\s+" + _D + _e("p"), _F
        ),
        3.0,
        "customer_of",
    ),
    # X's customer(s) (include) Y
    (
        re.compile(
            _e("p") + r"(?:'s)?\s+(?:\w+\s+){0,2}?(?:customer|client|tenant)s?"
            r"(?:\s+(?:include|includes|including|such\s+as|like|is|are|was))?,?\s+" + _D + _e("b"),
            _F,
        ),
        3.0,
        "providers_customer",
    ),
    # X (will) provide Y with ...
    (
        re.compile(
            _e("p") + _G % 80 + r"\b(?:suppl\w*|provid\w*|furnish\w*|equip\w*|arm(?:s|ed|ing)?)"
            r"\s+" + _D + _e("b") + r"(?:'s)?\s+(?:\w+\s+){0,3}?with\b",
            _F,
        ),
        3.0,
        "provide_with",
    ),
    # X (will) supply/provide ... to/for Y
    (
        re.compile(
            _e("p")
            + _G % 80
            + r"\b"
            + _PROVIDE_V
            + r"\b"
            + _G % 100
            + r"\b(?:to|for)\s+"
            + _D
            + _e("b"),
            _F,
        ),
        3.0,
        "provide_to",
    ),
    # X signs leases with Y: the landlord/developer signs leases with its tenant
    (
        re.compile(
            _e("p")
            + _G % 60
            + r"\b(?:sign(?:s|ed)?|ink(?:s|ed)?|execut(?:es|ed)|agree[sd]?)\b"
            + r"[^⟦]{0,60}?\bleases?\s+with\s+"
            + _D
            + _e("b"),
            _F,
        ),
        1.5,
        "lease_with",
    ),
    # X will host/power/serve Y('s)
    (
        re.compile(
            _e("p")
            + _G % 60
            + r"\b(?:host|power|serve|support|fuel|run|train)\w*\s+"
            + _D
            + _e("b"),
            _F,
        ),
        2.0,
        "host",
    ),
    # Y (will) rent/buy ... from X
    (
        re.compile(
            _e("b") + _G % 80 + r"\b" + _CONSUME_V + r"\b" + _G % 100 + r"\bfrom\s+" + _D + _e("p"),
            _F,
        ),
        3.0,
        "consume_from",
    ),
    # Y taps/selects/picks X
    (
        re.compile(
            _e("b")
            + _G % 60
            + r"\b"
            + _TAP_V
            + r"\s+"
            + _D
            + _e("p")
            # not "X adds a $3 billion Y contract": there Y only names the other side
            + rf"(?!(?:'s)?\s+(?:[\w-]+\s+)?{DEAL_NOUN}\b)",
            _F,
        ),
        3.0,
        "tap",
    ),
    # Y commits/pays/spends $N to/with X; Y will pay X
    (
        re.compile(
            _e("b")
            + _G % 80
            + r"\b(?:commit\w*|pa(?:y|ys|id|ying)|spend\w*|spent)\b"
            + _G % 80
            + r"\b(?:to|with|on|at)\s+"
            + _D
            + _e("p"),
            _F,
        ),
        3.0,
        "commit_to",
    ),
    (re.compile(_e("b") + _G % 60 + r"\bpa(?:y|ys|id|ying)\s+" + _D + _e("p"), _F), 3.0, "pay"),
    # Y signs with X to rent/buy/use (purpose clause)
    (
        re.compile(
            _e("b")
            + _G % 80
            + r"\bwith\s+"
            + _D
            + _e("p")
            + r"[^⟦,]{0,50}?"
            + r"\bto\s+(?:rent|buy|purchase|lease|procure|obtain|reserve)\w*",
            _F,
        ),
        1.5,
        "with_to_consume",
    ),
    # equity: Y invests in X / Y takes a stake in X / Y led a round in X
    (
        re.compile(
            _e("b") + _G % 80 + r"\b(?:invest\w*|stake|equity|shares|warrants|funding|backing"
            r"|financing|round)\b" + _G % 80 + r"\bin\s+" + _D + _e("p"),
            _F,
        ),
        3.0,
        "invest_in",
    ),
    (
        re.compile(
            _e("p")
            + _G % 80
            + r"\b(?:rais\w*|secur\w*|clos\w*|receiv\w*|land\w*|gets?|got)\b"
            + _G % 80
            + r"\b(?:from|led\s+by|backed\s+by|by)\s+"
            + _D
            + _e("b"),
            _F,
        ),
        2.5,
        "raised_from",
    ),
    (
        re.compile(
            _e("p")
            + r"'s\s+(?:[\w-]+\s+){0,3}?(?:round|raise|financing)\b[^⟦]{0,40}?\bled\s+by\s+"
            + _D
            + _e("b"),
            _F,
        ),
        3.0,
        "round_led_by",
    ),
    # X raised $1.5 billion in (new funding | a Series E round) led by Y
    (
        re.compile(
            _e("p") + r"[^⟦.]{0,60}?\b(?:rais(?:es|ed|ing)|clos(?:es|ed|ing)|secur(?:es|ed|ing)"
            r"|land(?:s|ed))\b[^⟦.]{0,80}?\b(?:round|funding|financing|raise|investment)\b[^⟦.]{0,30}?"
            r"\bled\s+by\s+" + _D + _e("b"),
            _F,
        ),
        4.0,
        "raised_led_by",
    ),
]
_ROLE_PATTERNS: list[tuple[re.Pattern, float, str]] = [
    (
        re.compile(
            _e("p") + r"[^⟦.]{0,40}?\b(?:will|would|to|has\s+agreed\s+to|agreed\s+to|is\s+set\s+to)"
            r"?\s*(?:suppl|provid|deliver|host|sell|power|offer|build)\w*\b",
            _F,
        ),
        1.5,
        "p_verb",
    ),
    (
        re.compile(
            _e("b") + r"[^⟦.]{0,40}?\b(?:rent|buy|bought|purchas|procur|commit|pays|paid|spend"
            r"|order|reserv|tap|select|cho[so]|deploy|backstop|guarantee)\w*\b",
            _F,
        ),
        1.5,
        "b_verb",
    ),
    (
        re.compile(
            r"\b(?:capacity|compute|GPUs?|chips|infrastructure|services|cloud|servers|systems"
            r"|power|space|clusters?)\s+(?:\w+\s+){0,2}?from\s+" + _D + _e("p"),
            _F,
        ),
        2.0,
        "from_p",
    ),
    (
        re.compile(
            r"\b(?:capacity|compute|GPUs?|chips|infrastructure|services|servers|systems"
            r"|clusters?)\s+(?:\w+\s+){0,2}?(?:to|for)\s+" + _D + _e("b"),
            _F,
        ),
        1.5,
        "for_b",
    ),
    (
        re.compile(
            _e("b") + r"'s\s+(?:\w+\s+){0,2}?(?:order|purchase|commitment|spending|spend"
            r"|demand|workloads?)\b",
            _F,
        ),
        1.0,
        "b_poss",
    ),
    # the owner of the site provides: "at the Company's Lake Mariner campus", "from X's
    # data center"; "X ... at its campus" (its = the clause's subject)
    (
        re.compile(
            r"\b(?:at|from|in)\s+(?:the\s+)?" + _e("p") + r"'s\s+(?:[\w-]+\s+){0,5}?" + _SITE_NOUN,
            _F,
        ),
        2.0,
        "site_owner",
    ),
    (
        re.compile(
            _SITE_NOUN + r"[^⟦.]{0,40}?\b(?:developed|built|owned|operated|constructed|run)\s+by\s+"
            r"(?:the\s+)?" + _e("p"),
            _F,
        ),
        2.0,
        "site_built_by",
    ),
    (
        re.compile(
            r"^[^⟦]{0,60}?"
            + _e("p")
            + r"(?:'s)?[^⟦]{0,160}?(?:⟦\d+⟧[^⟦]{0,120}?)?\b(?:at|from|in)\s+"
            r"its\s+(?:own\s+)?(?:[\w-]+\s+){0,5}?" + _SITE_NOUN,
            _F,
        ),
        2.0,
        "site_owner_its",
    ),
    # the tenant's obligations, the customer's option: "X's lease obligations", "X has
    # exercised its option", "grants X an option to lease"
    (
        re.compile(
            _e("b") + r"'s\s+(?:[\w-]+\s+){0,2}?(?:lease|rent|rental|payment|purchase|take-or-pay"
            r"|offtake)\s+(?:obligations|commitments|payments)",
            _F,
        ),
        2.0,
        "tenant_obligations",
    ),
    (
        re.compile(
            _e("b") + r"[^⟦.]{0,40}?\bexercis(?:e|es|ed|ing)\s+(?:its|an|the|their|a)\s+"
            r"(?:[\w-]+\s+){0,2}?options?\b",
            _F,
        ),
        2.0,
        "exercises_option",
    ),
    (
        re.compile(
            r"\bgrant(?:s|ed|ing)?\s+" + _e("b") + r"\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?"
            r"(?:option|right)s?\b",
            _F,
        ),
        2.0,
        "granted_option",
    ),
    (
        re.compile(
            r"^[^⟦]{0,60}?" + _e("p") + r"[^.]{0,200}?\b(?:in|of)\s+(?:[\w-]+\s+)?(?:contracted"
            r"|contract|committed)\s+revenues?\b",
            _F,
        ),
        1.5,
        "subject_contracted_revenue",
    ),
    # the party that books the revenue provides: "X expects the agreements to generate
    # $3.7 billion of contracted revenue"
    (
        re.compile(
            _e("p") + r"[^⟦.]{0,40}?\b(?:expects?|expected|estimates?|estimated|anticipates?"
            r"|projects?|will\s+(?:generate|recogni[sz]e|book|earn))\b[^.]{0,120}?"
            r"\b(?:revenues?|rent|sales|backlog)\b",
            _F,
        ),
        2.0,
        "books_revenue",
    ),
]

# who buys, by role, when grammar says nothing (higher rank buys)
_RANK_CAPACITY = {"ai_lab": 4, "hyperscaler": 3, "other": 2, "neocloud": 1, "chipmaker": 0}
_RANK_EQUITY = {"chipmaker": 3, "hyperscaler": 3, "other": 3, "ai_lab": 1, "neocloud": 1}
_RANK_BACKSTOP = {"chipmaker": 3, "hyperscaler": 3, "ai_lab": 2, "other": 2, "neocloud": 0}
_CLOUD_ALIAS_RE = re.compile(r"(?:cloud|azure|aws|web\s+services|\boci\b|gcp)", _F)
_MODIFIER_AFTER_RE = re.compile(
    r"^(?:'s)?[\s-]*(?:\w+[\s-]+){0,2}?(?:GPUs?|chips?|accelerators?|processors?|superchips?"
    r"|graphics|hardware|silicon|systems?|servers?|platforms?|architecture|racks?|networking"
    r"|Blackwell|Hopper|Rubin|Vera|Grace|Instinct|TPUs?|Trainium\w*|Ironwood|DGX|HGX|NVL\d*|CUDA"
    r"|Spectrum|InfiniBand|Quantum|Epyc|EPYC|Xeon|Gaudi|[A-Z]{1,2}\d{2,3}[A-Z]?s?)\b"
)
_MODIFIER_BEFORE_RE = re.compile(r"\b(?:powered\s+by|based\s+on|built\s+on|using|running)\s+$", _F)

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
_SENT_BOUNDARY_RE = re.compile(r"[.!?]+[\"')\]*_]*\s+(?=[\"'(\[*_]*[A-Z0-9$€£¥])")
_ABBREV = {
    "inc", "corp", "co", "ltd", "mr", "ms", "mrs", "dr", "st", "jr", "sr", "u.s", "u.k", "e.u",
    "no", "vs", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "n.v", "s.a", "plc", "l.p", "llc", "e.g", "i.e", "est", "fig", "gov", "sen",
    "rep", "gen", "col", "lt", "capt", "prof", "u.n", "a.m", "p.m", "ave", "dept", "mt",
}  # fmt: skip
_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


# =========================================================================== sentences
def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: paragraphs split on newlines, then on sentence punctuation followed by
    a capital, digit or currency sign, unless the word before is a known abbreviation or a
    single initial."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        start = pos
        end_para = pos + len(para)
        pos = end_para + 1
        if not para.strip():
            continue
        s = start
        for m in _SENT_BOUNDARY_RE.finditer(text, start, end_para):
            w = _WORD_BEFORE_RE.search(text, max(start, m.start() - 12), m.start())
            if w:
                word = w.group(1).lower().rstrip(".")
                if word in _ABBREV or (len(word) == 1 and text[m.start()] == "."):
                    continue
            e = m.start() + len(m.group(0).rstrip())
            if text[s:e].strip():
                spans.append(_strip_span(text, s, e))
            s = m.end()
        if text[s:end_para].strip():
            spans.append(_strip_span(text, s, end_para))
    return spans


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


# =========================================================================== candidates
@dataclass
class _Party:
    company: Company
    text: str
    start: int  # offset in the unit string
    anaphor: bool = False


@dataclass
class _Candidate:
    buyer: _Party
    provider: _Party
    deal_type: str
    money: Money | None
    money_score: float
    duration: Duration | None
    gpu_model: str | None
    gpu_count: int | None
    power_mw: float | None
    announced_on: date | None
    explicit_date: bool
    sent_start: int
    sent_end: int
    evidence: str
    grammar: bool
    recap: bool
    anaphora: bool
    is_title: bool
    deal_noun_and_verb: bool
    headline: bool
    order: int
    support: int = 1
    role_margin: float = 0.0
    origin: int = -1  # sentence offset where the deal was first seen
    beneficiary: bool = False  # backstop of the provider's own obligations (a tenant's lease)
    generic: bool = False  # typed by default: no hardware, capacity or equity word in its clause
    firm_value: bool = False  # its value is the firm part stated beside a ceiling

    @property
    def family(self) -> str:
        return (
            "capacity" if self.deal_type in ("capacity_contract", "expansion") else self.deal_type
        )

    @property
    def key(self) -> tuple[frozenset[str], str]:
        return frozenset((self.buyer.company.name, self.provider.company.name)), self.family


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


@dataclass
class _DocState:
    published: date | None
    primary: Company | None = None
    prev_subject: Company | None = None
    doc_date: date | None = None  # "Three agreements were announced on 3 November"
    candidates: list[_Candidate] = field(default_factory=list)
    order: int = 0
    # (buyer, provider) -> grammar votes from sentences that name both but carry no deal
    hints: dict[tuple[str, str], float] = field(default_factory=dict)
    # sentences naming two or three companies without a deal, read for hints if needed
    hint_units: list[tuple[str, list[tuple[int, int, Company]], frozenset[str]]] = field(
        default_factory=list
    )
    # sentences naming two or more companies that a filter turned down: (sentence,
    # companies, filter name)
    rejections: list[tuple[str, frozenset[str], str]] = field(default_factory=list)


# "Facebook parent Meta", "Microsoft's Azure": one company named twice in a row
_SAME_TWICE_RE = re.compile(
    r"⟦(\d+)⟧(?:,?\s+(?:the\s+)?(?:(?!(?:which|who|that|under|with|and|or|to|from|for|by|in|of"
    r"|on|at|as|will|would|has|have|is|was|said|says)\b)[\w-]+\s+){0,3}?)?⟦\1⟧",
    _F,
)


def _mask(
    unit: str, ents: list[tuple[int, int, Company]]
) -> tuple[str, list[_Party], list[_Party], list[_Party]]:
    """Replace party companies with ⟦i⟧; return (masked, parties, modifiers, generic)."""
    parties: list[_Party] = []
    modifiers: list[_Party] = []
    generic: list[_Party] = []
    pieces: list[str] = []
    last = 0
    for s, e, co in ents:
        before = unit[last:s]
        pieces.append(before)
        after = unit[e : e + 40]
        prior_text = "".join(pieces)[-60:]
        party = _Party(co, unit[s:e], s)
        if co.role == "chipmaker" and (
            _MODIFIER_AFTER_RE.match(after) or _MODIFIER_BEFORE_RE.search(prior_text)
        ):
            modifiers.append(party)
            pieces.append(f"⟪m{len(modifiers) - 1}⟫")
        elif (
            _DESCRIPTOR_AFTER_RE.match(after)
            or co.role == "other"
            and _PROJECT_AFTER_RE.match(after)
            or _GENERIC_BEFORE_RE.search(prior_text)
            and _PLURAL_CLASS_RE.search(
                re.sub(r"(?:⟦\d+⟧|⟪g\d+⟫)(?:'s)?,?\s+(?:and\s+|or\s+)?", "", prior_text)
            )
        ):
            generic.append(party)
            pieces.append(f"⟪g{len(generic) - 1}⟫")
        else:
            # the same company twice ("Facebook parent Meta") keeps one index
            idx = next((i for i, p in enumerate(parties) if p.company.name == co.name), None)
            if idx is None:
                parties.append(party)
                idx = len(parties) - 1
            pieces.append(f"⟦{idx}⟧")
        last = e
    pieces.append(unit[last:])
    masked = "".join(pieces)
    masked = _SAME_TWICE_RE.sub(r"⟦\1⟧", masked)
    masked = _PAREN_NOISE_RE.sub("", masked)
    masked = _CORP_SUFFIX_RE.sub(r"\1", masked)
    return masked, parties, modifiers, generic


def _unmask_modifiers(masked: str, parties: list[_Party], modifiers: list[_Party]) -> str:
    """Promote hardware-modifier chipmakers to parties (used when fewer than two remain)."""

    def repl(m: re.Match) -> str:
        mod = modifiers[int(m.group(1))]
        idx = next((i for i, p in enumerate(parties) if p.company.name == mod.company.name), None)
        if idx is None:
            parties.append(mod)
            idx = len(parties) - 1
        return f"⟦{idx}⟧"

    return re.sub(r"⟪m(\d+)⟫", repl, masked)


def _plain(masked: str, parties: list[_Party], modifiers: list[_Party]) -> str:
    """Masked text with modifiers/generic shown as words, for attribute parsing."""
    out = re.sub(r"⟪m(\d+)⟫", lambda m: modifiers[int(m.group(1))].company.name, masked)
    return re.sub(r"⟦\d+⟧|⟪g\d+⟫", "COMPANY", out)


def _role_scores(masked: str, n: int) -> tuple[dict, list[float], list[float], set[str]]:
    """Pattern votes: pair[(b, p)] for 'b buys from p'; buy[i]/prov[i] for single roles."""
    pair: dict[tuple[int, int], float] = {}
    buy = [0.0] * n
    prov = [0.0] * n
    tags: set[str] = set()
    starts = [m.start() for m in re.finditer(r"⟦\d+⟧", masked)]

    def matches(rx: re.Pattern) -> list[re.Match]:
        if rx.pattern.startswith("⟦"):
            # anchored at each placeholder, so overlapping pairs are all seen
            return [m for m in (rx.match(masked, st) for st in starts) if m]
        return list(rx.finditer(masked))

    for rx, w, tag in _PAIR_PATTERNS:
        for m in matches(rx):
            b, p = int(m.group("b")), int(m.group("p"))
            if b == p or b >= n or p >= n:
                continue
            pair[(b, p)] = max(pair.get((b, p), 0.0), w)
            tags.add(tag)
    for rx, w, tag in _ROLE_PATTERNS:
        for m in matches(rx):
            gd = m.groupdict()
            if gd.get("b") is not None and int(gd["b"]) < n:
                buy[int(gd["b"])] = max(buy[int(gd["b"])], w)
                tags.add(tag)
            if gd.get("p") is not None and int(gd["p"]) < n:
                prov[int(gd["p"])] = max(prov[int(gd["p"])], w)
                tags.add(tag)
    return pair, buy, prov, tags


def _prior(rank: dict[str, int], a: Company, b: Company) -> float:
    diff = rank.get(a.role, 2) - rank.get(b.role, 2)
    if diff == 0:
        return 0.0
    return (1.0 if diff == 1 else 1.5) * (1 if diff > 0 else -1)


def _choose_pair(
    masked: str, parties: list[_Party], pre_type: str
) -> tuple[int, int, bool, float] | None:
    n = len(parties)
    pair, buy, prov, _ = _role_scores(masked, n)
    rank = {"equity_investment": _RANK_EQUITY, "backstop": _RANK_BACKSTOP}.get(
        pre_type, _RANK_CAPACITY
    )
    positions = [next((m.start() for m in re.finditer(rf"⟦{i}⟧", masked)), 0) for i in range(n)]
    best: tuple[float, float, int, int] | None = None
    scored: list[tuple[float, float, int, int]] = []
    for a in range(n):
        for b in range(n):
            if a == b or parties[a].company.name == parties[b].company.name:
                continue
            grammar = pair.get((a, b), 0.0) - pair.get((b, a), 0.0)
            grammar += buy[a] + prov[b] - 0.5 * (prov[a] + buy[b])
            if _CLOUD_ALIAS_RE.search(parties[b].text):
                grammar += 0.5
            if _CLOUD_ALIAS_RE.search(parties[a].text):
                grammar -= 0.5
            prior = _prior(rank, parties[a].company, parties[b].company)
            involved = max(pair.get((a, b), 0.0), pair.get((b, a), 0.0))
            involved += max(buy[a], prov[a]) + max(buy[b], prov[b])
            # prefer pairs the grammar talks about, then close pairs, then the first subject
            closeness = -abs(positions[a] - positions[b]) / 400.0
            subject = 0.3 if 0 in (a, b) else 0.0
            tie = 0.05 if positions[a] < positions[b] else 0.0  # first-named buys, on a tie
            total = grammar + prior + 0.5 * min(involved, 3.0) + closeness + subject + tie
            scored.append((total, grammar, a, b))
            if best is None or total > best[0]:
                best = (total, grammar, a, b)
    if best is None:
        return None
    total, grammar, a, b = best
    reverse = next((s for s in scored if s[2] == b and s[3] == a), None)
    margin = total - reverse[0] if reverse else total
    return a, b, grammar > 0.4, margin


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


def _mask_recap_clauses(unit: str) -> tuple[str, bool]:
    """Blank out clauses that recap an earlier deal; True if any was found."""
    found = False
    out = unit
    for m in _RECAP_CLAUSE_RE.finditer(unit):
        found = True
        start = m.start()
        stop = len(unit)
        for nxt in _CLAUSE_END_RE.finditer(unit, m.end()):
            # a comma inside a list of names ("deals with Oracle, Microsoft and CoreWeave,")
            # does not end the clause
            if nxt.group(0).startswith(",") and _LIST_ITEM_RE.match(unit, nxt.end() - 1):
                continue
            stop = nxt.start()
            break
        out = out[:start] + " " * (stop - start) + out[stop:]
    return out, found


def _mask_past_asides(masked: str, published: date | None) -> str:
    """Blank out asides that tell an older story: "X, which last year signed a $14.2 billion
    contract with Y, has ..." (the aside's deal is background, the sentence may be news)."""
    if "," not in masked and "(" not in masked and "—" not in masked and "–" not in masked:
        return masked
    out = masked
    for m in _ASIDE_RE.finditer(masked):
        aside = m.group(0)
        if "⟦" not in aside:
            continue
        if (
            past_anchor(aside, published)
            or _RECAP_SENTENCE_RE.search(aside)
            or _PERFECT_DEAL_RE.search(aside)
        ):
            out = out[: m.start()] + " " * (m.end() - m.start()) + out[m.end() :]
    return out


_PERFECT_DEAL_RE = re.compile(
    r"\b(?:has|have|had)\s+(?:\w+\s+)?(?:signed|struck|inked|agreed|secured|landed|won|announced)\b",
    _F,
)
_CLAUSE_END_RE = re.compile(r"[,;:]\s|\s[—–]\s|\s--\s")
_LIST_ITEM_RE = re.compile(
    r"\s(?:and\s+|or\s+)?(?:⟦\d+⟧|[A-Z][\w.&'-]*(?:\s[A-Z][\w.&'-]*){0,3})(?:'s)?\s*(?:,|and\b|or\b)"
)


def _is_hard_negative(unit: str) -> bool:
    if _RUMOUR_RE.search(unit):
        return True
    for m in _WOULD_RE.finditer(unit):
        if not _REPORTED_SPEECH_RE.search(unit[max(0, m.start() - 60) : m.start()]):
            return True
    return False


_CLAUSE_SPLIT_RE = re.compile(
    r",?\s+(?=(?:in\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?)?under\s+which\b)|;\s+|,\s+(?=(?:while|whereas|and\s+separately|separately)\b)"
    r"|,\s+(?=which\s+⟦\d+⟧)|,\s+(?=with\s+⟦\d+⟧\s+[a-z]+ing\b)"
    r"|,\s+(?=(?i:backed|supported|guaranteed|underwritten|financed|funded)\s+by\s+⟦)"
    r"|,\s+(?=and\s+(?:that\s+)?⟦\d+⟧(?:\s+(?:and|&)\s+⟦\d+⟧)?\s+(?:[a-z]+ly\s+)?(?:will|has|have"
    r"|had|is|are|was|were|also|signed|agreed))"
    r"|\s+(?=and\s+⟦\d+⟧\s+(?:up\s+to\s+|about\s+|roughly\s+|as\s+much\s+as\s+|another\s+)?"
    r"(?:US)?[$€£]\s?\d)"
    r"|,?\s+and\s+(?=(?:[a-z]+ing|also|separately)\s)|,\s+(?=[a-z]+ing\s+(?:a|an|the|to|its)\s)",
)
_SUBJECT_CLAUSE_RE = re.compile(r"^\s*(?:and\s+|while\s+|whereas\s+|also\s+)?(?:[a-z]+ing\b)", _F)
_PARALLEL_CLAUSE_RE = re.compile(r"^\s*(?:while|whereas|and)\b", _F)
# a sentence introduces a deal (rather than discussing a known one) when it has a signing or
# transaction verb, a quantity, or an indefinite deal noun ("a $14B deal", "a new agreement")
_TRANSACT_RE = re.compile(
    r"\b(?:will|shall|would|to|agreed\s+to|agrees\s+to|has\s+agreed\s+to|have\s+agreed\s+to"
    r"|committed\s+to|commits\s+to|is\s+set\s+to|are\s+set\s+to|is\s+to|are\s+to|plans\s+to)\s+"
    r"(?:also\s+)?(?:supply|provide|rent|lease|buy|purchase|deliver|deploy|host|invest|pay|spend"
    r"|commit|put|take|acquire|procure|use|access|build|sell|offer|make)\b"
    r"|\b(?:committ(?:ed|ing)|commits|tapp(?:ed|ing)|taps|selects|selected|chose|picks|picked"
    r"|hired|awarded|invested|invests|backstop\w*|pledg\w+)\b",
    _F,
)
_INTRO_NOUN_RE = re.compile(
    rf"\b(?:a|an|new|first|second|another|separate|fresh|multi-?year|multibillion(?:-dollar)?"
    rf"|billion-dollar|landmark|major|long-term|\d+-year|[a-z]+-year)\s+(?:[\w$.,'-]+\s+){{0,5}}?"
    rf"{DEAL_NOUN}\b(?!\s+of\s+(?:this|that|such)\s)",
    _F,
)
_FRAMING_RE = re.compile(r"^\s*(?:For|To)\s+⟦\d+⟧(?:'s\s+\w+)?,")
_COORDINATED_RE = re.compile(r"⟦\d+⟧\s+and\s+⟦\d+⟧")


_MONEYISH = (
    r"(?:(?:up\s+to|about|roughly|approximately|around|nearly|as\s+much\s+as|more\s+than|over"
    r"|at\s+least)\s+)?(?:US)?[$€£]\s?\d[\d.,]*(?:\s?(?:trillion|billion|million|bn|mn|tn|[bmk]))?\b"
)
_RESPECTIVELY_RE = re.compile(
    r"^(?P<pre>.*?)⟦(?P<a>\d+)⟧\s+and\s+⟦(?P<b>\d+)⟧(?P<mid>.*?)(?P<m1>" + _MONEYISH + r")"
    r",?\s+and\s+(?P<m2>" + _MONEYISH + r"),?\s+respectively\b,?(?P<post>.*)$",
    _F | re.S,
)
_OBLIGATIONS = (
    r"(?:[\w-]+\s+){0,2}?(?:lease|rent|rental|payment|purchase|contract\w*|take-or-pay)?\s*"
    r"(?:obligations|commitments|payments)"
)
_BACKSTOP_NOUN_RE = re.compile(
    r"\b(?:provid|offer|extend|giv|put\s+in\s+place|enter\w*\s+into)\w*\s+(?:a|an|the)?\s*"
    r"(?:[\w-]+\s+)?(?:backstop|guarantee)\b",
    _F,
)
# "X will invest up to $100bn in Y ..." is an investment even if Y then buys X's systems
_INVEST_AMOUNT_RE = re.compile(
    r"\binvest(?:s|ed|ing)?\s+(?:[^.⟦]{0,30}?\s)?(?:US)?[$€£]\s?\d[^.⟦]{0,40}?\bin\s+⟦", _F
)
_INVEST_WORD_RE = re.compile(r"\b(?:invest\w*|stakes?|funding|round)\b", _F)
_WARRANT_RE = re.compile(
    r"\b(?:warrants?|(?:issu\w+|grant\w*|receiv\w+)\s+(?:[^.]{0,40}?\s)?(?:shares|stock|equity)"
    r")\b",
    _F,
)


def _respectively(masked: str) -> list[str] | None:
    """ "A and B will invest $10B and $5B, respectively, in C" -> one clause per investor."""
    if "respectively" not in masked.lower():
        return None
    m = _RESPECTIVELY_RE.match(masked)
    if m is None:
        return None
    pre, mid, post = m.group("pre"), m.group("mid"), m.group("post")
    return [
        f"{pre}⟦{m.group('a')}⟧{mid}{m.group('m1')}{post}",
        f"{pre}⟦{m.group('b')}⟧{mid}{m.group('m2')}{post}",
    ]


def _clauses(masked: str) -> list[str]:
    """Split a masked sentence into clauses that may carry their own deal."""
    return [p for p in _CLAUSE_SPLIT_RE.split(masked) if p and p.strip()]


def _renumber(masked: str, remap: dict[int, int]) -> str:
    return re.sub(r"⟦(\d+)⟧", lambda m: f"⟦{remap[int(m.group(1))]}⟧", masked)


def _introduces_deal(txt: str, attrs: _Attrs) -> bool:
    return bool(
        attrs.money
        or attrs.gpu_count
        or attrs.power_mw
        or _SIGN_VERB_RE.search(txt)
        or _TRANSACT_RE.search(txt)
        or _INTRO_NOUN_RE.search(txt)
    )


_RAISED_LED_BY_RE = re.compile(
    r"\b(?:rais(?:es|ed|ing)|clos(?:es|ed|ing))\b[^⟦;]{0,80}?\b(?:round|funding|financing)\b"
    r"[^⟦.]{0,30}?\bled\s+by\s+⟦",
    _F,
)
# "Google has agreed to rent computing capacity at an Nscale data centre": a deal stated
# without a value or a deal noun
_AGREED_TRADE_RE = re.compile(
    r"\b(?:has|have|had)\s+agreed\s+to\s+(?:rent|lease|buy|purchase|take|use)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:capacity|compute|computing|GPUs?|chips|servers|space|power|data\s+cent(?:er|re)\s+space)\b"
    # a customer relationship stated as such: "signed up X as a customer", "is now X's
    # biggest customer", "building dedicated capacity for X"
    r"|\bsign(?:s|ed|ing)?\s+up\s+⟦\d+⟧\s+as\s+(?:a|an|its)\s+(?:[\w-]+\s+)?(?:customer|client"
    r"|tenant)\b|\b(?:is|was|becomes|became|has\s+become)\s+(?:now\s+)?⟦\d+⟧(?:'s|’s)\s+"
    r"(?:[\w-]+\s+)?(?:customer|client|tenant)\b"
    r"|\b(?:is|are)\s+building\s+(?:dedicated\s+)?(?:[\w-]+\s+)?capacity\s+for\s+⟦\d+⟧",
    _F,
)
_STOCK_PURCHASE_RE = re.compile(
    r"\b(?:buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)|acquir(?:e|es|ed|ing))\s+[^⟦;]{0,40}?"
    r"\bof\s+⟦\d+⟧(?:'s)?\s+(?:common\s+|class\s+\w\s+|newly\s+issued\s+)?(?:stock|shares)\b",
    _F,
)
_LEASE_RE = re.compile(r"\b(?:lease|leases|leasing|sublease)\b", _F)
_ARROW_RE = re.compile(r"(⟦\d+⟧)\s*(?:→|->|⟶|⇒|=>)\s*(⟦\d+⟧)")


def _analyze_unit(
    unit: str,
    sent_start: int,
    sent_end: int,
    evidence: str,
    ents: list[tuple[int, int, Company]],
    state: _DocState,
    is_title: bool,
    recap_sentence: bool,
    headline: bool = False,
) -> tuple[list[_Candidate], _Attrs | None, list[_Party]]:
    """Candidates from one sentence (``unit``; entity offsets relative to it). A sentence
    naming two companies that a filter turns down is recorded in ``state.rejections`` with
    the filter's name, so ``csi eval --explain`` can say why a deal was not found."""
    published = state.published

    def reject(rule: str, kept_attrs: _Attrs | None) -> tuple[list, _Attrs | None, list]:
        names = frozenset(p.company.name for p in parties_all)
        if len(names) >= 2:
            state.rejections.append((evidence, names, rule))
        return [], kept_attrs, parties_all

    masked_all, parties_all, modifiers, generic = _mask(unit, ents)
    # a wrap-up's "Buyer → Provider, $38 billion" heading: the arrow runs buyer to provider
    masked_all = _ARROW_RE.sub(r"\1 agreed a contract to buy compute capacity from \2", masked_all)
    has_noun = bool(DEAL_NOUN_RE.search(masked_all))
    raised = _RAISED_LED_BY_RE.search(masked_all) is not None  # "raised $1.5bn led by X"
    if not (
        has_noun or raised or DEAL_VERB_RE.search(masked_all) or WEAK_VERB_RE.search(masked_all)
    ):
        # no deal cue at all: only details for an earlier mention, parsed if ever needed
        return reject(
            "no_deal_cue",
            _attrs(
                lambda: _plain(_mask_recap_clauses(masked_all)[0], parties_all, modifiers),
                published,
            ),
        )
    cleaned, had_recap_clause = _mask_recap_clauses(masked_all)
    cleaned = _mask_past_asides(cleaned, published)
    attrs = _attrs(_plain(cleaned, parties_all, modifiers), published, equity=raised)
    if _is_hard_negative(masked_all):
        return reject("talks_denial_or_conditional", None)
    if _MNA_RE.search(cleaned) and not _EQUITY_STRONG_RE.search(cleaned):
        return reject("merger_or_acquisition", None)
    if (
        _FINANCING_RE.search(cleaned)
        and not _COMPUTE_TRADE_RE.search(cleaned)
        and not _BACKSTOP_RE.search(cleaned)
    ):
        return reject("fund_raising", None)  # IPOs, notes, loans: raising money is not compute
    if _PROPERTY_RE.search(cleaned) and not re.search(r"\b(?:for|to)\s+⟦\d+⟧", cleaned):
        return reject("property_purchase", None)
    has_noun = bool(DEAL_NOUN_RE.search(cleaned))
    if not (
        has_noun
        or DEAL_VERB_RE.search(cleaned)
        or (WEAK_VERB_RE.search(cleaned) and attrs.quantity)
        or (raised and attrs.quantity)
    ):
        return reject("no_deal_word", attrs)
    if _CAPEX_RE.search(cleaned) or (_GUIDANCE_RE.search(cleaned) and not has_noun):
        return reject("capex_or_guidance", attrs)
    if _LAUNCH_RE.search(cleaned) and not (has_noun and _SIGN_VERB_RE.search(cleaned)):
        return reject("product_launch", attrs)
    quantity = attrs.quantity
    if not (
        COMPUTE_CUE_RE.search(cleaned)
        or quantity
        or EQUITY_CUE_RE.search(cleaned)
        or _BACKSTOP_RE.search(cleaned)
        or _LEASE_RE.search(cleaned)  # a data-centre lease is the deal in this trade
    ):
        return reject("no_compute_or_equity_word", attrs)
    if _FRAMING_RE.search(cleaned):
        return reject("commentary_framing", attrs)  # "For Nebius, a contract of this size ..."
    expanded = EXPANDS_AGREEMENT_RE.search(masked_all) is not None
    agreed_trade = expanded or _AGREED_TRADE_RE.search(cleaned) is not None
    if not (has_noun or quantity or agreed_trade) or not (
        _introduces_deal(cleaned, attrs) or agreed_trade
    ):
        return reject("refers_to_a_known_deal", attrs)  # "the deal answers a criticism ..."
    if (
        _COORDINATED_RE.search(cleaned)
        and not quantity
        and not expanded
        and not _SIGN_VERB_RE.search(cleaned)
        and not _TRANSACT_RE.search(cleaned)
    ):
        return reject("coordinated_subjects", attrs)  # "OpenAI and Anthropic are growing ..."

    out: list[_Candidate] = []
    units = _respectively(cleaned)
    if units is None:
        # several deals: three parties, or an investment next to a purchase ("X will invest
        # $100bn in Y, under which Y will deploy 10GW of X systems")
        split = len(parties_all) > 2 or (
            _EQUITY_STRONG_RE.search(cleaned) is not None
            and _COMPUTE_TRADE_RE.search(cleaned) is not None
        )
        units = _clauses(cleaned) if split else [cleaned]
    multi = len(units) > 1
    first_party: int | None = None
    m0 = re.search(r"⟦(\d+)⟧", cleaned)
    if m0:
        first_party = int(m0.group(1))
    prev: _Candidate | None = None
    for clause in units:
        parties = list(parties_all)
        clause_txt = clause
        inherited = False
        forced_type: str | None = None
        if multi:
            present = sorted({int(i) for i in re.findall(r"⟦(\d+)⟧", clause)})
            # a participle or "and ..." clause inherits the sentence subject
            if (
                len(present) == 1
                and first_party is not None
                and first_party not in present
                and _SUBJECT_CLAUSE_RE.match(clause)
            ):
                present = [first_party, *present]
                clause = f"⟦{first_party}⟧ " + clause
                inherited = True
            # "X will put $5B into A, while Y will invest $10B": Y invests in A too
            elif (
                len(present) == 1
                and prev is not None
                and _PARALLEL_CLAUSE_RE.match(clause)
                and prev.provider.company.name != parties[present[0]].company.name
            ):
                pidx = next(
                    (
                        i
                        for i, p in enumerate(parties)
                        if p.company.name == prev.provider.company.name
                    ),
                    None,
                )
                if pidx is not None:
                    present = [*present, pidx]
                    clause = clause.rstrip(" .;:,") + f" in ⟦{pidx}⟧"
                    inherited = True
                    if prev.deal_type == "equity_investment":
                        forced_type = prev.deal_type  # "... and Y up to $5 billion"
            sub = [parties[i] for i in present]
            clause_txt = _renumber(clause, {old: new for new, old in enumerate(present)})
            parties = sub
        else:
            # parties whose mention was masked (a recap clause) are not candidates
            present = sorted({int(i) for i in re.findall(r"⟦(\d+)⟧", clause_txt)})
            if len(present) < len(parties):
                parties = [parties[i] for i in present]
                clause_txt = _renumber(clause_txt, {old: new for new, old in enumerate(present)})
        promoted = False
        n_real = len(parties)
        if len(parties) < 2 and "⟪m" in clause_txt:
            clause_txt = _unmask_modifiers(clause_txt, parties, modifiers)
            promoted = True
        anaphora = False
        rm = ROUND_ANAPHOR_RE.search(clause_txt) if len(parties) == 1 else None
        if (
            rm is not None
            and state.primary is not None
            and state.primary.name != parties[0].company.name
        ):
            # "The round is led by X": the round is the main company's
            parties.append(_Party(state.primary, rm.group(0), rm.start(), anaphor=True))
            clause_txt = (
                clause_txt[: rm.start()] + f"⟦{len(parties) - 1}⟧'s round" + clause_txt[rm.end() :]
            )
            anaphora = True
        if len(parties) == 1:
            # resolve "the company"/"it"/"we" to the previous subject or the main company
            am = ANAPHOR_RE.search(clause_txt)
            other = None
            for cand in (state.prev_subject, state.primary):
                if cand is not None and cand.name != parties[0].company.name:
                    other = cand
                    break
            if am and other is not None and (has_noun or attrs.money):
                parties.append(_Party(other, am.group(0), am.start(), anaphor=True))
                clause_txt = (
                    clause_txt[: am.start()] + f"⟦{len(parties) - 1}⟧" + clause_txt[am.end() :]
                )
                anaphora = True
        if len(parties) < 2:
            continue
        if (
            multi
            and forced_type is None
            and not (DEAL_NOUN_RE.search(clause_txt) or DEAL_VERB_RE.search(clause_txt))
            and not (
                WEAK_VERB_RE.search(clause_txt)
                and (find_power_mw(clause_txt) or find_gpu_count(clause_txt))
            )
        ):
            continue
        pre_type = "capacity_contract"
        if forced_type is not None:
            pre_type = forced_type
        elif _BACKSTOP_RE.search(clause_txt):
            pre_type = "backstop"
        elif (
            _WARRANT_RE.search(clause_txt)
            and not _INVEST_WORD_RE.search(clause_txt)
            and not _COMPUTE_TRADE_RE.search(clause_txt)
        ):
            continue  # warrants or shares issued as part of a commercial deal: no new deal
        elif _STOCK_PURCHASE_RE.search(clause_txt) or _RAISED_LED_BY_RE.search(clause_txt):
            # "buys $2 billion of CoreWeave stock", "raised $1.5bn in a round led by X": the
            # money is equity even beside compute words ("backs 5 GW build-out")
            pre_type = "equity_investment"
        elif _EQUITY_STRONG_RE.search(clause_txt) and (
            not _COMPUTE_TRADE_RE.search(clause_txt) or _INVEST_AMOUNT_RE.search(clause_txt)
        ):
            pre_type = "equity_investment"
        if pre_type == "backstop":
            # "agreed to provide a backstop of ..." : the backstopper is the subject
            clause_txt = _BACKSTOP_NOUN_RE.sub("backstop", clause_txt)
        chosen = _choose_pair(clause_txt, parties, pre_type)
        if chosen is None:
            continue
        a, b, grammar, margin = chosen
        beneficiary = pre_type == "backstop" and bool(
            re.search(rf"⟦{b}⟧'s\s+{_OBLIGATIONS}", clause_txt, _F)
            # "... of the rent and related obligations Fluidstack owes under the leases"
            or re.search(
                rf"(?:obligations|payments|rent)\s+(?:that\s+)?⟦{b}⟧\s+(?:owes|pays|has)",
                clause_txt,
                _F,
            )
        )
        if promoted and (not grammar or a >= n_real):
            continue  # "includes Nvidia GB300 systems" is not a chip deal by itself
        buyer, provider = parties[a], parties[b]
        deal_type = pre_type
        if pre_type == "capacity_contract":
            if provider.company.role == "chipmaker" and not (
                _CAPACITY_OBJECT_RE.search(clause_txt) and not _HARDWARE_RE.search(clause_txt)
            ):
                deal_type = "chip_supply"
            elif (
                _EXPANSION_STRONG_RE.search(clause_txt)
                or had_recap_clause
                and re.search(
                    r"\b(?:builds?\s+on|on\s+top\s+of|in\s+addition\s+to|adds\s+to|bringing)\b",
                    masked_all,
                    _F,
                )
            ):
                deal_type = "expansion"
        cattrs = attrs
        if multi or pre_type == "equity_investment":
            cattrs = _attrs(
                _plain(clause_txt, parties, modifiers),
                published,
                equity=pre_type == "equity_investment",
            )
            if multi and cattrs.date == published and attrs.explicit_date:
                cattrs.date, cattrs.explicit_date = attrs.date, True
        cand = _Candidate(
            buyer=buyer,
            provider=provider,
            deal_type=deal_type,
            money=cattrs.money,
            money_score=cattrs.money_score,
            duration=cattrs.duration,
            gpu_model=cattrs.gpu_model or (attrs.gpu_model if multi else None),
            gpu_count=cattrs.gpu_count,
            power_mw=cattrs.power_mw,
            announced_on=cattrs.date,
            explicit_date=cattrs.explicit_date,
            sent_start=sent_start,
            sent_end=sent_end,
            evidence=evidence,
            grammar=grammar,
            recap=recap_sentence,
            anaphora=anaphora,
            is_title=is_title,
            deal_noun_and_verb=bool(
                DEAL_NOUN_RE.search(clause_txt) and _SIGN_VERB_RE.search(clause_txt)
            ),
            headline=headline or is_title,
            order=state.order,
            role_margin=margin,
            beneficiary=beneficiary,
            firm_value=bool(
                cattrs.money is not None
                and cattrs.money.qualifier in ("exact", "approx")
                and _FIRM_VALUE_RE.search(clause_txt)
            ),
            generic=pre_type == "capacity_contract"
            and not COMPUTE_CUE_RE.search(clause_txt)
            and not _HARDWARE_RE.search(clause_txt)
            # a cloud brand ("Azure services", "AWS") says what is traded
            and not _CLOUD_ALIAS_RE.search(provider.text),
        )
        del inherited
        out.append(cand)
        prev = cand
        state.order += 1
        if deal_type == "equity_investment":
            # "Microsoft and Nvidia will invest up to $15 billion in Anthropic": one stake each
            for other in _coinvestors(clause_txt, a, b):
                twin = replace(cand, buyer=parties[other], order=state.order)
                if not _EACH_RE.search(clause_txt):
                    cand.money = twin.money = None  # a joint amount is neither's own value
                out.append(twin)
                state.order += 1
    return out, attrs, parties_all


_EACH_RE = re.compile(r"\beach\b|\bapiece\b", _F)


def _coinvestors(masked: str, investor: int, investee: int) -> list[int]:
    """Parties coordinated with the investor as subjects ("⟦0⟧ and ⟦1⟧ will invest")."""
    out = []
    for m in re.finditer(r"⟦(\d+)⟧\s*(?:,|and|&|,\s*and)\s*⟦(\d+)⟧", masked):
        x, y = int(m.group(1)), int(m.group(2))
        if investor in (x, y):
            other = y if x == investor else x
            if other not in (investor, investee) and other not in out:
                out.append(other)
    return out


def _orientation_hints(
    unit: str, ents: list[tuple[int, int, Company]], hints: dict[tuple[str, str], float]
) -> None:
    """Role grammar of a sentence that names two companies without reporting a deal ("X will
    run its workloads at Y's campus") still says who rents from whom."""
    masked, parties, _, _ = _mask(unit, ents)
    n = len(parties)
    if n < 2 or n > 3:
        return
    pair, buy, prov, _ = _role_scores(masked, n)
    for a in range(n):
        for b in range(n):
            if a == b or parties[a].company.name == parties[b].company.name:
                continue
            g = pair.get((a, b), 0.0) - pair.get((b, a), 0.0) + buy[a] + prov[b]
            g -= buy[b] + prov[a]
            if g >= 1.5:
                k = (parties[a].company.name, parties[b].company.name)
                hints[k] = hints.get(k, 0.0) + min(g, 3.0)


def _absorb_generic(cands: list[_Candidate]) -> list[_Candidate]:
    """A deal sentence with no word saying what is traded ("X entered into an order form
    with Y with an initial value of $6.3 billion") is the same deal as a typed one between
    the same two companies ("Under the Order Form, Y will buy X's unsold capacity"): it lends
    its value and date to that one instead of becoming a mention of its own."""
    out = []
    for c in cands:
        if c.generic:
            pair = frozenset((c.buyer.company.name, c.provider.company.name))
            other = next(
                (
                    o
                    for o in cands
                    if not o.generic
                    # a purchase is never the same deal as a stake ("will hold an
                    # investment in OpenAI" beside "OpenAI will buy $250bn of Azure")
                    and o.deal_type != "equity_investment"
                    and frozenset((o.buyer.company.name, o.provider.company.name)) == pair
                ),
                None,
            )
            if other is not None:
                if other.money is None and c.money is not None:
                    other.money, other.money_score = c.money, c.money_score
                if not other.explicit_date and c.explicit_date:
                    other.announced_on, other.explicit_date = c.announced_on, True
                other.duration = _combine_durations(other.duration, c.duration)
                for attr in ("gpu_model", "gpu_count", "power_mw"):
                    if getattr(other, attr) is None:
                        setattr(other, attr, getattr(c, attr))
                other.support += 1
                other.is_title = other.is_title and c.is_title
                continue
        out.append(c)
    return out


def _resolve_backstop_landlords(cands: list[_Candidate]) -> bool:
    """A backstop of a tenant's obligations ("Google will backstop $1.8bn of Fluidstack's lease
    obligations") is provided, in the end, to the owner of the capacity: the provider of
    the tenant's own deal in the same document, when there is one. True if any changed."""
    changed = False
    for c in cands:
        if c.deal_type != "backstop" or not c.beneficiary:
            continue
        tenant = c.provider.company.name
        lease = next(
            (
                o
                for o in cands
                if o.family == "capacity"
                and o.buyer.company.name == tenant
                and o.provider.company.name != c.buyer.company.name
            ),
            None,
        )
        if lease is not None:
            c.provider = lease.provider
            c.beneficiary = False
            changed = True
    return changed


def _confidence(c: _Candidate) -> float:
    """Additive score, clipped to [0.05, 0.99]:

    0.35 two parties and a deal cue; +0.20 roles from grammar; +0.15 a value;
    +0.10 a deal noun with a signing verb; +0.05 duration/GPU/power; +0.05 two or more
    supporting sentences; -0.15 a party from an anaphor; -0.15 a recap of an older deal."""
    score = 0.35
    score += 0.20 if c.grammar else 0.0
    score += 0.15 if c.money is not None else 0.0
    score += 0.10 if c.deal_noun_and_verb else 0.0
    score += 0.05 if (c.duration or c.gpu_model or c.gpu_count or c.power_mw) else 0.0
    score += 0.05 if c.support >= 2 else 0.0
    score -= 0.15 if c.anaphora else 0.0
    score -= 0.15 if c.recap else 0.0
    return round(min(0.99, max(0.05, score)), 3)


_QUAL_RANK = {"exact": 3, "approx": 2, "at_least": 1, "up_to": 1}


def _money_key(c: _Candidate) -> tuple:
    m = c.money
    assert m is not None
    digits = len(re.sub(r"\D", "", f"{m.amount:.6g}").rstrip("0")) if m.amount else 0
    return (
        c.firm_value,  # "the contract itself is valued at $17.4bn" beats "up to $19.4bn"
        c.money_score >= 3.0,
        not c.headline,
        digits,
        _QUAL_RANK.get(m.qualifier, 0),
        -c.order,
    )


# a sentence stating the firm part of a deal whose headline figure is a ceiling
_FIRM_VALUE_RE = re.compile(
    r"\b(?:(?:contract|agreement|deal|order)\s+itself|core\s+of\s+the\s+(?:agreement|deal|contract)"
    r"|firm\s+(?:part|portion|commitment|value|contract)|(?:base|committed|guaranteed|fixed|firm)"
    r"\s+(?:contract\s+)?(?:value|amount|commitment)|initial\s+term)\b",
    _F,
)


def _merge(
    group: list[_Candidate], hints: dict[tuple[str, str], float] | None = None
) -> _Candidate:
    """One candidate from several sentences about the same deal. ``hints`` are orientation
    votes (buyer, provider) from sentences about the same parties that carried no deal."""
    body = [c for c in group if not c.is_title] or group

    def strength(c: _Candidate) -> tuple:
        extras = sum(x is not None for x in (c.duration, c.gpu_model, c.gpu_count, c.power_mw))
        return (
            c.money is not None,
            c.grammar,
            c.deal_noun_and_verb,
            not c.anaphora,
            not c.headline,
            extras,
            -c.order,
        )

    best = max(body, key=strength)
    # roles: the orientation backed by grammar wins, else the best sentence's
    votes: dict[tuple[str, str], float] = {}
    for c in group:
        k = (c.buyer.company.name, c.provider.company.name)
        votes[k] = votes.get(k, 0.0) + (2.0 if c.grammar else 0.5) + max(c.role_margin, 0) * 0.1
    swap = False
    # other sentences' grammar only decides when no sentence of the deal itself has any
    if hints and best.family == "capacity" and not any(c.grammar for c in group):
        b0, p0 = best.buyer.company.name, best.provider.company.name
        for k in ((b0, p0), (p0, b0)):
            if hints.get(k):
                votes[k] = votes.get(k, 0.0) + hints[k]
    top = max(votes.items(), key=lambda kv: kv[1])[0]
    if (best.buyer.company.name, best.provider.company.name) != top:
        flipped = [c for c in body if (c.buyer.company.name, c.provider.company.name) == top]
        if flipped:
            best = max(flipped, key=strength)
        else:
            swap = True
    merged = replace(
        best,
        support=len({(c.sent_start, c.is_title) for c in group}),
        origin=min(group, key=lambda c: c.order).sent_start,
    )
    with_money = [c for c in group if c.money is not None]
    if with_money:
        src = max(with_money, key=_money_key)
        merged.money, merged.money_score = src.money, src.money_score
    if any(c.deal_type == "expansion" for c in group) and merged.family == "capacity":
        merged.deal_type = "expansion"
    for c in group:
        if gpu_specificity(c.gpu_model) > gpu_specificity(merged.gpu_model):
            merged.gpu_model = c.gpu_model
    for c in sorted(group, key=lambda c: c.order):
        merged.duration = _combine_durations(merged.duration, c.duration)
    for attr in ("gpu_model", "gpu_count", "power_mw"):
        if getattr(merged, attr) is None:
            for c in sorted(group, key=lambda c: c.order):
                if getattr(c, attr) is not None:
                    setattr(merged, attr, getattr(c, attr))
                    break
    if not merged.explicit_date:
        dated = [c for c in group if c.explicit_date]
        if dated:
            merged.announced_on, merged.explicit_date = dated[0].announced_on, True
    if swap:
        merged.buyer, merged.provider = merged.provider, merged.buyer
    merged.grammar = any(c.grammar for c in group) and merged.grammar or best.grammar
    merged.anaphora = all(c.anaphora for c in group)
    merged.deal_noun_and_verb = any(c.deal_noun_and_verb for c in group)
    return merged


def _combine_durations(a: Duration | None, b: Duration | None) -> Duration | None:
    """Keep ``a``'s fields and fill its gaps (years, end date) from ``b``."""
    if a is None or b is None:
        return a or b
    if (a.years is None and b.years is not None) or (a.end_date is None and b.end_date):
        return Duration(
            a.years if a.years is not None else b.years,
            a.end_date or b.end_date,
            "; ".join(t for t in (a.text, b.text) if t),
        )
    return a


def _enrich(c: _Candidate, attrs: _Attrs, with_value: bool) -> None:
    if with_value and c.money is None and attrs.money is not None and attrs.money_score >= 2.0:
        c.money, c.money_score = attrs.money, attrs.money_score - 1.0
    elif (
        c.money is not None
        and c.money.qualifier == "up_to"
        and attrs.money is not None
        and attrs.money.qualifier in ("exact", "approx")
        and (attrs.money.usd or 0) < (c.money.usd or 0)
        and _FIRM_VALUE_RE.search(attrs._plain)
    ):  # "worth up to $27 billion ... The core of the agreement is $12 billion"
        c.money, c.money_score, c.firm_value = attrs.money, attrs.money_score, True
    c.duration = _combine_durations(c.duration, attrs.duration)
    if gpu_specificity(attrs.gpu_model) > gpu_specificity(c.gpu_model):
        c.gpu_model = attrs.gpu_model
    if c.gpu_count is None and attrs.gpu_count:
        c.gpu_count = attrs.gpu_count
    if c.power_mw is None and attrs.power_mw:
        c.power_mw = attrs.power_mw
    if not c.explicit_date and attrs.explicit_date:
        c.announced_on, c.explicit_date = attrs.date, True


def _to_mention(c: _Candidate) -> Mention:
    m = c.money
    equity = c.deal_type == "equity_investment"
    value_text = None
    if m is not None:
        value_text = m.text + (f" [{m.rate_note}]" if m.rate_note else "")
    return Mention(
        buyer=c.buyer.company.name,
        provider=c.provider.company.name,
        buyer_text=c.buyer.text,
        provider_text=c.provider.text,
        deal_type=c.deal_type,
        value_usd=round(m.usd, 2) if m is not None and m.usd is not None else None,
        value_qualifier=m.qualifier if m is not None else None,
        value_text=value_text,
        currency=m.currency if m is not None else None,
        duration_years=c.duration.years if c.duration else None,
        end_date=c.duration.end_date if c.duration else None,
        gpu_model=None if equity else c.gpu_model,
        gpu_count=None if equity else c.gpu_count,
        power_mw=None if equity else c.power_mw,
        announced_on=c.announced_on,
        evidence=c.evidence,
        evidence_start=c.sent_start,
        evidence_end=c.sent_end,
        confidence=_confidence(c),
    )


def _as_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _same_text(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return norm(a) == norm(b)


_OPINION_RE = re.compile(
    r"^\W*(?:opinion|comment|commentary|column|editorial|op-?ed|viewpoint|guest\s+column"
    r"|letters?(?:\s+to\s+the\s+editor)?)\s*[:|\u2013\u2014-]",
    _F,
)


# =========================================================================== public API
def extract_mentions(
    text: str,
    *,
    title: str | None = None,
    published_at: date | datetime | None = None,
    gazetteer: Gazetteer | None = None,
    decisions: list[tuple[Mention, Decision]] | None = None,
    rejections: list[tuple[str, frozenset[str], str]] | None = None,
) -> list[Mention]:
    """Deal mentions in ``text`` (one per distinct deal), in order of first evidence.

    Candidates the document-level pass (:mod:`pipelines.extract.docpass`) judges not to be
    news of this document (recaps, background, tallies, declined deals) are dropped; pass a
    list as ``decisions`` to receive every candidate with its status and deciding rule, and
    as ``rejections`` to receive each sentence naming two companies that a sentence filter
    turned down, with the filter's name."""
    gaz = gazetteer or Gazetteer.load()
    published = _as_date(published_at)
    head = (title or "").strip() or text.lstrip()[:200]
    if _OPINION_RE.match(head) or _OPINION_RE.match(text.lstrip()[:200]):
        return []  # an opinion piece discusses deals, it does not report them
    norm = text.translate(_NORM)
    state = _DocState(published=published)
    sentences = split_sentences(norm)
    names = DocumentNames(gaz, norm, title.translate(_NORM).strip() if title else None)
    ents_all = names.find(norm)

    units: list[tuple[str, int, int, str, list[tuple[int, int, Company]], bool, bool]] = []
    headline_at = -1
    if title and title.strip():
        t_norm = title.translate(_NORM).strip()
        first = norm[sentences[0][0] : sentences[0][1]] if sentences else ""
        t_ents = names.find(t_norm)
        if t_ents:
            state.primary = t_ents[0][2]
        if not _same_text(first, t_norm):
            units.append((t_norm, 0, 0, title.strip(), t_ents, True, True))
        elif sentences:
            headline_at = sentences[0][0]
    ei = 0
    for s, e in sentences:
        while ei < len(ents_all) and ents_all[ei][0] < s:
            ei += 1
        j = ei
        sent_ents = []
        while j < len(ents_all) and ents_all[j][1] <= e:
            a, b, co = ents_all[j]
            sent_ents.append((a - s, b - s, co))
            j += 1
        units.append((norm[s:e], s, e, text[s:e], sent_ents, False, s == headline_at))
    if state.primary is None:
        for _, _, _, _, ents, _, _ in units[:3]:
            if ents:
                state.primary = ents[0][2]
                break

    title_rumour = bool(title and _is_hard_negative(title.translate(_NORM)))
    last_cand: _Candidate | None = None
    since_last = 99
    # a value stated before its deal ("The initial value of the Order is $6.3 billion." then
    # "Under the Order, X will buy ..."): (parties named, attributes, unit number)
    pending: tuple[set[str], _Attrs, int] | None = None
    for n_unit, (unit, s, e, evidence, ents, is_title, headline) in enumerate(units):
        since_last += 1
        if pending is not None and n_unit - pending[2] > 3:
            pending = None
        if not ents:
            if (
                not state.candidates
                and not is_title
                and _DEAL_REF_RE.search(unit)
                and MONEY_HINT_RE.search(unit)
                and not _is_hard_negative(unit)
            ):
                cleaned, _ = _mask_recap_clauses(unit)
                pattrs = _attrs(cleaned, published)
                if pattrs.money is not None and pattrs.money_score >= 3.0:
                    pending = (set(), pattrs, n_unit)
            if DEAL_NOUN_RE.search(unit) and not _is_hard_negative(unit):
                d, explicit = announced_date(unit, published)
                if explicit and state.doc_date is None and not past_anchor(unit, published):
                    state.doc_date = d
            # continuation: "The agreement runs through 2031 and covers 4,096 H200s."
            if last_cand is not None and since_last <= 3 and not _is_hard_negative(unit):
                cleaned, _ = _mask_recap_clauses(unit)
                if not past_anchor(cleaned, published) and not _RECAP_SENTENCE_RE.search(unit):
                    deal_ref = bool(_DEAL_REF_RE.search(unit))
                    cattrs = _attrs(cleaned, published)
                    # "Total base rent over the initial term is about $900 million."
                    strong_value = bool(
                        MONEY_HINT_RE.search(unit)
                        and cattrs.money is not None
                        and cattrs.money_score >= 3.0
                    )
                    if (
                        deal_ref
                        or strong_value
                        or (since_last <= 2 and _CONTINUATION_RE.search(unit))
                    ):
                        _enrich(last_cand, cattrs, with_value=deal_ref or strong_value)
                if _EXPANSION_LINK_RE.search(unit) and last_cand.family == "capacity":
                    # "The expansion builds on a 200MW agreement signed in 2024."
                    last_cand.deal_type = "expansion"
            continue
        # the time of the main clause decides: asides ("which raised $1bn last year") and
        # recap clauses do not make the sentence a recap
        main, _ = _mask_recap_clauses(_ASIDE_RE.sub(" ", unit))
        anchor = past_anchor(main, published)
        # reported speech backshifts the tense: "X said it had signed" is news, not a recap
        if _REPORTING_RE.search(main):
            main = _HAD_RE.sub("has ", main)
        recap = bool(
            (anchor or _RECAP_SENTENCE_RE.search(main))
            and not _FRESH_RE.search(unit)
            # "enlarged the agreement they signed in November": the past is the original's
            and not EXPANDS_AGREEMENT_RE.search(unit)
        )
        cands, attrs, parties = _analyze_unit(
            unit, s, e, evidence, ents, state, is_title, recap, headline
        )
        if not cands and not is_title and len(parties) >= 2 and not _is_hard_negative(unit):
            state.hint_units.append((unit, ents, frozenset(p.company.name for p in parties)))
        if cands:
            if pending is not None:
                for c in cands:
                    if c.money is None and pending[0] <= {
                        c.buyer.company.name,
                        c.provider.company.name,
                    }:
                        _enrich(c, pending[1], with_value=True)
                pending = None
            state.candidates.extend(cands)
            last_cand = cands[-1]
            since_last = 0
        elif (
            not state.candidates
            and attrs is not None
            and not recap
            and not is_title
            and attrs.money is not None
            and attrs.money_score >= 3.0
        ):
            pending = ({p.company.name for p in parties}, attrs, n_unit)
        elif state.candidates and attrs is not None and not recap:
            # a sentence naming only the parties of an earlier mention adds detail to it
            names = {p.company.name for p in parties}
            target = next(
                (
                    c
                    for c in reversed(state.candidates)
                    if names <= {c.buyer.company.name, c.provider.company.name}
                    and (len(names) > 1 or since_last <= 3)
                ),
                None,
            )
            if target is not None:
                strong_value = attrs.money is not None and attrs.money_score >= 3.0
                _enrich(target, attrs, with_value=bool(_DEAL_REF_RE.search(unit)) or strong_value)
        if parties and not is_title:
            state.prev_subject = parties[0].company

    cands = state.candidates
    if title_rumour:
        cands = [c for c in cands if not c.is_title and c.deal_noun_and_verb]
    # background recaps of older deals never become mentions (not even alone)
    if decisions is not None:
        decisions.extend(
            (_to_mention(c), Decision("recap", "past_anchor_in_sentence")) for c in cands if c.recap
        )
    cands = [c for c in cands if not c.recap]
    cands = _absorb_generic(cands)
    groups: dict[tuple, list[_Candidate]] = {}
    for c in cands:
        groups.setdefault(c.key, []).append(c)
    pairs = {k[0] for k in groups if k[1] == "capacity"}
    for unit, ents, names_in in state.hint_units:
        if any(pair <= names_in for pair in pairs):
            _orientation_hints(unit, ents, state.hints)
    merged = [_merge(g, state.hints) for g in groups.values()]
    if _resolve_backstop_landlords(merged):
        regroup: dict[tuple, list[_Candidate]] = {}
        for c in merged:
            regroup.setdefault(c.key, []).append(c)
        merged = [g[0] if len(g) == 1 else _merge(g) for g in regroup.values()]
    # a title-only candidate is kept only if the body does not mention its parties at all
    body_names = {co.name for _, _, co in ents_all}
    merged = [
        c
        for c in merged
        if not c.is_title
        or not ({c.buyer.company.name, c.provider.company.name} <= body_names)
        or c.support > 1
    ]
    for c in merged:
        if not c.explicit_date:
            # deals introduced in one sentence were announced together
            sib = next(
                (o for o in merged if o is not c and o.explicit_date and o.origin == c.origin),
                None,
            )
            if sib is not None:
                c.announced_on = sib.announced_on
            elif state.doc_date is not None:
                c.announced_on = state.doc_date
    _split_joint_amounts(units, merged, published)
    if rejections is not None:
        rejections.extend(state.rejections)
    found = _discourse_candidate(units, merged, state)
    if found is not None:
        merged.append(found)
    merged.sort(key=lambda c: (c.is_title, c.sent_start, c.order))
    view = _document_view(title, published, units, merged)
    kept = []
    for c, cv in zip(merged, view.candidates, strict=True):
        decision = decide(cv, view)
        if decisions is not None:
            decisions.append((_to_mention(c), decision))
        if decision.status == NEW:
            kept.append(c)
    return [_to_mention(c) for c in kept]


def _split_joint_amounts(units: list, merged: list[_Candidate], published: date | None) -> None:
    """Stakes announced with a joint amount ("Microsoft and Nvidia will invest up to $15
    billion") take their own amounts from a later sentence that splits it ("Nvidia will
    contribute as much as $10 billion and Microsoft as much as $5 billion"): a sentence
    where two of the investors are each followed by an amount."""
    open_stakes = {
        c.buyer.company.name: c
        for c in merged
        if c.deal_type == "equity_investment" and c.money is None and not c.is_title
    }
    if len(open_stakes) < 2:
        return
    for unit, s, _e, _ev, ents, is_title, _h in units:
        if is_title:
            continue
        amounts: dict[str, Money] = {}
        for i, (_a, b, co) in enumerate(ents):
            if co.name not in open_stakes or s < open_stakes[co.name].sent_start:
                continue
            stop = ents[i + 1][0] if i + 1 < len(ents) else len(unit)
            found = find_money(unit[b : min(stop, b + 60)], published)
            if found:
                amounts[co.name] = found[0]
        if len(amounts) >= 2:
            for name, money in amounts.items():
                stake = open_stakes[name]
                stake.money, stake.money_score = money, 3.0
            return


# "This $21B expansion suggests ...": a deal referred to by its size, its parties named in
# an earlier sentence of commentary
_DEAL_ANAPHOR_RE = re.compile(
    r"\b(?:this|that|the|this\s+week's|today's)\s+(?:(?:new|latest|fresh|reported|roughly|about"
    r"|approximately|~)\s+)?(?:[$€£]\s?[\d.,]+\s*(?:bn|billion|b|tn|trillion)?|(?:\w+-)?"
    r"(?:billion|trillion)-dollar)\s+(?:[\w-]+\s+)?(?P<noun>expansion|deal|contract|agreement"
    r"|commitment|order|top-up|add-on|extension|pact|upsizing)\b",
    _F,
)


def _discourse_candidate(
    units: list, merged: list[_Candidate], state: _DocState
) -> _Candidate | None:
    """A deal told across sentences, as newsletters and commentary do: the headline or an
    early sentence names two companies without a deal ("Meta is going all in on
    CoreWeave"), a later sentence names the deal only by its size ("This $21B expansion
    suggests ..."). When no sentence of the document states a deal between that pair, the
    two are read together: roles from the companies' kinds (a lab or hyperscaler rents from
    a neocloud), the value and type from the anaphoric sentence."""
    pair_unit = None
    for unit, s, e, evidence, ents, is_title, _headline in units:
        names = {co.name: co for _, _, co in ents}
        if pair_unit is None:
            if len(names) == 2 and not _is_hard_negative(unit):
                pair_unit = (list(names.values()), s)
            continue
        a, b = pair_unit[0]
        if is_title or {n for n in names} - {a.name, b.name} or _is_hard_negative(unit):
            continue  # another company's sentence, or a title, or talk of a deal
        m = _DEAL_ANAPHOR_RE.search(unit)
        if m is None:
            continue
        key = frozenset((a.name, b.name))
        if any(c.key[0] == key for c in merged):
            return None  # the pair's deal is stated somewhere: nothing to reconstruct
        prior = _prior(_RANK_CAPACITY, a, b)
        if prior == 0.0:
            return None  # no telling who rents from whom
        buyer, provider = (a, b) if prior > 0 else (b, a)
        attrs = _attrs(unit, state.published)
        if attrs.money is None:
            return None
        expansion = m.group("noun").lower() in ("expansion", "top-up", "add-on", "extension",
                                                 "upsizing")  # fmt: skip
        return _Candidate(
            buyer=_Party(buyer, buyer.name, 0),
            provider=_Party(provider, provider.name, 0),
            deal_type="expansion" if expansion else "capacity_contract",
            money=attrs.money,
            money_score=attrs.money_score,
            duration=attrs.duration,
            gpu_model=attrs.gpu_model,
            gpu_count=attrs.gpu_count,
            power_mw=attrs.power_mw,
            announced_on=attrs.date,
            explicit_date=attrs.explicit_date,
            sent_start=s,
            sent_end=e,
            evidence=evidence,
            grammar=False,
            recap=False,
            anaphora=True,
            is_title=False,
            deal_noun_and_verb=False,
            headline=False,
            order=state.order,
            origin=pair_unit[1],
        )
    return None


_LIST_ITEM_START_RE = re.compile(r"^\s*(?:[-*•·▪]|\d{1,2}[.)])\s+")
LEAD_SENTENCES = 2  # body sentences naming a company that count as the lead


def _document_view(
    title: str | None, published: date | None, units: list, merged: list[_Candidate]
) -> DocumentView:
    """The document as the document-level rules read it: headline and lead companies,
    whether it is a wrap-up of several deals, and each candidate's sentence and date."""
    title_cos: set[str] = set()
    lead_cos: set[str] = set()
    lead_seen = 0
    lead_text: list[str] = []
    for _unit, _s, _e, _ev, ents, is_title, headline in units:
        if is_title or headline:  # the title, or the body's first line when it repeats it
            title_cos |= {co.name for _, _, co in ents}
    # a headline naming both parties leaves the lead one sentence to add to it
    lead_n = 1 if len(title_cos) >= 2 else LEAD_SENTENCES
    for unit, _s, _e, _ev, ents, is_title, headline in units:
        names = {co.name for _, _, co in ents}
        if is_title or headline:
            continue
        if len(lead_text) < LEAD_SENTENCES + 2:
            lead_text.append(unit)
        if names and lead_seen < lead_n:
            lead_cos |= names
            lead_seen += 1
    listed = {
        c.key
        for c in merged
        if not c.is_title and _LIST_ITEM_START_RE.match(c.evidence) is not None
    }
    view = DocumentView(
        published=published,
        title=title or "",
        title_companies=frozenset(title_cos),
        lead_companies=frozenset(lead_cos),
        roundup=is_roundup(title or "", " ".join(lead_text), len(listed)),
    )
    for c in merged:
        view.candidates.append(
            CandidateView(
                pair=Pair(c.buyer.company.name, c.provider.company.name),
                deal_type=c.deal_type,
                sentence=c.evidence,
                buyer_text=c.buyer.text,
                provider_text=c.provider.text,
                is_title=c.is_title or c.headline,
                explicit_date=c.explicit_date,
                announced_on=c.announced_on,
                value_text=c.money.text if c.money is not None else None,
            )
        )
    return view


def might_mention_deal(text_or_html: str, gazetteer: Gazetteer | None = None) -> bool:
    """Cheap pre-filter: True unless the text certainly holds no deal mention.

    A mention needs two distinct companies (or one plus an anaphor) and a deal cue, so this
    checks, case-insensitively, that one deal cue word stem occurs, and that a gazetteer alias
    occurs or one of the signals :mod:`pipelines.extract.entities` needs to recognise an
    unknown company (a corporate suffix, a listing, an "About" heading, an appositive "X, a
    ... company", a filing's registrant caption). Both checks are supersets of what
    :func:`extract_mentions` needs, so it never drops a document the extractor would find a
    deal in."""
    gaz = gazetteer or Gazetteer.load()
    low = text_or_html.lower()
    if not any(cue in low for cue in PREFILTER_CUES):
        return False
    if any(alias in low for alias in gaz.aliases_lower):
        return True
    # companies the gazetteer does not know are only recognised from these signals
    return might_name_company(text_or_html)
