"""Cue vocabulary: the words and patterns that say a sentence is about a deal, equity, a
backstop, an expansion, a recap, a rumour, capex, a launch, M&A, financing or property, and
the anaphors that refer back to a company or deal.

Part of the deal extractor; the method is described in docs/extraction.md."""

from __future__ import annotations

import re

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
