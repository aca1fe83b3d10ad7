"""The company gazetteer: canonical names, roles and aliases from ``companies.csv``.

Matching is one compiled regex built as a character trie over every alias (fast on long
texts: no per-alias scan), case-insensitive, with word boundaries on both sides; the
longest alias at a position wins and hits never overlap. Case rules then drop false hits:

* an alias matches as written ("Meta", "xAI", "AMD"), in capitals ("NVIDIA", "META" in a
  shouting headline), or - for mixed-case names like "CoreWeave" - capitalised only
  ("Coreweave"); all-caps aliases of 4+ letters also match title case ("Iren");
* so "metadata", "meta-analysis" in lower case, "cohere", "oracle" (lower case) never match;
* a few phrases are blocked outright (``BLOCKED``): "Lambda function", "AWS Lambda" (an
  Amazon product, not the Lambda cloud), "Amazon rainforest"...

"Lambda" the company versus a capitalised "Lambda" meaning something else is accepted risk.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

ROLES = ("hyperscaler", "neocloud", "chipmaker", "ai_lab", "other")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "companies.csv"
HEADER = ["company", "role", "ticker", "cik", "aliases"]

# Phrases that look like an alias but are not the company (mapped to None), or that belong
# to another company than their head word suggests.
BLOCKED: dict[str, str | None] = {
    "Lambda function": None,
    "Lambda functions": None,
    "lambda calculus": None,
    "Amazon rainforest": None,
    "Amazon River": None,
    "Amazon basin": None,
    "Oracle of Omaha": None,
    "Meta description": None,
    "Meta tags": None,
    "Meta tag": None,
    "AWS Lambda": "Amazon",
    "Amazon Lambda": "Amazon",
    "Azure Lambda": "Microsoft",
}


class GazetteerError(ValueError):
    """A bad row in the companies file: the message names file, line and field."""


@dataclass(frozen=True)
class Company:
    name: str
    role: str
    ticker: str | None
    cik: int | None
    aliases: tuple[str, ...]


def _trie_regex(words: list[str]) -> str:
    """A regex matching any of ``words`` (lower-cased), longest first, as a trie."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = []
        for ch in sorted(k for k in node if k):
            branches.append(re.escape(ch) + build(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            # optional continuation; greedy, so the longest alias wins
            return f"(?:{body})?"
        return body

    return build(trie)


def _case_ok(alias: str, found: str) -> bool:
    if found == alias:
        return True
    letters = [c for c in alias if c.isalpha()]
    if not letters:
        return found.lower() == alias.lower()
    if alias[0].islower():
        return False  # xAI only as written ("XAI" is usually "explainable AI")
    if found == alias.upper() and sum(c.isalpha() for c in found) >= 3:
        return True
    if alias.isupper():
        # IREN -> Iren, but AMD/AWS/OCI only as written
        return len(letters) >= 4 and found == alias.capitalize()
    if alias[0].isupper() and any(c.isupper() for c in alias[1:]):
        # CoreWeave -> Coreweave, OpenAI -> Openai; each word capitalised
        return found == " ".join(w[:1].upper() + w[1:].lower() for w in alias.split(" "))
    if alias[0].isupper():
        # Meta Platforms -> Meta platforms is not accepted, but "Facebook Parent" is.
        return found.title() == found and found.lower() == alias.lower()
    return False


class Gazetteer:
    """Companies and their aliases; ``find`` locates them in text."""

    def __init__(self, companies: list[Company], source: str = "<memory>"):
        self.companies: tuple[Company, ...] = tuple(companies)
        self.source = source
        self._by_name: dict[str, Company] = {}
        self._alias_to: dict[str, tuple[str, Company | None]] = {}  # lower alias -> (alias, co)
        for co in self.companies:
            self._by_name[co.name.lower()] = co
            for alias in (co.name, *co.aliases):
                key = alias.lower()
                prev = self._alias_to.get(key)
                if prev is not None and prev[1] is not None and prev[1].name != co.name:
                    raise GazetteerError(
                        f"{source}: alias {alias!r} names both {prev[1].name!r} and {co.name!r}"
                    )
                self._alias_to[key] = (alias, co)
        for phrase, target in BLOCKED.items():
            co = self._by_name.get(target.lower()) if target else None
            self._alias_to[phrase.lower()] = (phrase, co)
        pattern = _trie_regex(sorted(self._alias_to))
        self._rx = re.compile(rf"(?<![\w@#])(?:{pattern})(?![\w])", re.IGNORECASE)
        self.aliases_lower: tuple[str, ...] = tuple(
            sorted({k for k, (_, co) in self._alias_to.items() if co is not None}, key=len)
        )

    # ----------------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Read ``companies.csv`` (default: the dbt seed). Bad rows raise GazetteerError."""
        return _load_cached(Path(path) if path else DEFAULT_PATH)

    # ----------------------------------------------------------------------- lookups
    def find(self, text: str) -> list[tuple[int, int, Company]]:
        """Non-overlapping company hits ``(start, end, company)`` in text order."""
        out: list[tuple[int, int, Company]] = []
        for m in self._rx.finditer(text):
            found = m.group(0)
            alias, co = self._alias_to[found.lower()]
            if co is None:
                continue
            if not _case_ok(alias, found) and not (
                alias in BLOCKED and found.lower() == alias.lower()
            ):
                continue
            out.append((m.start(), m.end(), co))
        return out

    def get(self, name: str) -> Company:
        """The company by canonical name or alias (case-insensitive); KeyError if unknown."""
        co = self._by_name.get(name.lower())
        if co is None:
            hit = self._alias_to.get(name.lower())
            co = hit[1] if hit else None
        if co is None:
            raise KeyError(f"unknown company {name!r} (not in {self.source})")
        return co

    def role(self, name: str) -> str:
        return self.get(name).role

    def __len__(self) -> int:
        return len(self.companies)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._by_name


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path) -> Gazetteer:
    src = str(path)
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise GazetteerError(f"{src}: cannot open gazetteer: {exc}") from exc
    companies: list[Company] = []
    seen: dict[str, int] = {}
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != HEADER:
            raise GazetteerError(f"{src}:1: header must be {','.join(HEADER)}, got {header}")
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(HEADER):
                raise GazetteerError(
                    f"{src}:{line}: expected {len(HEADER)} fields, got {len(row)}: {row}"
                )
            name, role, ticker, cik, aliases = (c.strip() for c in row)
            if not name:
                raise GazetteerError(f"{src}:{line}: field 'company' is empty")
            if name.lower() in seen:
                raise GazetteerError(
                    f"{src}:{line}: field 'company': {name!r} already defined on line "
                    f"{seen[name.lower()]}"
                )
            if role not in ROLES:
                raise GazetteerError(
                    f"{src}:{line}: field 'role': {role!r} is not one of {', '.join(ROLES)}"
                )
            cik_value: int | None = None
            if cik:
                if not cik.isdigit() or int(cik) <= 0:
                    raise GazetteerError(
                        f"{src}:{line}: field 'cik': {cik!r} is not a positive integer"
                    )
                cik_value = int(cik)
            alias_list = tuple(a.strip() for a in aliases.split("|") if a.strip())
            if aliases and len(alias_list) != len(aliases.split("|")):
                raise GazetteerError(f"{src}:{line}: field 'aliases': empty alias in {aliases!r}")
            seen[name.lower()] = line
            companies.append(Company(name, role, ticker or None, cik_value, alias_list))
    if not companies:
        raise GazetteerError(f"{src}: no companies")
    return Gazetteer(companies, source=src)
